public import ReconcileModel
import Foundation

/// JSON text <-> `Value` for ARM bodies, through `Value`'s own `Codable` conformance (as the state store uses).
///
/// Contract:
/// - `encode` writes compact JSON with keys sorted (`Value.description`), so request bodies are deterministic.
/// - `decode` accepts any RFC 8259 document. `Value` has no floating-point case, so a number with a fraction
///   or exponent becomes `.int` when it is integral and fits, and otherwise its text as `.string` (ARM bodies
///   of the managed types carry no such numbers; a spot VM's `billingProfile.maxPrice` would be echoed back as
///   a string).
/// - Malformed input throws `JSONText.SyntaxError`; an empty or all-blank body is `.null`.
public enum JSONText {
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { "invalid JSON: \(reason)" }
    }

    public static func encode(_ value: Value) -> [UInt8] { Array(value.description.utf8) }

    public static func decode(_ bytes: [UInt8]) throws(SyntaxError) -> Value {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return .null }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            throw SyntaxError(reason: (context.underlyingError.map { "\($0)" }) ?? context.debugDescription)
        } catch {
            throw SyntaxError(reason: "\(error)")
        }
    }
}
