import ServerProperties
import Testing

/// Exact bytes after `editing`: only the entries of the keys set change; everything else stays byte-identical.
@Suite("Line-preserving edits")
struct EditTests {
    static let begin = "# BEGIN reconcile managed settings"
    static let end = "# END reconcile managed settings"

    func edit(_ text: String, _ set: [(key: String, value: String?)]) throws -> (text: String, changed: [String]) {
        let (file, changed) = try PropertiesFile(bytes: latin1(text)).editing(set)
        return (String(decoding: file.bytes.map { UInt16($0) }, as: UTF16.self), changed)
    }

    @Test("Replacing a value rewrites only its line")
    func replaceInPlace() throws {
        let result = try edit("# head\na=1\n  b = 2 \n\n! c\nc=3\n", [("b", "X")])
        #expect(result.text == "# head\na=1\nb=X\n\n! c\nc=3\n")
        #expect(result.changed == ["b"])
    }

    @Test("A value spanning continuation lines becomes one fresh line")
    func replaceContinuation() throws {
        let result = try edit("a=1\nb=x,\\\n    y,\\\n    z\nc=3\n", [("b", "new")])
        #expect(result.text == "a=1\nb=new\nc=3\n")
    }

    @Test("The last occurrence is replaced and earlier duplicates are deleted")
    func duplicates() throws {
        let result = try edit("k=1\na=2\n# keep\nk=3\nb=4\n", [("k", "9")])
        #expect(result.text == "a=2\n# keep\nk=9\nb=4\n")
        #expect(result.changed == ["k"])
    }

    @Test("Removing deletes every occurrence; removing an absent key changes nothing")
    func remove() throws {
        let result = try edit("a=1\nk=2\nb=3\nk=\\\n  4\n", [("k", nil), ("absent", nil)])
        #expect(result.text == "a=1\nb=3\n")
        #expect(result.changed == ["k"])
    }

    @Test("Absent keys go into one managed block at the end, in the order given")
    func appendBlock() throws {
        let result = try edit("a=1\n", [("y", "2"), ("x", "1")])
        #expect(result.text == "a=1\n\n\(Self.begin)\ny=2\nx=1\n\(Self.end)\n")
        #expect(result.changed == ["y", "x"])
    }

    @Test("A later edit reuses the block: new keys before its END marker, present ones in place")
    func reuseBlock() throws {
        let first = try edit("a=1\n", [("x", "1"), ("y", "2")]).text
        let second = try edit(first + "# added by hand\nh=1\n", [("z", "3"), ("x", "10"), ("a", "2")])
        #expect(second.text == "a=2\n\n\(Self.begin)\nx=10\ny=2\nz=3\n\(Self.end)\n# added by hand\nh=1\n")
        #expect(second.changed == ["z", "x", "a"])
        let third = try edit(second.text, [("y", nil)])
        #expect(third.text == "a=2\n\n\(Self.begin)\nx=10\nz=3\n\(Self.end)\n# added by hand\nh=1\n")
    }

    @Test("Setting the same decoded value touches nothing, whatever its spelling, duplicates included")
    func noOp() throws {
        let text = "k=old\nk = caf\\u00E9\\\n  \\ x \nj:\\t\n\\u00E9=\u{E9}"
        let result = try edit(text, [("k", "café x "), ("j", "\t"), ("é", "é"), ("absent", nil)])
        #expect(result.text == text)
        #expect(result.changed.isEmpty)
    }

    @Test("CRLF files stay CRLF, CR files stay CR")
    func terminators() throws {
        let crlf = try edit("a=1\r\nb=2\r\n", [("b", "3"), ("c", "4")])
        #expect(crlf.text == "a=1\r\nb=3\r\n\r\n\(Self.begin)\r\nc=4\r\n\(Self.end)\r\n")
        let cr = try edit("a=1\rb=2\r", [("a", "0"), ("c", "4")])
        #expect(cr.text == "a=0\rb=2\r\r\(Self.begin)\rc=4\r\(Self.end)\r")
    }

