import Foundation
public import ReconcileModel

/// Renders a plan as machine-readable JSON for CI gates and policy checks. The schema is documented, with its
/// versioning rules, in `docs/plan-json.md`.
///
/// The output is stable: object keys are sorted everywhere, changes keep the plan (execution) order, drift,
/// problems, warnings and errors keep the planner's (and pass's) order, and integers stay integers. Rendering the same plan twice
/// gives byte-identical text. Sensitive attribute values are replaced by the string `"(sensitive)"` in
/// `attributes` and in each change's full `before` and `after`.
///
/// The result is pretty-printed and has no trailing newline.
public struct JSONPlanRenderer: Sendable {
    /// The schema version written as `format_version`. Minor versions only add fields; a major version bump
    /// means a field was removed or changed meaning.
    public static let formatVersion = "1.2"

    public init() {}

    public func render(_ plan: Plan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(Self.document(for: plan)), as: UTF8.self)
        } catch {
            // Value encodes only strings, integers, booleans, null, arrays and string-keyed objects.
            preconditionFailure("a plan document cannot fail to encode: \(error)")
        }
    }

    /// The whole document as a value tree (encoded with sorted keys by ``render(_:)``).
    static func document(for plan: Plan) -> Value {
        let summary = plan.summary
        return .object([
            "format_version": .string(formatVersion),
            "complete": .bool(plan.isComplete),
            "applyable": .bool(plan.problems.isEmpty),
            "summary": .object([
                "add": .int(summary.add),
                "change": .int(summary.change),
                "destroy": .int(summary.destroy),
                "forget": .int(summary.forget),
                "broker_configs": .int(summary.brokerConfigs),
                "broker_restarts": .int(summary.brokerRestarts),
            ]),
            "changes": .array(plan.changes.map(change)),
            "held": .array(plan.held.map { held in
                var value = change(held.change)
                value = value.setting("held_reason", .string(held.reason))
                return value
            }),
            "drift": .array(plan.drift.map { .string($0.description) }),
            "problems": .array(plan.problems.map { problem in
                .object(["address": .string(problem.address.description), "message": .string(problem.message)])
            }),
            "warnings": .array(plan.warnings.map(Value.string)),
            "errors": .array(plan.errors.map(Value.string)),
            "observations": .array(plan.observations.map { o in
                .object(["address": .string(o.address.description), "notes": .array(o.notes.map(Value.string))])
            }),
        ])
    }

    static func change(_ change: Change) -> Value {
        .object([
            "id": .string(change.id),
            "address": .string(change.address.description),
            "cluster": .string(change.address.cluster),
            "type": .string(change.address.type),
            "name": .string(change.address.name),
            "action": .string(change.action.rawValue),
            "reason": .string(change.reason.rawValue),
            "disruption": .string(change.disruption.rawValue),
            "depends_on": .array(change.dependsOn.map(Value.string)),
            "attributes": .array(change.attributes.map(attribute)),
            "before": SensitiveMasking.mask(change.before, side: .before, attributes: change.attributes) ?? .null,
            "after": SensitiveMasking.mask(change.after, side: .after, attributes: change.attributes) ?? .null,
        ])
    }

    static func attribute(_ attribute: AttributeChange) -> Value {
        .object([
            "path": .string(attribute.path),
            "before": SensitiveMasking.mask(attribute.before, sensitive: attribute.sensitive) ?? .null,
            "after": SensitiveMasking.mask(attribute.after, sensitive: attribute.sensitive) ?? .null,
            "forces_replacement": .bool(attribute.forcesReplacement),
            "sensitive": .bool(attribute.sensitive),
        ])
    }
}

extension Value {
    fileprivate func setting(_ key: String, _ value: Value) -> Value {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
