/// Groups physical lines into logical entries exactly as `java.util.Properties.LineReader` (OpenJDK 17) does.
///
/// Java's reader is a character state machine; this is the same machine expressed per physical line, so that every
/// entry keeps its own bytes. The rules it reproduces (kafka.md §7.1):
/// - leading white space (space, tab, form feed) of every physical line is skipped, also on continuation lines;
/// - a logical line whose first character is `#` or `!` is a comment and never continues;
/// - an odd number of trailing backslashes joins the next physical line (the backslash and terminator go);
/// - an empty or white-space-only line ends a joined logical line, or resets it when nothing was collected yet;
/// - after backslash-only lines nothing is collected, so a following `#…` line is still a comment;
/// - at EOF a dangling backslash is dropped. Java's quirk that `\` + `\n` or `\r` as the very last bytes still
///   yields a logical line (an empty key) while `\` + `\r\n` yields none is kept.
enum PropertiesParser {
    static func parse(_ b: [UInt8]) throws -> [Entry] {
        let lines = PhysicalLine.split(b)
        var entries: [Entry] = []
        var i = 0
        while i < lines.count {
            let first = i
            var cs = contentStart(lines[i], b)
            if cs == lines[i].contentEnd {
                entries.append(Entry(bytes: Array(b[lines[i].start..<lines[i].end]), kind: .blank))
                i += 1
                continue
            }
            if b[cs] == Byte.hash || b[cs] == Byte.bang {
                entries.append(Entry(bytes: Array(b[lines[i].start..<lines[i].end]), kind: .comment))
                i += 1
                continue
            }
            var logical = LogicalLine()
            var yieldsLine = true
            while true {
                let line = lines[i]
                logical.append(b[cs..<line.contentEnd], physicalLine: i + 1)
                i += 1
                guard trailingBackslashes(b[cs..<line.contentEnd]) % 2 == 1 else { break }
                // Continuation requested: the backslash is not part of the logical line.
                logical.dropLastCharacter()
                guard let terminator = line.terminator else { break }  // EOF right after the backslash.
                guard i < lines.count else {
                    // The terminator is the last thing in the file. Java checks for EOF before skipping the `\n` of
                    // a `\r\n`, so only that case can come out empty-handed.
                    if terminator == .crlf && logical.isEmpty { yieldsLine = false }
                    break
                }
                cs = contentStart(lines[i], b)
                if cs == lines[i].contentEnd {
                    // An empty line ends the logical line; with nothing collected Java starts afresh after it.
                    i += 1
                    if logical.isEmpty { yieldsLine = false }
                    break
                }
                if logical.isEmpty && (b[cs] == Byte.hash || b[cs] == Byte.bang) {
                    // Still at the start of a logical line: a comment, which ends here.
                    i += 1
                    yieldsLine = false
                    break
                }
            }
            let bytes = Array(b[lines[first].start..<lines[i - 1].end])
            if yieldsLine {
                let (key, value) = try logical.keyAndValue()
                entries.append(Entry(bytes: bytes, kind: .pair(key: key, value: value)))
            } else {
                entries.append(Entry(bytes: bytes, kind: .nothing))
            }
        }
        return entries
    }

    private static func contentStart(_ line: PhysicalLine, _ b: [UInt8]) -> Int {
        var cs = line.start
        while cs < line.contentEnd && Byte.isWhitespace(b[cs]) { cs += 1 }
        return cs
    }

    private static func trailingBackslashes(_ content: ArraySlice<UInt8>) -> Int {
        var n = 0
        var j = content.endIndex
        while j > content.startIndex && content[j - 1] == Byte.backslash {
            n += 1
            j -= 1
        }
        return n
    }
}
