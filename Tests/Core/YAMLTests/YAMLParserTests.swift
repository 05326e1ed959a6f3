import Testing
import YAML

@Suite("YAMLParser: structure and positions")
struct YAMLParserTests {
    @Test func multiDocumentStreamWithMarks() throws {
        let text = """
            # header comment
            name: orders
            partitions: 3
            tags:
              - a
              - "b"
            ---
            - x
            - {k: [1, 2], m: n}
            ---

            """
        let docs = parseDocuments(text)
        try #require(docs.count == 3)

        // Document 1: block mapping with a block sequence value.
        let root1 = try #require(docs[0].root)
        #expect(docs[0].start == mark(2, 1))
        #expect(root1.start == mark(2, 1))
        let pairs = root1.mappingPairs
        try #require(pairs.count == 3)
        #expect(pairs[0].key.text == "name")
        #expect(pairs[0].key.start == mark(2, 1))
        #expect(pairs[0].value.text == "orders")
        #expect(pairs[0].value.start == mark(2, 7))
        #expect(pairs[1].key.start == mark(3, 1))
        #expect(pairs[1].value.scalarValue == .int(3))
        #expect(pairs[1].value.start == mark(3, 13))
        #expect(pairs[2].key.start == mark(4, 1))
        let tags = pairs[2].value
        #expect(tags.start == mark(5, 3))
        #expect(tags.sequenceItems.map(\.text) == ["a", "b"])
        #expect(tags.sequenceItems.map(\.start) == [mark(5, 5), mark(6, 5)])
        #expect(tags.sequenceItems.map(\.style) == [.plain, .doubleQuoted])

        // Document 2: block sequence holding a flow mapping with a nested flow sequence.
        #expect(docs[1].start == mark(7, 1))
        let root2 = try #require(docs[1].root)
        #expect(root2.start == mark(8, 1))
        let items = root2.sequenceItems
        try #require(items.count == 2)
        #expect(items[0].text == "x")
        #expect(items[0].start == mark(8, 3))
        let flow = items[1]
        #expect(flow.start == mark(9, 3))
        let flowPairs = flow.mappingPairs
        try #require(flowPairs.count == 2)
        #expect(flowPairs[0].key.start == mark(9, 4))
        #expect(flowPairs[0].value.start == mark(9, 7))
        #expect(flowPairs[0].value.sequenceItems.map(\.start) == [mark(9, 8), mark(9, 11)])
        #expect(flowPairs[0].value.sequenceItems.map(\.scalarValue) == [.int(1), .int(2)])
        #expect(flowPairs[1].key.start == mark(9, 15))
        #expect(flowPairs[1].value.start == mark(9, 18))

        // Document 3: `---` with nothing after it.
        #expect(docs[2].root == nil)
        #expect(docs[2].start == mark(10, 1))
    }

    @Test func scalarStyles() throws {
        let text = """
            plain: text
            single: 'it''s'
            double: "a\\tb"
            literal: |
              line1
              line2
            folded: >
              one
              two

            """
        let root = try #require(parseDocuments(text).first?.root)
        let values = root.mappingPairs.map(\.value)
        #expect(values.map(\.text) == ["text", "it's", "a\tb", "line1\nline2\n", "one two\n"])
        #expect(values.map(\.style) == [.plain, .singleQuoted, .doubleQuoted, .literal, .folded])
        #expect(values.map(\.start) == [mark(1, 8), mark(2, 9), mark(3, 9), mark(4, 10), mark(7, 9)])
        #expect(values.allSatisfy { $0.scalarValue == .string($0.text ?? "") })
    }

    @Test func emptyValuesAndComplexKeys() throws {
        let text = """
            empty:
            ? [a, b]
            : c
            """
        let root = try #require(parseDocuments(text).first?.root)
        let pairs = root.mappingPairs
        try #require(pairs.count == 2)
        #expect(pairs[0].value.scalarValue == .null)
        #expect(pairs[1].key.sequenceItems.map(\.text) == ["a", "b"])
        #expect(pairs[1].key.start == mark(2, 3))
        #expect(pairs[1].value.text == "c")
    }

