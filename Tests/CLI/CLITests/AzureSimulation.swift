import ArmEmulator
import Foundation
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The seed's Azure deployment, emulated: the in-process ARM emulator (with the load balancers' data path on)
/// plus a ``SimulatedCluster`` of broker simulators on test-datacenter VMs, and manifests that create the whole
/// exposure (`vms.mode: create`) over them.
///
/// Addresses: the VMs sit on 10.213.X.11-13 of one test-datacenter /24, which is also the exposure's broker
/// subnet (VNet 10.213.0.0/16), so the NICs the reconciler creates in the emulator carry exactly the VMs'
/// addresses. The load balancer frontend is the subnet's last usable address (10.213.X.254, the manifest
/// default in create mode); the emulator listens for it on the loopback address 127.213.X.254 and forwards
/// each rule's frontend port to the pool member's EXTERNAL listener over the datacenter bridge.
struct AzureSimulation {
    static let subscription = "11111111-2222-3333-4444-555555555555"
    static let group = "kafka-pls-rg"
    static let suffix = "abc.eastus.azure.3199745.tidbcloud.com"
    static var network: String { "/subscriptions/\(subscription)/resourceGroups/\(group)/providers/Microsoft.Network" }
    static var loadBalancerID: String { "\(network)/loadBalancers/kafka-lb" }

    let cluster: SimulatedCluster
    let emulator: ArmEmulator
    let manifests: URL
    /// The load balancer frontend's private address (as ARM holds it) and where it listens on this machine.
    let frontendPrivateIP: String
    let frontendLocalIP: String

    var dc: TestDatacenter { cluster.dc }
    var vms: [TestDatacenter.VM] { cluster.dc.vms }

