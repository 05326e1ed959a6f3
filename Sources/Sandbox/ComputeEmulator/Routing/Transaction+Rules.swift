import ArmEmulator

/// Compute's semantic rules (no schema states them; each cites where it comes from) and the NEG endpoint verbs.
extension Transaction {
    /// Checks `body` for the resource at `path` and fills what the server fills (addresses, defaults).
    mutating func validate(_ path: ComputePath, _ body: inout JSON, existing: StoredResource? = nil) throws {
        switch path.collection {
        case "subnetworks":
            let network = try reference(body, "network")!
            guard let cidr = body["ipCidrRange"]?.stringValue, let range = IPv4Range(cidr) else {
                throw ComputeError.invalid("Invalid value for field 'resource.ipCidrRange': '\(body["ipCidrRange"]?.stringValue ?? "")'. Invalid IPv4 CIDR range.")
            }
            let purpose = body["purpose"]?.stringValue ?? "PRIVATE"
            guard ["PRIVATE", "PRIVATE_SERVICE_CONNECT"].contains(purpose) else {
                throw ComputeError.invalid("Invalid value for field 'resource.purpose': '\(purpose)'.")
            }
            if let region = body["region"]?.stringValue, ComputePath.relative(region).split(separator: "/").last.map(String.init) != path.region {
                throw ComputeError.invalid("Invalid value for field 'resource.region': '\(region)'. It must be the region of the request.")
            }
            body["region"] = nil
            for other in world.all("subnetworks") where other.path != path && other.body["network"]?.stringValue == network.path.description {
                if let theirs = other.body["ipCidrRange"]?.stringValue.flatMap(IPv4Range.init), theirs.overlaps(range) {
                    throw ComputeError.invalid("Invalid IPCidrRange: \(cidr) conflicts with existing subnetwork '\(other.path.name ?? "")' in region '\(other.path.region ?? "")'.")
                }
            }
            if let existing, existing.body["ipCidrRange"] != body["ipCidrRange"] || existing.body["purpose"] != body["purpose"] {
                throw ComputeError.invalid("The ipCidrRange and purpose of subnetwork '\(path)' cannot change in place")
            }
            body["gatewayAddress"] = nil
        case "firewalls":
            _ = try reference(body, "network")
            guard let allowed = body["allowed"]?.arrayValue ?? body["denied"]?.arrayValue, !allowed.isEmpty,
                allowed.allSatisfy({ $0["IPProtocol"]?.stringValue != nil })
            else { throw ComputeError.invalid("Invalid value for field 'resource.allowed': every rule needs an IPProtocol.") }
            if body["direction"] == nil { body["direction"] = "INGRESS" }
            if body["priority"] == nil { body["priority"] = 1000 }
        case "instances":
            try validateInstance(path, &body)
        case "networkEndpointGroups":
            let type = body["networkEndpointType"]?.stringValue ?? ""
            guard ["GCE_VM_IP_PORTMAP", "GCE_VM_IP", "GCE_VM_IP_PORT", "INTERNET_IP_PORT"].contains(type) else {
                throw ComputeError.invalid("Invalid value for field 'resource.networkEndpointType': '\(type)'.")
            }
            _ = try reference(body, "network")
            let subnet = try reference(body, "subnetwork", required: type == "GCE_VM_IP_PORTMAP")
            if subnet?.path.region != path.region { throw ComputeError.invalid("The subnetwork must be in the NEG's region \(path.region ?? "")") }
            if body["networkEndpoints"] != nil { throw ComputeError.invalid("Endpoints are added with attachNetworkEndpoints, not in the insert body") }
            body["networkEndpoints"] = []
        case "backendServices":
            for backend in body["backends"]?.arrayValue ?? [] {
                let group = try reference(backend, "group")!
                // An instance group backend needs a health check (internal passthrough load balancers).
                if group.path.collection == "instanceGroups", (body["healthChecks"]?.arrayValue ?? []).isEmpty {
                    throw ComputeError.invalid("Backend services with instance group backends require a health check.")
                }
            }
            _ = try reference(body, "network", required: false)
            for check in body["healthChecks"]?.arrayValue ?? [] where check.stringValue.flatMap({ world[$0] }) == nil {
                throw ComputeError.invalid("Invalid value for field 'resource.healthChecks': the health check does not exist.")
            }
        case "forwardingRules":
            try validateForwardingRule(path, &body)
        case "serviceAttachments":
            try validateServiceAttachment(path, body)
        case "instanceTemplates":
            try validateTemplate(path, &body)
        case "instanceGroupManagers":
            try validateGroupManager(path, &body, existing: existing)
        case "healthChecks":
            guard let type = body["type"]?.stringValue, ["TCP", "HTTP", "HTTPS", "SSL", "HTTP2", "GRPC"].contains(type) else {
                throw ComputeError.invalid("Invalid value for field 'resource.type': '\(body["type"]?.stringValue ?? "")'.")
            }
            if type == "TCP", body["tcpHealthCheck"]?["port"]?.intValue == nil, body["tcpHealthCheck"]?["portSpecification"]?.stringValue != "USE_SERVING_PORT" {
                throw ComputeError.invalid("A TCP health check needs tcpHealthCheck.port or portSpecification USE_SERVING_PORT.")
            }
            body["region"] = nil
        default:
            break
        }
    }

