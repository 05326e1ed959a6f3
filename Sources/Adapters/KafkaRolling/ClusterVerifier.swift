public import KafkaClient
import KafkaProtocol
public import ReconcileModel

public struct ClusterVerifier: Sendable {
    let cluster: RollingCluster
    let dialer: any Dialer
    /// Fail when an advertised name does not resolve here (by default that is only noted: inside the Kafka
    /// network the names resolve only on the consumer's side, as the runbooks point out).
    let requireAdvertised: Bool

    public init(cluster: RollingCluster, dialer: any Dialer = SystemDialer(), requireAdvertised: Bool = false) {
        self.cluster = cluster
        self.dialer = dialer
        self.requireAdvertised = requireAdvertised
    }

    static let options = KafkaConnectionOptions(connectTimeout: .seconds(3), requestTimeout: .seconds(5))

    public func verify() async -> VerificationReport {
        var findings: [Int: [String]] = [:]
        var failed: Set<Int> = []
        func note(_ id: Int, _ text: String, failing: Bool) {
            findings[id, default: []].append(text)
            if failing { failed.insert(id) }
        }
        var sections: [VerificationReport.Section] = []
        let internalExpected = Dictionary(cluster.brokers.map { ($0.id, "\($0.internalHost):\($0.internalPort)") }, uniquingKeysWith: { a, _ in a })
        let internalSection = await section(
            listener: "INTERNAL", port: { $0.internalPort }, expected: internalExpected, reachabilityFails: true, note: note)
        sections.append(internalSection)
        for exposure in cluster.exposures {
            sections.append(await section(
                listener: exposure.listenerName, port: { _ in exposure.listenerPort }, expected: exposure.expected,
                reachabilityFails: false, note: note))
            for broker in cluster.brokers {
                guard let advertised = exposure.expected[broker.id] else { continue }
                await probeIdentity(broker: broker.id, endpoint: advertised, via: "advertised \(advertised)", note: note)
                await probeIdentity(broker: broker.id, endpoint: "\(broker.internalHost):\(exposure.listenerPort)", via: "its \(exposure.listenerName) listener", note: note, advertisedMustResolve: true)
            }
        }
        for proxy in cluster.proxies { sections += await verify(proxy, note: note) }
        // Brokers outside the manifest appear only when a kafka-proxy reaches them through its dynamic listeners.
        let ids = Set(cluster.brokers.map(\.id)).union(cluster.proxies.isEmpty ? [] : Array(findings.keys))
        let verdicts = ids.sorted().map { id in
            VerificationReport.Verdict(broker: id, ok: !failed.contains(id), findings: findings[id] ?? [])
        }
        return VerificationReport(cluster: cluster.name, sections: sections, verdicts: verdicts)
    }

    /// Bootstraps through the first broker that answers on `listener` and checks the broker list against
    /// `expected`; then dials every listed endpoint with ApiVersions, as the runbook's tool does.
    ///
    /// With `reachabilityFails` (INTERNAL), a listed endpoint that cannot be reached (refused, unreachable, timed
    /// out, closed without answering) fails its broker: being listed by another broker proves registration, not
    /// that clients can talk to it. An exposure's endpoints are advertised names, usually resolvable only on the
    /// consumer's side; each is dialled again by the identity probes, which fail the broker (or note an
    /// unresolvable name), so the line alone decides nothing there.
    private func section(
        listener: String, port: (RollingCluster.Broker) -> Int, expected: [Int: String], reachabilityFails: Bool,
        note: (Int, String, Bool) -> Void
    ) async -> VerificationReport.Section {
        for bootstrap in cluster.brokers {
            let client = KafkaClient(host: bootstrap.internalHost, port: port(bootstrap), dialer: dialer, options: Self.options)
            let metadata = try? await client.metadata(topics: [])
            await client.close()
            guard let metadata else { continue }
            var lines: [VerificationReport.Line] = []
            let listed = Dictionary(metadata.brokers.map { (Int($0.nodeID), $0) }, uniquingKeysWith: { a, _ in a })
            var unreachable: [Int: String] = [:]
            for broker in metadata.brokers.sorted(by: { $0.nodeID < $1.nodeID }) {
                let node = "\(broker.host):\(broker.port) (id: \(broker.nodeID) rack: \(broker.rack ?? "null"))"
                switch await apiVersions(host: broker.host, port: Int(broker.port)) {
                case .success(let count):
                    lines.append(.init(node: node, result: "OK (\(count) APIs)"))
                case .failure(let error):
                    lines.append(.init(node: node, result: "ERROR: \(error)"))
                    unreachable[Int(broker.nodeID)] = "\(listener): \(broker.host):\(broker.port) cannot be reached: \(error)"
                }
            }
            if reachabilityFails {
                for (id, finding) in unreachable.sorted(by: { $0.key < $1.key }) { note(id, finding, true) }
            }
            for (id, want) in expected.sorted(by: { $0.key < $1.key }) {
                guard let got = listed[id] else {
                    note(id, "\(listener): missing from the broker list (not registered, fenced, or without this listener)", true)
                    continue
                }
                let have = "\(got.host):\(got.port)"
                note(id, have == want ? "\(listener): listed as \(have)" : "\(listener): listed as \(have), expected \(want)", have != want)
            }
            for id in listed.keys.sorted() where expected[id] == nil {
                // In front of a kafka-proxy, brokers beyond the manifest are reached through its dynamic listeners.
                if cluster.proxies.isEmpty {
                    note(id, "\(listener): unexpected broker \(id) listed", true)
                } else {
                    note(id, "\(listener): listed as \(listed[id].map { "\($0.host):\($0.port)" } ?? "?") (not in the manifest: kafka-proxy reaches it through a dynamic listener)", false)
                }
            }
            return .init(listener: listener, bootstrap: "\(bootstrap.internalHost):\(port(bootstrap))", lines: lines)
        }
        for id in expected.keys.sorted() { note(id, "\(listener): no broker answered a bootstrap request on this listener", true) }
        return .init(listener: listener, bootstrap: "-", lines: [])
    }

