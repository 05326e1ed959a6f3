public import ReconcileModel

/// A small Azure Private Link topology for one Kafka cluster: VNet -> load balancer -> Private Link
/// service, plus three brokers' `server.properties` keys.
public enum Fixtures {
    public static let cluster = "tidb-kafka"
    public static let vnetType = "azure.virtualNetwork"
    public static let lbType = "azure.loadBalancer"
    public static let plsType = "azure.privateLinkService"
    public static let brokerType = "kafka.brokerConfig"
    public static let cloudTypes: Set<String> = [vnetType, lbType, plsType]

    public static func address(_ type: String, _ name: String, cluster: String = cluster) -> ResourceAddress {
        ResourceAddress(cluster: cluster, type: type, name: name)
    }

    public static let vnet = address(vnetType, "kafka-vnet")
    public static let lb = address(lbType, "kafka-lb")
    public static let pls = address(plsType, "kafka-pls")
    public static func broker(_ id: Int) -> ResourceAddress { address(brokerType, String(id)) }

    public static func vnetSpec(prefix: String = "10.0.0.0/16") -> ResourceSpec {
        ResourceSpec(
            address: vnet,
            properties: ["location": "eastus", "properties": ["addressSpace": ["addressPrefixes": [.string(prefix)]]]],
            replaceOn: ["location"]
        )
    }

    /// One LB rule per broker, frontend port 9000 + id (+ `portOffset`).
    public static func lbSpec(brokers: [Int] = [1, 2, 3], portOffset: Int = 0) -> ResourceSpec {
        let rules: [Value] = brokers.map { id in
            ["name": .string("broker-\(id)"),
             "properties": ["frontendPort": .int(9000 + id + portOffset), "backendPort": 9092]]
        }
        return ResourceSpec(
            address: lb,
            properties: ["location": "eastus", "properties": ["loadBalancingRules": .array(rules)]],
            dependsOn: [vnet],
            replaceOn: ["location"],
            disruption: .consumerVisible
        )
    }

    public static func plsSpec() -> ResourceSpec {
        ResourceSpec(
            address: pls,
            properties: ["location": "eastus", "properties": ["visibility": ["subscriptions": ["sub-1"]]]],
            dependsOn: [lb],
            replaceOn: ["location"],
            disruption: .consumerVisible
        )
    }

    /// The broker's managed keys (adopted: the broker's `server.properties` predates the reconciler);
    /// `advertisedPort` defaults to the LB frontend port for the broker.
    public static func brokerSpec(_ id: Int, advertisedPort: Int? = nil) -> ResourceSpec {
        let port = advertisedPort ?? 9000 + id
        return ResourceSpec(
            address: broker(id),
            properties: [
                "listeners": "INTERNAL://0.0.0.0:9092,PRIVATELINK://0.0.0.0:9094",
                "advertised.listeners": .string("INTERNAL://broker-\(id).internal:9092,PRIVATELINK://kafka.privatelink:\(port)"),
                "listener.security.protocol.map": "INTERNAL:SASL_SSL,PRIVATELINK:SASL_SSL",
            ],
            dependsOn: [lb],
            adopt: true
        )
    }

    /// The whole topology.
    public static func topology(brokers: [Int] = [1, 2, 3], portOffset: Int = 0) -> [ResourceSpec] {
        [vnetSpec(), lbSpec(brokers: brokers, portOffset: portOffset), plsSpec()]
            + brokers.map { brokerSpec($0, advertisedPort: 9000 + $0 + portOffset) }
    }

    /// What a broker looks like before the reconciler ever touched it: an existing `server.properties` with
    /// unmanaged keys (brokers are adopted).
    public static func existingBroker(_ id: Int, extra: [String: Value] = ["log.dirs": "/var/lib/kafka"]) -> ObservedResource {
        var config = extra
        config["node.id"] = .string(String(id))
        return ObservedResource(address: broker(id), cloudID: "host-\(id):/etc/kafka/server.properties",
                                properties: .object(config), ownership: .foreign)
    }
}
