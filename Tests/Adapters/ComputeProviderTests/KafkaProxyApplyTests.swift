import ArmEmulator
import ComputeEmulator
import CurlTransport
import Execution
import Foundation
import KafkaClient
import KafkaProtocol
import KafkaRolling
import KafkaSimulator
import Manifests
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import Testing
import TestSupport

/// Seed 003 option B (manifests/examples/gcp-kafka-proxy) through the real engine, the real Compute provider over
/// libcurl and the in-process Compute emulator, which runs the built kafka-proxy stand-in as the group's instance
/// behind the emulated load balancer; the brokers are simulated in this process and advertise their private INTERNAL
/// addresses (10.64.0.1x:9092), which every party reaches through a loopback stand-in. Nothing leaves loopback.
final class ProxyApplyBed: Sendable {
    static let project = "projects/my-kafka-project"
    static let region = "\(project)/regions/us-west1"
    static let suffix = "abc.us-west1.gcp.3199745.tidbcloud.com"
    let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))."
    let cluster: InProcessCluster
    let gcp: EmulatedGcp
    let logs = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-logs-\(UUID().uuidString)")

    /// The proxy instance is the subnet's first free address (10.64.0.2), the forwarding rule the next (10.64.0.3).
    var instanceHost: String { "\(prefix)100" }
    var ruleHost: String { "\(prefix)101" }

    init(version: String = "3.7.1") throws {
        let prefix = self.prefix
        cluster = try InProcessCluster(prefix: prefix, brokers: 4, version: version, advertisedHost: { "10.64.0.\(9 + $0)" })
        var map: [String: String] = [:]
        for id in 1...4 { map["10.64.0.\(9 + id)"] = "\(prefix)\(id)" }
        for i in 0..<4 { map["10.64.0.\(2 + i)"] = "\(prefix)\(100 + i)" }
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kafka-proxy").path
        let dialer = StaticDialer(Dictionary(uniqueKeysWithValues: (1...4).map { ("10.64.0.\(9 + $0)", "\(prefix)\($0)") }))
        let logs = self.logs
        gcp = try EmulatedGcp(example: "gcp-kafka-proxy", operationPolls: 0, factsReader: KafkaFactsReader(dialer: dialer)) { c in
            c.addressMap = map
            c.forwarding = true
            c.kafkaProxyBinary = binary
            c.kafkaProxyLogDirectory = logs.path
        }
    }

    func stop() {
        gcp.emulator.stop()
        cluster.stop()
        try? FileManager.default.removeItem(at: logs)
    }

    /// The existing VPC and brokers' subnet the example references (`existing: true`).
    func seedNetwork() async throws {
        try await call("POST", "\(Self.project)/global/networks", ["name": "kafka-vpc", "autoCreateSubnetworks": false])
        try await call("POST", "\(Self.region)/subnetworks", [
            "name": "brokers-subnet", "network": .string("\(Self.project)/global/networks/kafka-vpc"), "ipCidrRange": "10.64.0.0/18",
        ])
    }

    /// One Compute request, as someone in the console would make it; fails on an HTTP error.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: JSON? = nil, query: String = "") async throws -> JSON {
        let response = try await CurlTransport().send(HTTPRequest(
            method: method, url: gcp.emulator.computeBase + path + query, headers: [("Content-Type", "application/json")],
            body: body.map { Array($0.serialized().utf8) }))
        let json = try JSON.parse(response.body)
        if response.status >= 300 { throw BedError("\(method) \(path): \(response.status) \(json.serialized())") }
        return json
    }

    func waitUntilRegistered(_ count: Int) async throws {
        for _ in 0..<400 {
            let client = KafkaClient(host: cluster.host(1), port: 9092, options: .init(connectTimeout: .seconds(1), requestTimeout: .seconds(2)))
            let n = (try? await client.metadata(topics: []))?.brokers.count
            await client.close()
            if n == count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BedError("the simulated brokers did not all register")
    }

    /// Metadata's brokers through the load balancer's port `port` (the proxy behind it rewrites them).
    func brokersThroughLoadBalancer(port: Int) async throws -> [String] {
        var last: (any Error)?
        for _ in 0..<100 {
            let client = KafkaClient(host: ruleHost, port: port, options: .init(connectTimeout: .seconds(1), requestTimeout: .seconds(3)))
            do {
                let metadata = try await client.metadata(topics: [])
                await client.close()
                return metadata.brokers.sorted { $0.nodeID < $1.nodeID }.map { "\($0.host):\($0.port)" }
            } catch {
                last = error
                await client.close()
                try await Task.sleep(for: .milliseconds(50))  // the proxy process is still binding its listeners
            }
        }
        throw BedError("no Metadata through \(ruleHost):\(port): \(last.map { "\($0)" } ?? "?")")
    }

    /// A bed whose four brokers are registered and whose existing network is in place.
    static func started(version: String = "3.7.1") async throws -> ProxyApplyBed {
        let bed = try ProxyApplyBed(version: version)
        do {
            try await bed.waitUntilRegistered(4)
            try await bed.seedNetwork()
        } catch {
            bed.stop()
            throw error
        }
        return bed
    }

    /// The example's manifests with broker 4 (10.64.0.13) added to the cluster.
    var manifestsWithBroker4: ManifestSet {
        var manifests = gcp.manifests
        var broker = manifests.clusters[0].brokers[2]
        broker.nodeID.value = 4
        broker.name.value = "broker-node4"
        broker.address.value = "10.64.0.13"
        manifests.clusters[0].brokers.append(broker)
        return manifests
    }

    var templates: [String] { gcp.emulator.resourcePaths.filter { $0.contains("/instanceTemplates/") } }
    var instances: [String] { gcp.emulator.resourcePaths.filter { $0.contains("/instances/") } }
}

