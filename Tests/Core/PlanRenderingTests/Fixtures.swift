import ReconcileModel

/// Shared plans for the renderer tests: one change of every kind, named after what they show.
enum Fixtures {
    static func address(_ text: String) -> ResourceAddress {
        guard let address = ResourceAddress(parsing: text) else { fatalError("bad test address \(text)") }
        return address
    }

    /// A load balancer created with nested properties (objects flatten to dotted paths, arrays stay JSON).
    static let createLoadBalancer = Change(
        address: address("tidb-kafka/azure.loadBalancer/kafka-lb"),
        action: .create,
        reason: .missing,
        after: [
            "location": "westeurope",
            "sku": ["name": "Standard"],
            "properties": [
                "frontendIPConfigurations": [["name": "fe", "privateIPAddress": "10.0.1.4"]],
                "probes": [],
                "idleTimeoutInMinutes": 4,
                "enableFloatingIP": false,
            ],
            "tags": ["managed-by": "kafka-reconciler", "owner": "platform team"],
        ],
        requires: [address("tidb-kafka/azure.subnet/kafka")]
    )

    /// An in-place update that consumers notice, with changed, added and removed attributes.
    static let updatePrivateLinkService = Change(
        address: address("tidb-kafka/azure.privateLinkService/kafka-pls"),
        action: .update,
        reason: .drifted,
        disruption: .consumerVisible,
        attributes: [
            AttributeChange(path: "properties.visibility.subscriptions", before: ["sub-a"], after: ["sub-a", "sub-b"]),
            AttributeChange(path: "properties.enableProxyProtocol", before: true, after: false),
            AttributeChange(path: "tags.owner", before: nil, after: "platform"),
            AttributeChange(path: "tags.legacy", before: "yes", after: nil),
        ],
        after: ["properties": ["enableProxyProtocol": false]],
        before: ["properties": ["enableProxyProtocol": true]],
        cloudID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/kafka-pls",
        dependsOn: ["tidb-kafka/azure.loadBalancer/kafka-lb#create"]
    )

    /// A replace forced by one attribute, in another cluster.
    static let replaceForwardingRule = Change(
        address: address("orders-kafka/gcp.forwardingRule/kafka-ilb"),
        action: .replace,
        reason: .manifestChanged,
        disruption: .consumerVisible,
        attributes: [
            AttributeChange(path: "region", before: "europe-west1", after: "europe-west4", forcesReplacement: true),
            AttributeChange(path: "ports", before: ["9092"], after: ["9092", "9093"]),
        ],
        after: ["region": "europe-west4", "ports": ["9092", "9093"]],
        before: ["region": "europe-west1", "ports": ["9092"]]
    )

    /// A delete of something consumers connect to.
    static let deleteOldService = Change(
        address: address("tidb-kafka/azure.privateLinkService/old-pls"),
        action: .delete,
        reason: .removedFromManifests,
        disruption: .consumerVisible,
        before: ["location": "westeurope"]
    )

    /// An adopted resource that left the manifests: kept, no longer managed.
    static let forgetPublicIP = Change(
        address: address("tidb-kafka/azure.publicIPAddress/legacy-ip"),
        action: .forget,
        reason: .removedFromManifests
    )

    /// A broker config write whose JAAS config is a secret.
    static func writeBrokerConfig(_ node: Int) -> Change {
        Change(
            address: address("tidb-kafka/kafka.brokerConfig/\(node)"),
            action: .writeBrokerConfig,
            reason: .manifestChanged,
            disruption: .brokerRestart,
            attributes: [
                AttributeChange(
                    path: "advertised.listeners",
                    before: .string("INTERNAL://kafka-\(node):9092"),
                    after: .string("INTERNAL://kafka-\(node):9092,PL://10.0.1.4:\(9093 + node)")
                ),
                AttributeChange(
                    path: "listener.name.pl.plain.sasl.jaas.config",
                    before: .string("old-secret-\(node)"),
                    after: .string("new-secret-\(node)"),
                    sensitive: true
                ),
            ],
            after: [
                "advertised.listeners": .string("INTERNAL://kafka-\(node):9092,PL://10.0.1.4:\(9093 + node)"),
                "listener.name.pl.plain.sasl.jaas.config": .string("new-secret-\(node)"),
            ],
            before: [
                "advertised.listeners": .string("INTERNAL://kafka-\(node):9092"),
                "listener.name.pl.plain.sasl.jaas.config": .string("old-secret-\(node)"),
            ],
            cloudID: "kafka-\(node):/etc/kafka/server.properties",
            dependsOn: node > 1 ? ["tidb-kafka/kafka.brokerConfig/\(node - 1)#restart_broker"] : []
        )
    }

    /// The restart that makes a written config take effect.
    static func restartBroker(_ node: Int) -> Change {
        Change(
            address: address("tidb-kafka/kafka.brokerConfig/\(node)"),
            action: .restartBroker,
            reason: .configChanged,
            disruption: .brokerRestart,
            dependsOn: ["tidb-kafka/kafka.brokerConfig/\(node)#write_broker_config"]
        )
    }

    /// Every kind of change, drift, problems and warnings together.
    static let everything = Plan(
        changes: [
            createLoadBalancer,
            updatePrivateLinkService,
            writeBrokerConfig(1),
            restartBroker(1),
            writeBrokerConfig(2),
            restartBroker(2),
            deleteOldService,
            forgetPublicIP,
            replaceForwardingRule,
        ],
        drift: [address("tidb-kafka/azure.privateLinkService/kafka-pls")],
        problems: [
            PlanProblem(
                address: address("tidb-kafka/azure.networkInterface/kafka-3"),
                message: "a network interface the reconciler did not create is in the way"
            ),
        ],
        warnings: ["plan is partial because of --target tidb-kafka"],
        isComplete: false
    )
}
