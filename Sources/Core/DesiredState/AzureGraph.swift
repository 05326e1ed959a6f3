import Foundation
import Manifests
import ReconcileModel

/// The ARM resources of one Azure Private Link exposure (seed 000 §4), as full PUT bodies restricted to the
/// fields the reconciler manages. Pinned api-versions: Network 2025-07-01, Compute 2026-03-01.
struct AzureGraph {
    let exposure: AzureExposureManifest
    let cluster: KafkaClusterManifest

    private var ids: AzureIDs { AzureIDs(subscription: exposure.subscriptionID.value, group: exposure.resourceGroup.value) }
    private var clusterName: String { cluster.name.value }
    private var location: Value { .string(exposure.location.value) }
    private var tags: Value {
        Ownership.azureTags(cluster: clusterName, exposure: exposure.common.name.value, deletionPolicy: exposure.common.effectiveDeletionPolicy)
    }
    private var source: SourceLocation { exposure.common.source }
    private var net: AzureExposureManifest.Network { exposure.network }
    private var subnetID: String { ids.subnet(net.virtualNetworkName.value, net.subnetName.value) }
    private var adopted: Set<String> { Set(exposure.adopt.map(\.value)) }

    private func address(_ type: String, _ name: String) -> ResourceAddress {
        ResourceAddress(cluster: clusterName, type: type, name: name)
    }

    private func spec(
        _ type: String, _ name: String, id: String, _ properties: Value, disruption: Disruption = .none,
        replaceOn: Set<String> = ["location"], consumerPorts: ConsumerPorts? = nil, protectedCollections: [[String]] = [],
        consumerService: String? = nil
    ) -> ResourceSpec {
        let adopt = adopted.contains("\(type)/\(name)")
        var properties = properties
        if adopt, case .object(var members) = properties, case .object(var tags)? = members["tags"] {
            tags[Ownership.originKey] = .string(Ownership.adoptedOrigin)
            members["tags"] = .object(tags)
            properties = .object(members)
        }
        return ResourceSpec(
            address: address(type, name), cloudID: id, properties: properties, replaceOn: replaceOn,
            disruption: disruption, adopt: adopt, source: source, consumerPorts: consumerPorts,
            declaration: Declarations.of(exposure.common, field: Declarations.azureField[type] ?? "spec"),
            protectedCollections: protectedCollections, consumerService: consumerService)
    }

    func build(into b: inout GraphBuilder) {
        if exposure.manageResourceGroup {
            b.add(spec(AzureTypes.resourceGroup, exposure.resourceGroup.value, id: ids.resourceGroup, ["location": location, "tags": tags]))
        }
        let group = [ids.resourceGroup]
        if !net.existing {
            b.add(networkSecurityGroup(), references: group)
            b.add(virtualNetwork(), references: group)
        }
        let lb = loadBalancer()
        b.add(lb, references: group + [subnetID.vnetID])
        if exposure.vms.mode == .create {
            for broker in cluster.brokers.sorted(by: { $0.nodeID.value < $1.nodeID.value }) {
                b.add(nic(broker), references: group + [subnetID.vnetID, ids.nsg(net.nsgName)])
                b.addBrokerHost(virtualMachine(broker), cluster: clusterName, broker: broker.name.value, references: group + [ids.nic(nicName(broker))])
            }
        }
        for broker in cluster.brokers {
            let nic = exposure.vms.mode == .create ? (nicName(broker), "ipconfig1") : exposure.vms.networkInterfaces[broker.nodeID.value]!
            let membership = PoolMembership(
                cluster: clusterName, nicID: ids.nic(nic.0), nicName: nic.0, ipConfiguration: nic.1,
                poolID: ids.lbChild(exposure.loadBalancer.name, "backendAddressPools", poolName(broker)),
                loadBalancer: lb.address, source: source,
                declaration: Declarations.of(exposure.common, field: Declarations.azureField[AzureTypes.poolAssociation] ?? "spec"))
            b.crossExposureSteps.append { $0.mergePoolMembership(membership) }
        }
        // The NAT address is dynamic: creating it after the NICs keeps it off the brokers' static addresses.
        let nics = exposure.vms.mode == .create ? cluster.brokers.map { ids.nic(nicName($0)) } : []
        b.add(privateLinkService(), references: group + [ids.loadBalancer(exposure.loadBalancer.name), subnetID.vnetID] + nics)
    }