    /// kafka-proxy mode: a Kafka round trip (Metadata) through every static endpoint, never the proxy's `/health`
    /// (which always answers OK); the brokers listed there must be the proxy's static names for the mapped brokers and
    /// its dynamic host for the others; then the identity of every broker through every name listed (dynamic ones too).
    private func verify(_ proxy: RollingCluster.ProxyExposure, note: (Int, String, Bool) -> Void) async -> [VerificationReport.Section] {
        let label = "kafka-proxy \(proxy.name)"
        if let why = proxy.unresolved {
            for broker in cluster.brokers { note(broker.id, "\(label): cannot check: \(why)", true) }
            return []
        }
        var sections: [VerificationReport.Section] = []
        var probed: [Int: Set<String>] = [:]
        for (id, endpoint) in proxy.staticEndpoints.sorted(by: { $0.key < $1.key }) {
            let parts = endpoint.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else { continue }
            let host = String(parts[0])
            if (try? dialer.resolve(host: host, port: port)) == nil {
                note(id, "\(label): bootstrap through \(endpoint) not checked, the name does not resolve here (pass --resolve to check the path)", requireAdvertised)
                continue
            }
            let client = KafkaClient(host: host, port: port, dialer: dialer, options: Self.options)
            let answer: Result<MetadataResponse, KafkaClientError>
            do { answer = .success(try await client.metadata(topics: [])) } catch { answer = .failure(error) }
            await client.close()
            guard case .success(let metadata) = answer else {
                if case .failure(let error) = answer { note(id, "\(label): no Kafka answer through static port \(endpoint): \(error)", true) }
                sections.append(.init(listener: label, bootstrap: endpoint, lines: []))
                continue
            }
            note(id, "\(label): Kafka round trip through static port \(endpoint)", false)
            var lines: [VerificationReport.Line] = []
            for broker in metadata.brokers.sorted(by: { $0.nodeID < $1.nodeID }) {
                let listed = "\(broker.host):\(broker.port)"
                let node = "\(listed) (id: \(broker.nodeID) rack: \(broker.rack ?? "null"))"
                switch await apiVersions(host: broker.host, port: Int(broker.port)) {
                case .success(let count): lines.append(.init(node: node, result: "OK (\(count) APIs)"))
                case .failure(let error): lines.append(.init(node: node, result: "ERROR: \(error)"))
                }
                let brokerID = Int(broker.nodeID)
                if let want = proxy.staticEndpoints[brokerID] {
                    if listed != want { note(brokerID, "\(label): listed through \(endpoint) as \(listed), expected \(want)", true) }
                } else if broker.host != proxy.dynamicHost {
                    note(brokerID, "\(label): listed through \(endpoint) as \(listed), expected a dynamic listener on \(proxy.dynamicHost)", true)
                }
                probed[brokerID, default: []].insert(listed)
            }
            for want in proxy.staticEndpoints.keys.sorted() where !metadata.brokers.contains(where: { Int($0.nodeID) == want }) {
                note(want, "\(label): missing from the broker list through \(endpoint)", true)
            }
            sections.append(.init(listener: label, bootstrap: endpoint, lines: lines))
        }
        for (id, endpoints) in probed.sorted(by: { $0.key < $1.key }) {
            for endpoint in endpoints.sorted() {
                let kind = proxy.staticEndpoints[id] == endpoint ? "static" : "dynamic"
                await probeIdentity(broker: id, endpoint: endpoint, via: "\(label) (\(kind)) \(endpoint)", note: note)
            }
        }
        return sections
    }

    /// ApiVersions to `host:port`: the number of APIs the broker advertises, or why it could not be asked.
    private func apiVersions(host: String, port: Int) async -> Result<Int, KafkaClientError> {
        let client = KafkaClient(host: host, port: port, dialer: dialer, options: Self.options)
        defer { Task { await client.close() } }
        do {
            return .success(try await client.apiVersions().apiKeys.count)
        } catch {
            return .failure(error)
        }
    }

    /// DescribeConfigs for BROKER `broker` through `endpoint`: only that broker answers it, so success proves
    /// the path lands on the right node; the listener keys must come from the file (source 4), not a dynamic
    /// override that would shadow it.
    private func probeIdentity(
        broker: Int, endpoint: String, via: String, note: (Int, String, Bool) -> Void, advertisedMustResolve: Bool = false
    ) async {
        let parts = endpoint.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { return }
        let host = String(parts[0])
        if !advertisedMustResolve, (try? dialer.resolve(host: host, port: port)) == nil {
            note(broker, "identity through \(via): not checked, the name does not resolve here (it resolves on the consumer's side; pass --resolve to check the path)", requireAdvertised)
            return
        }
        let client = KafkaClient(host: host, port: port, dialer: dialer, options: Self.options)
        defer { Task { await client.close() } }
        do {
            let result = try await client.describeConfigs(broker: broker, keys: ["advertised.listeners", "listeners", "listener.security.protocol.map"])
            let shadowed = result.configs.filter { $0.configSource == .dynamicBroker }.map(\.name)
            if shadowed.isEmpty {
                note(broker, "identity through \(via): reached broker \(broker)", false)
            } else {
                note(broker, "identity through \(via): reached broker \(broker), but \(shadowed.joined(separator: ", ")) is shadowed by a dynamic per-broker override", true)
            }
        } catch {
            note(broker, "identity through \(via): \(error)", true)
        }
    }
}
