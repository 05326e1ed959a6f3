import Foundation
import ReconcileModel

/// What ARM's GET returns for the seed's resources once they exist: the desired fields plus everything the
/// service adds (ids, etags, provisioning states, back-references, defaults), some ids in another case (ARM
/// echoes resource group names as it stored them), and things other people added (a subnet, an NSG rule).
/// Shapes follow the official examples in `../shared/specs/azure/examples` and the 2025-07-01/2026-03-01 models.
enum SeedLive {
    static let etag: Value = "W/\"8b2c5a9e-0c1d-4e6f-a1b2-3c4d5e6f7a8b\""
    static let guid: Value = "5c0b7e36-5b2d-4d6c-9f3e-2a1b0c9d8e7f"
    /// The resource group as ARM spells it back in references.
    static let shoutedGroupID = "/subscriptions/\(Seed.subscription)/resourceGroups/KAFKA-PLS-RG"

    static func shouted(_ id: String) -> String { id.replacingOccurrences(of: Seed.groupID, with: shoutedGroupID) }

    /// A child resource as ARM returns it: name, own id, etag, type and provisioning state.
    static func child(_ parent: String, _ collection: String, _ name: String, _ type: String, _ properties: [String: Value], extra: [String: Value] = [:]) -> Value {
        var props = properties
        props["provisioningState"] = "Succeeded"
        var out: [String: Value] = ["name": .string(name), "id": .string("\(parent)/\(collection)/\(name)"), "etag": etag,
                                    "type": .string(type), "properties": .object(props)]
        for (k, v) in extra { out[k] = v }
        return .object(out)
    }

    static func top(_ id: String, _ name: String, _ type: String, _ properties: [String: Value], extra: [String: Value] = [:]) -> Value {
        var props = properties
        props["provisioningState"] = "Succeeded"
        var out: [String: Value] = ["id": .string(id), "name": .string(name), "type": .string(type), "etag": etag, "location": "eastus",
                                    "tags": Seed.tags, "properties": .object(props)]
        for (k, v) in extra { out[k] = v }
        return .object(out)
    }

    static var resourceGroup: Value {
        ["id": .string(Seed.groupID), "name": "kafka-pls-rg", "type": "Microsoft.Resources/resourceGroups", "location": "eastus",
         "tags": Seed.tags, "properties": ["provisioningState": "Succeeded"]]
    }

    static var networkSecurityGroup: Value {
        let type = "Microsoft.Network/networkSecurityGroups/securityRules"
        let ssh = child(Seed.nsgID, "securityRules", "allow-ssh", type, [
            "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "VirtualNetwork",
            "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22", "sourcePortRanges": [],
            "destinationPortRanges": [], "destinationAddressPrefixes": [],
        ])
        let monitoring = child(Seed.nsgID, "securityRules", "allow-monitoring", type, [
            "priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "10.1.0.0/24",
            "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "9100",
        ])
        let deny = child(Seed.nsgID, "defaultSecurityRules", "DenyAllInBound", "Microsoft.Network/networkSecurityGroups/defaultSecurityRules", [
            "priority": 65500, "direction": "Inbound", "access": "Deny", "protocol": "*", "sourceAddressPrefix": "*",
            "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*", "description": "Deny all inbound traffic",
        ])
        return top(Seed.nsgID, "kafka-broker-nsg", "Microsoft.Network/networkSecurityGroups", [
            "resourceGuid": guid, "securityRules": [ssh, monitoring], "defaultSecurityRules": [deny],
            "networkInterfaces": [["id": .string(shouted(Seed.nicID(1)))]],
        ])
    }

    static var virtualNetwork: Value {
        let type = "Microsoft.Network/virtualNetworks/subnets"
        let brokers = child(Seed.vnetID, "subnets", "brokers-subnet", type, [
            "addressPrefix": "10.0.0.0/24", "privateLinkServiceNetworkPolicies": "Disabled", "privateEndpointNetworkPolicies": "Disabled",
            "ipConfigurations": [["id": .string(shouted(Seed.nicID(1)) + "/ipConfigurations/ipconfig1")]], "delegations": [],
        ])
        let bastion = child(Seed.vnetID, "subnets", "bastion-subnet", type, [
            "addressPrefix": "10.0.1.0/24", "privateLinkServiceNetworkPolicies": "Enabled", "privateEndpointNetworkPolicies": "Disabled",
        ])
        return top(Seed.vnetID, "kafka-pls-vnet", "Microsoft.Network/virtualNetworks", [
            "resourceGuid": guid, "addressSpace": ["addressPrefixes": ["10.0.0.0/16"]], "subnets": [brokers, bastion],
            "virtualNetworkPeerings": [], "enableDdosProtection": false, "privateEndpointVNetPolicies": "Disabled",
        ])
    }

