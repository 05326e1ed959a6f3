public import Manifests

/// Renders the `server.properties` settings the runbooks prescribe for one node.
///
/// Version rules (see `kafka.md` §6): before 3.9 a broker must not advertise the CONTROLLER listener, so it is
/// never advertised; Kafka 3.9.0 rejects a `0.0.0.0` CONTROLLER listener that is not advertised
/// (KAFKA-18281), so on exactly 3.9.0 the CONTROLLER listener binds to the node's own address instead.
public enum BrokerConfigRenderer {
    public static let protocolDefaults = ["SSL:SSL", "SASL_PLAINTEXT:SASL_PLAINTEXT", "SASL_SSL:SASL_SSL"]

    public static func render(
        cluster: KafkaClusterManifest, broker: KafkaClusterManifest.Broker, exposures: [ExposureCommon]
    ) -> BrokerProperties {
        let isBroker = broker.processRoles.contains("broker")
        let isController = broker.processRoles.contains("controller")
        let internalName = cluster.internalListener.name
        let controllerName = cluster.controllerListener.name
        let brokerListeners = exposures
            .compactMap { e -> (name: String, port: Int, advertised: String)? in
                guard let name = e.listenerName?.value, let port = e.listenerPort?.value,
                    let advertisedPort = ExposurePorts.assign(e, cluster: cluster)[broker.nodeID.value]
                else { return nil }
                return (name, port, e.pattern.value.endpoint(nodeID: broker.nodeID.value, port: advertisedPort))
            }
            .sorted { $0.name < $1.name }

        var listeners: [String] = []
        var advertised: [String] = []
        var protocols: [String] = []
        if isBroker {
            listeners.append("\(internalName)://0.0.0.0:\(cluster.internalListener.port.value)")
            advertised.append("\(internalName)://\(broker.address.value):\(cluster.internalListener.port.value)")
            protocols.append("\(internalName):PLAINTEXT")
        }
        if isController {
            let bind = cluster.kafkaVersion.value == KafkaVersion(3, 9, 0) ? broker.address.value : "0.0.0.0"
            listeners.append("\(controllerName)://\(bind):\(cluster.controllerListener.port.value)")
        }
        protocols.append("\(controllerName):PLAINTEXT")
        if isBroker {
            for l in brokerListeners {
                listeners.append("\(l.name)://0.0.0.0:\(l.port)")
                advertised.append("\(l.name)://\(l.advertised)")
                protocols.append("\(l.name):PLAINTEXT")
            }
        }
        protocols += protocolDefaults

        let voters = cluster.brokers
            .filter { $0.processRoles.contains("controller") }
            .sorted { $0.nodeID.value < $1.nodeID.value }
            .map { "\($0.nodeID.value)@\($0.address.value):\(cluster.controllerListener.port.value)" }

        var entries: [(key: String, value: String)] = [
            ("process.roles", broker.processRoles.joined(separator: ",")),
            ("node.id", String(broker.nodeID.value)),
            ("controller.quorum.voters", voters.joined(separator: ",")),
            ("listeners", listeners.joined(separator: ",")),
        ]
        if isBroker { entries.append(("inter.broker.listener.name", internalName)) }
        if !advertised.isEmpty { entries.append(("advertised.listeners", advertised.joined(separator: ","))) }
        entries.append(("controller.listener.names", controllerName))
        entries.append(("listener.security.protocol.map", protocols.joined(separator: ",")))
        entries.append(("log.dirs", cluster.logDirs.value))
        for (key, value) in cluster.settings { entries.append((key.value, value.value)) }
        return BrokerProperties(entries)
    }
}
