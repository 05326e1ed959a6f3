import Foundation
import Testing

extension SimulatorProcesses {
    @Suite("Wire-level behaviour: fallback bytes, identity probe, closing, garbage")
    struct WireEdges {
        @Test("ApiVersions v5 to a 3.7 broker: header v0 and exactly the v0 error body 0023 00000001 0012 0000 0003")
        func unsupportedApiVersionsFallback() throws {
            let cluster = try SimCluster(nodes: 1)
            defer { cluster.stopAll() }
            try cluster.start(1)
            // v5 is beyond every broker: its header would be v2, but the broker must not parse past the correlation id.
            let frame = RawClient.request(
                apiKey: 18, version: 5, correlationId: 0x0102_0304, flexible: true,
                body: [0x09, 0x01, 0x02, 0xff, 0x00])
            let response = try RawClient.exchange(cluster.internalAddress(1), frame)
            #expect(response.map(hex) == hex(hexBytes("01020304 0023 00000001 0012 0000 0003")))
            // kafka.md §1.11's golden body for a broker whose ApiVersions max is 2.
            let old = try SimCluster(nodes: 1, settings: ["simulator.api.versions": "ApiVersions:0-2"])
            defer { old.stopAll() }
            try old.start(1)
            let v3 = RawClient.request(
                apiKey: 18, version: 3, correlationId: 1, flexible: true,
                body: [0x04] + Array("kcat".utf8) + [0x02, 0x31, 0x00])
            #expect(
                try RawClient.exchange(old.internalAddress(1), v3).map(hex)
                    == hex(hexBytes("00000001 0023 00000001 0012 0000 0002")))
            // kcat still gets metadata from it (librdkafka falls back to ApiVersions v0).
            #expect(try RealClients.kcatMetadata(old.internalAddress(1))["brokers"] != nil)
        }