struct BedError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

@Suite("kafka-proxy exposure (seed 003 option B) against the Compute emulator", .serialized)
struct KafkaProxyApplyTests {
    static func summary(_ result: PassResult) -> [String] {
        (result.plan?.changes ?? []).map { "\($0.action.rawValue) \($0.address.type)/\($0.address.name)" }
    }

    @Test("plan, apply, the proxy answers through the load balancer (broker 4, not in the manifest, on a dynamic port); drift (group resized to 2) repaired; broker 4 added to the manifest is a new template, the group moved, the old template deleted")
    func endToEnd() async throws {
        let bed = try await ProxyApplyBed.started()
        defer { bed.stop() }

        let dry = await bed.gcp.pass(.dryRun)
        #expect(dry.plan?.problems.isEmpty == true, "\(dry.plan?.problems ?? [])")
        let planned = Self.summary(dry)
        #expect(planned.contains { $0.hasPrefix("create gcp.instanceTemplate/kafka-proxy-tpl-") })
        #expect(planned.contains("create gcp.instanceGroupManager/kafka-proxy-ig"))
        #expect(!planned.contains { $0.contains("kafka.brokerConfig") }, "the brokers are not touched")
        #expect(bed.gcp.emulator.resourcePaths.count == 2, "the dry-run changed nothing")

        let applied = await bed.gcp.applyUntilConverged()
        #expect(applied.last?.succeeded == true, "\(applied.map { $0.apply.map { "\($0)" } ?? "\($0.stop.map { "\($0)" } ?? "")" })")
        #expect(bed.templates.count == 1)
        #expect(bed.instances.count == 1)
        let processes = bed.gcp.emulator.proxyProcesses
        try #require(processes.count == 1, "\(bed.gcp.emulator.proxyFailures)")
        #expect(processes[0].arguments.contains("10.64.0.10:9092,\(bed.instanceHost):9092,b1.\(ProxyApplyBed.suffix):9092"))
        let dynamic = "brokers.\(ProxyApplyBed.suffix):9095"
        for (i, port) in [9092, 9093, 9094].enumerated() {
            let brokers = try await bed.brokersThroughLoadBalancer(port: port)
            #expect(brokers == (1...3).map { "b\($0).\(ProxyApplyBed.suffix):\(9091 + $0)" } + [dynamic], "through static port \(port) (#\(i + 1))")
        }
        let quiet = await bed.gcp.pass(.dryRun)
        #expect(Self.summary(quiet).isEmpty, "\(Self.summary(quiet))")

        // Drift: the group resized to 2 in the console.
        try await bed.call("POST", "\(ProxyApplyBed.project)/zones/us-west1-a/instanceGroupManagers/kafka-proxy-ig/resize", query: "?size=2")
        #expect(bed.instances.count == 2)
        let drift = await bed.gcp.pass(.dryRun)
        #expect(Self.summary(drift) == ["update gcp.instanceGroupManager/kafka-proxy-ig"])
        #expect(drift.plan?.drift.contains { $0.name == "kafka-proxy-ig" } == true)
        let repaired = await bed.gcp.pass()
        #expect(repaired.succeeded)
        #expect(bed.instances.count == 1)

        // Broker 4 joins the manifest: a new template (consumer visible), the group moved to it, the old one deleted.
        let oldTemplate = try #require(bed.templates.first)
        let grownManifests = bed.manifestsWithBroker4
        let grown = await bed.gcp.pass(.dryRun, manifests: grownManifests)
        let changes = grown.plan?.changes ?? []
        #expect(Self.summary(grown).count == 4, "template, group, health-check firewall, old template: \(Self.summary(grown))")
        let create = try #require(changes.first { $0.action == .create && $0.address.type == "gcp.instanceTemplate" })
        #expect(create.disruption == .consumerVisible)
        #expect(changes.contains { $0.action == .update && $0.address.name == "kafka-proxy-ig" && $0.disruption == .consumerVisible })
        let delete = try #require(changes.first { $0.action == .delete })
        #expect(delete.reason == .superseded && oldTemplate.hasSuffix(delete.address.name))
        #expect(changes.firstIndex { $0.action == .delete }! > changes.firstIndex { $0.address.name == "kafka-proxy-ig" }!)
        #expect(Self.summary(grown).contains("update gcp.firewall/allow-proxy-psc-traffic-health-checks"), "the health checkers reach the new static port too")
        let moved = await bed.gcp.applyUntilConverged(manifests: grownManifests)
        #expect(moved.last?.succeeded == true)
        #expect(bed.templates.count == 1 && bed.templates != [oldTemplate])
        let brokers = try await bed.brokersThroughLoadBalancer(port: 9092)
        #expect(brokers == (1...4).map { "b\($0).\(ProxyApplyBed.suffix):\(9091 + $0)" })
        #expect(Self.summary(await bed.gcp.pass(.dryRun, manifests: grownManifests)).isEmpty)
        // Every request (the provider's, and the console's resize) validates against the discovery document.
        let problems = try GcpRequestCheck.problems(bed.gcp.requests)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("Without the state: the superseded template is still deleted, and with the exposure removed under Delete the same deletes are planned and applied (the group's instance goes with its group)")
    func discoveredWithoutState() async throws {
        let bed = try await ProxyApplyBed.started()
        defer { bed.stop() }
        let example = Repo.example("gcp-kafka-proxy"), cluster = "tidb-kafka-proxied"
        func deleting(_ text: String) -> String {
            text.replacingOccurrences(of: "  cluster: \(cluster)\n", with: "  cluster: \(cluster)\n  deletionPolicy: Delete\n")
        }
        let manifests = try GcpDiscoveryTests.manifests(example: example, exposureFile: "proxy.yaml", edit: deleting)
        #expect(await bed.gcp.applyUntilConverged(manifests: manifests).last?.succeeded == true)
        let network = Set(bed.gcp.emulator.resourcePaths.filter { $0.contains("/networks/") || $0.contains("/subnetworks/brokers-subnet") })
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-empty-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: empty) }

