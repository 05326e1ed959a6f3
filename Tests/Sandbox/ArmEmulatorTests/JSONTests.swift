import ArmEmulator
import Testing

@Suite struct JSONTests {
    @Test func roundTrips() throws {
        let text = #"{"a":[1,2.5,-3e2,true,false,null],"b":"x\"y\\z\n\u00e9\ud83d\ude00","c":{}}"#
        let value = try JSON.parse(text)
        #expect(value["a"]?.arrayValue?[2] == .number(-300))
        #expect(value["b"]?.stringValue == "x\"y\\z\né😀")
        #expect(try JSON.parse(value.serialized()) == value)
        #expect(JSON.number(9093).serialized() == "9093")
        #expect(JSON.number(2.5).serialized() == "2.5")
    }

    @Test func rejectsInvalidDocuments() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01x", "\"unterminated", "{} {}", "nul"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSON.parse(bad) }
        }
    }

    @Test func mergePatchAndPaths() {
        var value: JSON = ["a": ["b": 1, "c": 2]]
        value.set(["a", "d", "e"], "x")
        #expect(value[path: ["a", "d", "e"]] == "x")
        value.remove(["a", "b"])
        #expect(value[path: ["a", "b"]] == nil)
    }
}
