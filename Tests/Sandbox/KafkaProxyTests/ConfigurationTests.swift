import ArgumentParser
import KafkaProxy
import Testing

@Suite("kafka-proxy's flags, parsed and checked as v0.3.11 does")
struct ConfigurationTests {
    func configuration(_ arguments: [String], environment: [String: String] = [:]) throws -> ProxyConfiguration {
        guard let parsed = try KafkaProxyCommand.parseAsRoot(["server"] + arguments) as? KafkaProxyServerArguments else {
            throw ProxyConfigurationError("not the server command")
        }
        return try parsed.proxyConfiguration(environment: environment)
    }

    @Test("The runbook's flags: three static mappings with advertised names, sequential dynamic ports, a dynamic name")
    func runbook() throws {
        let c = try configuration([
            "--bootstrap-server-mapping", "10.64.0.10:9092,0.0.0.0:9092,b1.abc.us-west1.gcp.3199745.tidbcloud.com:9092",
            "--bootstrap-server-mapping", "10.64.0.11:9092,0.0.0.0:9093,b2.abc.us-west1.gcp.3199745.tidbcloud.com:9093",
            "--bootstrap-server-mapping=10.64.0.12:9092,0.0.0.0:9094,b3.abc.us-west1.gcp.3199745.tidbcloud.com:9094",
            "--dynamic-sequential-min-port", "9095", "--dynamic-advertised-listener", "brokers.abc.us-west1.gcp.3199745.tidbcloud.com",
            "--http-listen-address", "127.0.0.1:9080", "--kafka-dial-timeout", "1m30s", "--forbidden-api-keys", "20,21",
        ])
        #expect(c.bootstrapMappings.map(\.listen.port) == [9092, 9093, 9094])
        #expect(c.bootstrapMappings[1].broker == HostPort(host: "10.64.0.11", port: 9092))
        #expect(c.bootstrapMappings[2].advertised.description == "b3.abc.us-west1.gcp.3199745.tidbcloud.com:9094")
        #expect(c.dynamicSequentialMinPort == 9095 && c.dynamicAdvertisedListener == "brokers.abc.us-west1.gcp.3199745.tidbcloud.com")
        #expect(c.httpListenAddress == HostPort(host: "127.0.0.1", port: 9080))
        #expect(c.dialTimeout == .seconds(90) && c.forbiddenApiKeys == [20, 21])
        #expect(c.defaultListenerIP == "0.0.0.0" && !c.dynamicListenersDisabled)
    }

    @Test("Without an advertised address the listen address is advertised (0.0.0.0:9092 would be)")
    func advertisedDefaultsToListen() throws {
        let c = try configuration(["--bootstrap-server-mapping", "10.64.0.10:9092,0.0.0.0:9092"])
        #expect(c.bootstrapMappings[0].advertised == HostPort(host: "0.0.0.0", port: 9092))
    }

    @Test("BOOTSTRAP_SERVER_MAPPING (space-separated) when no flag gives a mapping")
    func environment() throws {
        let c = try configuration([], environment: ["BOOTSTRAP_SERVER_MAPPING": "a:1,127.0.0.1:2 b:1,127.0.0.1:3"])
        #expect(c.bootstrapMappings.map(\.broker.host) == ["a", "b"])
    }

    @Test("Refused at start-up: no mapping, a malformed mapping, a broker or listen address mapped twice, a bad duration, an unknown flag")
    func refused() throws {
        #expect(throws: ProxyConfigurationError("list of bootstrap-server-mapping must not be empty")) { try ProxyConfiguration().validate() }
        #expect(throws: (any Error).self) { try configuration(["--bootstrap-server-mapping", "10.64.0.10:9092"]) }
        #expect(throws: (any Error).self) { try configuration(["--bootstrap-server-mapping", "10.64.0.10,0.0.0.0:9092"]) }
        var twice = ProxyConfiguration()
        twice.bootstrapMappings = [
            ProxyConfiguration.Mapping(broker: HostPort(host: "b", port: 1), listen: HostPort(host: "0.0.0.0", port: 9092)),
            ProxyConfiguration.Mapping(broker: HostPort(host: "b", port: 1), listen: HostPort(host: "0.0.0.0", port: 9093)),
        ]
        #expect(throws: ProxyConfigurationError.self) { try twice.validate() }
        twice.bootstrapMappings[1].broker = HostPort(host: "c", port: 1)
        twice.bootstrapMappings[1].listen = HostPort(host: "0.0.0.0", port: 9092)
        twice.bootstrapMappings[1].advertised = twice.bootstrapMappings[1].listen
        #expect(throws: ProxyConfigurationError.self) { try twice.validate() }
        #expect(throws: (any Error).self) { try configuration(["--bootstrap-server-mapping", "a:1,b:2", "--kafka-dial-timeout", "15"]) }
        #expect(throws: (any Error).self) { try KafkaProxyCommand.parseAsRoot(["server", "--no-such-flag"]) }
    }

    @Test("Addresses as Go reads them: the last colon splits, IPv6 in brackets")
    func hostPort() throws {
        #expect(try HostPort(parsing: "[::1]:9092") == HostPort(host: "::1", port: 9092))
        #expect(try HostPort(parsing: "[::1]:9092").description == "[::1]:9092")
        #expect(throws: ProxyConfigurationError.self) { try HostPort(parsing: "::1:9092") }
        #expect(throws: ProxyConfigurationError.self) { try HostPort(parsing: "host:70000") }
    }
}
