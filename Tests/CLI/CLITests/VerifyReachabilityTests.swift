import Foundation
import KafkaClient
@testable import ReconcileCommands
import Testing

/// `reconcile verify` against brokers that are registered and listed by the others, but whose own INTERNAL
/// listener cannot be reached: the table line shows the error, and the broker's verdict must fail with it
/// (it was once reported `OK`, with "All brokers match the manifests." and exit 0).
@Suite("verify: a broker whose listener cannot be reached fails", .timeLimit(.minutes(2)))
struct VerifyReachabilityTests {
    /// Runs verify over `cluster` and returns (status, stdout).
    static func verify(_ cluster: InProcessCluster, json: Bool = false) async throws -> (status: Int32, out: String) {
        let console = CapturedConsole()
        let status = await VerifyCommand.verify(
            manifests: try cluster.manifest().path, clusters: [], json: json, dialer: cluster.dialer,
            requireAdvertised: false, console: console.console())
        return (status, console.out)
    }

    @Test("Every broker reachable: OK and exit 0")
    func healthy() async throws {
        let cluster = try InProcessCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilListed()
        let result = try await Self.verify(cluster)
        #expect(result.status == 0, "\(result.out)")
        #expect(result.out.contains("All brokers match the manifests."), "\(result.out)")
        for id in cluster.ids { #expect(result.out.contains("broker \(id): OK"), "\(result.out)") }
    }

    @Test("A refused INTERNAL listener fails that broker, and only it")
    func refused() async throws {
        let cluster = try InProcessCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilListed()
        try cluster.refuseInternal(of: 2)
        let result = try await Self.verify(cluster)
        #expect(result.status == 1, "\(result.out)")
        #expect(result.out.contains("broker 2: FAILED"), "\(result.out)")
        #expect(result.out.contains("broker 1: OK") && result.out.contains("broker 3: OK"), "\(result.out)")
        #expect(!result.out.contains("All brokers match the manifests."), "\(result.out)")
        let verdict = try #require(result.out.components(separatedBy: "broker 2: FAILED").last)
        #expect(verdict.contains("INTERNAL: \(InProcessCluster.internalEndpoint(2)) cannot be reached"), "\(result.out)")
        #expect(verdict.contains("refused"), "\(result.out)")

        let json = try await Self.verify(cluster, json: true)
        #expect(json.status == 1)
        let reports = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
        let verdicts = reports?.first?["verdicts"] as? [[String: Any]] ?? []
        #expect(verdicts.map { $0["ok"] as? Bool } == [true, false, true], "\(json.out)")
    }

    @Test("An INTERNAL listener that never answers fails that broker")
    func silent() async throws {
        let cluster = try InProcessCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilListed()
        try cluster.silenceInternal(of: 3)
        let result = try await Self.verify(cluster)
        #expect(result.status == 1, "\(result.out)")
        #expect(result.out.contains("broker 3: FAILED"), "\(result.out)")
        let verdict = try #require(result.out.components(separatedBy: "broker 3: FAILED").last)
        #expect(verdict.contains("INTERNAL: \(InProcessCluster.internalEndpoint(3)) cannot be reached"), "\(result.out)")
        #expect(verdict.contains("timed out"), "\(result.out)")
    }
}
