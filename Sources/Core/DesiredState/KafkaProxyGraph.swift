public import Manifests
public import ReconcileModel

/// kafka-proxy mode (seed 003 §6): one proxy VM in a zonal managed group of exactly one, a TCP health check on
/// the first bootstrap port, an internal backend service on the group, all-ports forwarding rule, attachment.
/// The brokers are not touched.
///
/// The proxy's flags come from the brokers' advertised INTERNAL addresses as the cluster reports them
/// (`ClusterFacts`, read over Kafka before the desired state is derived): a mapping that does not match the exact
/// `host:port` a broker advertises silently opens an extra dynamic port. The instance template is immutable, so it is
/// named `<name>-<content hash>`: any content change is a new template, the group is repointed (its instance
/// replaced: consumer visible) and the old template deleted afterwards (`ResourceSpec.generationFamily`). When the
/// facts cannot be read, or rule kafka-proxy out (brokers newer than it supports), the template is `unresolved`: a
/// problem in the plan, and nothing that depends on it changes.
struct KafkaProxyGraph {
    let exposure: GcpExposureManifest
    let cluster: KafkaClusterManifest
    let facts: ClusterFacts?

    func build(into b: inout GraphBuilder) {
        guard let proxy = exposure.kafkaProxy else { return }
        let c = GcpCommon(exposure: exposure, cluster: cluster)
        c.buildNetwork(into: &b)
        let resolved = KafkaProxyFlags.mappings(exposure: exposure, cluster: cluster, facts: facts)
        var nic: [String: Value] = ["network": .string(c.networkPath), "subnetwork": .string(c.brokersSubnetPath)]
        if proxy.externalIP { nic["accessConfigs"] = [["type": "ONE_TO_ONE_NAT", "name": "External NAT"]] }
        let script: String
        switch resolved {
        case .success(let mappings):
            script = KafkaProxyFlags.startupScript(
                proxy: proxy, flags: KafkaProxyFlags.flags(exposure: exposure, mappings: mappings),
                exposure: exposure.common.name.value, cluster: cluster.name.value)
        case .failure: script = ""
        }
        let properties: Value = [
            "machineType": .string(proxy.machineType), "disks": c.bootDisk(image: proxy.image),
            "networkInterfaces": [.object(nic)], "labels": c.templateInstanceLabels,
            "metadata": ["items": [["key": "startup-script", "value": .string(script)]]],
        ]
        // Instance templates are immutable: the name carries the content hash, so a change is a new template.
        let templateName: String
        if case .failure = resolved { templateName = proxy.templateName } else {
            templateName = "\(proxy.templateName)-\(Fingerprint.of(properties.description).prefix(8))"
        }
        let templatePath = c.paths.instanceTemplate(templateName)
        var template = c.spec(GcpTypes.instanceTemplate, templateName, id: templatePath, [
            "name": .string(templateName), "region": .string(exposure.region.value), "description": c.description,
            "properties": properties,
        ], disruption: .consumerVisible, replaceOn: ["properties"])
        template.generationFamily = proxy.templateName
        if case .failure(let why) = resolved { template.unresolved = why.message }
        b.add(template, references: [c.networkPath, c.brokersSubnetPath])
        let zone = proxy.zone.value
        // Exactly one instance, never autoscaled: a group resized or pointed elsewhere by hand is drift, put back.
        b.add(c.spec(GcpTypes.instanceGroupManager, proxy.groupName, id: c.paths.instanceGroupManager(zone, proxy.groupName), [
            "name": .string(proxy.groupName), "zone": .string(zone), "baseInstanceName": .string(proxy.groupName),
            "instanceTemplate": .string(templatePath), "targetSize": 1, "description": c.description,
        ], disruption: .consumerVisible, replaceOn: ["zone", "baseInstanceName"]), references: [templatePath])
        let hcPath = c.paths.healthCheck(proxy.healthCheckName)
        b.add(c.spec(GcpTypes.healthCheck, proxy.healthCheckName, id: hcPath, [
            "name": .string(proxy.healthCheckName), "region": .string(exposure.region.value), "type": "TCP",
            "tcpHealthCheck": ["port": .int(proxy.bootstrapPortStart.value), "portSpecification": "USE_FIXED_PORT"],
            "checkIntervalSec": 5, "timeoutSec": 5, "healthyThreshold": 2, "unhealthyThreshold": 2, "description": c.description,
        ]))
        // Google's health checkers reach the proxy from these ranges; without this rule the backend never turns healthy.
        let staticPorts = KafkaProxyFlags.staticPorts(exposure: exposure, cluster: cluster, resolved: resolved)
        b.add(c.firewall("\(exposure.firewallName)-health-checks", sources: ["35.191.0.0/16", "130.211.0.0/22"],
                         allowed: [["IPProtocol": "tcp", "ports": .array(staticPorts.map { .string(String($0)) })]], priority: 1000),
              references: [c.networkPath])
        let groupPath = c.paths.instanceGroup(zone, proxy.groupName)
        b.add(c.spec(GcpTypes.backendService, exposure.backendServiceName, id: c.paths.backendService(exposure.backendServiceName), [
            "name": .string(exposure.backendServiceName), "region": .string(exposure.region.value), "loadBalancingScheme": "INTERNAL",
            "protocol": "TCP", "network": .string(c.networkPath), "healthChecks": [.string(hcPath)],
            "backends": [["group": .string(groupPath), "balancingMode": "CONNECTION"]], "description": c.description,
        ], disruption: .consumerVisible, replaceOn: ["loadBalancingScheme"]),
        references: [c.paths.instanceGroupManager(zone, proxy.groupName), hcPath, c.networkPath])
        // The proxy's static ports (9092-9094 in the runbook) are what a consumer bootstraps through in this mode.
        c.buildFrontend(backendService: exposure.backendServiceName, bootstrapPorts: [(exposure.common.name.value, staticPorts)], into: &b)
    }
}

