import Planning
import ReconcileModel

/// Short builders for planner inputs: cluster `k`, types `azure.vnet`, `azure.lb`, `azure.pls`, brokers.
enum T {
    static let cluster = "k"
    static func addr(_ type: String, _ name: String, cluster: String = cluster) -> ResourceAddress {
        ResourceAddress(cluster: cluster, type: type, name: name)
    }

    static let vnet = addr("azure.vnet", "vnet")
    static let lb = addr("azure.lb", "lb")
    static let pls = addr("azure.pls", "pls")
    static func broker(_ id: Int, cluster: String = cluster) -> ResourceAddress {
        addr(BrokerConfigSemantics.resourceType, String(id), cluster: cluster)
    }

    static func spec(
        _ address: ResourceAddress,
        _ properties: Value,
        deps: [ResourceAddress] = [],
        replaceOn: Set<String> = [],
        disruption: Disruption = .none,
        adopt: Bool = false
    ) -> ResourceSpec {
        ResourceSpec(address: address, properties: properties, dependsOn: deps, replaceOn: replaceOn,
                     disruption: disruption, adopt: adopt)
    }

    static func seen(_ address: ResourceAddress, _ properties: Value, foreign: Bool = false) -> ObservedResource {
        ObservedResource(address: address, cloudID: "id:\(address.name)", properties: properties,
                         ownership: foreign ? .foreign : .reconciler)
    }

    static func entry(
        _ address: ResourceAddress,
        _ origin: Inventory.Entry.Origin = .created,
        applied: Value? = nil,
        deps: [ResourceAddress] = [],
        disruption: Disruption = .none,
        policy: DeletionPolicy? = .delete
    ) -> Inventory.Entry {
        // Recorded as declared by an exposure that has since left the manifests, with the policy given (the
        // planner's rule table predates deletion policies and expects deletes).
        Inventory.Entry(address: address, cloudID: "id:\(address.name)", origin: origin, applied: applied,
                        disruption: disruption, dependsOn: deps,
                        declaration: policy.map { Declaration(exposure: "gone", field: "spec", deletionPolicy: $0) })
    }

    static func input(
        desired: [ResourceSpec] = [],
        observed: [ObservedResource] = [],
        inventory: [Inventory.Entry] = [],
        pending: [ResourceAddress: String?] = [:],
        targets: [String] = []
    ) -> PlanInput {
        let clusters = Set(inventory.map(\.address.cluster))
        return PlanInput(
            desired: desired,
            observedList: observed,
            inventories: clusters.sorted().map { c in Inventory(cluster: c, entries: inventory.filter { $0.address.cluster == c }) },
            pendingRestarts: pending,
            targets: targets
        )
    }

    /// A plain cloud resource body.
    static func body(_ port: Int = 1, location: String = "eastus") -> Value {
        ["location": .string(location), "properties": ["port": .int(port)]]
    }

    /// Broker config with the three listener keys.
    static func brokerConfig(port: Int = 9001, spacing: String = "", reversed: Bool = false) -> Value {
        let listeners = ["INTERNAL://0.0.0.0:9092", "EXTERNAL://0.0.0.0:9094"]
        let advertised = ["INTERNAL://b.internal:9092", "EXTERNAL://lb.example:\(port)"]
        let map = ["INTERNAL:SASL_SSL", "EXTERNAL:SASL_SSL"]
        func join(_ items: [String]) -> Value {
            .string((reversed ? items.reversed() : items).joined(separator: spacing + "," + spacing))
        }
        return ["listeners": join(listeners), "advertised.listeners": join(advertised),
                "listener.security.protocol.map": join(map)]
    }
}

extension Plan {
    /// One line per change: `action type/name reason <- dependency ids` (cluster `k/` elided).
    var transcript: [String] {
        changes.map { change in
            var line = "\(change.action.rawValue) \(T.short(change.address.description)) \(change.reason.rawValue)"
            if !change.dependsOn.isEmpty { line += " <- " + change.dependsOn.map(T.short).joined(separator: ", ") }
            return line
        }
    }

    var problemLines: [String] { problems.map { "\(T.short($0.address.description)): \($0.message)" } }
}

extension T {
    static func short(_ text: String) -> String {
        text.hasPrefix("\(cluster)/") ? String(text.dropFirst(cluster.count + 1)) : text
    }
}
