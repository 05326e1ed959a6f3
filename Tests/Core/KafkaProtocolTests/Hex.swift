/// Hex helpers for byte vectors written as in kafka.md §1.11 (spaces, `|` separators and `<reconciler>` allowed).
enum Hex {
    static let reconciler = "7265636f6e63696c6572"

    static func bytes(_ text: String) -> [UInt8] {
        let cleaned = text.replacingOccurrences(of: "<reconciler>", with: reconciler)
        let digits = cleaned.unicodeScalars.filter { $0.properties.isASCIIHexDigit }.map { Character($0) }
        precondition(digits.count % 2 == 0, "odd hex digit count in \(text)")
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    static func string(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