    private mutating func validateInstance(_ path: ComputePath, _ body: inout JSON) throws {
        guard var nics = body["networkInterfaces"]?.arrayValue, !nics.isEmpty else {
            throw ComputeError.invalid("Invalid value for field 'resource.networkInterfaces': at least one network interface is required.")
        }
        for index in nics.indices {
            var nic = nics[index]
            guard let subnet = try reference(nic, "subnetwork") else { continue }
            if subnet.path.region != path.region {
                throw ComputeError.invalid("The subnetwork \(subnet.path) is not in the instance's region \(path.region ?? "")")
            }
            if subnet.body["purpose"]?.stringValue == "PRIVATE_SERVICE_CONNECT" {
                throw ComputeError.invalid("Subnetwork \(subnet.path) has purpose PRIVATE_SERVICE_CONNECT and cannot host instances")
            }
            if nic["network"] == nil { nic["network"] = subnet.body["network"] }
            let range = subnet.body["ipCidrRange"]?.stringValue.flatMap(IPv4Range.init)
            let used = usedAddresses()
            if let ip = nic["networkIP"]?.stringValue {
                guard range?.contains(ip) == true else { throw ComputeError.invalid("Requested internal IP address \(ip) is outside the subnetwork's range") }
                guard !used.contains(ip) else { throw ComputeError.invalid("IP address '\(ip)' is already being used by another resource.") }
            } else if let free = range?.firstFree(excluding: used) {
                nic["networkIP"] = .string(free)
            }
            nic["name"] = .string("nic\(index)")
            if var configs = nic["accessConfigs"]?.arrayValue {
                for i in configs.indices { configs[i]["natIP"] = .string("34.83.\(world.next() % 250).\(10 + i)") }
                nic["accessConfigs"] = .array(configs)
            }
            nics[index] = nic
        }
        body["networkInterfaces"] = .array(nics)
        // As Compute: the boot disk is created from `initializeParams` (creation-only) and the instance shows the
        // attached disk.
        if case .zone(let zone) = path.scope {
            body["disks"] = .array((body["disks"]?.arrayValue ?? []).enumerated().map { index, disk in
                let name = index == 0 ? path.name ?? "disk" : "\(path.name ?? "disk")-\(index)"
                return [
                    "boot": disk["boot"] ?? false, "autoDelete": disk["autoDelete"] ?? false, "index": .number(Double(index)),
                    "deviceName": .string(name), "type": "PERSISTENT", "mode": "READ_WRITE",
                    "source": .string("projects/\(path.project)/zones/\(zone)/disks/\(name)"),
                ]
            })
        }
        body["status"] = "RUNNING"
    }