/// The kafka-proxy command line (runbook §6.2) and the VM's startup script, from the brokers' advertised addresses.
public enum KafkaProxyFlags {
    /// One static listener: the broker's advertised INTERNAL `host:port` (the upstream, matched exactly), the local
    /// port the proxy listens on, and the name it advertises for it (`b<id>.<suffix>:<port>`).
    public struct Mapping: Sendable, Hashable {
        public var nodeID: Int
        public var upstream: String
        public var port: Int
        public var advertised: String
    }

    /// Why the mappings cannot be built in this pass.
    public struct Unresolved: Error, Sendable, Hashable {
        public var message: String
    }

    /// kafka-proxy versions this reconciler knows, with the newest Kafka each handles (kafka-proxy.md B.1).
    public static let supportedKafka: [String: String] = ["v0.3.11": "3.7.x"]

    /// The static mappings: one per broker of the manifest, in node-id order, ports from `bootstrapPortStart` on, each
    /// with the `host:port` that broker advertises (as read, never as the manifest writes it). Every such broker must
    /// be registered (one that is down does not reshuffle the ports). Brokers the cluster has beyond the manifest get
    /// kafka-proxy's dynamic listeners (seed 003 §6: a mapping per zone is enough to bootstrap); adding one to the
    /// manifest gives it a static port, a new template.
    public static func mappings(
        exposure: GcpExposureManifest, cluster: KafkaClusterManifest, facts: ClusterFacts?
    ) -> Result<[Mapping], Unresolved> {
        guard let proxy = exposure.kafkaProxy else { return .success([]) }
        let listener = cluster.internalListener.port.value
        guard let facts else {
            return .failure(Unresolved(message: "the brokers' advertised INTERNAL addresses were not read (kafka-proxy's mappings are built from them)"))
        }
        if let error = facts.error {
            return .failure(Unresolved(message: "cannot read the brokers' advertised INTERNAL addresses over Kafka (port \(listener)): \(error); "
                + "kafka-proxy's mappings must match them exactly, so the proxy's template is not planned"))
        }
        if let problem = compatibilityProblem(version: proxy.version, facts: facts) { return .failure(Unresolved(message: problem)) }
        let ids = cluster.brokers.map(\.nodeID.value).sorted()
        let missing = ids.filter { facts.advertised[$0] == nil }
        if !missing.isEmpty {
            return .failure(Unresolved(message: "broker\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) of the manifest "
                + "\(missing.count == 1 ? "is" : "are") not registered in the cluster's metadata (down, fenced, or a wrong node id); the proxy's mappings "
                + "are not changed until every broker is back, so that no port moves under a consumer"))
        }
        let pattern = exposure.common.pattern.value
        let mappings = ids.enumerated().map { index, id in
            let port = proxy.bootstrapPortStart.value + index
            return Mapping(nodeID: id, upstream: facts.advertised[id]!, port: port, advertised: pattern.endpoint(nodeID: id, port: port))
        }
        return .success(mappings)
    }

