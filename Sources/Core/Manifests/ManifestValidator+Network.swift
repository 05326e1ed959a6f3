import ReconcileModel

extension ManifestValidator {
    static let azureAdoptTypes = ResourceTypes.Azure.adoptable
    static let gcpAdoptTypes = ResourceTypes.Gcp.adoptable

    /// CIDRs, broker addresses, zones and who creates the broker VMs.
    func validateNetworks(_ set: ManifestSet) {
        var vmCreators: [String: String] = [:]
        for a in set.azureExposures {
            checkAdopt(a.adopt, types: ManifestValidator.azureAdoptTypes)
            guard let cluster = set.cluster(named: a.common.cluster.value) else { continue }
            if a.vms.mode == .create { claimVMs(cluster, by: a.common, &vmCreators) }
            validateAzureNetwork(a, cluster: cluster)
        }
        for g in set.gcpExposures {
            checkAdopt(g.adopt, types: ManifestValidator.gcpAdoptTypes)
            guard let cluster = set.cluster(named: g.common.cluster.value) else { continue }
            if g.mode == .portMapping, g.attachTo == nil, g.instances.create { claimVMs(cluster, by: g.common, &vmCreators) }
            validateGcpNetwork(g, cluster: cluster)
        }
    }

    private func claimVMs(_ cluster: KafkaClusterManifest, by e: ExposureCommon, _ creators: inout [String: String]) {
        if let other = creators[cluster.name.value] {
            sink.error(e.name.location, "spec", "the broker VMs of cluster `\(cluster.name.value)` are already created by exposure `\(other)`; use existing VMs here (`vms.mode: existing` / `instances.create: false`)")
        } else {
            creators[cluster.name.value] = e.name.value
        }
    }

    private func checkAdopt(_ list: [Located<String>], types: [String]) {
        for item in list {
            let parts = item.value.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, types.contains(parts[0]), !parts[1].isEmpty else {
                let hint = Suggestion.hint(for: parts.first ?? item.value, in: types)
                sink.error(item.location, item.path, "`\(item.value)` is not `TYPE/NAME`\(hint); types: \(types.joined(separator: ", "))")
                continue
            }
        }
    }

    private func validateAzureNetwork(_ a: AzureExposureManifest, cluster: KafkaClusterManifest) {
        let spaces = a.network.addressSpace.compactMap { s in CIDR(s.value).map { (s, $0) } }
        for (i, (s1, c1)) in spaces.enumerated() {
            for (s2, c2) in spaces[..<i] where c1.overlaps(c2) {
                sink.error(s1.location, s1.path, "address space \(s1.value) overlaps \(s2.value)")
            }
        }
        let subnet = a.network.subnetPrefix.flatMap { p in CIDR(p.value).map { (p, $0) } }
        if let (p, c) = subnet, !spaces.isEmpty, !spaces.contains(where: { $0.1.contains(c) }) {
            sink.error(p.location, p.path, "subnet \(p.value) is not inside the virtual network's address space (\(spaces.map(\.0.value).joined(separator: ", ")))")
        }
        if a.privateLinkService.natSubnet.value != a.network.subnetName.value {
            let nat = a.privateLinkService.natSubnet
            sink.error(nat.location, nat.path, "NAT subnet `\(nat.value)` is not the exposure's subnet `\(a.network.subnetName.value)`")
        }
        if let pinned = a.loadBalancer.frontendIPAddress {
            if let ip = IPv4Address(pinned.value) {
                if let (_, c) = subnet, !c.contains(ip) || ip.value < c.first + 4 || ip.value == c.last {
                    sink.error(pinned.location, pinned.path, "frontend address \(pinned.value) is not a usable address of subnet `\(a.network.subnetName.value)` (\(c))")
                }
            } else {
                sink.error(pinned.location, pinned.path, "`\(pinned.value)` is not an IPv4 address")
            }
        }
        if let frontend = a.frontendAddress, let broker = cluster.brokers.first(where: { $0.address.value == frontend }) {
            let at = a.loadBalancer.frontendIPAddress
            sink.error(at?.location ?? broker.address.location, at?.path ?? broker.address.path,
                       "broker \(broker.nodeID.value) and the load balancer frontend both use \(frontend); set `loadBalancer.frontendIPAddress` to a free address")
        }
        for b in cluster.brokers {
            if let (_, c) = subnet, let ip = IPv4Address(b.address.value) {
                // Azure reserves the network address, the next three, and the broadcast address of every subnet.
                if !c.contains(ip) {
                    sink.error(b.address.location, b.address.path, "broker address \(b.address.value) is not in subnet `\(a.network.subnetName.value)` (\(c)) of exposure `\(a.common.name.value)`")
                } else if ip.value < c.first + 4 || ip.value == c.last {
                    sink.error(b.address.location, b.address.path, "\(b.address.value) is reserved by Azure in \(c) (the first four addresses and the last one)")
                }
            }
            if a.vms.mode == .create {
                if let z = b.zone, !AzureRegions.zones.contains(z.value) {
                    sink.error(z.location, z.path, "`\(z.value)` is not an Azure availability zone; expected 1, 2 or 3")
                }
                if !isAzureVMName(b.name.value) {
                    sink.error(b.name.location, b.name.path, "`\(b.name.value)` is not a valid Azure Linux VM name (1-64 letters, digits, dashes)")
                }
            } else if a.vms.networkInterfaces[b.nodeID.value] == nil {
                sink.error(a.common.source, "spec.vms.networkInterfaces", "missing the NIC of broker \(b.nodeID.value) (`\(b.name.value)`); existing mode needs each broker's NIC name to join the backend pools")
            }
        }
    }