    private mutating func validateForwardingRule(_ path: ComputePath, _ body: inout JSON) throws {
        if let target = body["target"]?.stringValue {
            // A PSC endpoint (consumer side): targets a service attachment, from any project, with its own address.
            guard let attachment = world[target], attachment.path.collection == "serviceAttachments" else {
                throw ComputeError.invalid("Invalid value for field 'resource.target': '\(target)'. The service attachment does not exist.")
            }
            _ = try reference(body, "network")
            guard let ip = body["IPAddress"]?.stringValue, IPv4Range.address(ip) != nil else {
                throw ComputeError.invalid("Invalid value for field 'resource.IPAddress': a PSC endpoint needs an internal IP address.")
            }
            body["pscConnectionId"] = .string(String(90_000_000_000 + UInt64(world.next())))
            return
        }
        let scheme = body["loadBalancingScheme"]?.stringValue ?? "EXTERNAL"
        let ports = [body["allPorts"]?.boolValue == true, body["ports"] != nil, body["portRange"] != nil].filter { $0 }.count
        if ports > 1 { throw ComputeError.invalid("Only one of ports, portRange and allPorts may be set.") }
        if body["allPorts"]?.boolValue == true, !["TCP", "UDP", "SCTP", "L3_DEFAULT"].contains(body["IPProtocol"]?.stringValue ?? "TCP") {
            throw ComputeError.invalid("allPorts requires IPProtocol TCP, UDP, SCTP or L3_DEFAULT.")
        }
        guard scheme == "INTERNAL" else { return }
        _ = try reference(body, "backendService")
        guard let subnet = try reference(body, "subnetwork") else { return }
        if subnet.body["purpose"]?.stringValue == "PRIVATE_SERVICE_CONNECT" {
            throw ComputeError.invalid("Subnetwork \(subnet.path) has purpose PRIVATE_SERVICE_CONNECT and cannot host forwarding rules")
        }
        if body["network"] == nil { body["network"] = subnet.body["network"] }
        let range = subnet.body["ipCidrRange"]?.stringValue.flatMap(IPv4Range.init)
        if let ip = body["IPAddress"]?.stringValue {
            guard range?.contains(ip) == true else { throw ComputeError.invalid("IPAddress \(ip) is outside the subnetwork's range") }
        } else if let free = range?.firstFree(excluding: usedAddresses()) {
            body["IPAddress"] = .string(free)
        }
        if body["IPProtocol"] == nil { body["IPProtocol"] = "TCP" }
        if body["networkTier"] == nil { body["networkTier"] = "PREMIUM" }
    }

    private func validateServiceAttachment(_ path: ComputePath, _ body: JSON) throws {
        let target = try reference(body, "targetService")!
        guard target.path.collection == "forwardingRules" else { throw ComputeError.invalid("targetService must be a forwarding rule") }
        let preference = body["connectionPreference"]?.stringValue ?? ""
        guard ["ACCEPT_AUTOMATIC", "ACCEPT_MANUAL"].contains(preference) else {
            throw ComputeError.invalid("Invalid value for field 'resource.connectionPreference': '\(preference)'.")
        }
        let lists = (body["consumerAcceptLists"]?.arrayValue ?? []) + (body["consumerRejectLists"]?.arrayValue ?? [])
        if preference == "ACCEPT_AUTOMATIC", !lists.isEmpty {
            // Terraform #17153: the API refuses accept or reject lists with automatic acceptance.
            throw ComputeError.invalid("Incorrect combination of connection preference with accept and/or reject list")
        }
        let nats = body["natSubnets"]?.arrayValue ?? []
        guard !nats.isEmpty else { throw ComputeError.invalid("Invalid value for field 'resource.natSubnets': at least one NAT subnet is required.") }
        for nat in nats {
            guard let ref = nat.stringValue, let subnet = world[ref] else { throw ComputeError.invalid("NAT subnet \(nat) does not exist") }
            guard subnet.body["purpose"]?.stringValue == "PRIVATE_SERVICE_CONNECT" else {
                throw ComputeError.invalid("NAT subnet \(subnet.path) must have purpose PRIVATE_SERVICE_CONNECT")
            }
            // A NAT subnet serves at most one service attachment (about-vpc-hosted-services).
            for other in world.all("serviceAttachments") where other.path != path {
                if other.body["natSubnets"]?.arrayValue?.contains(.string(subnet.path.description)) == true {
                    throw ComputeError.invalid("NAT subnet \(subnet.path) is already used by service attachment \(other.path)")
                }
            }
        }
    }

    /// Addresses held by instances and internal forwarding rules.
    func usedAddresses() -> Set<String> {
        var used: Set<String> = []
        for instance in world.all("instances") {
            for nic in instance.body["networkInterfaces"]?.arrayValue ?? [] { if let ip = nic["networkIP"]?.stringValue { used.insert(ip) } }
        }
        for rule in world.all("forwardingRules") { if let ip = rule.body["IPAddress"]?.stringValue { used.insert(ip) } }
        return used
    }

    // MARK: - NEG endpoints

