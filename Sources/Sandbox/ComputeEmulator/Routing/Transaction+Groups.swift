import ArmEmulator

/// Instance templates and zonal managed instance groups, as Compute runs them: a group owns an unmanaged-looking
/// instance group of the same name (what a backend service points at) and `targetSize` instances named
/// `<baseInstanceName>-<4 characters>`, created from its template; `resize` adds or removes instances;
/// `setInstanceTemplate` changes only what new instances get (Compute's default OPPORTUNISTIC update: nothing is
/// replaced), and `recreateInstances` replaces the named instances from the current template under the same names.
extension Transaction {
    mutating func validateTemplate(_ path: ComputePath, _ body: inout JSON) throws {
        guard let properties = body["properties"], properties.objectValue != nil else {
            throw ComputeError.invalid("Invalid value for field 'resource.properties': ''. Required.")
        }
        guard let type = properties["machineType"]?.stringValue, !type.isEmpty, !type.contains("/") else {
            throw ComputeError.invalid("Invalid value for field 'resource.properties.machineType': a machine type name (e2-medium) is required.")
        }
        let nics = properties["networkInterfaces"]?.arrayValue ?? []
        guard !nics.isEmpty else { throw ComputeError.invalid("Invalid value for field 'resource.properties.networkInterfaces': at least one is required.") }
        for nic in nics {
            _ = try reference(nic, "network", required: false)
            if let subnet = try reference(nic, "subnetwork", required: false), let region = path.region, subnet.path.region != region {
                throw ComputeError.invalid("The subnetwork \(subnet.path) is not in the template's region \(region)")
            }
        }
        if let region = body["region"]?.stringValue, ComputePath.relative(region).split(separator: "/").last.map(String.init) != path.region {
            throw ComputeError.invalid("Invalid value for field 'resource.region': '\(region)'. It must be the region of the request.")
        }
        body["region"] = nil
    }

    mutating func validateGroupManager(_ path: ComputePath, _ body: inout JSON, existing: StoredResource?) throws {
        guard case .zone(let zone) = path.scope else { throw ComputeError.invalid("instance group managers are zonal here") }
        let template = try reference(body, "instanceTemplate")!
        guard template.path.collection == "instanceTemplates" else { throw ComputeError.invalid("instanceTemplate must be an instance template") }
        if let region = template.path.region, region != path.region {
            throw ComputeError.invalid("The regional instance template \(template.path) is not in the group's region \(path.region ?? "")")
        }
        guard let base = body["baseInstanceName"]?.stringValue, Self.isName(base), base.count <= 58 else {
            throw ComputeError.invalid("Invalid value for field 'resource.baseInstanceName': a name of at most 58 characters is required.")
        }
        guard let size = body["targetSize"]?.intValue, size >= 0 else {
            throw ComputeError.invalid("Invalid value for field 'resource.targetSize': a non-negative number is required.")
        }
        _ = size
        if let existing, existing.body["baseInstanceName"] != body["baseInstanceName"] {
            throw ComputeError.invalid("The baseInstanceName of '\(path)' cannot change.")
        }
        let group = ComputePath(project: path.project, scope: .zone(zone), collection: "instanceGroups", name: path.name)
        body["instanceGroup"] = .string(group.description)
        body["status"] = ["isStable": true]
    }

    /// After an insert or patch of a group: its instance group exists and its instances number `targetSize`.
    mutating func settleGroup(_ path: ComputePath) throws {
        guard let igm = world[path.description], case .zone(let zone) = path.scope, let name = path.name else { return }
        let groupPath = ComputePath(project: path.project, scope: .zone(zone), collection: "instanceGroups", name: name)
        if world[groupPath.description] == nil {
            let sequence = world.next()
            let network = templateNIC(igm)?["network"] ?? .null
            world[groupPath.description] = StoredResource(path: groupPath, body: [
                "name": .string(name), "id": .string(world.id(sequence)), "creationTimestamp": .string(Self.timestamp()),
                "network": network, "description": .string("This instance group is controlled by Instance Group Manager '\(name)'."),
            ], sequence: sequence)
        }
        var members = managedInstances(of: path)
        let target = igm.body["targetSize"]?.intValue ?? 0
        while members.count > target, let last = members.popLast() {
            world.resources[last.path.description] = nil
            world.managed[last.path.description] = nil
        }
        while members.count < target {
            members.append(try createManaged(by: path, name: nil))
        }
        var group = world[groupPath.description]!
        group.body["size"] = .number(Double(members.count))
        world[groupPath.description] = group
    }

    func managedInstances(of igm: ComputePath) -> [StoredResource] {
        world.managed.filter { $0.value == igm.description }.compactMap { world[$0.key] }.sorted { $0.sequence < $1.sequence }
    }

    private func templateNIC(_ igm: StoredResource) -> JSON? {
        igm.body["instanceTemplate"]?.stringValue.flatMap { world[$0] }?.body["properties"]?["networkInterfaces"]?.arrayValue?.first
    }

