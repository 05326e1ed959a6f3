public import ReconcileModel

/// How Kafka reads `server.properties` values, so that cosmetic edits (spacing, list order where Kafka
/// ignores it) never cause a config write or a broker restart.
///
/// - Every value is trimmed.
/// - List keys are split on `\s*,\s*` (an all-blank value is the empty list, as Kafka parses it).
/// - `listeners`, `advertised.listeners` and `listener.security.protocol.map` compare as maps keyed by
///   listener name (the part before `://`, or before `:`), in any order.
/// - `controller.quorum.voters` and `process.roles` compare as sets.
/// - `controller.listener.names` stays an ordered list (Kafka uses the first name).
/// - Everything else compares as a trimmed string.
///
/// In a desired broker config a `.null` value means "the key must be absent".
public enum BrokerConfigSemantics {
    /// The resource type of a broker's managed `server.properties` keys.
    public static let resourceType = ResourceTypes.Kafka.brokerConfig

    public static let listKeys: Set<String> = [
        "listeners", "advertised.listeners", "listener.security.protocol.map",
        "controller.quorum.voters", "process.roles", "controller.listener.names",
    ]
    public static let listenerMapKeys: Set<String> = [
        "listeners", "advertised.listeners", "listener.security.protocol.map",
    ]
    public static let setKeys: Set<String> = ["controller.quorum.voters", "process.roles"]

    /// A value reduced to what Kafka makes of it.
    public enum Canonical: Sendable, Hashable {
        case absent
        case text(String)
        case list([String])
        /// Sorted, without duplicates.
        case set([String])
        /// `(listener name, rest)` pairs sorted by name, then rest.
        case listenerMap([ListenerEntry])
    }

    public struct ListenerEntry: Sendable, Hashable, Comparable {
        public var name: String
        public var rest: String

        public init(name: String, rest: String) {
            self.name = name
            self.rest = rest
        }

        public static func < (a: ListenerEntry, b: ListenerEntry) -> Bool { (a.name, a.rest) < (b.name, b.rest) }
    }

    /// The canonical form of `value` under `key`; nil means absent.
    public static func canonical(key: String, value: String?) -> Canonical {
        guard let value else { return .absent }
        let trimmed = trim(value)
        guard listKeys.contains(key) else { return .text(trimmed) }
        let items = splitList(trimmed)
        if listenerMapKeys.contains(key) { return .listenerMap(items.map(listenerEntry).sorted()) }
        if setKeys.contains(key) { return .set(Set(items).sorted()) }
        return .list(items)
    }

    /// Whether Kafka reads the two values of `key` the same way (nil = absent).
    public static func equivalent(key: String, _ a: String?, _ b: String?) -> Bool {
        // Equal text reads the same (the common case: a converged broker); only differing text is canonicalised.
        if a == b { return true }
        return canonical(key: key, value: a) == canonical(key: key, value: b)
    }

    /// The per-key differences between a desired broker config and the observed one. Only keys of `desired`
    /// are looked at; each change's path is the property key itself.
    public static func differences(desired: Value, observed: Value?) -> [AttributeChange] {
        guard let wanted = desired.objectValue else { return [] }
        let have = observed?.objectValue ?? [:]
        var out: [AttributeChange] = []
        for key in wanted.keys.sorted() {
            let want = wanted[key].flatMap(text)
            let current = have[key].flatMap(text)
            guard !equivalent(key: key, current, want) else { continue }
            out.append(AttributeChange(
                path: key,
                before: current == nil ? nil : have[key],
                after: want == nil ? nil : wanted[key],
                sensitive: AttributeDiff.isSensitive(key: key)
            ))
        }
        return out
    }

    /// The text of a property value: strings as they are, numbers and booleans as Kafka would read them,
    /// `.null` as absent.
    public static func text(_ value: Value) -> String? {
        switch value {
        case .null: nil
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .array, .object: value.description
        }
    }

    /// Splits on `\s*,\s*` after trimming; an all-blank value is the empty list.
    public static func splitList(_ value: String) -> [String] {
        let trimmed = trim(value)
        guard !trimmed.isEmpty else { return [] }
        return trimmed.split(separator: ",", omittingEmptySubsequences: false).map { trim(String($0)) }
    }

    /// `SASL_SSL://0.0.0.0:9092` -> (`SASL_SSL`, `0.0.0.0:9092`); `INTERNAL:SSL` -> (`INTERNAL`, `SSL`).
    public static func listenerEntry(_ item: String) -> ListenerEntry {
        if let range = item.firstRange(of: "://") {
            return ListenerEntry(name: trim(String(item[..<range.lowerBound])), rest: trim(String(item[range.upperBound...])))
        }
        if let colon = item.firstIndex(of: ":") {
            return ListenerEntry(name: trim(String(item[..<colon])), rest: trim(String(item[item.index(after: colon)...])))
        }
        return ListenerEntry(name: item, rest: "")
    }

    static func trim(_ s: String) -> String {
        var view = Substring(s)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
