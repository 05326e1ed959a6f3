import ReconcileModel

/// Expand-then-contract for consumer-facing ports (a load balancer's rules).
///
/// Consumers connect to the ports the brokers advertise. Moving a broker to a new port in one step would break
/// them between the cloud change and the broker's restart, so the change is split:
/// 1. **expand** (before the broker configs are written): the desired body plus every old port element that
///    the desired body drops or moves. An element whose port moved keeps working under `NAME-previous`;
///    one that disappears keeps its name.
/// 2. **contract** (after the cluster's roll): the desired body, which removes the old elements.
///
/// An old port cannot be kept when the desired body gives it to another element (a port maps to one backend),
/// or when its element would share an exclusive backend with a desired one (Azure: one rule per pool, backend
/// port and protocol): it moves at once, and a warning says which consumers will notice. An old element whose
/// backend the desired body removes goes with it.
enum ExpandContract {
    static let previousSuffix = "-previous"

    struct Split {
        /// The body with old ports kept; equal to `before` when a previous, interrupted run already expanded.
        var expanded: Value
        var warnings: [String]
    }

    /// Nil when the change moves or removes no old port that can be kept (a plain update will do).
    static func split(before: Value, desired: Value, ports: ConsumerPorts, address: ResourceAddress) -> Split? {
        guard let old = before[path: ports.collection]?.arrayValue, let new = desired[path: ports.collection]?.arrayValue else {
            return nil
        }
        if let identity = ports.identity { return splitByIdentity(old: old, new: new, desired: desired, ports: ports, identity: identity, address: address) }
        let newByName = Dictionary(new.compactMap { e in e["name"]?.stringValue.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
        let newPorts = Set(new.compactMap { $0[path: ports.port] })
        var kept: [Value] = []
        var warnings: [String] = []
        for element in old {
            guard let name = element["name"]?.stringValue, let port = element[path: ports.port] else { continue }
            if let wanted = newByName[name], wanted[path: ports.port] == port { continue }
            if let backend = ports.backend {
                guard backendExists(element, backend, in: desired) else { continue }
                if new.contains(where: { sameBackend($0, element, backend) }) {
                    warnings.append(
                        "\(address): `\(name)` cannot keep port \(port) beside its new one, because both would reach the same "
                            + "backend, which the cloud refuses (Azure: RulesUseSameBackendPortProtocolAndPool without floating IP); "
                            + "the port moves at once, so consumers still using port \(port) reach nothing until that broker "
                            + "restarts advertising the new one")
                    continue
                }
            }
            if newPorts.contains(port) {
                warnings.append(
                    "\(address): port \(port) of `\(name)` goes to another backend at once, so consumers that still use it "
                        + "reach the new backend until the roll completes; choose new ports that do not overlap the old ones to avoid this")
                continue
            }
            var keep = element
            if newByName[name] != nil { keep = keep.setting(["name"], to: .string(name + previousSuffix)) }
            kept.append(keep)
        }
        guard !kept.isEmpty else { return warnings.isEmpty ? nil : Split(expanded: desired, warnings: warnings) }
        let names = Set(new.compactMap { $0["name"]?.stringValue })
        let extra = kept.filter { !names.contains($0["name"]?.stringValue ?? "") }
        return Split(expanded: desired.setting(ports.collection, to: .array(new + extra)), warnings: warnings)
    }
}

extension ExpandContract {
    /// Elements without names (GCP port-mapping endpoints): an old element whose backend (`identity`) is still
    /// wanted, on a port no desired element takes, is kept as it is beside the new one, since nothing names it.
    /// An old element whose backend is no longer wanted goes at once, as with names.
    static func splitByIdentity(
        old: [Value], new: [Value], desired: Value, ports: ConsumerPorts, identity: [[String]], address: ResourceAddress
    ) -> Split? {
        func key(_ element: Value) -> [Value?] { identity.map { element[path: $0] } }
        let newPorts = Set(new.compactMap { $0[path: ports.port] })
        let wantedBackends = Set(new.map(key))
        var kept: [Value] = []
        var warnings: [String] = []
        for element in old where !new.contains(element) {
            guard let port = element[path: ports.port], wantedBackends.contains(key(element)) else { continue }
            let backend = key(element).map { $0?.stringValue ?? $0.map { "\($0)" } ?? "?" }.joined(separator: " ")
            if newPorts.contains(port) {
                warnings.append(
                    "\(address): port \(port) of \(backend) goes to another backend at once, so consumers that still use it "
                        + "reach the new backend until the roll completes; choose new ports that do not overlap the old ones to avoid this")
                continue
            }
            kept.append(element)
        }
        guard !kept.isEmpty else { return warnings.isEmpty ? nil : Split(expanded: desired, warnings: warnings) }
        return Split(expanded: desired.setting(ports.collection, to: .array(new + kept)), warnings: warnings)
    }

    /// The element's backend is still a child of the desired body (matched by the id's last segment).
    static func backendExists(_ element: Value, _ backend: ConsumerPorts.Backend, in desired: Value) -> Bool {
        guard let id = element[path: backend.reference]?.stringValue, let name = id.split(separator: "/").last else { return false }
        let children = desired[path: backend.collection]?.arrayValue ?? []
        return children.contains { $0["name"]?.stringValue?.lowercased() == name.lowercased() }
    }

    static func sameBackend(_ a: Value, _ b: Value, _ backend: ConsumerPorts.Backend) -> Bool {
        guard a[path: backend.reference]?.stringValue?.lowercased() == b[path: backend.reference]?.stringValue?.lowercased() else {
            return false
        }
        return backend.exclusive.allSatisfy { a[path: $0] == b[path: $0] }
    }
}

extension Value {
    subscript(path path: [String]) -> Value? {
        var node: Value? = self
        for key in path { node = node?[key] }
        return node
    }

    /// A copy with the value at `path` replaced (objects along the path are created as needed).
    func setting(_ path: [String], to value: Value) -> Value {
        guard let key = path.first else { return value }
        var object: [String: Value] = [:]
        if case .object(let existing) = self { object = existing }
        object[key] = (object[key] ?? .object([:])).setting(Array(path.dropFirst()), to: value)
        return .object(object)
    }
}