        @Test("ApiVersions v3 lists exactly the simulated APIs; a bad client software name is INVALID_REQUEST")
        func apiVersionsV3() throws {
            let cluster = try SimCluster(nodes: 1)
            defer { cluster.stopAll() }
            try cluster.start(1)
            let good = RawClient.request(
                apiKey: 18, version: 3, correlationId: 9, flexible: true,
                body: [0x0b] + Array("reconciler".utf8) + [0x06] + Array("1.0.0".utf8) + [0x00])
            let expected =
                "00000009 0000 07 0003 0000 000c 00 000a 0000 0004 00 0012 0000 0003 00 0020 0000 0004 00 0037 0000 0001 00 003c 0000 0001 00 00000000 00"
            #expect(try RawClient.exchange(cluster.internalAddress(1), good).map(hex) == hex(hexBytes(expected)))
            let bad = RawClient.request(
                apiKey: 18, version: 3, correlationId: 9, flexible: true,
                body: [0x03] + Array("-x".utf8) + [0x02, 0x31, 0x00])
            #expect(
                try RawClient.exchange(cluster.internalAddress(1), bad).map(hex)
                    == hex(hexBytes("00000009 002a 01 00000000 00")))
        }

        @Test(
            "Identity probe: DescribeConfigs BROKER \"2\" sent to broker 3 fails with Kafka's exact INVALID_REQUEST message"
        )
        func identityProbe() throws {
            let cluster = try SimCluster()
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            // kafka.md §1.11 golden request body: BROKER "2", key advertised.listeners, v4.
            let body = hexBytes("02 04 02 32 02 15 616476657274697365642e6c697374656e657273 00 00 00 00")
            let frame = RawClient.request(
                apiKey: 32, version: 4, correlationId: 5, clientId: "reconciler", flexible: true, body: body)
            let message = "Unexpected broker id, expected 3 or empty string, but received 2"
            let expected =
                "00000005 00" + "00000000 02 002a" + hex([UInt8(message.utf8.count + 1)]) + hex(Array(message.utf8))
                + "04 02 32 01 00 00"
            #expect(try RawClient.exchange(cluster.externalAddress(3), frame).map(hex) == hex(hexBytes(expected)))
            // Sent to node 2 itself it succeeds, from the file (ConfigSource 4).
            let answer = try RealClients.kafkaPython([
                "raw", cluster.externalAddress(2), "configs", "4", "4", "2", "advertised.listeners",
            ])
            let result = (answer["results"] as? [[String: Any]])?.first
            #expect(result?["error_code"] as? Int == 0)
            let config = (result?["configs"] as? [[String: Any]])?.first
            #expect(
                config?["value"] as? String
                    == "INTERNAL://\(cluster.internalAddress(2)),EXTERNAL://b2.abc.example.test:9094")
            #expect(config?["config_source"] as? Int == 4)
        }

        @Test("Unknown API keys and unsupported versions close the connection, like Kafka")
        func closes() throws {
            let cluster = try SimCluster(nodes: 1)
            defer { cluster.stopAll() }
            try cluster.start(1)
            let address = cluster.internalAddress(1)
            #expect(
                try RawClient.isClosedAfter(
                    address, RawClient.request(apiKey: 0, version: 9, correlationId: 1, flexible: true, body: [])))
            #expect(
                try RawClient.isClosedAfter(
                    address,
                    RawClient.request(apiKey: 3, version: 14, correlationId: 1, flexible: true, body: [0, 0, 0, 0])))
            #expect(
                try RawClient.isClosedAfter(
                    address, RawClient.request(apiKey: 999, version: 0, correlationId: 1, flexible: false, body: [])))
            // Metadata is not served on the CONTROLLER listener (a controller does not offer it).
            #expect(
                try RawClient.isClosedAfter(
                    cluster.controllerAddress(1),
                    RawClient.request(
                        apiKey: 3, version: 1, correlationId: 1, flexible: false, body: [0xff, 0xff, 0xff, 0xff])))
        }

        @Test("Garbage input never crashes the broker: it keeps answering")
        func garbage() throws {
            let cluster = try SimCluster(nodes: 1)
            defer { cluster.stopAll() }
            try cluster.start(1)
            let address = cluster.internalAddress(1)
            var generator = SystemRandomNumberGenerator()
            var inputs: [[UInt8]] = [
                Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                RawClient.be32(-5), RawClient.be32(Int32.max), RawClient.be32(0), [0x00, 0x00],
                RawClient.be32(3) + [1, 2, 3],
                RawClient.request(
                    apiKey: 3, version: 12, correlationId: 1, flexible: true, body: [0xff, 0xff, 0xff, 0xff, 0x0f]),
                RawClient.request(apiKey: 32, version: 4, correlationId: 1, flexible: true, body: [0x7f, 0x04]),
                RawClient.request(apiKey: 55, version: 1, correlationId: 1, flexible: true, body: [0x02, 0xf0]),
                RawClient.request(
                    apiKey: 60, version: 1, correlationId: 1, flexible: true, body: [0x01, 0x01, 0x03, 0x80, 0x00]),
                RawClient.request(apiKey: 18, version: 3, correlationId: 1, flexible: true, body: [0xff, 0xff]),
            ]
            for _ in 0..<40 {
                let length = Int.random(in: 1...200, using: &generator)
                let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                inputs.append(RawClient.be32(Int32(payload.count)) + payload)
                let key = [Int16(3), 18, 32, 55, 60].randomElement(using: &generator)!
                inputs.append(
                    RawClient.request(
                        apiKey: key, version: Int16.random(in: 0...13, using: &generator), correlationId: 1,
                        flexible: Bool.random(using: &generator), body: payload))
            }
            for input in inputs {
                guard let fd = RawClient.connect(address) else {
                    Issue.record("broker stopped accepting after garbage: \(cluster.log(1))")
                    return
                }
                _ = RawClient.send(fd, input)
                _ = RawClient.receiveFrame(fd)
                close(fd)
            }
            #expect(cluster.process(1)?.isRunning == true)
            #expect(try RawClient.apiVersionsV0(address) != nil)
            #expect(try RealClients.kcatMetadata(address)["brokers"] != nil)
        }

        @Test(
            "DescribeCluster on the CONTROLLER listener lists controllers and names the quorum leader; endpoint mismatch is 114"
        )
        func describeClusterControllers() throws {
            let cluster = try SimCluster()
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            let controllers = try RealClients.kafkaPython(["raw", cluster.controllerAddress(2), "cluster", "1", "2"])
            #expect(controllers["controller_id"] as? Int == 1)
            let hosts = (controllers["brokers"] as? [[String: Any]] ?? []).map { "\($0["host"]!):\($0["port"]!)" }
            #expect(hosts == cluster.ids.map(cluster.controllerAddress))
            let mismatch = try RealClients.kafkaPython(["raw", cluster.internalAddress(2), "cluster", "1", "2"])
            #expect(mismatch["error_code"] as? Int == 114)
        }
    }
}