    mutating func attach(_ path: ComputePath, body: JSON) throws -> ComputePath {
        var neg = try existing(path)
        let type = neg.body["networkEndpointType"]?.stringValue
        var endpoints = neg.body["networkEndpoints"]?.arrayValue ?? []
        for raw in body["networkEndpoints"]?.arrayValue ?? [] {
            var endpoint = Self.relativeReferences(raw)
            guard let instance = try reference(endpoint, "instance", required: type != "INTERNET_IP_PORT"), let port = endpoint["port"]?.intValue else {
                throw ComputeError.invalid("Each network endpoint needs an instance and a port.")
            }
            // Endpoint VMs need their primary NIC in the NEG's subnet, in the NEG's region (create-port-mapping-service).
            let nic = instance.body["networkInterfaces"]?.arrayValue?.first
            if instance.path.region != path.region || nic?["subnetwork"] != neg.body["subnetwork"] {
                throw ComputeError.invalid("Instance \(instance.path) must have its primary network interface in the NEG's subnetwork \(neg.body["subnetwork"]?.stringValue ?? "") (region \(path.region ?? "")).")
            }
            if type == "GCE_VM_IP_PORTMAP" {
                guard let client = endpoint["clientDestinationPort"]?.intValue else {
                    throw ComputeError.invalid("clientDestinationPort is required for GCE_VM_IP_PORTMAP endpoints.")
                }
                // A client port maps to one endpoint (unique clientDestinationPort per PORTMAP NEG).
                if endpoints.contains(where: { $0["clientDestinationPort"]?.intValue == client }) {
                    throw ComputeError.invalid("The clientDestinationPort \(client) is already used by another endpoint of \(path).")
                }
            } else if endpoint["clientDestinationPort"] != nil {
                throw ComputeError.invalid("clientDestinationPort is only valid for GCE_VM_IP_PORTMAP network endpoint groups.")
            }
            endpoint["ipAddress"] = nic?["networkIP"] ?? .null
            endpoint["instance"] = .string(instance.path.description)
            endpoint["port"] = .number(Double(port))
            endpoints.append(endpoint)
        }
        neg.body["networkEndpoints"] = .array(endpoints)
        world[path.description] = neg
        return path
    }

    mutating func detach(_ path: ComputePath, body: JSON) throws -> ComputePath {
        var neg = try existing(path)
        var endpoints = neg.body["networkEndpoints"]?.arrayValue ?? []
        for raw in body["networkEndpoints"]?.arrayValue ?? [] {
            let wanted = Self.relativeReferences(raw)
            guard let index = endpoints.firstIndex(where: { e in
                e["instance"] == wanted["instance"] && e["port"]?.intValue == wanted["port"]?.intValue
                    && (wanted["clientDestinationPort"] == nil || e["clientDestinationPort"]?.intValue == wanted["clientDestinationPort"]?.intValue)
            }) else {
                throw ComputeError.invalid("The network endpoint \(wanted.serialized()) is not in \(path).")
            }
            endpoints.remove(at: index)
        }
        neg.body["networkEndpoints"] = .array(endpoints)
        world[path.description] = neg
        return path
    }
}

/// The producer and consumer sides of Private Service Connect: which endpoints connect to an attachment and how.
enum PrivateServiceConnect {
    struct Connection {
        var endpoint: StoredResource
        var status: String
    }

    /// Every PSC endpoint that targets `attachment`, in creation order, with its status: REJECTED when its project
    /// is in the reject list; ACCEPTED with automatic acceptance, or when its project is in the accept list and
    /// under that entry's connection limit; PENDING otherwise.
    static func connections(of attachment: StoredResource, in world: World) -> [Connection] {
        let automatic = attachment.body["connectionPreference"]?.stringValue == "ACCEPT_AUTOMATIC"
        let accept = attachment.body["consumerAcceptLists"]?.arrayValue ?? []
        let reject = Set((attachment.body["consumerRejectLists"]?.arrayValue ?? []).compactMap(\.stringValue))
        var used: [String: Int] = [:]
        return world.all("forwardingRules").filter { $0.body["target"]?.stringValue == attachment.path.description }.map { endpoint in
            let project = endpoint.path.project
            if reject.contains(project) { return Connection(endpoint: endpoint, status: "REJECTED") }
            if automatic { return Connection(endpoint: endpoint, status: "ACCEPTED") }
            guard let entry = accept.first(where: { $0["projectIdOrNum"]?.stringValue == project }) else {
                return Connection(endpoint: endpoint, status: "PENDING")
            }
            let limit = entry["connectionLimit"]?.intValue ?? 0
            guard used[project, default: 0] < limit else { return Connection(endpoint: endpoint, status: "PENDING") }
            used[project, default: 0] += 1
            return Connection(endpoint: endpoint, status: "ACCEPTED")
        }
    }

    /// A consumer endpoint's `pscConnectionStatus`.
    static func status(of endpoint: StoredResource, in world: World) -> String {
        guard let target = endpoint.body["target"]?.stringValue, let attachment = world[target] else { return "CLOSED" }
        return connections(of: attachment, in: world).first { $0.endpoint.path == endpoint.path }?.status ?? "CLOSED"
    }
}
