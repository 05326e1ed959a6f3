import ReconcileModel

/// The desired specs of `manifests/private-link.yaml` (seed 000 §4) as `DesiredState.AzureGraph` builds them,
/// written out by hand because this test target does not depend on the compiler.
enum Seed {
    static let subscription = "11111111-2222-3333-4444-555555555555"
    static let group = "kafka-pls-rg"
    static let cluster = "tidb-kafka"
    static let tidbSubscription = "99549169-6cee-4263-8491-924a3011ee31"
    static let groupID = "/subscriptions/\(subscription)/resourceGroups/\(group)"
    static let tags: Value = [
        "managed-by": "kafka-private-link-reconciler", "reconcile-kafka-cluster": "tidb-kafka", "reconcile-kafka-exposure": "tidb-eastus",
    ]

    static func network(_ type: String, _ name: String) -> String { "\(groupID)/providers/Microsoft.Network/\(type)/\(name)" }
    static let vnetID = network("virtualNetworks", "kafka-pls-vnet")
    static let subnetID = vnetID + "/subnets/brokers-subnet"
    static let nsgID = network("networkSecurityGroups", "kafka-broker-nsg")
    static let lbID = network("loadBalancers", "kafka-lb")
    static let plsID = network("privateLinkServices", "kafka-pls")
    static func lbChild(_ kind: String, _ name: String) -> String { "\(lbID)/\(kind)/\(name)" }
    static func nicID(_ n: Int) -> String { network("networkInterfaces", "broker-node-\(n)-nic") }
    static func vmID(_ n: Int) -> String { "\(groupID)/providers/Microsoft.Compute/virtualMachines/broker-node-\(n)" }

    static func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(cluster: cluster, type: type, name: name) }

    static func spec(_ type: String, _ name: String, _ id: String, _ properties: Value, adopt: Bool = false) -> ResourceSpec {
        ResourceSpec(address: address(type, name), cloudID: id, properties: properties, replaceOn: ["location"], adopt: adopt)
    }

    static var resourceGroup: ResourceSpec {
        spec("azure.resourceGroup", group, groupID, ["location": "eastus", "tags": tags])
    }

    static var networkSecurityGroup: ResourceSpec {
        let ssh: Value = ["name": "allow-ssh", "properties": [
            "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "VirtualNetwork",
            "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22",
        ]]
        return spec("azure.networkSecurityGroup", "kafka-broker-nsg", nsgID, ["location": "eastus", "tags": tags, "properties": ["securityRules": [ssh]]])
    }

    static var virtualNetwork: ResourceSpec {
        spec("azure.virtualNetwork", "kafka-pls-vnet", vnetID, [
            "location": "eastus", "tags": tags,
            "properties": [
                "addressSpace": ["addressPrefixes": ["10.0.0.0/16"]],
                "subnets": [["name": "brokers-subnet", "properties": ["addressPrefix": "10.0.0.0/24", "privateLinkServiceNetworkPolicies": "Disabled"]]],
            ],
        ])
    }

    static var loadBalancer: ResourceSpec {
        let rules: [Value] = (1...3).map { n in
            ["name": .string("rule\(n)"), "properties": [
                "protocol": "Tcp", "frontendPort": .int(9092 + n), "backendPort": 39092,
                "frontendIPConfiguration": ["id": .string(lbChild("frontendIPConfigurations", "kafka-lb-ip"))],
                "backendAddressPool": ["id": .string(lbChild("backendAddressPools", "pool\(n)"))],
                "probe": ["id": .string(lbChild("probes", "kafka-lb-hp"))], "enableFloatingIP": false,
            ]]
        }
        return spec("azure.loadBalancer", "kafka-lb", lbID, [
            "location": "eastus", "tags": tags, "sku": ["name": "Standard", "tier": "Regional"],
            "properties": [
                "frontendIPConfigurations": [[
                    "name": "kafka-lb-ip", "zones": ["1", "2", "3"],
                    "properties": ["subnet": ["id": .string(subnetID)], "privateIPAllocationMethod": "Dynamic", "privateIPAddressVersion": "IPv4"],
                ]],
                "backendAddressPools": [["name": "pool1"], ["name": "pool2"], ["name": "pool3"]],
                "probes": [["name": "kafka-lb-hp", "properties": ["protocol": "Tcp", "port": 39092]]],
                "loadBalancingRules": .array(rules),
            ],
        ])
    }

    static func nic(_ n: Int) -> ResourceSpec {
        spec("azure.networkInterface", "broker-node-\(n)-nic", nicID(n), [
            "location": "eastus", "tags": tags,
            "properties": [
                "ipConfigurations": [[
                    "name": "ipconfig1",
                    "properties": [
                        "primary": true, "privateIPAllocationMethod": "Static", "privateIPAddress": .string("10.0.0.\(3 + n)"),
                        "privateIPAddressVersion": "IPv4", "subnet": ["id": .string(subnetID)],
                        "loadBalancerBackendAddressPools": [["id": .string(lbChild("backendAddressPools", "pool\(n)"))]],
                    ],
                ]],
                "networkSecurityGroup": ["id": .string(nsgID)],
            ],
        ])
    }

    static func vm(_ n: Int) -> ResourceSpec {
        spec("azure.virtualMachine", "broker-node-\(n)", vmID(n), [
            "location": "eastus", "tags": tags, "zones": [.string(String(n))],
            "properties": [
                "hardwareProfile": ["vmSize": "Standard_D2s_v3"],
                "storageProfile": [
                    "imageReference": ["publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"],
                    "osDisk": ["createOption": "FromImage", "managedDisk": ["storageAccountType": "Premium_LRS"], "deleteOption": "Delete"],
                ],
                "osProfile": [
                    "computerName": .string("broker-node-\(n)"), "adminUsername": "azureuser",
                    "linuxConfiguration": ["disablePasswordAuthentication": true, "ssh": ["publicKeys": [[
                        "path": "/home/azureuser/.ssh/authorized_keys", "keyData": "ssh-ed25519 AAAAC3Nza kafka_broker_key",
                    ]]]],
                ],
                "networkProfile": ["networkInterfaces": [["id": .string(nicID(n)), "properties": ["primary": true, "deleteOption": "Detach"]]]],
            ],
        ])
    }

    static var privateLinkService: ResourceSpec {
        spec("azure.privateLinkService", "kafka-pls", plsID, [
            "location": "eastus", "tags": tags,
            "properties": [
                "loadBalancerFrontendIpConfigurations": [["id": .string(lbChild("frontendIPConfigurations", "kafka-lb-ip"))]],
                "ipConfigurations": [[
                    "name": "kafka-pls-nat",
                    "properties": ["subnet": ["id": .string(subnetID)], "privateIPAllocationMethod": "Dynamic",
                                   "privateIPAddressVersion": "IPv4", "primary": true],
                ]],
                "visibility": ["subscriptions": [.string(tidbSubscription)]],
                "autoApproval": ["subscriptions": [.string(tidbSubscription)]],
                "enableProxyProtocol": false,
            ],
        ])
    }

    /// The eleven resources of the seed exposure.
    static var all: [ResourceSpec] {
        [resourceGroup, networkSecurityGroup, virtualNetwork, loadBalancer, privateLinkService] + (1...3).map(nic) + (1...3).map(vm)
    }
}