    @Test func duplicateKeysAndMergeKeysAreKeptAsPairs() throws {
        let text = """
            base: &b {x: 1}
            merged:
              <<: *b
              x: 2
              x: 3
            """
        let root = try #require(parseDocuments(text).first?.root)
        let merged = try #require(root["merged"])
        #expect(merged.mappingPairs.map { $0.key.text } == ["<<", "x", "x"])
        #expect(merged.mappingPairs[0].value.mappingPairs.first?.value.scalarValue == .int(1))
    }

    @Test func aliasesAreExpandedWithAliasPositionAtTheRoot() throws {
        let text = """
            base: &b
              x: 1
            copy: *b
            """
        let root = try #require(parseDocuments(text).first?.root)
        let base = try #require(root["base"])
        let copy = try #require(root["copy"])
        #expect(base.start == mark(1, 7))  // a node starts at its properties (`&b`) if it has any
        #expect(copy.start == mark(3, 7))  // the alias
        #expect(copy.mappingPairs == base.mappingPairs)  // inner nodes keep the anchor's positions
        #expect(copy.mappingPairs.first?.key.start == mark(2, 3))
    }

    @Test func tagsAreRecordedAndNormalised() throws {
        let text = """
            a: !!str 123
            b: !custom x
            c: !!map {k: v}
            d: plain
            e: !<tag:example.com,2024:thing> y
            """
        let root = try #require(parseDocuments(text).first?.root)
        #expect(root["a"]?.tag == "!!str")
        #expect(root["a"]?.start == mark(1, 4))
        #expect(root["b"]?.tag == "!custom")
        #expect(root["c"]?.tag == "!!map")
        #expect(root["d"]?.tag == nil)
        #expect(root["e"]?.tag == "tag:example.com,2024:thing")
    }

    @Test func coreTagsMustFitTheirNode() {
        let badInt = parseError("a: 1\nb: !!int abc\n")
        #expect(badInt?.mark == mark(2, 4))
        #expect(badInt?.message.contains("!!int") == true)
        let strMapping = parseError("a: !!str {k: v}\n")
        #expect(strMapping?.mark == mark(1, 4))
        #expect(strMapping?.message.contains("cannot be applied to a mapping") == true)
    }

    @Test func emptyInputs() {
        #expect(parseDocuments("").isEmpty)
        #expect(parseDocuments("# only a comment\n   # another\n\n").isEmpty)
        #expect(parseDocuments("  \n\n").isEmpty)

        let dashes = parseDocuments("---\n")
        #expect(dashes.count == 1)
        #expect(dashes.first?.root == nil)
        #expect(dashes.first?.start == mark(1, 1))

        let explicitEnd = parseDocuments("--- # nothing\n...\n")
        #expect(explicitEnd.count == 1)
        #expect(explicitEnd.first?.root == nil)

        // An empty QUOTED root is a real (string) value, not an empty document.
        #expect(parseDocuments("--- ''\n").first?.root?.scalarValue == .string(""))
    }

    @Test func utf8BOMIsAcceptedAndNotCounted() throws {
        let result = YAMLParser.parse([0xEF, 0xBB, 0xBF] + Array("a: é\nb: 1\n".utf8))
        let docs = try result.get()
        let root = try #require(docs.first?.root)
        #expect(root.mappingPairs.first?.key.start == mark(1, 1))
        #expect(root["a"]?.text == "é")
        #expect(root["b"]?.start == mark(2, 4))
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let depth = YAMLLimits().maxDepth
        let text = String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth)
        var node = try #require(parseDocuments(text).first?.root)
        for _ in 1..<depth { node = try #require(node.sequenceItems.first) }
        #expect(node.sequenceItems.first?.text == "x")
    }
}