    private func nicName(_ broker: KafkaClusterManifest.Broker) -> String { "\(broker.name.value)-nic" }
    private func poolName(_ broker: KafkaClusterManifest.Broker) -> String { "pool\(broker.nodeID.value)" }

    private func networkSecurityGroup() -> ResourceSpec {
        var rule: [String: Value] = [
            "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourcePortRange": "*",
            "destinationAddressPrefix": "*", "destinationPortRange": "22",
        ]
        // A service tag such as `VirtualNetwork` is only accepted alone, in the singular field.
        if net.sshSourcePrefixes.count == 1 {
            rule["sourceAddressPrefix"] = .string(net.sshSourcePrefixes[0])
        } else {
            rule["sourceAddressPrefixes"] = .array(net.sshSourcePrefixes.map(Value.string))
        }
        let ssh: Value = ["name": "allow-ssh", "properties": .object(rule)]
        return spec(AzureTypes.networkSecurityGroup, net.nsgName, id: ids.nsg(net.nsgName),
                    ["location": location, "tags": tags, "properties": ["securityRules": [ssh]]])
    }

    private func virtualNetwork() -> ResourceSpec {
        let subnet: Value = [
            "name": .string(net.subnetName.value),
            "properties": [
                "addressPrefix": .string(net.subnetPrefix?.value ?? ""),
                // A subnet that hosts Private Link Service NAT IPs needs its PLS network policies disabled.
                "privateLinkServiceNetworkPolicies": "Disabled",
            ],
        ]
        return spec(AzureTypes.virtualNetwork, net.virtualNetworkName.value, id: ids.virtualNetwork(net.virtualNetworkName.value), [
            "location": location, "tags": tags,
            "properties": ["addressSpace": ["addressPrefixes": .array(net.addressSpace.map { .string($0.value) })], "subnets": [subnet]],
        ])
    }

    private func loadBalancer() -> ResourceSpec {
        let lb = exposure.loadBalancer
        let frontendID = ids.lbChild(lb.name, "frontendIPConfigurations", lb.frontendName)
        let probeID = ids.lbChild(lb.name, "probes", lb.probeName)
        let ports = ExposurePorts.assign(exposure.common, cluster: cluster)
        let listenPort = exposure.common.listenerPort?.value ?? 0
        let brokers = cluster.brokers.sorted { $0.nodeID.value < $1.nodeID.value }
        let rules: [Value] = brokers.map { broker in
            var props: [String: Value] = [
                "protocol": "Tcp", "frontendPort": .int(ports[broker.nodeID.value] ?? 0), "backendPort": .int(listenPort),
                "frontendIPConfiguration": ["id": .string(frontendID)],
                "backendAddressPool": ["id": .string(ids.lbChild(lb.name, "backendAddressPools", poolName(broker)))],
                "probe": ["id": .string(probeID)], "enableFloatingIP": false,
            ]
            if let idle = lb.idleTimeoutMinutes { props["idleTimeoutInMinutes"] = .int(idle) }
            return ["name": .string("rule\(broker.nodeID.value)"), "properties": .object(props)]
        }
        var frontendProps: [String: Value] = [
            "subnet": ["id": .string(subnetID)], "privateIPAllocationMethod": "Dynamic", "privateIPAddressVersion": "IPv4",
        ]
        if let address = exposure.frontendAddress {
            frontendProps["privateIPAllocationMethod"] = "Static"
            frontendProps["privateIPAddress"] = .string(address)
        }
        let frontend: Value = ["name": .string(lb.frontendName), "zones": ["1", "2", "3"], "properties": .object(frontendProps)]
        return spec(AzureTypes.loadBalancer, lb.name, id: ids.loadBalancer(lb.name), [
            "location": location, "tags": tags, "sku": ["name": "Standard", "tier": "Regional"],
            "properties": [
                "frontendIPConfigurations": [frontend],
                "backendAddressPools": .array(brokers.map { ["name": .string(poolName($0))] }),
                "probes": [["name": .string(lb.probeName), "properties": ["protocol": "Tcp", "port": .int(listenPort)]]],
                "loadBalancingRules": .array(rules),
            ],
        ], disruption: .consumerVisible, replaceOn: ["location", "sku"],
           consumerPorts: ConsumerPorts(
               collection: ["properties", "loadBalancingRules"], port: ["properties", "frontendPort"],
               backend: .init(
                   reference: ["properties", "backendAddressPool", "id"], collection: ["properties", "backendAddressPools"],
                   exclusive: [["properties", "backendPort"], ["properties", "protocol"]])),
           protectedCollections: [["properties", "frontendIPConfigurations"]])
    }

