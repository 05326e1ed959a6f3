public import ReconcileModel
public import Foundation

/// JSON text <-> `Value`, for every adapter that reads JSON into `Value` (ARM and Compute bodies, the state
/// files): Foundation's `JSONSerialization` parses, and typed documents are then decoded from the `Value` with
/// `ValueDecoder` (see there for why not `JSONDecoder`).
///
/// Contract:
/// - `encode` writes compact JSON with keys sorted (`Value.description`), so request bodies are deterministic.
/// - `decode` accepts any RFC 8259 document, a bare scalar included. `Value` has no floating-point case, so a
///   number with a fraction or exponent becomes `.int` when it is integral and fits, and otherwise its text as
///   `.string` (ARM bodies of the managed types carry no such numbers; a spot VM's `billingProfile.maxPrice`
///   would be echoed back as a string). `true`/`false` are `.bool`, never `.int(1)`/`.int(0)`.
/// - Malformed input throws `JSONText.SyntaxError`; an empty or all-blank body is `.null`.
public enum JSONText {
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { "invalid JSON: \(reason)" }
    }

    public static func encode(_ value: Value) -> [UInt8] { Array(value.description.utf8) }

    public static func decode(_ bytes: [UInt8]) throws(SyntaxError) -> Value {
        try decode(Data(bytes))
    }

    public static func decode(_ data: Data) throws(SyntaxError) -> Value {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return .null }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let reason = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            throw SyntaxError(reason: reason)
        }
        return value(of: object)
    }

    /// The class `JSONSerialization` uses for `true` and `false` (an `NSNumber` subclass on every platform).
    private static let booleanClass = ObjectIdentifier(type(of: NSNumber(value: true)))

    /// Containers are matched before `NSNumber`: on Linux `JSONSerialization` hands back Swift arrays and
    /// dictionaries, and asking one whether it is an `NSNumber` bridges it to an `NSDictionary`/`NSArray` first,
    /// which made this conversion most of a dry-run's CPU time (`Benchmarks/clusters-dry-run`, perf).
    private static func value(of object: Any) -> Value {
        switch object {
        case let string as String:
            return .string(string)
        case let object as [String: Any]:
            return .object(object.mapValues(value(of:)))
        case let array as [Any]:
            return .array(array.map(value(of:)))
        case let number as NSNumber:
            if ObjectIdentifier(type(of: number)) == booleanClass { return .bool(number.boolValue) }
            switch String(cString: number.objCType) {
            case "d", "f":
                let d = number.doubleValue
                if d.rounded() == d, let i = Int(exactly: d) { return .int(i) }
                return .string("\(d)")
            case "Q":
                if let i = Int(exactly: number.uint64Value) { return .int(i) }
                return .string(number.stringValue)
            default:
                return .int(number.intValue)
            }
        default:
            // NSNull, and anything else JSONSerialization might hand back (Decimal for huge numbers): null or text.
            if object is NSNull { return .null }
            return .string("\(object)")
        }
    }
}
