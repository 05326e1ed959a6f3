import ArmEmulator
import CurlTransport
import DesiredState
import FileStateStore
import Foundation
import Manifests
import ProviderAPI
import ReconcileModel
import ReconcileCommands
import Synchronization
import Testing
import TestSupport

/// The seed's Azure resources reconciled by the real pass (`ReconcilePass` + `StandardProviders.registry`, so the
/// real ARM provider over libcurl, the retrying transport and the client-secret credential) against an in-process
/// ARM emulator, with a temporary state directory.
///
/// Brokers are out of scope: every pass is narrowed to the Azure resources by targets (the Private Link Service
/// and the VMs pull in every other Azure resource through their dependencies), so no SSH is involved. LROs poll
/// without waiting (`Retry-After: 0`, `RECONCILE_AZURE_POLL_SECONDS=0`) and retries back off by at most a
/// millisecond or two (`RECONCILE_HTTP_RETRY_BASE_MS=1`), so faults cost requests, not time.
final class EmulatedAzure: Sendable {
    static let subscription = "11111111-2222-3333-4444-555555555555"
    static let groupID = "/subscriptions/\(subscription)/resourceGroups/kafka-pls-rg"
    static let network = "\(groupID)/providers/Microsoft.Network"
    static let compute = "\(groupID)/providers/Microsoft.Compute"
    static let lbID = "\(network)/loadBalancers/kafka-lb"
    static let plsID = "\(network)/privateLinkServices/kafka-pls"
    static let vnetID = "\(network)/virtualNetworks/kafka-pls-vnet"
    static let nsgID = "\(network)/networkSecurityGroups/kafka-broker-nsg"
    static func nicID(_ node: Int) -> String { "\(network)/networkInterfaces/broker-node-\(node)-nic" }
    static func vmID(_ node: Int) -> String { "\(compute)/virtualMachines/broker-node-\(node)" }

    /// Every id the seed's exposure creates: the group and its 10 resources, nothing else.
    static let seedIDs: [String] =
        [groupID, nsgID, vnetID] + (1...3).map(nicID) + (1...3).map(vmID) + [lbID, plsID]

    /// `--target`s covering every Azure resource of the seed and no broker. Every type is named: the Private Link
    /// Service and the VMs bring every other Azure resource into what is observed, but a change of a resource
    /// they depend on is planned only while they change too (`PlanAssembly.resolve` closes over the changes'
    /// graph), so a load balancer drifting alone would be left out. A pass uses those that match something
    /// (``targets(for:)``): a selector matching nothing is an error.
    static let azureTargets = [
        "azure.resourceGroup", "azure.networkSecurityGroup", "azure.virtualNetwork", "azure.networkInterface", "azure.virtualMachine",
        "azure.loadBalancer", "azure.privateLinkService", "azure.nicBackendPoolAssociation",
    ].map { "tidb-kafka/\($0)" }

    let emulator: ArmEmulator
    let stateDirectory: URL
    let scratch: URL
    let httpRecords = Mutex<[HTTPLogRecord]>([])

