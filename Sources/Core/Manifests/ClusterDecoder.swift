import Foundation
import Scheduling
import ReconcileModel
import YAML

/// Decodes `kind: KafkaCluster` specs, applying the documented defaults.
struct ClusterDecoder {
    let file: String
    let sink: DiagnosticSink

    static let specKeys = [
        "kafkaVersion", "clusterId", "listeners", "processRoles", "logDirs", "brokers", "settings", "ssh",
        "configPath", "restart", "health", "reconcile",
    ]
    static let brokerKeys = ["nodeId", "name", "address", "zone", "processRoles", "sshHost"]
    static let sshKeys = [
        "user", "port", "identityFile", "jumpHost", "knownHostsFile", "hostKeyPolicy", "connectTimeoutSeconds",
        "maxConcurrentHosts",
    ]
    static let healthKeys = [
        "underReplicated", "brokerReadyTimeoutSeconds", "pollIntervalMilliseconds", "quorumFetchTimeoutMilliseconds",
    ]
    static let roles = ["broker", "controller"]

    func decode(_ node: YAMLNode, name: Located<String>, source: SourceLocation) -> KafkaClusterManifest? {
        guard let spec = NodeReader(node, file: file, path: "spec", known: ClusterDecoder.specKeys, sink: sink) else { return nil }
        let version = kafkaVersion(spec)
        let clusterID = spec.string("clusterId", required: true)
        if let id = clusterID, !isKRaftClusterID(id.value) {
            sink.error(id.location, id.path, "`\(id.value)` is not a KRaft cluster id; expected 22 URL-safe base64 characters (a UUID, as `kafka-storage.sh random-uuid` prints)")
        }
        let listeners = spec.object("listeners", known: ["internal", "controller"])
        let internalListener = listener(listeners, "internal", default: ("INTERNAL", 9092), spec: spec)
        let controller = listener(listeners, "controller", default: ("CONTROLLER", 29092), spec: spec)
        let processRoles = roles(spec, "processRoles") ?? ClusterDecoder.roles
        let logDirs = spec.string("logDirs", required: true)
        if let dirs = logDirs {
            for dir in dirs.value.split(separator: ",") where !dir.trimmingPrefix(" ").hasPrefix("/") {
                sink.error(dirs.location, dirs.path, "`\(dir)` is relative; use an absolute path (a relative `log.dirs` depends on the directory Kafka was started from)")
            }
        }
        let brokers = (spec.list("brokers", required: true) ?? []).compactMap { broker($0.node, path: $0.path, defaultRoles: processRoles) }
        if spec.has("brokers") && brokers.isEmpty && !sinkHasErrors(at: spec.valueLocation("brokers")) {
            sink.error(spec.valueLocation("brokers"), "spec.brokers", "at least one broker is required")
        }
        let settings = spec.stringMap("settings") ?? []
        checkUnique(brokers)
        for (key, _) in settings where ManifestValidator.managedKeys.contains(key.value) {
            sink.error(key.location, key.path, "`\(key.value)` is rendered by the reconciler from the cluster and exposure fields; remove it from settings")
        }
        let ssh = decodeSSH(spec)
        let restart = spec.object("restart", known: ["command", "timeoutSeconds", "policy"])
        let restartPolicy = restart?.choice("policy", ["rolling", "manual"]).flatMap { KafkaClusterManifest.RestartPolicy(rawValue: $0.value) }
        let command = restart?.stringList("command")?.map(\.value) ?? ["sudo", "systemctl", "restart", "kafka"]
        if let restart, restart.has("command"), command.isEmpty {
            sink.error(restart.valueLocation("command"), "spec.restart.command", "the restart command must not be empty")
        }
        let health = spec.object("health", known: ClusterDecoder.healthKeys)
        let policy = health?.choice("underReplicated", ["strict", "minIsr"]).flatMap { KafkaClusterManifest.UnderReplicatedPolicy(rawValue: $0.value) }
        let reconcile = decodeReconcile(spec)
        guard let version, let clusterID, let logDirs, let ssh, !brokers.isEmpty else { return nil }
        var cluster = KafkaClusterManifest(
            name: name, kafkaVersion: version, clusterID: clusterID, internalListener: internalListener,
            controllerListener: controller, processRoles: processRoles, logDirs: logDirs, brokers: brokers,
            settings: settings, ssh: ssh, configPath: spec.string("configPath")?.value ?? "config/server.properties",
            restartCommand: command, restartTimeoutSeconds: restart?.int("timeoutSeconds", range: 1...86_400)?.value ?? 600,
            restartPolicy: restartPolicy ?? .rolling,
            health: KafkaClusterManifest.Health(
                underReplicated: policy ?? .strict,
                brokerReadyTimeoutSeconds: health?.int("brokerReadyTimeoutSeconds", range: 1...86_400)?.value ?? 300,
                pollIntervalMilliseconds: health?.int("pollIntervalMilliseconds", range: 10...60_000)?.value ?? 1000,
                quorumFetchTimeoutMilliseconds: health?.int("quorumFetchTimeoutMilliseconds", range: 100...600_000)?.value ?? 2000),
            source: source)
        cluster.reconcile = reconcile
        return cluster
    }

