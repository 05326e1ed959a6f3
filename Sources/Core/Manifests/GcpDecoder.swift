import ReconcileModel
import YAML

/// Decodes `kind: GcpPrivateServiceConnectExposure` specs. Defaults are the seed runbook's names.
struct GcpDecoder {
    let file: String
    let sink: DiagnosticSink

    static let specKeys = [
        "cluster", "mode", "deletionPolicy", "project", "region", "listener", "advertisedListenerPattern", "externalPorts", "attachTo",
        "network", "pscNatSubnet", "instances", "loadBalancer", "serviceAttachment", "firewall", "kafkaProxy", "adopt",
    ]
    static let networkKeys = ["name", "subnets", "brokersSubnet", "existing", "defaultFirewallRules"]
    static let instanceKeys = ["create", "machineType", "image", "bastion"]
    static let lbKeys = ["networkEndpointGroup", "backendService", "forwardingRule"]
    static let attachmentKeys = ["name", "connectionPreference", "consumerAcceptList", "enableProxyProtocol"]
    static let proxyKeys = [
        "version", "instanceTemplate", "instanceGroup", "healthCheck", "bootstrapPortStart", "dynamicSequentialMinPort",
        "dynamicAdvertisedWord", "externalIP", "release", "httpListenAddress",
    ]

    func decode(_ node: YAMLNode, name: Located<String>, source: SourceLocation) -> GcpExposureManifest? {
        guard let spec = NodeReader(node, file: file, path: "spec", known: GcpDecoder.specKeys, sink: sink) else { return nil }
        let mode = spec.choice("mode", ["portMapping", "kafkaProxy"], required: true).flatMap { GcpExposureManifest.Mode(rawValue: $0.value) }
        let common = ExposureCommonDecoder(file: file, sink: sink).decode(spec, name: name, source: source, requireListener: mode == .portMapping)
        if mode == .kafkaProxy, spec.has("listener") {
            sink.error(spec.keyLocation("listener"), "spec.listener", "kafkaProxy mode leaves the brokers untouched and takes no listener; the proxy rewrites the addresses instead")
        }
        let project = spec.string("project", required: true)
        if let p = project, !isProjectID(p.value) {
            sink.error(p.location, p.path, "`\(p.value)` is not a GCP project id (6-30 lowercase letters, digits and dashes, starting with a letter)")
        }
        let region = spec.string("region", required: true)
        if let r = region, GcpRegions.zones[r.value] == nil {
            sink.error(r.location, r.path, "`\(r.value)` is not a GCP region\(Suggestion.hint(for: r.value, in: GcpRegions.all))")
        }
        let attachTo = spec.string("attachTo")
        let shared = attachTo != nil
        if shared {
            for key in ["network", "pscNatSubnet", "instances", "loadBalancer", "serviceAttachment", "firewall", "kafkaProxy"] where spec.has(key) {
                sink.error(spec.keyLocation(key), "spec.\(key)", "not allowed with `attachTo`: this exposure reuses the NEG, load balancer and service attachment of `\(attachTo!.value)`")
            }
        }
        let network = shared ? nil : decodeNetwork(spec)
        let nat = shared ? nil : subnet(spec.object("pscNatSubnet", known: ["name", "ipCidrRange"], required: true), defaultName: mode == .kafkaProxy ? "proxy-psc-subnet" : "psc-subnet")
        let instances = spec.object("instances", known: GcpDecoder.instanceKeys)
        let bastion = instances?.object("bastion", known: ["name", "zone", "subnet"])
        let lb = spec.object("loadBalancer", known: GcpDecoder.lbKeys)
        let proxy = mode == .kafkaProxy ? decodeProxy(spec) : nil
        if mode == .portMapping, spec.has("kafkaProxy") {
            sink.error(spec.keyLocation("kafkaProxy"), "spec.kafkaProxy", "only used with `mode: kafkaProxy`")
        }
        let isProxy = mode == .kafkaProxy
        let attachment = shared ? nil : decodeAttachment(spec, defaultName: isProxy ? "kafka-proxy-psc" : "kafka-psc")
        let adopt = ExposureCommonDecoder(file: file, sink: sink).adoptList(spec)
        guard let mode, let common, let project, let region, shared || (network != nil && nat != nil && attachment != nil),
            mode == .portMapping || proxy != nil
        else { return nil }
        return GcpExposureManifest(
            common: common, mode: mode, project: project, region: region, attachTo: attachTo, network: network,
            pscNatSubnet: nat,
            instances: .init(
                create: instances?.bool("create")?.value ?? !isProxy, machineType: instances?.string("machineType")?.value ?? "e2-medium",
                image: instances?.string("image")?.value ?? "projects/debian-cloud/global/images/family/debian-12",
                bastionName: bastion?.string("name", required: true)?.value, bastionZone: bastion?.string("zone", required: true),
                bastionSubnet: bastion?.string("subnet", required: true)),
            negName: lb?.string("networkEndpointGroup")?.value ?? "kafka-neg",
            backendServiceName: lb?.string("backendService")?.value ?? (isProxy ? "kafka-proxy-lb" : "kafka-lb"),
            forwardingRuleName: lb?.string("forwardingRule")?.value ?? (isProxy ? "kafka-proxy-lb-forwarding-rule" : "kafka-lb-forwarding-rule"),
            serviceAttachment: attachment,
            firewallName: spec.object("firewall", known: ["name"])?.string("name")?.value ?? (isProxy ? "allow-proxy-psc-traffic" : "allow-psc-traffic"),
            kafkaProxy: proxy, adopt: adopt)
    }