    /// The proxy's static ports: one per mapped broker, or, without facts, one per broker of the manifest.
    public static func staticPorts(exposure: GcpExposureManifest, cluster: KafkaClusterManifest, resolved: Result<[Mapping], Unresolved>) -> [Int] {
        if case .success(let mappings) = resolved, !mappings.isEmpty { return mappings.map(\.port) }
        let start = exposure.kafkaProxy?.bootstrapPortStart.value ?? 9092
        return cluster.brokers.indices.map { start + $0 }
    }

    /// A problem when the brokers speak APIs newer than `version` handles: kafka-proxy v0.3.11 closes the connection
    /// on FindCoordinator v5+ and Produce v11+, which Kafka 3.8 introduced (with ApiVersions key 75).
    public static func compatibilityProblem(version: String, facts: ClusterFacts) -> String? {
        guard let newest = supportedKafka[version] else {
            return "kafka-proxy \(version) is not a version this reconciler knows (known: \(supportedKafka.keys.sorted().joined(separator: ", ")))"
        }
        var signs: [String] = []
        if let v = facts.apiMaxVersions[10], v >= 5 { signs.append("FindCoordinator v\(v)") }
        if let v = facts.apiMaxVersions[0], v >= 11 { signs.append("Produce v\(v)") }
        if let top = facts.apiMaxVersions.keys.max(), top >= 75 { signs.append("API key \(top)") }
        guard !signs.isEmpty else { return nil }
        return "the brokers run Kafka 3.8 or newer (they offer \(signs.joined(separator: ", "))), and kafka-proxy \(version) handles brokers up to "
            + "Kafka \(newest) only (it closes client connections on those versions); run the brokers on Kafka \(newest) (3.7.2 is the last), "
            + "or expose the cluster by port mapping (`mode: portMapping`)"
    }

    /// `server` flags: one `--bootstrap-server-mapping` per broker (`upstream,0.0.0.0:port,advertised`), then the
    /// dynamic listener settings for brokers that appear later.
    public static func flags(exposure: GcpExposureManifest, mappings: [Mapping]) -> [String] {
        guard let proxy = exposure.kafkaProxy else { return [] }
        var out: [String] = []
        for m in mappings { out += ["--bootstrap-server-mapping", "\(m.upstream),0.0.0.0:\(m.port),\(m.advertised)"] }
        // After the last static port: a broker added to the manifest takes the next static port, so a manifest's
        // `dynamicSequentialMinPort` inside the static range moves up rather than colliding with it.
        let afterStatic = proxy.bootstrapPortStart.value + mappings.count
        let dynamicStart = max(proxy.dynamicSequentialMinPort.value, afterStatic)
        out += ["--dynamic-sequential-min-port", String(dynamicStart), "--dynamic-advertised-listener", dynamicHost(exposure: exposure)]
        return out
    }

    /// The bare host the proxy advertises for brokers it finds later (`<broker_id>` replaced by the manifest's word).
    public static func dynamicHost(exposure: GcpExposureManifest) -> String {
        exposure.common.pattern.value.hostPattern.replacing(
            AdvertisedListenerPattern.brokerToken, with: exposure.kafkaProxy?.dynamicAdvertisedWord ?? "brokers")
    }

    /// The flags if each broker advertised exactly its manifest address on the INTERNAL listener (the runbook's case:
    /// what the tests compare with seed 003). Passes build them from the addresses read instead.
    public static func flags(exposure: GcpExposureManifest, cluster: KafkaClusterManifest) -> [String] {
        let listener = cluster.internalListener.port.value
        let facts = ClusterFacts(
            listenerPort: listener,
            advertised: Dictionary(cluster.brokers.map { ($0.nodeID.value, "\($0.address.value):\(listener)") }, uniquingKeysWith: { a, _ in a }))
        guard case .success(let mappings) = mappings(exposure: exposure, cluster: cluster, facts: facts) else { return [] }
        return flags(exposure: exposure, mappings: mappings)
    }

    /// Where the startup script keeps the flags: `KAFKA_PROXY_ARGS="..."` in this systemd environment file.
    public static let environmentFile = "/etc/kafka-proxy/kafka-proxy.env"