    /// An instance of `igm` from its current template, named `name` or a fresh `<base>-xxxx`.
    @discardableResult
    mutating func createManaged(by igm: ComputePath, name: String?) throws -> StoredResource {
        guard let manager = world[igm.description], case .zone(let zone) = igm.scope,
            let template = manager.body["instanceTemplate"]?.stringValue.flatMap({ world[$0] })
        else { throw ComputeError.invalid("The instance template of \(igm) does not exist.") }
        let properties = template.body["properties"] ?? [:]
        let base = manager.body["baseInstanceName"]?.stringValue ?? "instance"
        let instanceName = name ?? "\(base)-\(Self.suffix(world.next()))"
        var body: JSON = [
            "name": .string(instanceName), "machineType": .string("zones/\(zone)/machineTypes/\(properties["machineType"]?.stringValue ?? "e2-medium")"),
            "disks": properties["disks"] ?? [], "networkInterfaces": .array((properties["networkInterfaces"]?.arrayValue ?? []).map { nic in
                var copy = nic
                copy["networkIP"] = nil
                return copy
            }),
            "description": .string("Managed by instance group manager \(igm.name ?? "")"),
        ]
        // Compute marks a group's instance with the `created-by` metadata key, naming its group manager.
        var items = properties["metadata"]?["items"]?.arrayValue ?? []
        items.append(["key": "created-by", "value": .string(igm.description)])
        body["metadata"] = ["items": .array(items)]
        if let labels = properties["labels"] { body["labels"] = labels }
        let path = try insert(ComputePath(project: igm.project, scope: .zone(zone), collection: "instances", name: nil), body: body)
        world.managed[path.description] = igm.description
        world.createdFrom[path.description] = template.path.description
        return world[path.description]!
    }

    /// Four base-36 characters from a counter (Compute's managed names end in four random ones).
    static func suffix(_ n: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var value = (n &* 7_919) % (26 * 36 * 36 * 36)
        var out: [Character] = []
        for i in 0..<4 {
            let radix = i == 3 ? 26 : 36
            out.append(alphabet[value % radix])
            value /= radix
        }
        return String(out.reversed())
    }

    mutating func resizeGroup(_ path: ComputePath) throws -> ComputePath {
        var igm = try existing(path)
        guard let text = request.query["size"], let size = Int(text), size >= 0 else {
            throw ComputeError.invalid("Invalid value for field 'size': '\(request.query["size"] ?? "")'. Required, non-negative.")
        }
        igm.body["targetSize"] = .number(Double(size))
        igm.body["fingerprint"] = .string(world.fingerprint())
        world[path.description] = igm
        try settleGroup(path)
        return path
    }

    mutating func setGroupTemplate(_ path: ComputePath, body: JSON) throws -> ComputePath {
        var igm = try existing(path)
        var changed = igm.body
        changed["instanceTemplate"] = Self.relativeReferences(body)["instanceTemplate"] ?? .null
        try validateGroupManager(path, &changed, existing: igm)
        igm.body = changed
        igm.body["fingerprint"] = .string(world.fingerprint())
        world[path.description] = igm
        return path
    }

    mutating func recreateGroupInstances(_ path: ComputePath, body: JSON) throws -> ComputePath {
        _ = try existing(path)
        let wanted = (Self.relativeReferences(body)["instances"]?.arrayValue ?? []).compactMap(\.stringValue).map(ComputePath.relative)
        guard !wanted.isEmpty else { throw ComputeError.invalid("Invalid value for field 'instances': at least one instance is required.") }
        for instance in wanted where world.managed[instance] != path.description {
            throw ComputeError.invalid("The instance \(instance) is not managed by \(path).")
        }
        for instance in wanted {
            let name = world[instance]?.path.name
            world.resources[instance] = nil
            world.managed[instance] = nil
            try createManaged(by: path, name: name)
        }
        return path
    }

    func listManaged(_ path: ComputePath) throws -> HTTPResponse {
        let igm = try existing(path)
        let template = igm.body["instanceTemplate"]?.stringValue ?? ""
        let items = managedInstances(of: path).map { instance -> JSON in
            [
                "instance": .string(Self.selfLinkBase + instance.path.description), "id": .string(world.id(instance.sequence)),
                "instanceStatus": "RUNNING", "currentAction": "NONE",
                "version": ["instanceTemplate": .string(Self.selfLinkBase + (world.createdFrom[instance.path.description] ?? template))],
            ]
        }
        return .json(200, ["managedInstances": .array(items)])
    }

    /// Deleting a group deletes its instances and its instance group; refused while a backend service uses the group.
    mutating func deleteGroup(_ path: ComputePath) throws -> ComputePath {
        let igm = try existing(path)
        let group = igm.body["instanceGroup"]?.stringValue ?? ""
        for other in world.resources.values where other.path.description != group && other.path != path {
            if Self.mentions(other.body, group, skipping: []) { throw ComputeError.inUse(group, by: other.path.description) }
        }
        for instance in managedInstances(of: path) {
            world.resources[instance.path.description] = nil
            world.managed[instance.path.description] = nil
        }
        world.resources[group] = nil
        world.resources[path.description] = nil
        return path
    }
}