    /// `reconcile {apply: always | nonDisruptive | never, suspend, windows: [{kind, schedule, duration, timeZone}]}`.
    /// An invalid schedule, duration or time zone is an error at its location, never a window silently closed.
    private func decodeReconcile(_ spec: NodeReader) -> KafkaClusterManifest.ReconcilePolicy {
        guard let r = spec.object("reconcile", known: ["apply", "suspend", "windows"]) else { return .init() }
        let apply = r.choice("apply", ["always", "nonDisruptive", "never"]).flatMap { KafkaClusterManifest.ReconcilePolicy.Apply(rawValue: $0.value) }
        var windows: [MaintenanceWindow] = []
        for item in r.list("windows") ?? [] {
            guard let w = NodeReader(item.node, file: file, path: item.path, known: ["kind", "schedule", "duration", "timeZone"], sink: sink) else { continue }
            let kind = w.choice("kind", ["allow", "deny"], required: true).flatMap { MaintenanceWindow.Kind(rawValue: $0.value) }
            var schedule: CronSchedule?
            if let text = w.string("schedule", required: true) {
                do { schedule = try CronSchedule(parsing: text.value) } catch { sink.error(text.location, text.path, "\(error)") }
            }
            var duration: Duration?
            if let text = w.string("duration", required: true) {
                duration = DurationText.parse(text.value)
                if let d = duration, !(60...(7 * 86_400)).contains(d.components.seconds) {
                    sink.error(text.location, text.path, "`\(text.value)` must be between 1m and 168h (a window of at most a week)")
                    duration = nil
                } else if duration == nil {
                    sink.error(text.location, text.path, "`\(text.value)` is not a duration (`4h`, `90m`, `1h30m`)")
                }
            }
            var zone: TimeZone? = TimeZone(identifier: "UTC")
            if let text = w.string("timeZone") {
                zone = TimeZone(identifier: text.value)
                if zone == nil { sink.error(text.location, text.path, "`\(text.value)` is not an IANA time zone (`UTC`, `Europe/Berlin`, `America/Los_Angeles`)") }
            }
            if let kind, let schedule, let duration, let zone {
                windows.append(MaintenanceWindow(kind: kind, schedule: schedule, duration: duration, timeZone: zone))
            }
        }
        return .init(apply: apply ?? .always, suspend: r.bool("suspend")?.value ?? false, windows: windows)
    }

    /// Broker ids, names and addresses are unique within a cluster (checked even when other fields failed).
    private func checkUnique(_ brokers: [KafkaClusterManifest.Broker]) {
        var ids: [Int: SourceLocation] = [:]
        var names: [String: SourceLocation] = [:]
        var addresses: [String: SourceLocation] = [:]
        for b in brokers {
            if let first = ids[b.nodeID.value] {
                sink.error(b.nodeID.location, b.nodeID.path, "duplicate broker id \(b.nodeID.value) (first used at \(first)); node.id must be unique in a KRaft cluster")
            } else { ids[b.nodeID.value] = b.nodeID.location }
            if let first = names[b.name.value] {
                sink.error(b.name.location, b.name.path, "duplicate broker name `\(b.name.value)` (first used at \(first))")
            } else { names[b.name.value] = b.name.location }
            if let first = addresses[b.address.value] {
                sink.error(b.address.location, b.address.path, "duplicate broker address \(b.address.value) (first used at \(first))")
            } else { addresses[b.address.value] = b.address.location }
        }
    }

    private func sinkHasErrors(at location: SourceLocation) -> Bool { sink.items.contains { $0.location == location } }

