@testable import ArmEmulator

/// A started emulator with fast LROs (one InProgress poll, Retry-After 0) and helpers that build the seed's
/// resources through HTTP, waiting for each LRO.
final class Fixture {
    static let sub = "00000000-0000-0000-0000-0000000000aa"
    static let rg = "kafka-pls-rg"
    static var groupPath: String { "/subscriptions/\(sub)/resourceGroups/\(rg)" }
    static var network: String { "\(groupPath)/providers/Microsoft.Network" }
    static var subnetID: String { "\(network)/virtualNetworks/kafka-pls-vnet/subnets/brokers-subnet" }
    static var lbID: String { "\(network)/loadBalancers/kafka-lb" }

    let emulator: ArmEmulator
    let client: ArmClient

    init(_ change: (inout ArmEmulator.Configuration) -> Void = { _ in }) throws {
        var configuration = ArmEmulator.Configuration()
        configuration.retryAfterSeconds = 0
        configuration.operationPolls = 1
        change(&configuration)
        emulator = try ArmEmulator(configuration: configuration)
        try emulator.start()
        client = ArmClient(port: emulator.port)
    }

    deinit { emulator.stop() }

    /// PUT and wait for the LRO (if any); returns the PUT's response.
    @discardableResult
    func put(_ path: String, _ body: JSON) throws -> TestResponse {
        let response = try client.send("PUT", path, body)
        try client.wait(response)
        return response
    }

    func delete(_ path: String) throws -> TestResponse {
        let response = try client.send("DELETE", path)
        try client.wait(response)
        return response
    }

    func get(_ path: String) throws -> TestResponse { try client.send("GET", path) }

    func group(_ name: String = Fixture.rg, subscription: String = Fixture.sub) throws {
        try put("/subscriptions/\(subscription)/resourceGroups/\(name)", ["location": "eastus"])
    }

    func vnet(policies: String = "Disabled") throws {
        try group()
        try put("\(Self.network)/virtualNetworks/kafka-pls-vnet", Self.vnetBody(policies: policies))
    }

    static func vnetBody(policies: String = "Disabled", prefix: String = "10.0.0.0/24") -> JSON {
        [
            "location": "eastus",
            "properties": [
                "addressSpace": ["addressPrefixes": ["10.0.0.0/16"]],
                "subnets": [
                    [
                        "name": "brokers-subnet",
                        "properties": ["addressPrefix": .string(prefix), "privateLinkServiceNetworkPolicies": .string(policies)],
                    ]
                ],
            ],
        ]
    }

    static func nicBody(ip: String? = nil, pools: [String] = []) -> JSON {
        var properties: JSON = ["subnet": .reference(subnetID)]
        if let ip {
            properties["privateIPAllocationMethod"] = "Static"
            properties["privateIPAddress"] = .string(ip)
        } else {
            properties["privateIPAllocationMethod"] = "Dynamic"
        }
        if !pools.isEmpty { properties["loadBalancerBackendAddressPools"] = .array(pools.map { .reference("\(lbID)/backendAddressPools/\($0)") }) }
        return ["location": "eastus", "properties": ["ipConfigurations": [["name": "ipconfig1", "properties": properties]]]]
    }

    @discardableResult
    func nic(_ name: String, ip: String? = nil, pools: [String] = []) throws -> TestResponse {
        try put("\(Self.network)/networkInterfaces/\(name)", Self.nicBody(ip: ip, pools: pools))
    }

    static func rule(_ name: String, port: Int, pool: String, protocolName: String = "Tcp", backendPort: Int = 39092) -> JSON {
        [
            "name": .string(name),
            "properties": [
                "protocol": .string(protocolName), "frontendPort": .number(Double(port)), "backendPort": .number(Double(backendPort)),
                "frontendIPConfiguration": .reference("\(lbID)/frontendIPConfigurations/kafka-lb-ip"),
                "backendAddressPool": .reference("\(lbID)/backendAddressPools/\(pool)"),
                "probe": .reference("\(lbID)/probes/kafka-lb-hp"),
            ],
        ]
    }

    static func lbBody(rules: [JSON]? = nil) -> JSON {
        [
            "location": "eastus", "sku": ["name": "Standard"],
            "properties": [
                "frontendIPConfigurations": [
                    ["name": "kafka-lb-ip", "properties": ["subnet": .reference(subnetID), "privateIPAllocationMethod": "Dynamic"]]
                ],
                "backendAddressPools": [["name": "pool1"], ["name": "pool2"], ["name": "pool3"]],
                "probes": [["name": "kafka-lb-hp", "properties": ["protocol": "Tcp", "port": 39092]]],
                "loadBalancingRules": .array(
                    rules ?? [rule("rule1", port: 9093, pool: "pool1"), rule("rule2", port: 9094, pool: "pool2"), rule("rule3", port: 9095, pool: "pool3")]),
            ],
        ]
    }

    @discardableResult
    func lb(_ body: JSON = Fixture.lbBody()) throws -> TestResponse { try put(Self.lbID, body) }

    static func plsBody(visibility: [String] = ["99549169-6cee-4263-8491-924a3011ee31"], autoApproval: [String] = ["99549169-6cee-4263-8491-924a3011ee31"])
        -> JSON
    {
        [
            "location": "eastus",
            "properties": [
                "loadBalancerFrontendIpConfigurations": [.reference("\(lbID)/frontendIPConfigurations/kafka-lb-ip")],
                "ipConfigurations": [
                    ["name": "nat", "properties": ["subnet": .reference(subnetID), "privateIPAllocationMethod": "Dynamic", "primary": true]]
                ],
                "visibility": ["subscriptions": .array(visibility.map(JSON.string))],
                "autoApproval": ["subscriptions": .array(autoApproval.map(JSON.string))],
            ],
        ]
    }

    static var plsID: String { "\(network)/privateLinkServices/kafka-pls" }

    @discardableResult
    func pls(_ body: JSON = Fixture.plsBody()) throws -> TestResponse { try put(Self.plsID, body) }

    /// A consumer endpoint (with its own group and VNet) in `subscription`.
    @discardableResult
    func endpoint(_ name: String, subscription: String, manual: Bool = false, target: String = Fixture.plsID) throws -> TestResponse {
        let groupPath = "/subscriptions/\(subscription)/resourceGroups/consumer"
        if try get(groupPath).status == 404 {
            try put(groupPath, ["location": "eastus"])
            try put(
                "\(groupPath)/providers/Microsoft.Network/virtualNetworks/cvnet",
                [
                    "location": "eastus",
                    "properties": [
                        "addressSpace": ["addressPrefixes": ["172.16.0.0/16"]],
                        "subnets": [["name": "pe", "properties": ["addressPrefix": "172.16.1.0/24"]]],
                    ],
                ])
        }
        let list = manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections"
        return try put(
            "\(groupPath)/providers/Microsoft.Network/privateEndpoints/\(name)",
            [
                "location": "eastus",
                "properties": [
                    "subnet": .reference("\(groupPath)/providers/Microsoft.Network/virtualNetworks/cvnet/subnets/pe"),
                    .init(stringLiteral: list): [["name": "conn", "properties": ["privateLinkServiceId": .string(target), "requestMessage": "hi"]]],
                ],
            ])
    }
}