    private func nic(_ broker: KafkaClusterManifest.Broker) -> ResourceSpec {
        let config: Value = [
            "name": "ipconfig1",
            "properties": [
                "primary": true, "privateIPAllocationMethod": "Static", "privateIPAddress": .string(broker.address.value),
                "privateIPAddressVersion": "IPv4", "subnet": ["id": .string(subnetID)], "loadBalancerBackendAddressPools": [],
            ],
        ]
        return spec(AzureTypes.networkInterface, nicName(broker), id: ids.nic(nicName(broker)), [
            "location": location, "tags": tags,
            "properties": ["ipConfigurations": [config], "networkSecurityGroup": ["id": .string(ids.nsg(net.nsgName))]],
        ], disruption: .brokerRestart)
    }

    private func virtualMachine(_ broker: KafkaClusterManifest.Broker) -> ResourceSpec {
        let vms = exposure.vms
        var body: [String: Value] = [
            "location": location, "tags": tags,
            "properties": [
                "hardwareProfile": ["vmSize": .string(vms.size)],
                "storageProfile": [
                    "imageReference": [
                        "publisher": .string(vms.image.publisher), "offer": .string(vms.image.offer),
                        "sku": .string(vms.image.sku), "version": .string(vms.image.version),
                    ],
                    "osDisk": ["createOption": "FromImage", "managedDisk": ["storageAccountType": .string(vms.osDiskType)], "deleteOption": "Delete"],
                ],
                "osProfile": [
                    "computerName": .string(broker.name.value), "adminUsername": .string(vms.adminUsername),
                    "linuxConfiguration": [
                        "disablePasswordAuthentication": true,
                        "ssh": ["publicKeys": [[
                            "path": .string("/home/\(vms.adminUsername)/.ssh/authorized_keys"),
                            "keyData": .string(vms.sshPublicKey?.value ?? ""),
                        ]]],
                    ],
                ],
                "networkProfile": ["networkInterfaces": [["id": .string(ids.nic(nicName(broker))), "properties": ["primary": true, "deleteOption": "Detach"]]]],
            ],
        ]
        if let zone = broker.zone?.value { body["zones"] = [.string(zone)] }
        return spec(AzureTypes.virtualMachine, broker.name.value, id: ids.virtualMachine(broker.name.value), .object(body),
                    disruption: .brokerRestart, replaceOn: ["location", "zones"])
    }

    private func privateLinkService() -> ResourceSpec {
        let pls = exposure.privateLinkService
        let natSubnetID = ids.subnet(net.virtualNetworkName.value, pls.natSubnet.value)
        return spec(AzureTypes.privateLinkService, pls.name, id: ids.privateLinkService(pls.name), [
            "location": location, "tags": tags,
            "properties": [
                "loadBalancerFrontendIpConfigurations": [["id": .string(ids.lbChild(exposure.loadBalancer.name, "frontendIPConfigurations", exposure.loadBalancer.frontendName))]],
                "ipConfigurations": [[
                    "name": .string("\(pls.name)-nat"),
                    "properties": ["subnet": ["id": .string(natSubnetID)], "privateIPAllocationMethod": "Dynamic", "privateIPAddressVersion": "IPv4", "primary": true],
                ]],
                "visibility": ["subscriptions": .array(pls.visibility.map { .string($0.value) })],
                "autoApproval": ["subscriptions": .array(pls.autoApproval.map { .string($0.value) })],
                "enableProxyProtocol": .bool(pls.enableProxyProtocol),
            ],
        ], disruption: .consumerVisible, consumerService: "Private Link Service")
    }
}

extension String {
    /// `.../virtualNetworks/v/subnets/s` -> `.../virtualNetworks/v` (dependencies are on the VNet resource).
    var vnetID: String {
        guard let r = range(of: "/subnets/", options: .caseInsensitive) else { return self }
        return String(self[..<r.lowerBound])
    }
}
