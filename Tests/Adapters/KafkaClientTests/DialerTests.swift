import KafkaClient
import KafkaProtocol
import Testing

@Suite("Dialers")
struct DialerTests {
    static let advertised = "b1.abc.eastus.azure.3199745.tidbcloud.com"

    @Test func staticDialerMapsAdvertisedNamesLikeCurlResolve() throws {
        let dialer = StaticDialer([
            "\(Self.advertised):9093": "127.0.0.1:19093",
            "b2.example": "127.0.0.2",
        ])
        #expect(try dialer.resolve(host: Self.advertised, port: 9093) == ("127.0.0.1", 19093))
        #expect(try dialer.resolve(host: "b2.example", port: 9094) == ("127.0.0.2", 9094))
        #expect(throws: DialerError.self) { try dialer.resolve(host: Self.advertised, port: 9094) }
        #expect(throws: DialerError.self) { try StaticDialer(["x:1": "not-an-ip:1"]).resolve(host: "x", port: 1) }
        #expect(throws: DialerError.self) { try StaticDialer(["x:1": "127.0.0.1:99999"]).resolve(host: "x", port: 1) }
    }

    @Test func staticDialerFallsBackOnlyWhenAsked() throws {
        let dialer = StaticDialer([:], fallback: SystemDialer())
        #expect(try dialer.resolve(host: "127.0.0.1", port: 9092) == ("127.0.0.1", 9092))
    }

    @Test func systemDialerResolvesNumericAddresses() throws {
        #expect(try SystemDialer().resolve(host: "127.0.0.1", port: 9092) == ("127.0.0.1", 9092))
    }

    @Test func clientReachesAnAdvertisedNameThroughTheStaticDialer() async throws {
        try await withBroker(Scripts.modern) { broker in
            let dialer = StaticDialer(["\(Self.advertised):9093": "127.0.0.1:\(broker.port)"])
            let client = KafkaClient(host: Self.advertised, port: 9093, dialer: dialer, options: fastOptions)
            let metadata = try await client.metadata(topics: [])
            #expect(metadata.brokers.first?.host == "b1.abc.eastus.azure.example.com")
            #expect(broker.requests.count == 2)
        }
    }

    @Test func unmappedNamesFailWithoutTouchingTheNetwork() async {
        let client = KafkaClient(host: Self.advertised, port: 9095, dialer: StaticDialer([:]), options: fastOptions)
        let error = await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }
        #expect(
            error
                == .connectFailed(
                    host: Self.advertised, port: 9095,
                    detail: "\(Self.advertised):9095 is not in the static dialer table"
                ))
    }

    @Test func connectionReportsTheDialledAddress() async throws {
        try await withBroker(Scripts.modern) { broker in
            let dialer = StaticDialer(["\(Self.advertised):9093": "127.0.0.1:\(broker.port)"])
            let connection = try await KafkaConnection.connect(host: Self.advertised, port: 9093, dialer: dialer)
            #expect(connection.address == "127.0.0.1" && connection.addressPort == broker.port)
            let versions = try await connection.send(ApiVersionsRequest())
            #expect(versions.apiKeys.count == 5)
            #expect(await connection.completedRequests == 1)
            connection.close()
        }
    }
}
