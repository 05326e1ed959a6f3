import ReconcileModel

/// The text of one change in the human-readable plan:
///
/// ```
///   # tidb-kafka/azure.privateLinkService/kafka-pls will be updated in-place
///   # (reason: drifted; disruption: consumer_visible)
///   ! consumers will notice this change
///   ~ tidb-kafka/azure.privateLinkService/kafka-pls
///       ~ properties.visibility.subscriptions: ["a"] -> ["a","b"]
/// ```
///
/// Restarts have a single action line, `  ⟳ ADDRESS  (restart N of M)`, instead of the symbol line and
/// attributes.
struct ChangeBlock {
    /// 1-based position of a restart among the restarts of its cluster.
    struct RestartPosition: Sendable, Hashable {
        var index: Int
        var total: Int
    }

    let change: Change
    let style: ANSIStyle
    let restart: RestartPosition?

    init(change: Change, style: ANSIStyle, restart: RestartPosition? = nil) {
        self.change = change
        self.style = style
        self.restart = restart
    }

    /// The verb phrase that follows the address in the block's heading comment.
    static func phrase(for action: Action) -> String {
        switch action {
        case .create: "will be created"
        case .update: "will be updated in-place"
        case .expand: "will gain its new ports first (the old ones stay until the brokers advertise the new ones)"
        case .replace: "will be replaced"
        case .delete: "will be destroyed"
        case .forget: "will be forgotten (kept running, no longer managed; its ownership marks are released)"
        case .writeBrokerConfig: "will have its server.properties updated"
        case .restartBroker: "will be restarted"
        }
    }

    var lines: [String] {
        let address = change.address.description
        var out = [
            "  " + style.bold("# \(address) \(Self.phrase(for: change.action))"),
            "  # (reason: \(change.reason.rawValue); disruption: \(change.disruption.rawValue))",
        ]
        if change.disruption == .consumerVisible {
            out.append("  " + style.apply(.bold, .yellow, to: "! consumers will notice this change"))
        } else if change.disruption == .dataLoss {
            out.append("  " + style.apply(.bold, .red, to: "! data will be lost: confirmed by --allow-destroy"))
        }
        if change.action == .restartBroker {
            let position = restart.map { "  (restart \($0.index) of \($0.total))" } ?? ""
            out.append("  \(style.symbol(change.action.symbol)) \(address)\(position)")
            return out
        }
        out.append("  \(style.symbol(change.action.symbol)) \(address)")
        out += attributeLines
        return out
    }

    /// Creates list every property of `after` (flattened); every other action lists its attribute changes.
    private var attributeLines: [String] {
        if change.action == .create, let after = change.after {
            let masked = SensitiveMasking.mask(after, side: .after, attributes: change.attributes) ?? after
            return ValueDisplay.flatten(masked).map { leaf in
                line(symbol: "+", path: leaf.path, text: ValueDisplay.text(leaf.value), forcesReplacement: false)
            }
        }
        return change.attributes.map(attributeLine)
    }

    private func attributeLine(_ attribute: AttributeChange) -> String {
        let hidden = ValueDisplay.sensitive
        let symbol: String
        let text: String?
        switch (attribute.before, attribute.after) {
        case (nil, let after?):
            symbol = "+"
            text = attribute.sensitive ? hidden : ValueDisplay.text(after)
        case (let before?, nil):
            symbol = "-"
            text = attribute.sensitive ? hidden : ValueDisplay.text(before)
        case (let before?, let after?):
            symbol = "~"
            text = attribute.sensitive ? hidden : "\(ValueDisplay.text(before)) -> \(ValueDisplay.text(after))"
        case (nil, nil):
            symbol = "~"
            text = nil
        }
        return line(symbol: symbol, path: attribute.path, text: text, forcesReplacement: attribute.forcesReplacement)
    }

    private func line(symbol: String, path: String, text: String?, forcesReplacement: Bool) -> String {
        var out = "      " + style.symbol(symbol) + " " + (path.isEmpty ? "(value)" : path)
        if let text { out += ": " + text }
        if forcesReplacement { out += " " + style.red("# forces replacement") }
        return out
    }
}
