/// A `server.properties` file that `java.util.Properties.load` would reject, so Kafka would not start.
///
/// The reconciler reports it as "file invalid" and never guesses a repair.
public struct PropertiesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based physical line of the offending escape (`\n`, `\r` and `\r\n` each end one line).
    public var line: Int
    /// Java's own message where Java fails too, e.g. `Malformed \uxxxx encoding.`
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }

    /// Java's `IllegalArgumentException` text for a `\u` not followed by exactly four hex digits.
    static let malformedUnicode = "Malformed \\uxxxx encoding."

    /// Java keeps a lone UTF-16 surrogate in its `String`; a Swift `String` cannot hold one, so the file is refused.
    static func unpairedSurrogate(_ unit: UInt16) -> String {
        "Unpaired UTF-16 surrogate \\u\(PropertiesText.hex4(unit)) (not representable; write the pair of a valid character)"
    }
}
