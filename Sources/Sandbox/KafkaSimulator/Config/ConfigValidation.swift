#if canImport(Glibc)
    import Glibc
#endif

/// The start-up checks of `KafkaConfig.validateValues` that a rendered `server.properties` can fail (kafka.md §6),
/// with Kafka's messages, so a file a real broker would refuse also stops the simulator.
enum ConfigValidation {
    static func validate(_ config: SimulatorConfig) throws {
        let listenerNames = config.listeners.map(\.name)
        if let duplicate = duplicates(listenerNames).first {
            throw ConfigError(
                "Each listener must have a different name, listeners: \(render(config.listeners)) (\(duplicate))")
        }
        if !duplicates(config.listeners.map(\.port).filter { $0 != 0 }).isEmpty {
            throw ConfigError("Each listener must have a different port, listeners: \(render(config.listeners))")
        }
        for name in listenerNames where config.securityProtocolMap[name] == nil {
            throw ConfigError("No security protocol defined for listener \(name)")
        }
        if config.isController {
            guard !config.controllerListenerNames.isEmpty else {
                throw ConfigError(
                    "controller.listener.names must contain at least one value when running KRaft with just the broker role"
                )
            }
            for name in config.controllerListenerNames where !listenerNames.contains(name) {
                throw ConfigError(
                    "controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role"
                )
            }
            guard config.voters.contains(where: { $0.id == config.nodeId }) || config.voters.isEmpty else {
                throw ConfigError(
                    "If process.roles contains just the 'controller' role, the node id \(config.nodeId) must be included in the set of voters controller.quorum.voters=\(config.voters.map { "\($0.id)@\($0.host):\($0.port)" }.joined(separator: ","))"
                )
            }
        }
        guard config.isBroker else { return }
        if config.voters.isEmpty && config.values["controller.quorum.bootstrap.servers"] == nil {
            throw ConfigError(
                "If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of controllers."
            )
        }
        let advertised = config.advertisedBrokerListeners
        let advertisedNames = advertised.map(\.name)
        if let advertisedList = config.advertisedListeners {
            if !Set(advertisedList.map(\.name)).isSubset(of: Set(listenerNames)) {
                throw ConfigError(
                    "advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found \(render(advertisedList)). The valid options based on the current configuration are \(listenerNames.joined(separator: ","))"
                )
            }
            let advertisedControllers = advertisedList.filter { config.controllerListenerNames.contains($0.name) }
            if !advertisedControllers.isEmpty && config.kafkaVersion < KafkaVersion(3, 9) {
                throw ConfigError(
                    "The advertised.listeners config must not contain KRaft controller listeners from controller.listener.names when process.roles contains the broker role because Kafka clients that send requests via advertised listeners do not send requests to KRaft controllers -- they only send requests to KRaft brokers."
                )
            }
        }
        if !advertisedNames.contains(config.interBrokerListenerName) {
            throw ConfigError(
                "inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are \(advertisedNames.joined(separator: ","))"
            )
        }
        var checked = advertised
        // Kafka 3.9.0 (KAFKA-18281): a controller listener missing from advertised.listeners falls back to its
        // `listeners` entry and then fails the meta-address check.
        if config.isController && config.kafkaVersion >= KafkaVersion(3, 9)
            && config.kafkaVersion < KafkaVersion(3, 9, 1)
        {
            checked += config.controllerEndpoints
        }
        if checked.contains(where: { $0.host == "0.0.0.0" || $0.host == "::" }) {
            throw ConfigError(
                "advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.")
        }
    }

    static func duplicates<T: Hashable>(_ items: [T]) -> [T] {
        var seen: Set<T> = []
        return items.filter { !seen.insert($0).inserted }
    }

    static func render(_ listeners: [ListenerAddress]) -> String {
        listeners.map { "\($0.name)://\($0.hostPort)" }.joined(separator: ",")
    }
}

extension SimulatorConfig {
    /// The broker endpoints Kafka registers: `advertised.listeners` when set (minus controller listeners), else
    /// the broker `listeners` with their bind addresses (an empty host advertises the host name).
    public var advertisedBrokerListeners: [ListenerAddress] {
        let source = advertisedListeners ?? listeners
        return source.filter { !controllerListenerNames.contains($0.name) }.map { endpoint in
            var endpoint = endpoint
            if endpoint.host.isEmpty { endpoint.host = Self.hostName }
            return endpoint
        }
    }

    /// The controller endpoints (advertised entry if any, else the `listeners` entry), for controller-role nodes.
    public var controllerEndpoints: [ListenerAddress] {
        guard isController else { return [] }
        return listeners.filter { controllerListenerNames.contains($0.name) }.map { bound in
            var endpoint = advertisedListeners?.first { $0.name == bound.name } ?? bound
            if endpoint.host.isEmpty { endpoint.host = Self.hostName }
            return endpoint
        }
    }

    /// What this process registers, after `no-listener:` misbehaviour.
    public var registeredBrokerEndpoints: [ListenerAddress] {
        advertisedBrokerListeners.filter { !misbehaves(.noListener($0.name)) }
    }

    /// What this process binds: every listener, minus `no-listener:` ones.
    public var boundListeners: [ListenerAddress] {
        listeners.filter { !misbehaves(.noListener($0.name)) }
    }

    public func isControllerListener(_ name: String) -> Bool { controllerListenerNames.contains(name) }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
