public import ReconcileModel

/// Renders a plan for people, in the style of `terraform plan`.
///
/// Sections, separated by one blank line, each only when it has something to say:
///
/// 1. `Objects have changed outside of the reconciler:` with one `  # ADDRESS has changed` line per drifted
///    address (what the reconciler noticed, before what it will do about it).
/// 2. `Reconciler will perform the following actions:`, or, when the plan is empty: `No changes. The real world
///    matches the manifests.` only when the plan is complete and has no problems; a partial plan (`--target`)
///    says it is partial instead, and one with problems says they must be resolved first.
/// 3. One `Cluster NAME:` heading per cluster, clusters in order of first appearance, followed by that cluster's
///    change blocks in plan order (the plan order is the execution order: changes are never re-sorted).
/// 4. `Observed (read-only, shown for information):` with `  # ADDRESS` and the address's notes indented below
///    (a Private Link Service's alias and its private endpoint connections).
/// 5. `Problems (these addresses get no change):` with `  ! ADDRESS: MESSAGE` lines.
/// 6. `Warning: TEXT` lines.
/// 7. The summary, always the last line:
///    `Plan: A to add, C to change, D to destroy, W broker configs to write, R broker restarts.`, with
///    `F to forget` after `D to destroy` only when something is forgotten.
///
/// The result has no trailing newline: `print` it. ANSI colour codes appear only when `color` is true.
public struct TextPlanRenderer: Sendable {
    /// Whether to emit ANSI colour and bold. Decide with ``shouldUseColor(isTTY:environment:)``.
    public var color: Bool

    public init(color: Bool) {
        self.color = color
    }

    /// The colour policy for a CLI: colour only on a terminal, never when `NO_COLOR` is set to a non-empty
    /// value (https://no-color.org) or `TERM` is `dumb`.
    public static func shouldUseColor(isTTY: Bool, environment: [String: String]) -> Bool {
        guard isTTY else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    public func render(_ plan: Plan) -> String {
        let style = ANSIStyle(enabled: color)
        var sections: [[String]] = []

        if !plan.drift.isEmpty {
            sections.append(
                [style.bold("Objects have changed outside of the reconciler:")]
                    + plan.drift.map { "  # \($0) has changed" }
            )
        }

        if plan.hasChanges {
            sections.append([style.bold("Reconciler will perform the following actions:")])
            for (cluster, changes) in Self.groupedByCluster(plan.changes) {
                sections.append([style.bold("Cluster \(cluster):")])
                sections += blocks(for: changes, style: style)
            }
        } else if !plan.held.isEmpty {
            sections.append([style.bold("Nothing to apply in this pass: every change is held (below).")])
        } else if plan.problems.isEmpty && plan.isComplete {
            sections.append([style.apply(.bold, .green, to: "No changes.") + " "
                + style.bold("The real world matches the manifests.")])
        } else if plan.problems.isEmpty {
            sections.append([style.bold("This plan is partial and has no changes:")
                + " only part of the real world was compared with the manifests (see the warnings)."])
        } else {
            sections.append([style.bold("No changes could be planned; the problems below must be resolved first.")])
        }

        if !plan.held.isEmpty {
            var lines = [style.bold("Held by the cluster's policy or maintenance windows (not applied in this pass):")]
            for held in plan.held {
                lines.append("  \(style.symbol("⏸")) \(held.change.id) (\(held.change.disruption.text)): \(held.reason)")
            }
            sections.append(lines)
        }

        if !plan.observations.isEmpty {
            var lines = [style.bold("Observed (read-only, shown for information):")]
            for o in plan.observations {
                lines.append("  # \(o.address)")
                lines += o.notes.map { "      \($0)" }
            }
            sections.append(lines)
        }

        if !plan.problems.isEmpty {
            sections.append(
                [style.bold("Problems (these addresses get no change):")]
                    + plan.problems.map { "  \(style.symbol("!")) \($0.address): \($0.message)" }
            )
        }

        if !plan.warnings.isEmpty {
            sections.append(plan.warnings.map { style.apply(.bold, .yellow, to: "Warning:") + " " + $0 })
        }

        sections.append([style.bold("Plan:") + " " + Self.summaryText(plan.summary)
            + (plan.held.isEmpty ? "" : " \(plan.held.count) held.")])
        return sections.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
    }

    /// The summary after `Plan: `, e.g. `1 to add, 0 to change, 0 to destroy, 0 broker configs to write,
    /// 0 broker restarts.`
    static func summaryText(_ summary: Plan.Summary) -> String {
        var parts = ["\(summary.add) to add", "\(summary.change) to change", "\(summary.destroy) to destroy"]
        if summary.forget > 0 { parts.append("\(summary.forget) to forget") }
        parts.append("\(summary.brokerConfigs) broker configs to write")
        parts.append("\(summary.brokerRestarts) broker restarts")
        return parts.joined(separator: ", ") + "."
    }

    /// Changes grouped by cluster, clusters in order of first appearance, each group in plan order.
    static func groupedByCluster(_ changes: [Change]) -> [(cluster: String, changes: [Change])] {
        var order: [String] = []
        var groups: [String: [Change]] = [:]
        for change in changes {
            let cluster = change.address.cluster
            if groups[cluster] == nil { order.append(cluster) }
            groups[cluster, default: []].append(change)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// One block per change; restarts are numbered among the restarts of the same cluster.
    private func blocks(for changes: [Change], style: ANSIStyle) -> [[String]] {
        let total = changes.count { $0.action == .restartBroker }
        var seen = 0
        return changes.map { change in
            var position: ChangeBlock.RestartPosition?
            if change.action == .restartBroker {
                seen += 1
                position = .init(index: seen, total: total)
            }
            return ChangeBlock(change: change, style: style, restart: position).lines
        }
    }
}