    /// - Parameters:
    ///   - requestLog: have the emulator append every request to `requestLogPath` (JSON lines).
    ///   - operationPolls: how many observations an LRO stays `InProgress` when no fault says otherwise.
    init(requestLog: Bool = false, operationPolls: Int = 1) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-azure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        stateDirectory = scratch.appendingPathComponent("state")
        var configuration = ArmEmulator.Configuration()
        configuration.retryAfterSeconds = 0
        configuration.operationPolls = operationPolls
        if requestLog { configuration.requestLogPath = scratch.appendingPathComponent("requests.jsonl").path }
        emulator = try ArmEmulator(configuration: configuration)
        try emulator.start()
    }

    deinit {
        emulator.stop()
        try? FileManager.default.removeItem(at: scratch)
    }

    var requestLogPath: String? { emulator.configuration.requestLogPath }

    /// What the reconciler process would find in its environment.
    var environment: [String: String] {
        [
            "AZURE_RESOURCE_MANAGER_ENDPOINT": emulator.baseURL,
            "AZURE_AUTHORITY_HOST": emulator.baseURL,
            "AZURE_TENANT_ID": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "AZURE_CLIENT_ID": "0c2e9b6a-1f4d-4c7e-9a3b-5d6e7f8a9b0c",
            "AZURE_CLIENT_SECRET": "emulator-secret",
            "RECONCILE_AZURE_POLL_SECONDS": "0",
            "RECONCILE_HTTP_RETRY_BASE_MS": "1",
        ]
    }

    /// One pass's exit status and what it printed.
    struct Outcome: CustomStringConvertible {
        var status: Int32
        var out: String
        var err: String
        var description: String { "exit \(status)\n--- stdout\n\(out)\n--- stderr\n\(err)" }
    }

    /// The ``azureTargets`` that name a type `manifests` declare or the inventory holds (pool associations exist
    /// only with NICs the reconciler does not own, and after such manifests are gone until they are deleted).
    func targets(for manifests: String) async -> [String] {
        var types = Set(DesiredStateCompiler.compile(ManifestLoader.load(directory: manifests).manifests).resources.map(\.address.type))
        let inventory = try? await FileStateStore(directory: stateDirectory).inventory(cluster: "tidb-kafka")
        types.formUnion(inventory?.entries.keys.map(\.type) ?? [])
        return Self.azureTargets.filter { types.contains(String($0.split(separator: "/")[1])) }
    }

    /// One reconcile pass over `manifests`, narrowed to `targets` (default: ``targets(for:)``).
    func pass(
        _ manifests: String = Repo.example("azure-private-link"), dryRun: Bool = false, detailedExitCode: Bool = false,
        targets: [String]? = nil, allowDestroy: [String] = [], store: (any StateStore)? = nil, extraEnvironment: [String: String] = [:]
    ) async -> Outcome {
        let targets = if let targets { targets } else { await self.targets(for: manifests) }
        let console = CapturedConsole()
        let environment = self.environment.merging(extraEnvironment) { $1 }
        let sink = RecordingHTTPLog(records: self)
        let reconcile = ReconcilePass(
            providers: StandardProviders.registry(remote: InMemoryRemoteHost(), environment: environment, httpLog: sink),
            store: store ?? FileStateStore(directory: stateDirectory), console: console.console())
        let status = await reconcile.run(.init(
            manifests: manifests, dryRun: dryRun, detailedExitCode: detailedExitCode, targets: targets, allowDestroy: allowDestroy))
        return Outcome(status: status, out: console.out, err: console.err)
    }

    /// Applies until a pass succeeds (at most `limit` passes); returns every pass's outcome.
    func applyUntilConverged(
        _ manifests: String = Repo.example("azure-private-link"), limit: Int = 3, targets: [String]? = nil,
        allowDestroy: [String] = []
    ) async -> [Outcome] {
        var outcomes: [Outcome] = []
        while outcomes.count < limit {
            let outcome = await pass(manifests, targets: targets, allowDestroy: allowDestroy)
            outcomes.append(outcome)
            if outcome.status == ExitStatus.success { break }
        }
        return outcomes
    }

    // MARK: - The emulator's side

    /// The resource as ARM holds it now (not counted as an observation of a running operation).
    func resource(_ id: String) throws -> JSON {
        try #require(emulator.resource(id: id), "\(id) is not in the emulator")
    }

    /// Ids of every resource group and top-level resource the emulator holds, lowercased and sorted.
    var storedIDs: [String] { emulator.resourceIDs.map { $0.lowercased() }.sorted() }

    /// Requests the emulator saw (not the control endpoints).
    var requests: [LoggedRequest] { emulator.requests }

    /// Requests the fault plan hit with `action`.
    func faulted(_ action: FaultRule.Action) -> [LoggedRequest] { requests.filter { $0.fault == action.rawValue } }

    /// Client-side records of attempts after the first (what the retrying transport retried).
    var clientRetries: [HTTPLogRecord] { httpRecords.withLock { $0.filter { $0.attempt > 1 } } }

    /// Checks that the emulator holds exactly the seed's resources, each exactly once with exactly the expected
    /// children: a fault that made the reconciler create anything twice shows up here.
    func expectExactlyTheSeed(
        ports: [Int] = [9093, 9094, 9095], probe: String = "kafka-lb-hp", sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        #expect(storedIDs == Self.seedIDs.map { $0.lowercased() }.sorted(), "stored: \(storedIDs)", sourceLocation: sourceLocation)
        for id in Self.seedIDs.dropFirst() {
            let state = try resource(id)[path: ["properties", "provisioningState"]]?.stringValue
            #expect(state == "Succeeded", "\(id) is \(state ?? "nil")", sourceLocation: sourceLocation)
        }

        let lb = try resource(Self.lbID)
        let names = { (path: [String]) -> [String] in (lb[path: path]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.sorted() }
        #expect(names(["properties", "frontendIPConfigurations"]) == ["kafka-lb-ip"], sourceLocation: sourceLocation)
        #expect(names(["properties", "backendAddressPools"]) == ["pool1", "pool2", "pool3"], sourceLocation: sourceLocation)
        #expect(names(["properties", "loadBalancingRules"]) == ["rule1", "rule2", "rule3"], sourceLocation: sourceLocation)
        #expect(names(["properties", "probes"]) == [probe], sourceLocation: sourceLocation)
        let frontendPorts = (lb[path: ["properties", "loadBalancingRules"]]?.arrayValue ?? [])
            .compactMap { $0[path: ["properties", "frontendPort"]]?.intValue }.sorted()
        #expect(frontendPorts == ports, sourceLocation: sourceLocation)

        let pls = try resource(Self.plsID)
        #expect(pls[path: ["properties", "ipConfigurations"]]?.arrayValue?.count == 1, "\(pls)", sourceLocation: sourceLocation)
        #expect(pls[path: ["properties", "loadBalancerFrontendIpConfigurations"]]?.arrayValue?.count == 1, sourceLocation: sourceLocation)

        let vnet = try resource(Self.vnetID)
        #expect(vnet[path: ["properties", "subnets"]]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["brokers-subnet"],
                sourceLocation: sourceLocation)
        let nsg = try resource(Self.nsgID)
        #expect(nsg[path: ["properties", "securityRules"]]?.arrayValue?.count == 1, "\(nsg)", sourceLocation: sourceLocation)

        for node in 1...3 {
            let nic = try resource(Self.nicID(node))
            let configurations = nic[path: ["properties", "ipConfigurations"]]?.arrayValue ?? []
            #expect(configurations.count == 1, sourceLocation: sourceLocation)
            let pools = (configurations.first?[path: ["properties", "loadBalancerBackendAddressPools"]]?.arrayValue ?? [])
                .compactMap { $0["id"]?.stringValue?.lowercased() }
            #expect(pools == ["\(Self.lbID)/backendAddressPools/pool\(node)".lowercased()], sourceLocation: sourceLocation)
            let vm = try resource(Self.vmID(node))
            let nics = (vm[path: ["properties", "networkProfile", "networkInterfaces"]]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue?.lowercased() }
            #expect(nics == [Self.nicID(node).lowercased()], sourceLocation: sourceLocation)
        }
    }

    // MARK: - Acting behind the reconciler's back

    /// One request to the emulator as another ARM client would send it (the emulator's static token).
    func send(_ method: String, _ pathOrURL: String, body: JSON? = nil, apiVersion: String = "2025-07-01") async throws -> (status: Int, body: JSON?) {
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : "\(emulator.baseURL)\(pathOrURL)?api-version=\(apiVersion)"
        var headers = [("Authorization", "Bearer arm-emulator-token"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try await CurlTransport().send(HTTPRequest(method: method, url: url, headers: headers, body: body?.bytes, timeout: 30))
        return (response.status, response.body.isEmpty ? nil : try JSON.parse(response.body))
    }

    /// PUTs `body` at `id` and polls its `Azure-AsyncOperation` until it is no longer `InProgress`.
    func putAndWait(_ id: String, _ body: JSON, apiVersion: String = "2025-07-01") async throws {
        let url = "\(emulator.baseURL)\(id)?api-version=\(apiVersion)"
        let headers = [("Authorization", "Bearer arm-emulator-token"), ("Content-Type", "application/json")]
        let transport = CurlTransport()
        let response = try await transport.send(HTTPRequest(method: "PUT", url: url, headers: headers, body: body.bytes, timeout: 30))
        try #require((200..<300).contains(response.status), "PUT \(id): \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        guard let operation = response.header("Azure-AsyncOperation") else { return }
        for _ in 0..<50 {
            let (_, status) = try await send("GET", operation)
            if status?["status"]?.stringValue != "InProgress" {
                #expect(status?["status"]?.stringValue == "Succeeded", "\(String(describing: status))")
                return
            }
        }
        Issue.record("PUT \(id): its operation never finished")
    }
}

/// Keeps the client's HTTP log records (one per attempt) on the fixture.
private struct RecordingHTTPLog: HTTPLogSink {
    let records: EmulatedAzure
    func record(_ entry: HTTPLogRecord) { records.httpRecords.withLock { $0.append(entry) } }
}

/// The second consumer's exposure under `deletionPolicy: Delete`, and the confirmation its protected resources need.
let secondConsumerDeleted: (file: String, from: String, to: String) =
    ("private-link-2.yaml", "  cluster: tidb-kafka\n", "  cluster: tidb-kafka\n  deletionPolicy: Delete\n")
let secondConsumerAllowance = ["tidb-kafka/azure.privateLinkService/kafka-pls-2", "tidb-kafka/azure.loadBalancer/kafka-lb-2"]

/// A copy of an example's manifests with textual edits, in a temporary directory the caller removes.
func editedExample(_ name: String, _ edits: [(file: String, from: String, to: String)]) throws -> URL {
    let source = URL(fileURLWithPath: Repo.example(name))
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-manifests-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: source, to: copy)
    for edit in edits {
        let file = copy.appendingPathComponent(edit.file)
        let text = try String(contentsOf: file, encoding: .utf8)
        try #require(text.contains(edit.from), "\(edit.file) has no `\(edit.from)`")
        try text.replacingOccurrences(of: edit.from, with: edit.to).write(to: file, atomically: true, encoding: .utf8)
    }
    return copy
}
