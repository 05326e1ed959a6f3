public import Foundation
public import ReconcileModel

/// How every state store writes and reads its documents (the local files and etcd alike), so documents diff cleanly,
/// dates read the same everywhere and a bad inventory is refused the same way.
public enum StateCoding {
    /// For `inventory.json` and `lock.json`: pretty-printed, sorted keys, ISO-8601 dates, `/` unescaped.
    public static func prettyEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// For `journal.jsonl`: one line per value (JSON escapes any newline inside strings), sorted keys.
    public static func lineEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// A short, human-readable reason for a decoding failure (field path plus what was wrong).
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ path: [any CodingKey]) -> String {
            guard !path.isEmpty else { return "" }
            let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return " at \(text.hasPrefix(".") ? String(text.dropFirst()) : text)"
        }
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "invalid JSON\(at(context.codingPath)): \(underlying ?? context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing field \"\(key.stringValue)\"\(at(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "expected \(type)\(at(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "missing \(type) value\(at(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }

    /// Whether `name` can be a cluster's state name: `[A-Za-z0-9._-]+`, not `.` or `..` (a single path component,
    /// and a single etcd key segment).
    public static func isValidClusterName(_ name: String) -> Bool {
        guard !name.isEmpty, name != ".", name != ".." else { return false }
        return name.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
    }

    /// The inventory document of `cluster` (stored at `path`): parsed once into a `Value`, then decoded from it (see
    /// `ValueDecoder` for why not `JSONDecoder`); a format version this build does not know, or another cluster's
    /// inventory, is `corrupt`.
    public static func inventory(from bytes: [UInt8], cluster: String, path: String) throws -> Inventory {
        let document: Value
        do {
            document = try JSONText.decode(bytes)
        } catch {
            throw StateStoreError.corrupt(path: path, reason: error.description)
        }
        if let version = document["version"]?.intValue, version != Inventory.currentVersion {
            throw StateStoreError.corrupt(
                path: path,
                reason: "inventory format version \(version) is not supported (this reconcile supports version "
                    + "\(Inventory.currentVersion))" + (version > Inventory.currentVersion ? "; upgrade reconcile" : "")
            )
        }
        let inventory: Inventory
        do {
            inventory = try ValueDecoder().decode(Inventory.self, from: document)
        } catch {
            throw StateStoreError.corrupt(path: path, reason: describe(error))
        }
        guard inventory.cluster == cluster else {
            throw StateStoreError.corrupt(path: path, reason: "inventory is for cluster \"\(inventory.cluster)\", not \"\(cluster)\"")
        }
        return inventory
    }
}
