import Foundation
import KafkaBrokers
import KafkaRolling
import Planning
import ProviderAPI
import ReconcileModel
import RollingRestart
import Testing

/// A broker-only node removed from the manifests: whether it still hosts replicas is read over the Kafka
/// protocol from the brokers that stay (real `kafka-broker-sim` processes on loopback), and the plan refuses to
/// let it go while it does.
@Suite("A broker-only node leaving, read over Kafka", .serialized)
struct BrokerRemovalTests {
    /// Nodes 1-3 are the controllers; node 4 is broker-only. `placement` is the simulator's
    /// `simulator.broker.ids`: the nodes partitions are spread over.
    static func cluster(placement: String) throws -> SimCluster {
        let voters = (1...3).map { "\($0)@127.0.0.\($0 + 1):CONTROLLER_PORT" }.joined(separator: ",")
        let sim = try SimCluster(nodes: 4, settings: ["simulator.broker.ids": placement])
        // Rewrite the files: voters 1-3 only, node 4 a broker without a CONTROLLER listener.
        for id in sim.ids {
            var text = try String(contentsOfFile: sim.configPath(id), encoding: .utf8)
            var lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("controller.quorum.voters=") }
            lines.append("controller.quorum.voters=" + voters.replacingOccurrences(of: "CONTROLLER_PORT", with: "\(sim.controllerPort)"))
            if id == 4 {
                lines = lines.map { line in
                    if line.hasPrefix("process.roles=") { return "process.roles=broker" }
                    if line.hasPrefix("listeners=") {
                        return "listeners=INTERNAL://\(sim.host(4)):\(sim.internalPort),EXTERNAL://\(sim.host(4)):\(sim.externalPort)"
                    }
                    return line
                }
            }
            text = lines.joined(separator: "\n") + "\n"
            try text.write(toFile: sim.configPath(id), atomically: true, encoding: .utf8)
        }
        return sim
    }

    /// The roller of the manifests after node 4 left them: brokers 1-3.
    static func roller(_ sim: SimCluster) -> ClusterRoller {
        let brokers = (1...3).map { id in
            RollingCluster.Broker(
                id: id, internalHost: sim.host(Int32(id)), internalPort: sim.internalPort, isController: true,
                ssh: SSHTarget(host: sim.host(Int32(id)), user: "kafka"))
        }
        return ClusterRoller(cluster: RollingCluster(
            name: "sim", brokers: brokers, exposures: [], restartCommand: ["true"], restartTimeout: .seconds(5),
            policy: GatePolicy(), timeouts: RollTimeouts()), remote: UnreachableHost())
    }

    /// Observes node 4's inventory entry (it left the manifests) and plans.
    static func plan(_ sim: SimCluster) async throws -> (ObservedResource, Plan) {
        let address = ResourceAddress(cluster: "sim", type: BrokerConfigProvider.type, name: "4")
        let entry = Inventory.Entry(
            address: address, cloudID: "\(sim.host(4)):server.properties", origin: .created,
            applied: ["process.roles": "broker"], disruption: .brokerRestart)
        let provider = BrokerConfigProvider(remote: UnreachableHost(), endpoints: [], rollers: ["sim": roller(sim)])
        let observed = try await provider.observe(desired: [], inventory: [entry])
        let seen = try #require(observed.first)
        let plan = Planner.plan(PlanInput(
            desired: [], observedList: observed, inventories: [Inventory(cluster: "sim", entries: [entry])]))
        return (seen, plan)
    }

    @Test("Node 4 still holds replicas: the plan names them and refuses to let it go")
    func hostsReplicas() async throws {
        let sim = try Self.cluster(placement: "1,2,3,4")
        defer { sim.stopAll() }
        try sim.startAllAndWaitHealthy()

        let replicas = try await Self.roller(sim).replicasHosted(by: 4)
        #expect(!replicas.isEmpty)
        #expect(replicas.allSatisfy { $0.hasPrefix("orders-") || $0.hasPrefix("payments-") || $0.hasPrefix("__") }, "\(replicas)")

        let (seen, plan) = try await Self.plan(sim)
        #expect(seen.error == nil, "\(seen)")
        #expect(seen.dependents == replicas)
        let problem = try #require(plan.problems.first).message
        #expect(problem.contains("broker 4 left the manifests but still hosts partition replicas: \(replicas[0])"), "\(problem)")
        #expect(plan.changes.isEmpty)
    }

    @Test("Node 4 hosts nothing: its file is forgotten; with every broker down the plan cannot tell and says so")
    func hostsNothing() async throws {
        let sim = try Self.cluster(placement: "1,2,3")
        defer { sim.stopAll() }
        try sim.startAllAndWaitHealthy()

        #expect(try await Self.roller(sim).replicasHosted(by: 4) == [])
        let (_, plan) = try await Self.plan(sim)
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(plan.changes.map(\.action) == [.forget])

        sim.stopAll()
        let (down, refused) = try await Self.plan(sim)
        #expect(down.error?.contains("cannot tell whether broker 4 still hosts partition replicas") == true, "\(down)")
        #expect(refused.changes.isEmpty)
    }
}

/// A remote host that is never reached: node 4's file is not read once it left the manifests.
struct UnreachableHost: RemoteHost {
    func run(_ argv: [String], on target: SSHTarget, timeout: Duration) async throws -> CommandResult {
        Issue.record("unexpected SSH command \(argv)")
        return CommandResult(exitCode: 255)
    }

    func readFile(_ path: String, on target: SSHTarget) async throws -> [UInt8]? {
        Issue.record("unexpected read of \(path)")
        return nil
    }

    func writeFile(_ path: String, contents: [UInt8], on target: SSHTarget, backupSuffix: String) async throws -> String? {
        Issue.record("unexpected write of \(path)")
        return nil
    }
}
