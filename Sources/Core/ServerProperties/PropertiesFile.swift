/// A broker's `server.properties`, read exactly as Kafka reads it (`java.util.Properties.load`, kafka.md §7.1)
/// and edited without disturbing anything it was not asked to change (§7.2).
///
/// The file is kept as logical entries (blank lines, comments, key/value lines spanning one or more physical lines),
/// each with its exact original bytes, so an unedited file round-trips byte for byte and an edit rewrites only the
/// entries of the keys it sets.
///
/// Keys and values are compared as Java compares them, by Unicode scalars. The `values` dictionary is keyed by
/// Swift `String`, which treats canonically equivalent spellings (`é` and `e` + U+0301) as one key; `subscript`,
/// `keys` and `editing` do not.
public struct PropertiesFile: Sendable, Equatable {
    /// Exactly the original bytes when unedited (round trip is byte-identical).
    public let bytes: [UInt8]
    let entries: [Entry]
    /// Last occurrence wins, by exact key.
    private let lastValue: [ExactKey: String]
    /// Keys in order of their last occurrence.
    public let keys: [String]

    /// Parses raw bytes (ISO-8859-1). Throws `PropertiesError` with a 1-based line number for a malformed `\u`
    /// escape (Java's "Malformed \uxxxx encoding.", on which Kafka does not start), or for a `\u` escape that
    /// leaves a lone UTF-16 surrogate (Java accepts it, a Swift `String` cannot hold it).
    public init(bytes: [UInt8]) throws {
        self.init(entries: try PropertiesParser.parse(bytes), bytes: bytes)
    }

    init(entries: [Entry], bytes: [UInt8]? = nil) {
        self.entries = entries
        self.bytes = bytes ?? entries.flatMap(\.bytes)
        var lastIndex: [ExactKey: (index: Int, key: String, value: String)] = [:]
        for (index, entry) in entries.enumerated() {
            guard case .pair(let key, let value) = entry.kind else { continue }
            lastIndex[ExactKey(key)] = (index, key, value)
        }
        lastValue = lastIndex.mapValues(\.value)
        keys = lastIndex.values.sorted { $0.index < $1.index }.map(\.key)
    }

    /// Semantic view, as Kafka sees it: last occurrence wins. Decoded Swift strings (each Latin-1 byte and each
    /// `\u` escape become their Unicode scalar; surrogate pairs become one scalar).
    public var values: [String: String] {
        var values: [String: String] = [:]
        for key in keys { values[key] = lastValue[ExactKey(key)] }
        return values
    }

    /// The effective value of exactly this key (scalar-for-scalar, as Java compares), nil when absent.
    public subscript(key: String) -> String? { lastValue[ExactKey(key)] }

    public static func == (lhs: PropertiesFile, rhs: PropertiesFile) -> Bool { lhs.bytes == rhs.bytes }

    /// Line-preserving edit. For each `(key, value)` of `set`, in order (`value` nil removes every occurrence):
    /// - present: the last occurrence's logical entry (all its physical lines) becomes one freshly rendered
    ///   `key=value` line and earlier duplicates are deleted; when its decoded value already equals `value`
    ///   nothing about the key is touched (duplicates included), so a no-op edit is byte-identical;
    /// - absent: appended inside the managed block delimited by `# BEGIN reconcile managed settings` and
    ///   `# END reconcile managed settings`, created once at the end of the file (after a blank line) and reused
    ///   later, keys in the order given.
    ///
    /// Comments, blank lines, unmanaged entries and their order stay byte-identical. New lines use the file's
    /// dominant terminator; a file without a final newline keeps lacking one unless a block was appended (which
    /// always ends with one).
    ///
    /// - Returns: the edited file, and the keys of `set` (first mention order) whose decoded value changed,
    ///   appeared or disappeared.
    public func editing(_ set: [(key: String, value: String?)]) -> (file: PropertiesFile, changedKeys: [String]) {
        var editor = PropertiesEditor(entries: entries, terminator: .dominant(in: bytes))
        for (key, value) in set { editor.set(key, to: value) }
        editor.keepFinalNewlineState(of: bytes)
        let edited = editor.entries.flatMap(\.bytes)
        // Re-reading the result keeps the model identical to a fresh parse (untouched bytes only meet new ones).
        let file = (try? PropertiesFile(bytes: edited)) ?? PropertiesFile(entries: editor.entries)

        var seen: Set<ExactKey> = []
        var changed: [String] = []
        for (key, _) in set where seen.insert(ExactKey(key)).inserted {
            switch (self[key], file[key]) {
            case (nil, nil): continue
            case (let old?, let new?) where old.isExactly(new): continue
            default: changed.append(key)
            }
        }
        return (file, changed)
    }
}