    private func subnet(_ reader: NodeReader?, defaultName: String) -> GcpExposureManifest.Subnet? {
        guard let reader, let cidr = reader.string("ipCidrRange", required: true) else { return nil }
        if let problem = CIDR.problem(cidr.value) { sink.error(cidr.location, cidr.path, problem) }
        let name = reader.string("name") ?? Located(defaultName, at: reader.location, path: "\(reader.path).name")
        return .init(name: name, cidr: cidr)
    }

    private func decodeNetwork(_ spec: NodeReader) -> GcpExposureManifest.Network? {
        guard let net = spec.object("network", known: GcpDecoder.networkKeys, required: true) else { return nil }
        let name = net.string("name", required: true)
        let subnets = (net.list("subnets", required: true) ?? []).compactMap { item in
            subnet(NodeReader(item.node, file: file, path: item.path, known: ["name", "ipCidrRange"], sink: sink), defaultName: "")
        }
        for s in subnets where s.name.value.isEmpty { sink.error(s.name.location, s.name.path, "missing required field `name`") }
        let brokers = net.string("brokersSubnet", required: true)
        if let b = brokers, !subnets.isEmpty, !subnets.contains(where: { $0.name.value == b.value }) {
            sink.error(b.location, b.path, "no subnet named `\(b.value)` in spec.network.subnets\(Suggestion.hint(for: b.value, in: subnets.map(\.name.value)))")
        }
        guard let name, let brokers else { return nil }
        return .init(
            name: name, subnets: subnets, brokersSubnet: brokers, existing: net.bool("existing")?.value ?? false,
            defaultFirewallRules: net.bool("defaultFirewallRules")?.value ?? true)
    }

    private func decodeAttachment(_ spec: NodeReader, defaultName: String) -> GcpExposureManifest.ServiceAttachment? {
        guard let sa = spec.object("serviceAttachment", known: GcpDecoder.attachmentKeys, required: true) else { return nil }
        let preference = sa.choice("connectionPreference", ["ACCEPT_MANUAL", "ACCEPT_AUTOMATIC"])?.value ?? "ACCEPT_MANUAL"
        var consumers: [GcpExposureManifest.ConsumerAccept] = []
        for item in sa.list("consumerAcceptList", required: preference == "ACCEPT_MANUAL") ?? [] {
            guard let c = NodeReader(item.node, file: file, path: item.path, known: ["project", "connectionLimit"], sink: sink),
                let project = c.string("project", required: true)
            else { continue }
            if !isProjectID(project.value) && !project.value.allSatisfy(\.isNumber) {
                sink.error(project.location, project.path, "`\(project.value)` is not a project id or number")
            }
            consumers.append(.init(project: project, connectionLimit: c.int("connectionLimit", range: 1...1000)?.value ?? 10))
        }
        return .init(
            name: sa.string("name")?.value ?? defaultName, connectionPreference: preference, consumers: consumers,
            enableProxyProtocol: sa.bool("enableProxyProtocol")?.value ?? false)
    }

