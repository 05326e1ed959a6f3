/// The edit operations behind `PropertiesFile.editing`, on the entry list.
///
/// Every operation replaces, removes or inserts whole entries. Entries are self-contained (see `Entry`), so the
/// bytes of untouched entries never change meaning; the only places that need care are the end of the file, where
/// Java's reading depends on EOF, and a lone `\r` meeting an inserted line that starts with `\n`.
struct PropertiesEditor {
    static let beginMarker = "# BEGIN reconcile managed settings"
    static let endMarker = "# END reconcile managed settings"

    private(set) var entries: [Entry]
    /// The file's dominant terminator, used for every new line.
    let terminator: LineTerminator

    init(entries: [Entry], terminator: LineTerminator) {
        self.entries = entries
        self.terminator = terminator
    }

    /// Sets `key` to `value` (nil removes every occurrence); see `PropertiesFile.editing`.
    mutating func set(_ key: String, to value: String?) {
        let exact = ExactKey(key)
        let occurrences = entries.indices.filter { entries[$0].key.map(ExactKey.init) == exact }
        guard let value else {
            remove(occurrences)
            return
        }
        guard let last = occurrences.last else {
            appendManaged(key: key, value: value)
            return
        }
        if let current = entries[last].value, current.isExactly(value) { return }
        // An entry running to EOF is replaced by a line running to EOF, keeping the final-newline state.
        entries[last] = .rendered(key: key, value: value, terminator: entries[last].terminator == nil ? nil : terminator)
        remove(occurrences.dropLast())
    }

    /// A file that did not end with a newline keeps not ending with one after removals at its end, unless it now
    /// ends with the managed block. Trailing lines that become empty go with it; nothing is stripped whose
    /// reading would change.
    mutating func keepFinalNewlineState(of original: [UInt8]) {
        guard let lastByte = original.last, lastByte != Byte.lf, lastByte != Byte.cr else { return }
        while let last = entries.last, let ending = last.terminator, last.commentText != Array(Self.endMarker.utf8) {
            var stripped = last
            stripped.bytes.removeLast(ending.bytes.count)
            guard Self.meaning(of: stripped.bytes) == Self.meaning(of: last.bytes) else { return }
            if stripped.bytes.isEmpty {
                entries.removeLast()
            } else {
                entries[entries.count - 1] = stripped
                return
            }
        }
    }

    private mutating func remove(_ indices: some Collection<Int>) {
        for index in indices.sorted(by: >) { entries.remove(at: index) }
    }

    private mutating func appendManaged(key: String, value: String) {
        let line = Entry.rendered(key: key, value: value, terminator: terminator)
        if let end = managedBlockEnd() {
            entries.insert(line, at: end)
            return
        }
        closeEnd()
        entries += [.comment(Self.beginMarker, terminator: terminator), line, .comment(Self.endMarker, terminator: terminator)]
    }

    /// Index of the END marker of the last BEGIN … END pair, where new keys go.
    private func managedBlockEnd() -> Int? {
        let begin = Array(Self.beginMarker.utf8), end = Array(Self.endMarker.utf8)
        guard let b = entries.lastIndex(where: { $0.commentText == begin }) else { return nil }
        return entries[(b + 1)...].firstIndex { $0.commentText == end }
    }

    /// Makes the end of the file safe to append after: the last entry gets a terminator and, unless it is a blank
    /// line, a blank line follows. The blank line also ends a logical line left open by a dangling backslash
    /// (`k=a\` at EOF reads `a`; followed by a line it would join it).
    private mutating func closeEnd() {
        guard let last = entries.last else { return }
        var tail = [last]
        if last.terminator == nil { tail[0].bytes += terminator.bytes }
        if last.kind != .blank {
            // A `\n` right after a lone `\r` would merge into one `\r\n` terminator and the blank line would vanish.
            let blank: LineTerminator = tail[0].terminator == .cr && terminator == .lf ? .cr : terminator
            tail.append(Entry(bytes: blank.bytes, kind: .blank))
        }
        let probe = tail.flatMap(\.bytes) + Array(Self.beginMarker.utf8) + terminator.bytes
        if Self.meaning(of: probe) != Self.meaning(of: last.bytes), case .pair(let key, let value) = last.kind {
            // Only Java's EOF quirk gets here (`\` + `\n` as the last bytes reads as an empty key): say it plainly.
            tail[0] = .rendered(key: key, value: value, terminator: terminator)
        }
        entries.removeLast()
        entries += tail
    }

    /// What Java reads from `bytes`, compared exactly; nil when unreadable.
    private static func meaning(of bytes: [UInt8]) -> [ExactKey]? {
        guard let entries = try? PropertiesParser.parse(bytes) else { return nil }
        return entries.flatMap { entry -> [ExactKey] in
            guard case .pair(let key, let value) = entry.kind else { return [] }
            return [ExactKey(key), ExactKey(value)]
        }
    }
}
