import Manifests
import ReconcileModel

/// What the two GCP modes share: network, subnets, NAT subnet, firewalls, forwarding rule and attachment.
struct GcpCommon {
    let exposure: GcpExposureManifest
    let cluster: KafkaClusterManifest

    var paths: GcpPaths { GcpPaths(project: exposure.project.value, region: exposure.region.value) }
    var clusterName: String { cluster.name.value }
    var description: Value { .string(Ownership.gcpDescription(cluster: clusterName, exposure: exposure.common.name.value)) }
    /// The labels of the exposure's instances and forwarding rule, with its deletion policy.
    var labels: Value {
        Ownership.gcpLabels(cluster: clusterName, exposure: exposure.common.name.value, deletionPolicy: exposure.common.effectiveDeletionPolicy)
    }
    /// The labels an instance template gives its instances (no policy: see `Ownership.gcpLabels`).
    var templateInstanceLabels: Value { Ownership.gcpLabels(cluster: clusterName, exposure: exposure.common.name.value) }
    var networkName: String { exposure.network?.name.value ?? "" }
    var networkPath: String { paths.network(networkName) }
    var brokersSubnetPath: String { paths.subnetwork(exposure.network?.brokersSubnet.value ?? "") }

    func spec(_ type: String, _ name: String, id: String, _ properties: Value, disruption: Disruption = .none,
              replaceOn: Set<String> = []) -> ResourceSpec {
        let adopt = exposure.adopt.contains { $0.value == "\(type)/\(name)" }
        var properties = properties
        // An adopted resource's marks say so: found again without the inventory, it is only ever forgotten.
        if adopt, case .object(var members) = properties {
            if members["description"] != nil {
                members["description"] = .string(Ownership.gcpDescription(cluster: clusterName, exposure: exposure.common.name.value, adopted: true))
            }
            if case .object(var labels)? = members["labels"] {
                labels[Ownership.originKey] = .string(Ownership.adoptedOrigin)
                members["labels"] = .object(labels)
            }
            properties = .object(members)
        }
        return ResourceSpec(
            address: ResourceAddress(cluster: clusterName, type: type, name: name), cloudID: id, properties: properties,
            replaceOn: replaceOn.union(["name", "region", "network"]), disruption: disruption,
            adopt: adopt, source: exposure.common.source,
            declaration: Declarations.of(exposure.common, field: Declarations.gcpField[type] ?? "spec"))
    }

    func firewall(_ name: String, sources: [String], allowed: [Value], priority: Int) -> ResourceSpec {
        spec(GcpTypes.firewall, name, id: paths.firewall(name), [
            "name": .string(name), "network": .string(networkPath), "direction": "INGRESS", "priority": .int(priority),
            "sourceRanges": .array(sources.map(Value.string)), "allowed": .array(allowed), "description": description,
        ])
    }

    /// Network, subnets (unless existing), the PSC NAT subnet and the NAT firewall rule.
    func buildNetwork(into b: inout GraphBuilder) {
        guard let net = exposure.network else { return }
        if !net.existing {
            b.add(spec(GcpTypes.network, net.name.value, id: networkPath, [
                "name": .string(net.name.value), "autoCreateSubnetworks": false, "description": description,
            ]))
            for s in net.subnets {
                b.add(spec(GcpTypes.subnetwork, s.name.value, id: paths.subnetwork(s.name.value), [
                    "name": .string(s.name.value), "network": .string(networkPath), "region": .string(exposure.region.value),
                    "ipCidrRange": .string(s.cidr.value), "description": description,
                ], replaceOn: ["ipCidrRange"]), references: [networkPath])
            }
            if net.defaultFirewallRules {
                let custom = net.subnets.map(\.cidr.value)
                b.add(firewall("\(net.name.value)-allow-custom", sources: custom, allowed: [["IPProtocol": "all"]], priority: 65534), references: [networkPath])
                b.add(firewall("\(net.name.value)-allow-ssh", sources: ["0.0.0.0/0"], allowed: [["IPProtocol": "tcp", "ports": ["22"]]], priority: 65534), references: [networkPath])
            }
        }
        if let nat = exposure.pscNatSubnet {
            b.add(spec(GcpTypes.subnetwork, nat.name.value, id: paths.subnetwork(nat.name.value), [
                "name": .string(nat.name.value), "network": .string(networkPath), "region": .string(exposure.region.value),
                "ipCidrRange": .string(nat.cidr.value), "purpose": "PRIVATE_SERVICE_CONNECT", "description": description,
            ], disruption: .consumerVisible, replaceOn: ["ipCidrRange", "purpose"]), references: [networkPath])
            // The firewall must cover exactly the PSC NAT range (runbooks §9 #10).
            b.add(firewall(exposure.firewallName, sources: [nat.cidr.value], allowed: [["IPProtocol": "all"]], priority: 1000), references: [networkPath])
        }
    }