    @Test("New lines use the dominant terminator of a mixed file; other lines keep theirs")
    func mixed() throws {
        let result = try edit("a=1\r\nb=2\nc=3\r\nd=4\r\n", [("b", "X"), ("e", "5")])
        #expect(result.text == "a=1\r\nb=X\r\nc=3\r\nd=4\r\n\r\n\(Self.begin)\r\ne=5\r\n\(Self.end)\r\n")
    }

    @Test("A blank line after a lone CR is a CR, so it cannot merge into CRLF")
    func loneCRBeforeBlock() throws {
        let result = try edit("a=1\nb=2\nc=3\r", [("x", "1")])
        #expect(result.text == "a=1\nb=2\nc=3\r\r\(Self.begin)\nx=1\n\(Self.end)\n")
    }

    @Test("A file without a final newline keeps lacking one; an appended block ends with one")
    func noFinalNewline() throws {
        #expect(try edit("a=1\nb=2", [("b", "3")]).text == "a=1\nb=3")
        #expect(try edit("a=1\nb=2", [("a", "0")]).text == "a=0\nb=2")
        #expect(try edit("a=1\n\nb=2", [("b", nil)]).text == "a=1")
        #expect(try edit("a=1\n# c", [("x", "1")]).text == "a=1\n# c\n\n\(Self.begin)\nx=1\n\(Self.end)\n")
        #expect(try edit("a=1\n   ", [("x", "1")]).text == "a=1\n   \n\(Self.begin)\nx=1\n\(Self.end)\n")
    }

    @Test("A dangling backslash at EOF is closed by the blank line before the block, keeping its value")
    func danglingBackslash() throws {
        let result = try edit("a=1\nk=v\\", [("x", "1")])
        #expect(result.text == "a=1\nk=v\\\n\n\(Self.begin)\nx=1\n\(Self.end)\n")
        let file = try PropertiesFile(bytes: latin1(result.text))
        #expect(file.values == ["a": "1", "k": "v", "x": "1"])
    }

    @Test("Java's EOF quirk (`\\` + LF reads as the empty key) survives an append by being written plainly")
    func emptyKeyQuirk() throws {
        let result = try edit("a=1\n\\\n", [("x", "1")])
        #expect(result.text == "a=1\n=\n\n\(Self.begin)\nx=1\n\(Self.end)\n")
        #expect(try PropertiesFile(bytes: latin1(result.text)).values == ["a": "1", "": "", "x": "1"])
    }

    @Test("An empty file gets just the block")
    func emptyFile() throws {
        #expect(try edit("", [("k", "v")]).text == "\(Self.begin)\nk=v\n\(Self.end)\n")
        #expect(try edit("", [("k", nil)]).text == "")
    }

    @Test("Fresh lines are escaped for Java; `:` and `=` in values are not")
    func rendering() throws {
        let result = try edit("", [("a b", " x#=:"), ("#k", "☕ 𝄞\n"), ("t", "C:\\dir")])
        #expect(result.text == "\(Self.begin)\na\\ b=\\ x#=:\n\\#k=\\u2615 \\uD834\\uDD1E\\n\nt=C:\\\\dir\n\(Self.end)\n")
        let file = try PropertiesFile(bytes: latin1(result.text))
        #expect(file["a b"] == " x#=:" && file["#k"] == "☕ 𝄞\n" && file["t"] == "C:\\dir")
    }

    @Test("changedKeys: first mention order, no duplicates, only real changes")
    func changedKeys() throws {
        let result = try edit("a=1\nb=2\n", [("b", "3"), ("a", "1"), ("b", "4"), ("c", nil), ("d", "5"), ("d", nil)])
        #expect(result.changed == ["b"])
        #expect(result.text == "a=1\nb=4\n\n\(Self.begin)\n\(Self.end)\n")
    }

    @Test("The edited file reads back like a fresh parse of its bytes")
    func editedFileIsConsistent() throws {
        let (file, _) = try PropertiesFile(bytes: latin1("a=1\r\nb=2\r\n")).editing([("b", "3"), ("c", "x")])
        let reread = try PropertiesFile(bytes: file.bytes)
        #expect(reread == file)
        #expect(reread.values == file.values && reread.keys == file.keys)
        #expect(file.keys == ["a", "b", "c"])
    }
}
