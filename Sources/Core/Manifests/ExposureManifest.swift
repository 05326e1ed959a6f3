public import ReconcileModel

/// What every exposure has: the cluster it exposes, its own listener, and how brokers are advertised.
public struct ExposureCommon: Sendable, Hashable {
    public var name: Located<String>
    public var cluster: Located<String>
    /// The broker listener this exposure adds (EXTERNAL, EXTERNAL2, ...). Nil for kafka-proxy mode, which
    /// leaves the brokers untouched.
    public var listenerName: Located<String>?
    public var listenerPort: Located<Int>?
    public var pattern: Located<AdvertisedListenerPattern>
    /// First advertised (load-balancer) port; brokers get consecutive ports in node-id order.
    public var externalPortStart: Located<Int>?
    /// Explicit advertised ports per node id, overriding the consecutive assignment.
    public var brokerPorts: [Int: Located<Int>]
    public var source: SourceLocation
    /// What happens to the exposure's resources when they leave the manifests (`Orphan` when not written).
    public var deletionPolicy: Located<DeletionPolicy>?
    /// Where the fields that make resources exist are written, by field path (`spec.vms.mode`), for messages
    /// that explain why a resource leaves the plan. Fields left to their defaults are absent.
    public var fields: [String: SourceLocation] = [:]

    /// The policy in force: as written, else `Orphan`.
    public var effectiveDeletionPolicy: DeletionPolicy { deletionPolicy?.value ?? .orphan }
}

/// `<broker_id>.abc.eastus.azure.3199745.tidbcloud.com:<port>` as TiDB Cloud generates it.
public struct AdvertisedListenerPattern: Sendable, Hashable, CustomStringConvertible {
    public static let brokerToken = "<broker_id>"
    public static let portToken = "<port>"
    public var text: String

    public init(_ text: String) { self.text = text }

    /// Host for a broker: `<broker_id>` becomes `b<node.id>`; `:<port>` is dropped.
    public func host(nodeID: Int) -> String {
        hostPattern.replacing(AdvertisedListenerPattern.brokerToken, with: "b\(nodeID)")
    }

    /// The pattern without `:<port>`.
    public var hostPattern: String {
        var t = text
        if t.hasSuffix(":" + AdvertisedListenerPattern.portToken) { t.removeLast(AdvertisedListenerPattern.portToken.count + 1) }
        return t
    }

    public func endpoint(nodeID: Int, port: Int) -> String { "\(host(nodeID: nodeID)):\(port)" }

    /// Problems with the pattern, empty when it is usable.
    public var problems: [String] {
        var out: [String] = []
        if !text.hasPrefix(AdvertisedListenerPattern.brokerToken + ".") {
            out.append("must start with `<broker_id>.` (the host is `b<node.id>` followed by the suffix TiDB Cloud generated)")
        }
        if !text.hasSuffix(":" + AdvertisedListenerPattern.portToken) { out.append("must end with `:<port>`") }
        if text.ranges(of: AdvertisedListenerPattern.brokerToken).count != 1 { out.append("must contain `<broker_id>` exactly once") }
        let suffix = hostPattern.replacing(AdvertisedListenerPattern.brokerToken, with: "b1")
        let labels = suffix.split(separator: ".", omittingEmptySubsequences: false)
        let labelOK = labels.allSatisfy { l in
            !l.isEmpty && l.count <= 63 && l.first != "-" && l.last != "-"
                && l.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        if !labelOK || labels.count < 2 { out.append("the host part must be a valid DNS name once `<broker_id>` is replaced") }
        return out
    }

    public var description: String { text }
}
