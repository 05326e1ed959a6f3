import ArmEmulator
import ComputeEmulator
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Seed 003 option A with the built binary: the Compute emulator stands in for GCP (resources, operations, the PSC
/// port-mapping data path), test-datacenter VMs with real sshd run the broker simulators. Under Compute faults the
/// apply converges with nothing duplicated; it writes every broker's EXTERNAL listener over SSH and rolls the brokers;
/// TiDB Cloud's project connects and is accepted; `verify` goes consumer endpoint -> forwarding rule -> port mapping
/// -> broker; drift on either side (an endpoint detached in the console, a broker file) is repaired.
@Suite("GCP port mapping, end to end (Compute emulator, real SSH)", .serialized, .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces and sshd (CI runs as root)"))
struct GcpEndToEndTests {
    static let suffix = "abc.us-west1.gcp.3199745.tidbcloud.com"
    static let project = "projects/my-kafka-project"
    static let region = "\(project)/regions/us-west1"

    func restarted(_ result: Binary.Result) -> [String] { SimulatedCluster.restarted(result) }

    @Test("Create the exposure under faults, write and roll the brokers over SSH, accept TiDB Cloud, verify through PSC, repair drift")
    func fullFlow() async throws {
        let sim = try await GcpSimulation.start()
        defer { sim.stop() }
        let vms = sim.vms
        let before = vms.map(sim.cluster.pid)

        let plan = try sim.reconcile(["--dry-run", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.out)\n\(plan.err)")
        #expect(plan.out.contains("Plan: 13 to add, 0 to change, 0 to destroy, 3 broker configs to write, 3 broker restarts."), "\(plan.out)")
        #expect(plan.out.contains("bootstrap ports of exposure sim-us-west1: 9093,9094,9095"), "\(plan.out)")
        #expect(sim.emulator.resourcePaths.isEmpty, "a dry-run creates nothing")

        // The apply under Compute faults: rate limits, a 503, dropped connections, a failed operation.
        sim.emulator.setFaults(FaultPlan(rules: [
            FaultRule(method: "POST", pathContains: "/subnetworks", action: .throttle, count: 2),
            FaultRule(method: "POST", pathContains: "/instances", action: .dropAfterProcessing, count: 1),
            FaultRule(method: "POST", pathContains: "attachNetworkEndpoints", action: .serverError, count: 1),
            FaultRule(method: "POST", pathContains: "/global/firewalls", action: .failOperation, count: 1),
        ]))
        let monitor = AvailabilityMonitor(ips: vms.map(\.ip))
        var applies: [Binary.Result] = []
        repeat { applies.append(try sim.reconcile([])) } while applies.last!.status != 0 && applies.count < 3
        let availability = monitor.stop()
        #expect(applies.last?.status == 0, "\(applies.map { "\($0.out)\n\($0.err)" })")
        #expect(applies.count == 2, "the failed operation fails one pass; the next converges")
        #expect(sim.emulator.faults.rules.allSatisfy { $0.count == 0 }, "every fault fired")
        sim.emulator.setFaults(FaultPlan())
        #expect(availability.maxDown <= 1, "two brokers were down at once")
        let afterApply = vms.map(sim.cluster.pid)
        for i in 0..<3 { #expect(before[i] != afterApply[i], "broker \(i + 1) was restarted") }
        #expect(applies.flatMap(restarted).sorted() == ["1", "2", "3"], "each broker once")
        for (i, vm) in vms.enumerated() {
            #expect(sim.cluster.file(vm).contains("EXTERNAL://b\(i + 1).\(Self.suffix):\(9093 + i)"), "\(sim.cluster.file(vm))")
        }
        #expect(sim.emulator.resourcePaths.count == 13, "nothing duplicated: \(sim.emulator.resourcePaths)")
        #expect(try sim.reconcile(["--detailed-exitcode"]).status == 0, "a second pass changes nothing")
        #expect(vms.map(sim.cluster.pid) == afterApply)

        // TiDB Cloud's project creates its PSC endpoint; the accept list accepts it; verify goes through it.
        try await sim.consumerEndpoint()
        let verify = try sim.verify()
        #expect(verify.status == 0, "\(verify.out)\n\(verify.err)")
        #expect(verify.out.contains("forwardingRules/tidb-changefeed: ACCEPTED"), "\(verify.out)")
        for i in 1...3 {
            #expect(verify.out.contains("identity through advertised b\(i).\(Self.suffix):\(9092 + i): reached broker \(i)"), "\(verify.out)")
        }

        // Someone detaches broker 2's endpoint in the console: its advertised address leads nowhere; the apply
        // re-attaches it without restarting a broker.
        try await sim.detach(instance: "\(Self.project)/zones/us-west1-b/instances/kafka-2")
        let broken = try sim.verify()
        #expect(broken.status == 1 && broken.out.contains("broker 2: FAILED"), "\(broken.out)")
        let repair = try sim.reconcile([])
        #expect(repair.status == 0, "\(repair.out)\n\(repair.err)")
        #expect(repair.out.contains("~ sim/gcp.networkEndpointGroup/kafka-neg"), "\(repair.out)")
        #expect(restarted(repair).isEmpty && vms.map(sim.cluster.pid) == afterApply)
        #expect(try sim.verify().status == 0)

        // Someone drops EXTERNAL from broker 2's file and restarts it: the apply repairs the file, restarts broker 2 only.
        #expect(try sim.ssh(vms[1], "sed -i -e 's/,EXTERNAL[^,]*//g' config/server.properties") == 0)
        #expect(try sim.cluster.ctl("restart", on: vms[1]) == 0)
        try await sim.cluster.waitHealthy()
        let handEdited = vms.map(sim.cluster.pid)
        let monitor2 = AvailabilityMonitor(ips: vms.map(\.ip))
        let repairFile = try sim.reconcile([])
        #expect(monitor2.stop().maxDown <= 1)
        #expect(repairFile.status == 0, "\(repairFile.out)\n\(repairFile.err)")
        #expect(restarted(repairFile) == ["2"], "\(repairFile.err)")
        #expect(vms.map(sim.cluster.pid)[0] == handEdited[0] && vms.map(sim.cluster.pid)[2] == handEdited[2])
        #expect(try sim.verify().status == 0)
        #expect(try sim.reconcile(["--dry-run", "--detailed-exitcode"]).status == 0, "nothing left to do")
    }
}

/// The seed's GCP deployment, emulated: the in-process Compute emulator (data path on) plus a ``SimulatedCluster`` on
/// test-datacenter VMs. The brokers' subnet is the VMs' /24 (so instances carry the VMs' addresses); the forwarding
/// rule takes the subnet's first free address (.2), which the emulator serves on 127.213.X.2; TiDB Cloud's PSC
/// endpoint (10.200.0.5) is served on 127.213.X.20.
struct GcpSimulation {
    let cluster: SimulatedCluster
    let emulator: ComputeEmulator
    let manifests: URL
    let consumerLocalIP: String

    var vms: [TestDatacenter.VM] { cluster.dc.vms }

    static func start() async throws -> GcpSimulation {
        let cluster = try await SimulatedCluster.start()
        var started: ComputeEmulator?
        do {
            let ips = cluster.dc.vms.map(\.ip)
            let octets = ips[0].split(separator: ".")
            guard octets.count == 4, octets[0] == "10", octets[1] == "213" else { throw TestDatacenterError("unexpected VM address \(ips[0])") }
            var configuration = ComputeEmulator.Configuration()
            configuration.operationPolls = 1
            configuration.forwarding = true
            configuration.addressMap = Dictionary(uniqueKeysWithValues: ips.map { ($0, $0) })
            configuration.addressMap["10.213.\(octets[2]).2"] = "127.213.\(octets[2]).2"
            configuration.addressMap["10.200.0.5"] = "127.213.\(octets[2]).20"
            let emulator = try ComputeEmulator(configuration: configuration)
            started = emulator
            try emulator.start()
            let manifests = try writeManifests(cluster.dc, subnet: "10.213.\(octets[2]).0/24")
            return GcpSimulation(cluster: cluster, emulator: emulator, manifests: manifests, consumerLocalIP: "127.213.\(octets[2]).20")
        } catch {
            started?.stop()
            cluster.stop()
            throw error
        }
    }

    func stop() {
        emulator.stop()
        cluster.stop()
        try? FileManager.default.removeItem(at: manifests)
        try? FileManager.default.removeItem(at: cluster.manifests)
        try? FileManager.default.removeItem(at: cluster.state)
    }

    var environment: [String: String] {
        [
            "GOOGLE_OAUTH_ACCESS_TOKEN": "emulated", "GOOGLE_COMPUTE_CUSTOM_ENDPOINT": emulator.computeBase,
            "GCE_METADATA_HOST": "127.0.0.1:\(emulator.port)", "RECONCILE_GCP_POLL_SECONDS": "0", "RECONCILE_HTTP_RETRY_BASE_MS": "1",
            "NO_COLOR": "1",
        ]
    }

    func reconcile(_ arguments: [String]) throws -> Binary.Result {
        try Binary.run(arguments + ["--manifests", manifests.path, "--state", cluster.state.path], environment: environment)
    }

    /// `verify --require-advertised --require-cloud`, each advertised name resolved to TiDB Cloud's PSC endpoint.
    func verify() throws -> Binary.Result {
        var arguments = ["verify", "--manifests", manifests.path, "--require-advertised", "--require-cloud"]
        for i in 1...vms.count { arguments += ["--resolve", "b\(i).\(GcpEndToEndTests.suffix):\(9092 + i)=\(consumerLocalIP):\(9092 + i)"] }
        return try Binary.run(arguments, environment: environment)
    }

    static func writeManifests(_ dc: TestDatacenter, subnet: String) throws -> URL {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cluster = SimulatedCluster.clusterManifest(dc, zones: true)
            .replacingOccurrences(of: #"zone: "1""#, with: "zone: us-west1-a").replacingOccurrences(of: #"zone: "2""#, with: "zone: us-west1-b")
            .replacingOccurrences(of: #"zone: "3""#, with: "zone: us-west1-c")
        try """
            \(cluster)
            ---
            apiVersion: reconcile.kafka/v1alpha1
            kind: GcpPrivateServiceConnectExposure
            metadata: {name: sim-us-west1}
            spec:
              cluster: sim
              mode: portMapping
              project: my-kafka-project
              region: us-west1
              listener: {name: EXTERNAL, port: 39092}
              advertisedListenerPattern: "<broker_id>.\(GcpEndToEndTests.suffix):<port>"
              externalPorts: {start: 9093}
              network:
                name: kafka-vpc
                subnets:
                  - {name: brokers-subnet, ipCidrRange: \(subnet)}
                brokersSubnet: brokers-subnet
                defaultFirewallRules: true
              pscNatSubnet: {name: psc-subnet, ipCidrRange: 10.128.0.0/18}
              instances: {create: true}
              serviceAttachment:
                name: kafka-psc
                connectionPreference: ACCEPT_MANUAL
                consumerAcceptList:
                  - {project: tidbcloud-prod-000, connectionLimit: 10}
              firewall: {name: allow-psc-traffic}

            """.write(to: dir.appendingPathComponent("sim.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    // MARK: - Behind the reconciler's back (the console, TiDB Cloud)

    @discardableResult
    func compute(_ method: String, _ path: String, _ body: String? = nil) async throws -> JSON {
        var request = URLRequest(url: URL(string: emulator.computeBase + path)!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body.map { Data($0.utf8) } ?? (method == "POST" ? Data() : nil)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw TestDatacenterError("\(method) \(path): \(status) \(String(decoding: data, as: UTF8.self))") }
        return try JSON.parse(Array(data))
    }

    func consumerEndpoint() async throws {
        try await compute("POST", "projects/tidbcloud-prod-000/global/networks", #"{"name":"tidb-vpc"}"#)
        try await compute("POST", "projects/tidbcloud-prod-000/regions/us-west1/forwardingRules", """
            {"name":"tidb-changefeed","target":"\(GcpEndToEndTests.region)/serviceAttachments/kafka-psc",
             "network":"projects/tidbcloud-prod-000/global/networks/tidb-vpc","IPAddress":"10.200.0.5"}
            """)
    }

    func detach(instance: String) async throws {
        let neg = "\(GcpEndToEndTests.region)/networkEndpointGroups/kafka-neg"
        let endpoints = try await compute("POST", "\(neg)/listNetworkEndpoints")["items"]?.arrayValue ?? []
        let gone = endpoints.compactMap { $0["networkEndpoint"] }.filter { $0["instance"]?.stringValue?.hasSuffix(instance) == true }
        _ = try await compute("POST", "\(neg)/detachNetworkEndpoints", JSON.object(["networkEndpoints": .array(gone)]).serialized())
    }

    @discardableResult
    func ssh(_ vm: TestDatacenter.VM, _ command: String) throws -> Int32 { try cluster.ssh(vm, command) }
}