    /// Internal passthrough forwarding rule on all ports, and the published service. `bootstrapPorts` are, per
    /// exposure sharing the attachment, the ports a consumer bootstraps through (its facts in the plan and `verify`).
    func buildFrontend(backendService: String, bootstrapPorts: [(exposure: String, ports: [Int])], into b: inout GraphBuilder) {
        let rulePath = paths.forwardingRule(exposure.forwardingRuleName)
        b.add(spec(GcpTypes.forwardingRule, exposure.forwardingRuleName, id: rulePath, [
            "name": .string(exposure.forwardingRuleName), "region": .string(exposure.region.value),
            "loadBalancingScheme": "INTERNAL", "IPProtocol": "TCP", "allPorts": true,
            "backendService": .string(paths.backendService(backendService)), "network": .string(networkPath),
            "subnetwork": .string(brokersSubnetPath), "description": description, "labels": labels,
        ], disruption: .consumerVisible, replaceOn: ["loadBalancingScheme", "IPProtocol", "allPorts", "backendService", "subnetwork"]),
        references: [paths.backendService(backendService), networkPath, brokersSubnetPath])
        guard let sa = exposure.serviceAttachment, let nat = exposure.pscNatSubnet else { return }
        let natPath = paths.subnetwork(nat.name.value)
        var attachment = spec(GcpTypes.serviceAttachment, sa.name, id: paths.serviceAttachment(sa.name), [
            "name": .string(sa.name), "region": .string(exposure.region.value), "targetService": .string(rulePath),
            "connectionPreference": .string(sa.connectionPreference), "natSubnets": [.string(natPath)],
            "consumerAcceptLists": .array(sa.consumers.map { ["projectIdOrNum": .string($0.project.value), "connectionLimit": .int($0.connectionLimit)] }),
            "enableProxyProtocol": .bool(sa.enableProxyProtocol), "description": description,
        ], disruption: .consumerVisible, replaceOn: ["targetService"])
        attachment.consumerService = "service attachment"
        attachment.consumerFacts = ["service attachment for the consumer (TiDB Cloud): \(paths.serviceAttachment(sa.name))"]
            + bootstrapPorts.map { "bootstrap ports of exposure \($0.exposure): \($0.ports.map(String.init).joined(separator: ","))" }
        b.add(attachment, references: [rulePath, natPath])
    }

    func bootDisk(image: String) -> Value {
        [["boot": true, "autoDelete": true, "initializeParams": ["sourceImage": .string(image)]]]
    }
}

/// PSC port mapping (seed 003 §5): brokers, a GCE_VM_IP_PORTMAP NEG with one endpoint per broker (and per
/// attached exposure), an internal backend service without health check, all-ports forwarding rule, attachment.
struct GcpPortMappingGraph {
    let exposure: GcpExposureManifest
    let attached: [GcpExposureManifest]
    let cluster: KafkaClusterManifest