    /// The VM's startup script (GCE runs it at every boot, so every step is idempotent): install the release once
    /// (downloaded from the manifest's URL or Cloud Storage object, its sha256 checked before it is unpacked), a system
    /// user, the flags in an environment file, a systemd unit, then (re)start the service. `KAFKA_PROXY_ROOT` prefixes
    /// every path (empty on a VM; a scratch directory in tests).
    public static func startupScript(proxy: GcpExposureManifest.KafkaProxy, flags: [String], exposure: String, cluster: String) -> String {
        let args = (flags + ["--http-listen-address", proxy.httpListenAddress]).joined(separator: " ")
        let download: String
        switch proxy.release.source {
        case .url(let url):
            download = "curl -fsSL --retry 5 --retry-connrefused -o \"$tmp/release.tar.gz\" '\(url)'"
        case .gcs(let bucket, let object):
            let encoded = object.unicodeScalars.map { c -> String in
                c.properties.isAlphabetic && c.isASCII || ("0"..."9").contains(c) || "-_.~".unicodeScalars.contains(c)
                    ? String(c) : c.utf8.map { "%" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
            }.joined()
            download = """
                token=$(curl -fsS -H 'Metadata-Flavor: Google' \
                  'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token' \
                  | sed -E 's/.*"access_token" *: *"([^"]+)".*/\\1/')
                  curl -fsSL --retry 5 --retry-connrefused -H "Authorization: Bearer $token" -o "$tmp/release.tar.gz" \
                  'https://storage.googleapis.com/storage/v1/b/\(bucket)/o/\(encoded)?alt=media'
                """
        }
        let version = proxy.version
        return """
            #!/bin/bash
            # kafka-proxy \(version) for exposure \(exposure) of cluster \(cluster), generated by the Kafka private link reconciler.
            # Do not edit: any change makes a new instance template. GCE runs this at every boot; every step is idempotent.
            set -euo pipefail
            root="${KAFKA_PROXY_ROOT:-}"
            sha256='\(proxy.release.sha256)'
            home="$root/opt/kafka-proxy/\(version)"
            if [ ! -x "$home/kafka-proxy" ] || [ "$(cat "$home/.sha256" 2>/dev/null)" != "$sha256" ]; then
              tmp=$(mktemp -d)
              trap 'rm -rf "$tmp"' EXIT
              \(download)
              echo "$sha256  $tmp/release.tar.gz" | sha256sum --check --quiet --strict -
              mkdir -p "$tmp/unpacked" "$home"
              tar -xzf "$tmp/release.tar.gz" -C "$tmp/unpacked"
              install -m 0755 "$tmp/unpacked/kafka-proxy" "$home/kafka-proxy"
              echo "$sha256" > "$home/.sha256"
            fi
            id -u kafka-proxy >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin kafka-proxy
            mkdir -p "$root/etc/kafka-proxy" "$root/etc/systemd/system"
            cat > "$root\(environmentFile).new" <<'FLAGS'
            KAFKA_PROXY_ARGS="\(args)"
            FLAGS
            mv "$root\(environmentFile).new" "$root\(environmentFile)"
            cat > "$root/etc/systemd/system/kafka-proxy.service.new" <<'UNIT'
            [Unit]
            Description=kafka-proxy \(version) (managed by the Kafka private link reconciler)
            Wants=network-online.target
            After=network-online.target

            [Service]
            Type=simple
            User=kafka-proxy
            EnvironmentFile=\(environmentFile)
            ExecStart=/opt/kafka-proxy/\(version)/kafka-proxy server $KAFKA_PROXY_ARGS
            Restart=always
            RestartSec=2
            LimitNOFILE=65536

            [Install]
            WantedBy=multi-user.target
            UNIT
            mv "$root/etc/systemd/system/kafka-proxy.service.new" "$root/etc/systemd/system/kafka-proxy.service"
            systemctl daemon-reload
            systemctl enable kafka-proxy.service
            systemctl restart kafka-proxy.service

            """
    }

    /// The `server` arguments a startup script of ours runs kafka-proxy with (its `KAFKA_PROXY_ARGS` line, split as
    /// systemd splits an unquoted `$VAR`), or nil when `script` has none.
    public static func arguments(inStartupScript script: String) -> [String]? {
        guard let line = script.split(separator: "\n").first(where: { $0.hasPrefix("KAFKA_PROXY_ARGS=\"") }), line.hasSuffix("\"") else { return nil }
        let value = line.dropFirst("KAFKA_PROXY_ARGS=\"".count).dropLast()
        return value.split(whereSeparator: \.isWhitespace).map(String.init)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
