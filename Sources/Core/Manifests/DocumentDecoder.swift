import ReconcileModel
import YAML

/// Decodes one document: the Kubernetes-style header, then the kind's `spec`.
struct DocumentDecoder {
    let file: String
    let sink: DiagnosticSink

    func decode(_ root: YAMLNode, into set: inout ManifestSet) {
        guard let doc = NodeReader(root, file: file, path: "", known: ["apiVersion", "kind", "metadata", "spec"], sink: sink)
        else { return }
        if let version = doc.string("apiVersion", required: true), version.value != ManifestLoader.apiVersion {
            sink.error(version.location, "apiVersion", "unsupported apiVersion `\(version.value)`; expected `\(ManifestLoader.apiVersion)`")
        }
        let kind = doc.choice("kind", ManifestLoader.kinds, required: true)
        let metadata = doc.object("metadata", known: ["name", "labels", "annotations"], required: true)
        guard let name = metadata?.string("name", required: true) else { return }
        checkName(name, maxLength: 63)
        guard let kind, let spec = doc.value("spec", required: true) else { return }
        let source = file.location(root.start)
        switch kind.value {
        case "KafkaCluster":
            if let m = ClusterDecoder(file: file, sink: sink).decode(spec, name: name, source: source) { set.clusters.append(m) }
        case "AzurePrivateLinkExposure":
            if let m = AzureDecoder(file: file, sink: sink).decode(spec, name: name, source: source) { set.azureExposures.append(m) }
        default:
            if let m = GcpDecoder(file: file, sink: sink).decode(spec, name: name, source: source) { set.gcpExposures.append(m) }
        }
    }

    /// Names become resource names and file names: lowercase letters, digits and dashes.
    func checkName(_ name: Located<String>, maxLength: Int) {
        let ok = !name.value.isEmpty && name.value.count <= maxLength
            && name.value.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            && name.value.first != "-" && name.value.last != "-"
        if !ok {
            sink.error(name.location, name.path, "`\(name.value)` is not a valid name; use 1-\(maxLength) lowercase letters, digits and dashes, not starting or ending with a dash")
        }
    }
}

/// Shared decoding of the exposure fields every cloud has.
struct ExposureCommonDecoder {
    let file: String
    let sink: DiagnosticSink

    static let listenerKeys = ["name", "port"]
    static let portKeys = ["start", "brokers"]

    func decode(_ spec: NodeReader, name: Located<String>, source: SourceLocation, requireListener: Bool) -> ExposureCommon? {
        let cluster = spec.string("cluster", required: true)
        var listenerName: Located<String>?
        var listenerPort: Located<Int>?
        if let listener = spec.object("listener", known: ExposureCommonDecoder.listenerKeys, required: requireListener) {
            listenerName = listener.string("name", required: true)
            listenerPort = listener.int("port", required: true, range: 1...65535)
            if let n = listenerName, !isListenerName(n.value) {
                sink.error(n.location, n.path, "`\(n.value)` is not a valid listener name; use uppercase letters, digits and underscores (e.g. EXTERNAL, EXTERNAL2)")
            }
        }
        let patternText = spec.string("advertisedListenerPattern", required: true)
        var start: Located<Int>?
        var brokerPorts: [Int: Located<Int>] = [:]
        if let ports = spec.object("externalPorts", known: ExposureCommonDecoder.portKeys, required: false) {
            start = ports.int("start", range: 1...65535)
            if let node = ports.value("brokers"), case .mapping(let pairs) = node.kind {
                for pair in pairs {
                    let keyPath = "\(ports.path).brokers"
                    guard let id = spec.readInt(pair.key, path: keyPath) else { continue }
                    if let port = spec.readInt(pair.value, path: "\(keyPath).\(id.value)", range: 1...65535) { brokerPorts[id.value] = port }
                }
            } else if let node = ports.value("brokers") {
                sink.error(file.location(node.start), "\(ports.path).brokers", "expected a mapping of node id to port, found \(node.kindName)")
            }
        }
        let policy = spec.choice("deletionPolicy", DeletionPolicy.allCases.map(\.rawValue))
        guard let cluster, let patternText else { return nil }
        let pattern = AdvertisedListenerPattern(patternText.value)
        for problem in pattern.problems {
            sink.error(patternText.location, patternText.path, "invalid pattern `\(pattern.text)`: \(problem)")
        }
        return ExposureCommon(
            name: name, cluster: cluster, listenerName: listenerName, listenerPort: listenerPort,
            pattern: Located(pattern, at: patternText.location, path: patternText.path),
            externalPortStart: start, brokerPorts: brokerPorts, source: source,
            deletionPolicy: policy.flatMap { p in DeletionPolicy(rawValue: p.value).map { Located($0, at: p.location, path: p.path) } })
    }

    func isListenerName(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") } && s.first!.isLetter
    }

    func adoptList(_ spec: NodeReader) -> [Located<String>] { spec.stringList("adopt") ?? [] }
}