    static var loadBalancer: Value {
        let ruleRefs: Value = .array((1...3).map { ["id": .string(Seed.lbChild("loadBalancingRules", "rule\($0)"))] })
        let frontend = child(Seed.lbID, "frontendIPConfigurations", "kafka-lb-ip", "Microsoft.Network/loadBalancers/frontendIPConfigurations", [
            "privateIPAddress": "10.0.0.7", "privateIPAllocationMethod": "Dynamic", "privateIPAddressVersion": "IPv4",
            "subnet": ["id": .string(shouted(Seed.subnetID))], "loadBalancingRules": ruleRefs,
        ], extra: ["zones": ["3", "1", "2"]])
        let pools: [Value] = (1...3).map { n in
            child(Seed.lbID, "backendAddressPools", "pool\(n)", "Microsoft.Network/loadBalancers/backendAddressPools", [
                "loadBalancingRules": [["id": .string(Seed.lbChild("loadBalancingRules", "rule\(n)"))]],
                "backendIPConfigurations": [["id": .string(shouted(Seed.nicID(n)) + "/ipConfigurations/ipconfig1")]],
            ])
        }
        let probe = child(Seed.lbID, "probes", "kafka-lb-hp", "Microsoft.Network/loadBalancers/probes", [
            "protocol": "Tcp", "port": 39092, "intervalInSeconds": 5, "numberOfProbes": 1, "probeThreshold": 1, "loadBalancingRules": ruleRefs,
        ])
        let rules: [Value] = (1...3).map { n in
            let pool: Value = ["id": .string(shouted(Seed.lbChild("backendAddressPools", "pool\(n)")))]
            return child(Seed.lbID, "loadBalancingRules", "rule\(n)", "Microsoft.Network/loadBalancers/loadBalancingRules", [
                "protocol": "Tcp", "frontendPort": .int(9092 + n), "backendPort": 39092,
                "frontendIPConfiguration": ["id": .string(Seed.lbChild("frontendIPConfigurations", "kafka-lb-ip"))],
                "backendAddressPool": pool, "backendAddressPools": [pool],
                "probe": ["id": .string(Seed.lbChild("probes", "kafka-lb-hp"))], "idleTimeoutInMinutes": 4,
                "enableTcpReset": false, "loadDistribution": "Default", "disableOutboundSnat": false,
            ])
        }
        return top(Seed.lbID, "kafka-lb", "Microsoft.Network/loadBalancers", [
            "resourceGuid": guid, "frontendIPConfigurations": [frontend], "backendAddressPools": .array(pools), "probes": [probe],
            "loadBalancingRules": .array(rules), "inboundNatRules": [], "inboundNatPools": [], "outboundRules": [],
        ], extra: ["sku": ["name": "Standard", "tier": "Regional"]])
    }

    static func nic(_ n: Int, pools: [String]? = nil) -> Value {
        let poolRefs = (pools ?? [shouted(Seed.lbChild("backendAddressPools", "pool\(n)"))]).map { Value.object(["id": .string($0)]) }
        let config = child(Seed.nicID(n), "ipConfigurations", "ipconfig1", "Microsoft.Network/networkInterfaces/ipConfigurations", [
            "privateIPAddress": .string("10.0.0.\(3 + n)"), "privateIPAllocationMethod": "Static", "privateIPAddressVersion": "IPv4",
            "primary": true, "subnet": ["id": .string(Seed.subnetID)], "loadBalancerBackendAddressPools": .array(poolRefs),
        ])
        return top(Seed.nicID(n), "broker-node-\(n)-nic", "Microsoft.Network/networkInterfaces", [
            "resourceGuid": guid, "macAddress": "00-0D-3A-1B-2C-3D", "primary": true, "enableAcceleratedNetworking": false,
            "enableIPForwarding": false, "disableTcpStateTracking": false, "vnetEncryptionSupported": false, "nicType": "Standard",
            "auxiliaryMode": "None", "hostedWorkloads": [], "tapConfigurations": [],
            "dnsSettings": ["dnsServers": [], "appliedDnsServers": [], "internalDomainNameSuffix": "x1y2.bx.internal.cloudapp.net"],
            "virtualMachine": ["id": .string(shouted(Seed.vmID(n)))], "networkSecurityGroup": ["id": .string(shouted(Seed.nsgID))],
            "ipConfigurations": [config],
        ])
    }

