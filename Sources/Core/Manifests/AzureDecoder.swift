import ReconcileModel
import YAML

/// Decodes `kind: AzurePrivateLinkExposure` specs. Defaults are the seed runbook's values.
struct AzureDecoder {
    let file: String
    let sink: DiagnosticSink

    static let specKeys = [
        "cluster", "listener", "advertisedListenerPattern", "externalPorts", "subscriptionId", "resourceGroup",
        "createResourceGroup", "location", "network", "vms", "loadBalancer", "privateLinkService", "adopt", "deletionPolicy",
    ]
    static let networkKeys = ["virtualNetwork", "subnet", "networkSecurityGroup", "existing"]
    static let vmKeys = ["mode", "size", "image", "adminUsername", "sshPublicKey", "osDiskType", "networkInterfaces"]
    static let lbKeys = ["name", "frontendName", "probeName", "idleTimeoutMinutes", "frontendIPAddress"]
    static let plsKeys = ["name", "natSubnet", "visibility", "autoApproval", "enableProxyProtocol"]

    func decode(_ node: YAMLNode, name: Located<String>, source: SourceLocation) -> AzureExposureManifest? {
        guard let spec = NodeReader(node, file: file, path: "spec", known: AzureDecoder.specKeys, sink: sink) else { return nil }
        let common = ExposureCommonDecoder(file: file, sink: sink).decode(spec, name: name, source: source, requireListener: true)
        let subscription = spec.string("subscriptionId", required: true)
        if let s = subscription, !isGUID(s.value) {
            sink.error(s.location, s.path, "`\(s.value)` is not a subscription id; expected a GUID such as 99549169-6cee-4263-8491-924a3011ee31")
        }
        let group = spec.string("resourceGroup", required: true)
        if let g = group, !isResourceGroupName(g.value) {
            sink.error(g.location, g.path, "`\(g.value)` is not a valid resource group name (1-90 letters, digits, `._-()`, not ending with a period)")
        }
        let location = spec.string("location", required: true)
        if let l = location, !AzureRegions.all.contains(l.value) {
            sink.error(l.location, l.path, "`\(l.value)` is not an Azure region\(Suggestion.hint(for: l.value, in: AzureRegions.all)) (use the programmatic name, e.g. eastus)")
        }
        let network = decodeNetwork(spec)
        let vms = decodeVMs(spec)
        let lb = spec.object("loadBalancer", known: AzureDecoder.lbKeys)
        let pls = decodePLS(spec, defaultSubnet: network?.subnetName)
        let adopt = ExposureCommonDecoder(file: file, sink: sink).adoptList(spec)
        guard var common, let subscription, let group, let location, let network, let vms, let pls else { return nil }
        // Where the fields that make resources exist are written (see `ExposureCommon.fields`).
        common.fields["spec.resourceGroup"] = group.location
        common.fields["spec.subscriptionId"] = subscription.location
        if spec.has("createResourceGroup") { common.fields["spec.createResourceGroup"] = spec.valueLocation("createResourceGroup") }
        if let mode = vms.modeLocation { common.fields["spec.vms.mode"] = mode }
        if let lb, lb.has("name") { common.fields["spec.loadBalancer.name"] = lb.valueLocation("name") }
        if let lb, lb.has("frontendName") { common.fields["spec.loadBalancer.frontendName"] = lb.valueLocation("frontendName") }
        if let name = pls.nameLocation { common.fields["spec.privateLinkService.name"] = name }
        common.fields["spec.network.virtualNetwork.name"] = network.virtualNetworkName.location
        return AzureExposureManifest(
            common: common, subscriptionID: subscription, resourceGroup: group,
            manageResourceGroup: spec.bool("createResourceGroup")?.value ?? true, location: location,
            network: network, vms: vms,
            loadBalancer: .init(
                name: lb?.string("name")?.value ?? "kafka-lb", frontendName: lb?.string("frontendName")?.value ?? "kafka-lb-ip",
                probeName: lb?.string("probeName")?.value ?? "kafka-lb-hp",
                idleTimeoutMinutes: lb?.int("idleTimeoutMinutes", range: 4...100)?.value,
                frontendIPAddress: lb?.string("frontendIPAddress")),
            privateLinkService: pls, adopt: adopt)
    }