    func build(into b: inout GraphBuilder) {
        let c = GcpCommon(exposure: exposure, cluster: cluster)
        c.buildNetwork(into: &b)
        let brokers = cluster.brokers.sorted { $0.nodeID.value < $1.nodeID.value }
        var instanceRefs: [String] = []
        for broker in brokers {
            let zone = broker.zone?.value ?? ""
            let path = c.paths.instance(zone, broker.name.value)
            instanceRefs.append(path)
            guard exposure.instances.create else { continue }
            b.addBrokerHost(c.spec(GcpTypes.instance, broker.name.value, id: path, [
                "name": .string(broker.name.value), "zone": .string(zone),
                "machineType": .string(c.paths.machineType(zone, exposure.instances.machineType)),
                "disks": c.bootDisk(image: exposure.instances.image),
                "networkInterfaces": [["network": .string(c.networkPath), "subnetwork": .string(c.brokersSubnetPath), "networkIP": .string(broker.address.value)]],
                "labels": c.labels, "description": c.description,
            ], disruption: .brokerRestart, replaceOn: ["zone", "machineType", "disks", "networkInterfaces"]), cluster: cluster.name.value, broker: broker.name.value,
                references: [c.networkPath, c.brokersSubnetPath])
        }
        if let bastion = exposure.instances.bastionName, let zone = exposure.instances.bastionZone?.value, let subnet = exposure.instances.bastionSubnet?.value {
            b.add(c.spec(GcpTypes.instance, bastion, id: c.paths.instance(zone, bastion), [
                "name": .string(bastion), "zone": .string(zone),
                "machineType": .string(c.paths.machineType(zone, exposure.instances.machineType)),
                "disks": c.bootDisk(image: exposure.instances.image),
                "networkInterfaces": [["network": .string(c.networkPath), "subnetwork": .string(c.paths.subnetwork(subnet)),
                                       "accessConfigs": [["type": "ONE_TO_ONE_NAT", "name": "External NAT"]]]],
                "labels": c.labels, "description": c.description,
            ], replaceOn: ["zone", "machineType", "disks", "networkInterfaces"]), references: [c.networkPath, c.paths.subnetwork(subnet)])
        }
        var endpoints: [Value] = []
        var bootstrap: [(exposure: String, ports: [Int])] = []
        for e in [exposure] + attached {
            let ports = ExposurePorts.assign(e.common, cluster: cluster)
            // Runbooks §9 #1: TiDB Cloud bootstraps through the advertised client ports (9093-9095), never 9092.
            bootstrap.append((e.common.name.value, brokers.compactMap { ports[$0.nodeID.value] }))
            for (broker, path) in zip(brokers, instanceRefs) {
                endpoints.append([
                    "instance": .string(path), "port": .int(e.common.listenerPort?.value ?? 0),
                    "clientDestinationPort": .int(ports[broker.nodeID.value] ?? 0),
                ])
            }
        }
        let negPath = c.paths.neg(exposure.negName)
        var neg = c.spec(GcpTypes.networkEndpointGroup, exposure.negName, id: negPath, [
            "name": .string(exposure.negName), "region": .string(exposure.region.value), "networkEndpointType": "GCE_VM_IP_PORTMAP",
            "network": .string(c.networkPath), "subnetwork": .string(c.brokersSubnetPath), "description": c.description,
            "networkEndpoints": .array(endpoints),
        ], disruption: .consumerVisible, replaceOn: ["networkEndpointType", "subnetwork"])
        // A broker's new client port is attached before the brokers advertise it; the old one is detached after the roll.
        neg.consumerPorts = ConsumerPorts(collection: ["networkEndpoints"], port: ["clientDestinationPort"], identity: [["instance"], ["port"]])
        b.add(neg, references: instanceRefs + [c.networkPath, c.brokersSubnetPath])
        b.add(c.spec(GcpTypes.backendService, exposure.backendServiceName, id: c.paths.backendService(exposure.backendServiceName), [
            "name": .string(exposure.backendServiceName), "region": .string(exposure.region.value), "loadBalancingScheme": "INTERNAL",
            "protocol": "TCP", "network": .string(c.networkPath),
            "backends": [["group": .string(negPath), "balancingMode": "CONNECTION"]], "description": c.description,
        ], disruption: .consumerVisible, replaceOn: ["loadBalancingScheme"]), references: [negPath, c.networkPath])
        c.buildFrontend(backendService: exposure.backendServiceName, bootstrapPorts: bootstrap, into: &b)
    }
}