        // Broker 4 joins: a new template; the old one is superseded, found by its description without the state.
        var grown = manifests
        grown.clusters = bed.manifestsWithBroker4.clusters
        let a = await bed.gcp.pass(.dryRun, manifests: grown)
        let b = await bed.gcp.pass(.dryRun, manifests: grown, stateDirectory: empty)
        #expect(GcpDiscoveryTests.changes(a).contains { $0.hasPrefix("delete \(cluster)/gcp.instanceTemplate/kafka-proxy-tpl-") && $0.contains("(superseded,") })
        #expect(GcpDiscoveryTests.changes(b) == GcpDiscoveryTests.changes(a))

        // The exposure leaves the manifests.
        var clusterOnly = manifests
        clusterOnly.gcpExposures = []
        let c = await bed.gcp.pass(.dryRun, manifests: clusterOnly, allowDestroy: [cluster])
        let d = await bed.gcp.pass(.dryRun, manifests: clusterOnly, stateDirectory: empty, allowDestroy: [cluster])
        let made = Set(bed.gcp.emulator.resourcePaths).subtracting(network).filter { !$0.contains("/instances/") && !$0.contains("/instanceGroups/") }
        #expect(GcpDiscoveryTests.changes(c).count == made.count && GcpDiscoveryTests.changes(c).allSatisfy { $0.hasPrefix("delete ") }, "\(GcpDiscoveryTests.changes(c)) \(made.sorted())")
        #expect(GcpDiscoveryTests.changes(d) == GcpDiscoveryTests.changes(c))
        let applied = await bed.gcp.pass(manifests: clusterOnly, stateDirectory: empty, allowDestroy: [cluster])
        #expect(applied.succeeded, "\(String(describing: applied.apply?.failed))")
        #expect(Set(bed.gcp.emulator.resourcePaths) == network, "\(bed.gcp.emulator.resourcePaths)")
        let problems = try GcpRequestCheck.problems(bed.gcp.requests)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("faults on every proxy resource and verb (throttles, 503s, a dropped reply, failed operations): passes fail only what a retry cannot fix, the next converges, nothing duplicated")
    func faults() async throws {
        let bed = try await ProxyApplyBed.started()
        defer { bed.stop() }
        bed.gcp.emulator.setFaults(FaultPlan(rules: [
            FaultRule(method: "POST", pathContains: "/instanceTemplates", action: .throttle, count: 2),
            FaultRule(method: "POST", pathContains: "/instanceGroupManagers", action: .serverError, count: 1),
            FaultRule(method: "POST", pathContains: "/healthChecks", action: .dropAfterProcessing, count: 1),
            FaultRule(method: "POST", pathContains: "/backendServices", action: .failOperation, count: 1),
        ]))
        let first = await bed.gcp.applyUntilConverged(limit: 4)
        #expect(first.last?.succeeded == true, "\(first.map { $0.apply.map { "\($0)" } ?? "-" })")
        #expect(first.count <= 3)
        #expect(bed.gcp.emulator.requests.compactMap(\.fault).count == 5, "every fault fired: \(bed.gcp.emulator.requests.compactMap(\.fault))")
        #expect(bed.templates.count == 1 && bed.instances.count == 1)
        #expect(bed.gcp.emulator.resourcePaths.filter { $0.contains("/healthChecks/") }.count == 1)
        #expect(try await bed.brokersThroughLoadBalancer(port: 9093).count == 4)

        // The template moves (broker 4 into the manifest) under faults on the group's verbs and the old template's delete.
        let grownManifests = bed.manifestsWithBroker4
        bed.gcp.emulator.setFaults(FaultPlan(rules: [
            FaultRule(method: "POST", pathContains: "/setInstanceTemplate", action: .failOperation, count: 1),
            FaultRule(method: "POST", pathContains: "/recreateInstances", action: .dropBeforeProcessing, count: 1),
            FaultRule(method: "DELETE", pathContains: "/instanceTemplates/", action: .throttle, count: 1, retryAfterSeconds: 1),
        ]))
        let second = await bed.gcp.applyUntilConverged(limit: 4, manifests: grownManifests)
        #expect(second.last?.succeeded == true, "\(second.map { $0.apply.map { "\($0)" } ?? "-" })")
        #expect(bed.gcp.emulator.requests.compactMap(\.fault).count == 8, "every fault fired")
        #expect(bed.templates.count == 1, "\(bed.templates)")
        #expect(bed.instances.count == 1)
        #expect(try await bed.brokersThroughLoadBalancer(port: 9092) == (1...4).map { "b\($0).\(ProxyApplyBed.suffix):\(9091 + $0)" })
        #expect(Self.summary(await bed.gcp.pass(.dryRun, manifests: grownManifests)).isEmpty)
        let problems = try GcpRequestCheck.problems(bed.gcp.requests)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("Kafka 3.8 brokers: the plan has a problem naming 3.7.x, and nothing is created")
    func versionGuard() async throws {
        let bed = try await ProxyApplyBed.started(version: "3.8.0")
        defer { bed.stop() }
        let result = await bed.gcp.pass()
        let problems = result.plan?.problems.map(\.message) ?? []
        #expect(problems.contains { $0.contains("Kafka 3.8 or newer") && $0.contains("up to Kafka 3.7.x") }, "\(problems)")
        #expect(result.apply == nil)
        #expect(bed.gcp.emulator.resourcePaths.count == 2)
    }
}