    static func vm(_ n: Int) -> Value {
        let disk = "broker-node-\(n)_OsDisk_1_0f1e2d3c4b5a"
        return top(Seed.vmID(n), "broker-node-\(n)", "Microsoft.Compute/virtualMachines", [
            "vmId": "0d8f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "timeCreated": "2026-01-15T08:00:00.1234567+00:00",
            "hardwareProfile": ["vmSize": "Standard_D2s_v3"],
            "storageProfile": [
                "imageReference": ["publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest",
                                   "exactVersion": "24.04.202601010"],
                "osDisk": ["osType": "Linux", "name": .string(disk), "createOption": "FromImage", "caching": "ReadWrite", "deleteOption": "Delete",
                           "diskSizeGB": 30, "managedDisk": ["storageAccountType": "Premium_LRS",
                                                            "id": .string("\(shoutedGroupID)/providers/Microsoft.Compute/disks/\(disk)")]],
                "dataDisks": [], "diskControllerType": "SCSI",
            ],
            "osProfile": [
                "computerName": .string("broker-node-\(n)"), "adminUsername": "azureuser", "secrets": [], "allowExtensionOperations": true,
                "requireGuestProvisionSignal": true,
                "linuxConfiguration": ["disablePasswordAuthentication": true, "provisionVMAgent": true,
                                       "patchSettings": ["patchMode": "ImageDefault", "assessmentMode": "ImageDefault"],
                                       "ssh": ["publicKeys": [["path": "/home/azureuser/.ssh/authorized_keys", "keyData": "ssh-ed25519 AAAAC3Nza kafka_broker_key"]]]],
            ],
            "networkProfile": ["networkInterfaces": [["id": .string(shouted(Seed.nicID(n))), "properties": ["primary": true, "deleteOption": "Detach"]]]],
        ], extra: ["zones": [.string(String(n))], "etag": "\"3\"",
                   "resources": [["id": .string(Seed.vmID(n) + "/extensions/AzureMonitorLinuxAgent"), "name": "AzureMonitorLinuxAgent"]]])
    }

    static let alias = "kafka-pls.3f2a1c9e-7b6d-4e5f-9a8b-1c2d3e4f5a6b.eastus.azure.privatelinkservice"
    static let endpointID = "/subscriptions/\(Seed.tidbSubscription)/resourceGroups/tidb-cloud/providers/Microsoft.Network/privateEndpoints/tidb-pe-1"

    /// - Parameter connections: the `privateEndpointConnections` of the GET body; nil leaves the key out.
    static func privateLinkService(connections: [Value]? = [connection("kafka-pls.pe1", status: "Approved", description: "Auto-Approved")]) -> Value {
        var properties: [String: Value] = [
            "alias": .string(alias),
            "loadBalancerFrontendIpConfigurations": [["id": .string(shouted(Seed.lbChild("frontendIPConfigurations", "kafka-lb-ip")))]],
            "ipConfigurations": [child(Seed.plsID, "ipConfigurations", "kafka-pls-nat", "Microsoft.Network/privateLinkServices/ipConfigurations", [
                "privateIPAddress": "10.0.0.8", "privateIPAllocationMethod": "Dynamic", "privateIPAddressVersion": "IPv4", "primary": true,
                "subnet": ["id": .string(Seed.subnetID)],
            ])],
            "visibility": ["subscriptions": [.string(Seed.tidbSubscription.uppercased())]],
            "autoApproval": ["subscriptions": [.string(Seed.tidbSubscription)]],
            "fqdns": [], "enableProxyProtocol": false,
            "networkInterfaces": [["id": .string(Seed.network("networkInterfaces", "kafka-pls.nic.8d7c6b5a"))]],
        ]
        if let connections { properties["privateEndpointConnections"] = .array(connections) }
        return top(Seed.plsID, "kafka-pls", "Microsoft.Network/privateLinkServices", properties)
    }

    static func connection(_ name: String, status: String, description: String) -> Value {
        ["name": .string(name), "id": .string("\(Seed.plsID)/privateEndpointConnections/\(name)"),
         "type": "Microsoft.Network/privateLinkServices/privateEndpointConnections",
         "properties": ["provisioningState": "Succeeded", "privateEndpoint": ["id": .string(endpointID)], "linkIdentifier": "536870912",
                        "privateLinkServiceConnectionState": ["status": .string(status), "description": .string(description), "actionsRequired": "None"]]]
    }

    /// The live body for one of `Seed.all`.
    static func body(for spec: ResourceSpec) -> Value {
        switch spec.address.type {
        case "azure.resourceGroup": resourceGroup
        case "azure.networkSecurityGroup": networkSecurityGroup
        case "azure.virtualNetwork": virtualNetwork
        case "azure.loadBalancer": loadBalancer
        case "azure.privateLinkService": privateLinkService()
        case "azure.networkInterface": nic(Int(String(spec.address.name.dropFirst("broker-node-".count).prefix(1)))!)
        default: vm(Int(String(spec.address.name.last!))!)
        }
    }
}