    private func decodeProxy(_ spec: NodeReader) -> GcpExposureManifest.KafkaProxy? {
        guard let p = spec.object("kafkaProxy", known: GcpDecoder.proxyKeys, required: true) else { return nil }
        let template = p.object("instanceTemplate", known: ["name", "machineType", "image"])
        let group = p.object("instanceGroup", known: ["name", "zone"], required: true)
        let zone = group?.string("zone", required: true)
        let start = p.int("bootstrapPortStart", range: 1...65535) ?? Located(9092, at: p.location, path: "spec.kafkaProxy.bootstrapPortStart")
        let dynamic = p.int("dynamicSequentialMinPort", range: 1...65535)
        let word = p.string("dynamicAdvertisedWord")
        if let w = word, !w.value.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) || w.value.isEmpty {
            sink.error(w.location, w.path, "`\(w.value)` must be a lowercase DNS label (it replaces `<broker_id>` for brokers discovered later)")
        }
        if let name = template?.string("name"), name.value.count > 54 {
            sink.error(name.location, name.path, "`\(name.value)` is too long: the template is named `<name>-<8 hex digits of its content>` and Compute names have at most 63 characters, so at most 54")
        }
        let release = decodeRelease(p)
        let http = p.string("httpListenAddress")
        if let h = http, !Self.isLoopbackHostPort(h.value) {
            sink.error(h.location, h.path, "`\(h.value)` must be a loopback address with a port (`127.0.0.1:9080`): kafka-proxy's /health and /metrics are not for the network")
        }
        guard let zone, let release else { return nil }
        return .init(
            version: p.string("version")?.value ?? "v0.3.11", templateName: template?.string("name")?.value ?? "kafka-proxy-tpl",
            machineType: template?.string("machineType")?.value ?? "e2-medium",
            image: template?.string("image")?.value ?? "projects/debian-cloud/global/images/family/debian-12",
            groupName: group?.string("name")?.value ?? "kafka-proxy-ig", zone: zone,
            healthCheckName: p.object("healthCheck", known: ["name"])?.string("name")?.value ?? "kafka-proxy-hc",
            bootstrapPortStart: start, dynamicSequentialMinPort: dynamic ?? Located(0, at: p.location, path: "spec.kafkaProxy.dynamicSequentialMinPort"),
            dynamicAdvertisedWord: word?.value ?? "brokers", externalIP: p.bool("externalIP")?.value ?? false,
            release: release, httpListenAddress: http?.value ?? "127.0.0.1:9080")
    }

    /// `release: {url | gcsObject, sha256}`: exactly one source, and the tarball's sha256 (64 hex digits).
    private func decodeRelease(_ p: NodeReader) -> GcpExposureManifest.Release? {
        guard let r = p.object("release", known: ["url", "gcsObject", "sha256"], required: true) else { return nil }
        let url = r.string("url")
        let object = r.string("gcsObject")
        let sha = r.string("sha256", required: true)
        if let sha, !(sha.value.count == 64 && sha.value.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) })) {
            sink.error(sha.location, sha.path, "`\(sha.value)` is not a sha256 (64 lowercase hex digits, as `sha256sum` prints it)")
        }
        var source: GcpExposureManifest.Release.Source?
        switch (url, object) {
        case (let u?, nil):
            if u.value.hasPrefix("https://") && !u.value.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) {
                source = .url(u.value)
            } else {
                sink.error(u.location, u.path, "`\(u.value)` must be an https:// URL (without quotes or spaces)")
            }
        case (nil, let o?):
            let rest = o.value.hasPrefix("gs://") ? o.value.dropFirst(5) : ""
            let parts = rest.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2, !parts[1].isEmpty, !o.value.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) {
                source = .gcs(bucket: parts[0], object: parts[1])
            } else {
                sink.error(o.location, o.path, "`\(o.value)` must be a Cloud Storage object, `gs://BUCKET/OBJECT`")
            }
        case (_?, _?):
            sink.error(r.keyLocation("gcsObject"), "\(r.path).gcsObject", "give either `url` or `gcsObject`, not both")
        case (nil, nil):
            sink.error(r.location, r.path, "missing the tarball's location: `url` (https://…/kafka-proxy-<version>-linux-amd64.tar.gz) or `gcsObject` (gs://BUCKET/OBJECT)")
        }
        guard let source, let sha else { return nil }
        return .init(source: source, sha256: sha.value)
    }

    static func isLoopbackHostPort(_ text: String) -> Bool {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].hasPrefix("127."), let port = Int(parts[1]) else { return false }
        return (1...65535).contains(port)
    }

    func isProjectID(_ s: String) -> Bool {
        (6...30).contains(s.count) && s.first!.isLowercase
            && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") } && s.last != "-"
    }
}