    private func decodeNetwork(_ spec: NodeReader) -> AzureExposureManifest.Network? {
        guard let net = spec.object("network", known: AzureDecoder.networkKeys, required: true) else { return nil }
        let existing = net.bool("existing")?.value ?? false
        let vnet = net.object("virtualNetwork", known: ["name", "addressSpace"], required: true)
        let vnetName = vnet?.string("name", required: true)
        let space = vnet?.stringList("addressSpace", required: !existing) ?? []
        let subnet = net.object("subnet", known: ["name", "addressPrefix"], required: true)
        let subnetName = subnet?.string("name", required: true)
        let prefix = subnet?.string("addressPrefix", required: !existing)
        for cidr in space + (prefix.map { [$0] } ?? []) {
            if let problem = CIDR.problem(cidr.value) { sink.error(cidr.location, cidr.path, problem) }
        }
        let nsg = net.object("networkSecurityGroup", known: ["name", "sshSourcePrefixes"])
        guard let vnetName, let subnetName else { return nil }
        return .init(
            virtualNetworkName: vnetName, addressSpace: space, subnetName: subnetName, subnetPrefix: prefix,
            nsgName: nsg?.string("name")?.value ?? "\(vnetName.value)-brokers-nsg",
            sshSourcePrefixes: nsg?.stringList("sshSourcePrefixes")?.map(\.value) ?? ["VirtualNetwork"], existing: existing)
    }

    private func decodeVMs(_ spec: NodeReader) -> AzureExposureManifest.VMs? {
        guard let vms = spec.object("vms", known: AzureDecoder.vmKeys, required: true) else { return nil }
        let mode = vms.choice("mode", ["create", "existing"], required: true).flatMap { AzureExposureManifest.VMMode(rawValue: $0.value) }
        let image = vms.object("image", known: ["publisher", "offer", "sku", "version"])
        let key = vms.string("sshPublicKey", required: mode == .create)
        if let k = key, !(k.value.hasPrefix("ssh-rsa ") || k.value.hasPrefix("ssh-ed25519 ") || k.value.hasPrefix("ecdsa-sha2-")) {
            sink.error(k.location, k.path, "expected an OpenSSH public key (`ssh-ed25519 AAAA...` or `ssh-rsa AAAA...`)")
        }
        var nics: [Int: (name: String, ipConfiguration: String)] = [:]
        if let node = vms.value("networkInterfaces", required: mode == .existing) {
            if case .mapping(let pairs) = node.kind {
                for pair in pairs {
                    let path = "spec.vms.networkInterfaces"
                    guard let id = vms.readInt(pair.key, path: path),
                        let nic = NodeReader(pair.value, file: file, path: "\(path).\(id.value)", known: ["name", "ipConfiguration"], sink: sink),
                        let name = nic.string("name", required: true)
                    else { continue }
                    nics[id.value] = (name.value, nic.string("ipConfiguration")?.value ?? "ipconfig1")
                }
            } else {
                sink.error(file.location(node.start), "spec.vms.networkInterfaces", "expected a mapping of node id to {name, ipConfiguration}, found \(node.kindName)")
            }
        }
        if mode == .create, vms.has("networkInterfaces") {
            sink.error(vms.keyLocation("networkInterfaces"), "spec.vms.networkInterfaces", "only used with `mode: existing`; in create mode each broker's NIC is named `<vm name>-nic`")
        }
        guard let mode else { return nil }
        return .init(
            mode: mode, modeLocation: vms.has("mode") ? vms.valueLocation("mode") : nil, size: vms.string("size")?.value ?? "Standard_D2s_v3",
            image: .init(
                publisher: image?.string("publisher")?.value ?? "Canonical", offer: image?.string("offer")?.value ?? "ubuntu-24_04-lts",
                sku: image?.string("sku")?.value ?? "server", version: image?.string("version")?.value ?? "latest"),
            adminUsername: vms.string("adminUsername")?.value ?? "azureuser", sshPublicKey: key,
            osDiskType: vms.choice("osDiskType", ["Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "StandardSSD_ZRS", "Premium_ZRS"])?.value ?? "Premium_LRS",
            networkInterfaces: nics)
    }

    private func decodePLS(_ spec: NodeReader, defaultSubnet: Located<String>?) -> AzureExposureManifest.PrivateLinkService? {
        guard let pls = spec.object("privateLinkService", known: AzureDecoder.plsKeys, required: true) else { return nil }
        let visibility = pls.stringList("visibility", required: true) ?? []
        let approval = pls.stringList("autoApproval") ?? []
        for s in visibility + approval where s.value != "*" && !isGUID(s.value) {
            sink.error(s.location, s.path, "`\(s.value)` is not a subscription id (a GUID, or `*` for anyone with the alias)")
        }
        if let star = approval.first(where: { $0.value == "*" }) {
            sink.error(star.location, star.path, "auto-approval must name subscriptions; `*` would approve anyone")
        }
        guard let nat = pls.string("natSubnet") ?? defaultSubnet else { return nil }
        return .init(
            name: pls.string("name")?.value ?? "kafka-pls", nameLocation: pls.has("name") ? pls.valueLocation("name") : nil, natSubnet: nat, visibility: visibility, autoApproval: approval,
            enableProxyProtocol: pls.bool("enableProxyProtocol")?.value ?? false)
    }

    func isGUID(_ s: String) -> Bool {
        let groups = s.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    func isResourceGroupName(_ s: String) -> Bool {
        (1...90).contains(s.count) && s.last != "."
            && s.allSatisfy { $0.isLetter || $0.isNumber || "._-()".contains($0) }
    }
}
