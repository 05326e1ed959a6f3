import Foundation
import ProviderAPI
import ReconcileModel
import Testing

/// `JSONText` (JSONSerialization -> `Value`) and `ValueDecoder` (typed documents from a `Value`), the path every
/// state file and cloud body takes instead of `JSONDecoder` probing each node's type.
@Suite("Value coding: JSON text to Value, typed documents from Value")
struct ValueCodingTests {
    @Test("booleans stay booleans and 0/1 stay numbers; big and fractional numbers become text; scalars at the top")
    func scalars() throws {
        #expect(try JSONText.decode(Array("[true,false,1,0,-3,1.0,2.5,1e3,9223372036854775807,18446744073709551615]".utf8))
            == [true, false, 1, 0, -3, 1, "2.5", 1000, .int(Int.max), "18446744073709551615"])
        #expect(try JSONText.decode(Array("\"x\"".utf8)) == "x")
        #expect(try JSONText.decode(Array("null".utf8)) == .null)
        #expect(try JSONText.decode(Array(" \n".utf8)) == .null)
        let error = try #require(throws: JSONText.SyntaxError.self) { try JSONText.decode(Array("[1,".utf8)) }
        #expect(error.description.hasPrefix("invalid JSON: "))
    }

    @Test("an inventory decodes from its parsed Value exactly as JSONDecoder decodes it")
    func inventoryParity() throws {
        let address = try #require(ResourceAddress(parsing: "c1/azure.loadBalancer/kafka-lb"))
        let inventory = Inventory(cluster: "c1", entries: [
            .init(address: address, cloudID: "/subscriptions/x/lb", origin: .created,
                  applied: ["location": "eastus", "zones": ["1", "2"], "enabled": true, "port": 9093, "none": nil],
                  disruption: .consumerVisible, dependsOn: [address],
                  declaration: Declaration(exposure: "pl", field: "spec.loadBalancer", deletionPolicy: .delete)),
        ])
        let bytes = Array(try JSONEncoder().encode(inventory))
        let viaValue = try ValueDecoder().decode(Inventory.self, from: JSONText.decode(bytes))
        #expect(viaValue == inventory)
        #expect(try JSONDecoder().decode(Inventory.self, from: Data(bytes)) == viaValue)
    }

    struct Doc: Decodable, Equatable {
        var name: String
        var count: Int
        var ratio: Double?
        var tags: [String]
        var small: UInt8?
    }

    @Test("errors name the coding path: missing keys, wrong types, nulls, integers out of range")
    func errors() throws {
        let decoder = ValueDecoder()
        #expect(try decoder.decode(Doc.self, from: ["name": "a", "count": 2, "ratio": "0.5", "tags": ["x"], "small": nil])
            == Doc(name: "a", count: 2, ratio: 0.5, tags: ["x"], small: nil))
        func reason(_ value: Value) -> String {
            do { _ = try decoder.decode(Doc.self, from: value); return "decoded" } catch { return "\(error)" }
        }
        #expect(reason(["count": 1, "tags": []]).contains("name"))
        #expect(reason(["name": "a", "count": "1", "tags": []]).contains("found a string"))
        #expect(reason(["name": "a", "count": 1, "tags": [1]]).contains("tags"))
        #expect(reason(["name": "a", "count": nil, "tags": []]).contains("valueNotFound"))
        #expect(reason(["name": "a", "count": 1, "tags": [], "small": 300]).contains("does not fit in UInt8"))
        #expect(reason("text").contains("found a string"))
    }
}