    private func validateGcpNetwork(_ g: GcpExposureManifest, cluster: KafkaClusterManifest) {
        let region = g.region.value
        let zones = GcpRegions.zoneNames(region)
        var subnets: [(GcpExposureManifest.Subnet, CIDR)] = (g.network?.subnets ?? []).compactMap { s in CIDR(s.cidr.value).map { (s, $0) } }
        if let nat = g.pscNatSubnet, let c = CIDR(nat.cidr.value) { subnets.append((nat, c)) }
        for (i, (s1, c1)) in subnets.enumerated() {
            for (s2, c2) in subnets[..<i] {
                if s1.name.value == s2.name.value {
                    sink.error(s1.name.location, s1.name.path, "duplicate subnet name `\(s1.name.value)`")
                } else if c1.overlaps(c2) {
                    sink.error(s1.cidr.location, s1.cidr.path, "subnet `\(s1.name.value)` (\(c1)) overlaps `\(s2.name.value)` (\(c2))")
                }
            }
        }
        if let bz = g.instances.bastionZone, !zones.isEmpty, !zones.contains(bz.value) {
            sink.error(bz.location, bz.path, "`\(bz.value)` is not a zone of \(region)\(Suggestion.hint(for: bz.value, in: zones)); expected one of: \(zones.joined(separator: ", "))")
        }
        if let bs = g.instances.bastionSubnet, let net = g.network, !net.subnets.contains(where: { $0.name.value == bs.value }) {
            sink.error(bs.location, bs.path, "no subnet named `\(bs.value)` in spec.network.subnets")
        }
        if let proxy = g.kafkaProxy {
            if !zones.isEmpty, !zones.contains(proxy.zone.value) {
                sink.error(proxy.zone.location, proxy.zone.path, "`\(proxy.zone.value)` is not a zone of \(region)\(Suggestion.hint(for: proxy.zone.value, in: zones)); expected one of: \(zones.joined(separator: ", "))")
            }
            let lastStatic = proxy.bootstrapPortStart.value + cluster.brokers.count - 1
            if proxy.dynamicSequentialMinPort.value != 0, proxy.dynamicSequentialMinPort.value <= lastStatic {
                let d = proxy.dynamicSequentialMinPort
                sink.error(d.location, d.path, "dynamic ports from \(d.value) overlap the static bootstrap ports \(proxy.bootstrapPortStart.value)-\(lastStatic)")
            }
        }
        let brokerSubnet = g.network.flatMap { net in subnets.first { $0.0.name.value == net.brokersSubnet.value }?.1 }
        let createsBrokers = g.mode == .portMapping && g.attachTo == nil && g.instances.create
        for b in cluster.brokers where createsBrokers || g.mode == .portMapping {
            if let c = brokerSubnet, let ip = IPv4Address(b.address.value), g.network?.existing == false {
                // GCP reserves the network and gateway addresses and the last two of every subnet.
                if !c.contains(ip) {
                    sink.error(b.address.location, b.address.path, "broker address \(b.address.value) is not in subnet `\(g.network!.brokersSubnet.value)` (\(c)) of exposure `\(g.common.name.value)`")
                } else if ip.value < c.first + 2 || ip.value >= c.last - 1 {
                    sink.error(b.address.location, b.address.path, "\(b.address.value) is reserved by GCP in \(c)")
                }
            }
            guard createsBrokers else { continue }
            guard let z = b.zone else {
                sink.error(b.location, "\(b.name.path.replacing(".name", with: "")).zone", "missing required field `zone`: exposure `\(g.common.name.value)` creates this broker's instance in \(region)")
                continue
            }
            if !zones.isEmpty, !zones.contains(z.value) {
                sink.error(z.location, z.path, "`\(z.value)` is not a zone of \(region)\(Suggestion.hint(for: z.value, in: zones)); expected one of: \(zones.joined(separator: ", "))")
            }
            if !isGcpName(b.name.value) {
                sink.error(b.name.location, b.name.path, "`\(b.name.value)` is not a valid GCE instance name (1-63 lowercase letters, digits, dashes, starting with a letter)")
            }
        }
    }

    func isAzureVMName(_ s: String) -> Bool {
        (1...64).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && s.first != "-" && s.last != "-"
    }

    func isGcpName(_ s: String) -> Bool {
        (1...63).contains(s.count) && s.first!.isLowercase && s.last != "-"
            && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }
}