    static func start() async throws -> AzureSimulation {
        let cluster = try await SimulatedCluster.start()
        var started: ArmEmulator?
        do {
            let ips = cluster.dc.vms.map(\.ip)
            let octets = ips[0].split(separator: ".")
            guard octets.count == 4, octets[0] == "10", octets[1] == "213" else { throw TestDatacenterError("unexpected VM address \(ips[0])") }
            let net = "10.213.\(octets[2])"
            let frontendPrivateIP = "\(net).254"
            let frontendLocalIP = "127.213.\(octets[2]).254"
            var configuration = ArmEmulator.Configuration()
            configuration.retryAfterSeconds = 0
            configuration.operationPolls = 1
            configuration.forwarding = true
            // Each NIC's private address is the address of the VM that runs its broker (the same here, by
            // construction: the manifests give the NICs the VMs' addresses); the frontend goes to loopback.
            configuration.addressMap = Dictionary(uniqueKeysWithValues: ips.map { ($0, $0) })
            configuration.addressMap[frontendPrivateIP] = frontendLocalIP
            let emulator = try ArmEmulator(configuration: configuration)
            started = emulator
            try emulator.start()
            let manifests = try writeManifests(cluster.dc, subnet: "\(net).0/24")
            return AzureSimulation(
                cluster: cluster, emulator: emulator, manifests: manifests, frontendPrivateIP: frontendPrivateIP,
                frontendLocalIP: frontendLocalIP)
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

    /// What the reconciler needs to reach the emulator: ARM and Entra at its base URL, a service principal
    /// (any secret: the emulator issues tokens to anyone), no wait between LRO polls.
    var environment: [String: String] {
        [
            "AZURE_RESOURCE_MANAGER_ENDPOINT": emulator.baseURL, "AZURE_AUTHORITY_HOST": emulator.baseURL,
            "AZURE_TENANT_ID": "00000000-0000-0000-0000-00000000000a", "AZURE_CLIENT_ID": "00000000-0000-0000-0000-00000000000b",
            "AZURE_CLIENT_SECRET": "emulated-secret", "RECONCILE_AZURE_POLL_SECONDS": "0", "NO_COLOR": "1",
        ]
    }

    /// `reconcile ARGS --manifests M --state S` against the emulator.
    func reconcile(_ arguments: [String]) throws -> Binary.Result {
        try Binary.run(arguments + ["--manifests", manifests.path, "--state", cluster.state.path], environment: environment)
    }

    /// `reconcile verify --require-advertised` with every advertised name resolved to the load balancer
    /// frontend (on its local stand-in address): the path a consumer's client takes through the Private Link.
    func verify(_ extra: [String] = []) throws -> Binary.Result {
        var arguments = ["verify", "--manifests", manifests.path, "--require-advertised"]
        for i in 1...vms.count {
            arguments += ["--resolve", "b\(i).\(Self.suffix):\(9092 + i)=\(frontendLocalIP):\(9092 + i)"]
        }
        return try Binary.run(arguments + extra, environment: environment)
    }

    static func writeManifests(_ dc: TestDatacenter, subnet: String) throws -> URL {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let key = try String(contentsOfFile: dc.identityFile + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try """
            \(SimulatedCluster.clusterManifest(dc, zones: true))
            ---
            apiVersion: reconcile.kafka/v1alpha1
            kind: AzurePrivateLinkExposure
            metadata: {name: sim-eastus}
            spec:
              cluster: sim
              listener: {name: EXTERNAL, port: 39092}
              advertisedListenerPattern: "<broker_id>.\(suffix):<port>"
              externalPorts: {start: 9093}
              subscriptionId: \(subscription)
              resourceGroup: \(group)
              location: eastus
              network:
                virtualNetwork: {name: kafka-pls-vnet, addressSpace: [10.213.0.0/16]}
                subnet: {name: brokers-subnet, addressPrefix: \(subnet)}
                networkSecurityGroup: {name: kafka-broker-nsg, sshSourcePrefixes: [VirtualNetwork]}
              vms:
                mode: create
                adminUsername: azureuser
                sshPublicKey: "\(key)"
              loadBalancer: {name: kafka-lb, frontendName: kafka-lb-ip, probeName: kafka-lb-hp}
              privateLinkService:
                name: kafka-pls
                natSubnet: brokers-subnet
                visibility: [99549169-6cee-4263-8491-924a3011ee31]
                autoApproval: [99549169-6cee-4263-8491-924a3011ee31]

            """.write(to: dir.appendingPathComponent("sim.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    // MARK: - Behind the reconciler's back

    /// One ARM call to the emulator with the token it always accepts; returns the status and the JSON body.
    func arm(_ method: String, _ path: String, body: JSON? = nil) async throws -> (status: Int, json: JSON?) {
        guard let url = URL(string: "\(emulator.baseURL)\(path)?api-version=2025-07-01") else { throw TestDatacenterError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer arm-emulator-token", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.bytes)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, data.isEmpty ? nil : try JSON.parse(Array(data)))
    }

    /// PUTs the load balancer as it is now minus `rule`, as someone in the portal would, and waits until the
    /// update has completed (each GET is one LRO observation in the emulator).
    func removeLoadBalancerRule(_ rule: String) async throws {
        var lb = try await arm("GET", Self.loadBalancerID)
        guard lb.status == 200, var body = lb.json, let rules = body[path: ["properties", "loadBalancingRules"]]?.arrayValue else {
            throw TestDatacenterError("cannot read the load balancer: \(lb.status)")
        }
        body.set(["properties", "loadBalancingRules"], .array(rules.filter { $0["name"]?.stringValue != rule }))
        body.remove(["properties", "provisioningState"])
        let put = try await arm("PUT", Self.loadBalancerID, body: body)
        guard put.status == 200 || put.status == 201 else {
            throw TestDatacenterError("PUT of the load balancer without \(rule) failed: \(put.status) \(put.json?.serialized() ?? "")")
        }
        for _ in 0..<20 {
            lb = try await arm("GET", Self.loadBalancerID)
            if lb.json?[path: ["properties", "provisioningState"]]?.stringValue == "Succeeded" { return }
        }
        throw TestDatacenterError("the load balancer update did not complete")
    }

    /// Runs a shell command on `vm` as the login user over SSH; returns its exit status.
    @discardableResult
    func ssh(_ vm: TestDatacenter.VM, _ command: String) throws -> Int32 { try cluster.ssh(vm, command) }
}
