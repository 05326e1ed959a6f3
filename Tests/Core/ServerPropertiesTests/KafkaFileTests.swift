import Foundation
import ServerProperties
import Testing
import TestSupport

/// The runbook's change on a real broker file: EXTERNAL joins the three listener keys, nothing else moves.
@Suite("A realistic Kafka server.properties gains EXTERNAL")
struct KafkaFileTests {
    static let root = Repo.root

    static let external: [(key: String, value: String?)] = [
        ("listeners", "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092"),
        ("advertised.listeners", "INTERNAL://10.1.0.4:9092,EXTERNAL://b1.xyz7.eastus.azure.3199745.tidbcloud.com:9093"),
        (
            "listener.security.protocol.map",
            "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,EXTERNAL:PLAINTEXT"
        ),
        // Kept at the values it already has: no change.
        ("process.roles", "broker,controller"),
    ]

    @Test("manifests/examples/existing-cluster/server.properties.before, broker 1")
    func existingClusterExample() throws {
        let path = Self.root.appendingPathComponent("manifests/examples/existing-cluster/server.properties.before")
        let before = try PropertiesFile(bytes: Array(try Data(contentsOf: path)))
        let (after, changed) = before.editing(Self.external)
        #expect(changed == ["listeners", "advertised.listeners", "listener.security.protocol.map"])
        #expect(String(decoding: after.bytes, as: UTF8.self) == """
            # Kafka broker configuration for kafka-prod-1 (managed by hand until now).
            # Do not remove the tuning section below.

            process.roles=broker,controller
            node.id=1
            controller.quorum.voters=1@10.1.0.4:29092,2@10.1.0.5:29092,3@10.1.0.6:29092

            ############################# Socket Server Settings #############################
            listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092
            inter.broker.listener.name=INTERNAL
            advertised.listeners=INTERNAL://10.1.0.4:9092,EXTERNAL://b1.xyz7.eastus.azure.3199745.tidbcloud.com:9093
            controller.listener.names=CONTROLLER
            listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,EXTERNAL:PLAINTEXT

            # Tuning
            num.network.threads=3
            num.io.threads=8
            socket.send.buffer.bytes=102400

            log.dirs=/var/lib/kafka/data
            num.partitions=3
            default.replication.factor=3
            min.insync.replicas=2
            auto.create.topics.enable=false

            """)
        let again = after.editing(Self.external)
        #expect(again.file.bytes == after.bytes && again.changedKeys.isEmpty, "a second pass changes nothing")
    }

    /// Kafka's stock config layout, hand-edited: CRLF, a wrapped value, a duplicate, trailing spaces, no final newline.
    static let stock = """
        ############################# Server Basics #############################\r
        \r
        # The role of this server. Setting this puts us in KRaft mode\r
        process.roles=broker,controller\r
        \r
        # The node id associated with this instance's roles\r
        node.id=2\r
        \r
        ############################# Socket Server Settings #############################\r
        # The address the socket server listens on.\r
        #   FORMAT:\r
        #     listeners = listener_name://host_name:port\r
        listeners = INTERNAL://0.0.0.0:9092,\\\r
                    CONTROLLER://0.0.0.0:29092\r
        advertised.listeners=INTERNAL://10.1.0.5:9092  \r
        # Maps listener names to security protocols, the default is for them to be the same.\r
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT\r
        listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT\r
        \r
        ############################# Log Basics #############################\r
        log.dirs=/var/lib/kafka/data\r
        num.partitions=3
        """

    @Test("Kafka's stock layout with CRLF, a continuation, a duplicate and no final newline")
    func stockLayout() throws {
        let before = try PropertiesFile(bytes: Array(Self.stock.utf8))
        #expect(before["listeners"] == "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092")
        #expect(before["advertised.listeners"] == "INTERNAL://10.1.0.5:9092  ", "trailing spaces are part of the value")
        let (after, changed) = before.editing([
            ("listeners", "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092"),
            ("advertised.listeners", "INTERNAL://10.1.0.5:9092,EXTERNAL://b2.example.com:9094"),
            ("listener.security.protocol.map", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT"),
        ])
        #expect(changed.count == 3)
        let expected = Self.stock
            .replacingOccurrences(
                of: "listeners = INTERNAL://0.0.0.0:9092,\\\r\n            CONTROLLER://0.0.0.0:29092\r\n",
                with: "listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092\r\n"
            )
            .replacingOccurrences(
                of: "advertised.listeners=INTERNAL://10.1.0.5:9092  \r\n",
                with: "advertised.listeners=INTERNAL://10.1.0.5:9092,EXTERNAL://b2.example.com:9094\r\n"
            )
            .replacingOccurrences(
                of: "listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT\r\nlistener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT\r\n",
                with: "listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT\r\n"
            )
        #expect(expected != Self.stock)
        #expect(String(decoding: after.bytes, as: UTF8.self) == expected)

        let outcomes = try JavaOracle.load([before.bytes, after.bytes])
        guard case .map(var map) = outcomes[0] else { throw CancellationError() }
        map[hex("listeners")] = hex("INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092")
        map[hex("advertised.listeners")] = hex("INTERNAL://10.1.0.5:9092,EXTERNAL://b2.example.com:9094")
        map[hex("listener.security.protocol.map")] = hex("INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT")
        #expect(outcomes[1] == .map(map), "OpenJDK sees exactly the three keys changed")
    }
}