    private func kafkaVersion(_ spec: NodeReader) -> Located<KafkaVersion>? {
        guard let node = spec.value("kafkaVersion", required: true) else { return nil }
        let text = node.scalarText ?? ""
        guard case .scalar = node.kind, let v = KafkaVersion(parsing: text) else {
            sink.error(file.location(node.start), "spec.kafkaVersion", "`\(text)` is not a Kafka version; expected MAJOR.MINOR.PATCH such as \"3.7.1\"")
            return nil
        }
        if v < KafkaVersion(3, 3, 0) {
            sink.error(file.location(node.start), "spec.kafkaVersion", "Kafka \(v) is not supported; KRaft clusters need 3.3.0 or later")
        }
        return Located(v, at: file.location(node.start), path: "spec.kafkaVersion")
    }

    private func isKRaftClusterID(_ s: String) -> Bool {
        s.count == 22 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    private func listener(_ parent: NodeReader?, _ key: String, default fallback: (String, Int), spec: NodeReader) -> KafkaClusterManifest.Listener {
        let reader = parent?.object(key, known: ["name", "port"])
        let name = reader?.string("name")?.value ?? fallback.0
        let port = reader?.int("port", range: 1...65535)
            ?? Located(fallback.1, at: reader?.location ?? parent?.location ?? spec.location, path: "spec.listeners.\(key).port")
        return KafkaClusterManifest.Listener(name: name, port: port)
    }

    private func roles(_ reader: NodeReader, _ key: String) -> [String]? {
        guard let items = reader.stringList(key) else { return nil }
        var out: [String] = []
        for item in items {
            if !ClusterDecoder.roles.contains(item.value) {
                sink.error(item.location, item.path, "`\(item.value)` is not a process role\(Suggestion.hint(for: item.value, in: ClusterDecoder.roles)); expected broker or controller")
            } else if out.contains(item.value) {
                sink.error(item.location, item.path, "role `\(item.value)` is listed twice")
            } else {
                out.append(item.value)
            }
        }
        if items.isEmpty { sink.error(reader.valueLocation(key), NodeReader.join(reader.path, key), "at least one role is required") }
        return out.isEmpty ? nil : ClusterDecoder.roles.filter(out.contains)
    }

    private func broker(_ node: YAMLNode, path: String, defaultRoles: [String]) -> KafkaClusterManifest.Broker? {
        guard let b = NodeReader(node, file: file, path: path, known: ClusterDecoder.brokerKeys, sink: sink) else { return nil }
        let id = b.int("nodeId", required: true, range: 0...Int(Int32.max))
        let name = b.string("name", required: true)
        let address = b.string("address", required: true)
        if let a = address, IPv4Address(a.value) == nil {
            sink.error(a.location, a.path, "`\(a.value)` is not an IPv4 address")
        }
        let zone = b.string("zone")
        let roles = roles(b, "processRoles") ?? defaultRoles
        guard let id, let name, let address else { return nil }
        return KafkaClusterManifest.Broker(
            nodeID: id, name: name, address: address, zone: zone, processRoles: roles,
            sshHost: b.string("sshHost")?.value, location: b.location)
    }

    private func decodeSSH(_ spec: NodeReader) -> KafkaClusterManifest.SSH? {
        guard spec.has("ssh") else {
            // Required unless every exposure of the cluster is kafka-proxy (checked by the validator).
            var absent = KafkaClusterManifest.SSH(
                user: "", port: 22, identityFile: nil, jumpHost: nil, knownHostsFile: nil, hostKeyPolicy: .strict,
                connectTimeoutSeconds: 10, maxConcurrentHosts: 16)
            absent.declared = false
            return absent
        }
        guard let ssh = spec.object("ssh", known: ClusterDecoder.sshKeys, required: true) else { return nil }
        let user = ssh.string("user", required: true)
        let policy = ssh.choice("hostKeyPolicy", ["strict", "acceptNew"])
        guard let user else { return nil }
        return KafkaClusterManifest.SSH(
            user: user.value, port: ssh.int("port", range: 1...65535)?.value ?? 22,
            identityFile: ssh.string("identityFile")?.value, jumpHost: ssh.string("jumpHost")?.value,
            knownHostsFile: ssh.string("knownHostsFile")?.value,
            hostKeyPolicy: policy.flatMap { KafkaClusterManifest.HostKeyPolicy(rawValue: $0.value) } ?? .strict,
            connectTimeoutSeconds: ssh.int("connectTimeoutSeconds", range: 1...600)?.value ?? 10,
            maxConcurrentHosts: ssh.int("maxConcurrentHosts", range: 1...256)?.value ?? 16)
    }
}
