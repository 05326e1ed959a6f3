import ArmEmulator
import Testing

@Suite struct CommandLineTests {
    @Test func parsesEveryOption() throws {
        let arguments = [
            "--listen", "127.0.0.1:0", "--port-file", "/tmp/p", "--log", "/tmp/l.jsonl", "--address-map", "10.0.0.7=127.0.1.7",
            "--address-map=10.0.0.4=127.0.1.4", "--frontend-bind", "127.0.0.2", "--forwarding", "--latency-ms", "5",
            "--operation-polls", "0", "--retry-after", "0", "--page-size", "7", "--generic-list-page-size", "9", "--api-version", "Microsoft.Network=2026-01-01",
            "--token", "t1",
        ]
        guard case .run(let options) = EmulatorCommandLine.parse(arguments) else {
            Issue.record("expected run")
            return
        }
        let configuration = options.configuration
        #expect(configuration.host == "127.0.0.1" && configuration.port == 0)
        #expect(options.portFile == "/tmp/p")
        #expect(configuration.requestLogPath == "/tmp/l.jsonl")
        #expect(configuration.addressMap == ["10.0.0.7": "127.0.1.7", "10.0.0.4": "127.0.1.4"])
        #expect(configuration.frontendBindHost == "127.0.0.2")
        #expect(configuration.forwarding)
        #expect(configuration.latencyMs == 5 && configuration.operationPolls == 0 && configuration.retryAfterSeconds == 0)
        #expect(configuration.pageSize == 7)
        #expect(configuration.genericListPageSize == 9)
        #expect(configuration.acceptedApiVersions["Microsoft.Network"]?.contains("2026-01-01") == true)
        #expect(configuration.acceptedApiVersions["Microsoft.Network"]?.contains("2025-07-01") == true)
        #expect(configuration.acceptedTokens.contains("t1"))
    }

    @Test func rejectsBadArguments() {
        for bad in [["--listen", "nope"], ["--page-size", "0"], ["--address-map", "x"], ["--bogus"], ["--latency-ms"]] {
            guard case .usageError = EmulatorCommandLine.parse(bad) else {
                Issue.record("accepted \(bad)")
                continue
            }
        }
        guard case .help = EmulatorCommandLine.parse(["--help"]) else {
            Issue.record("expected help")
            return
        }
    }
}
