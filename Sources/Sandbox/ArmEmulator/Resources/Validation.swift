/// Schema-style checks with ARM's `InvalidRequestFormat` envelope; paths are dotted for messages.
enum Validation {
    /// The string at `path`; throws when required and missing or when not a string.
    @discardableResult
    static func string(_ body: JSON, _ path: [String], required: Bool = false, where field: String? = nil)
        throws(ArmError) -> String?
    {
        let name = field ?? path.joined(separator: ".")
        guard let value = body[path: path], !value.isNull else {
            if required { throw missing(name) }
            return nil
        }
        guard let text = value.stringValue else {
            throw ArmError.invalidFormat("InvalidJsonPropertyType", "Property \(name) must be a string.", target: name)
        }
        return text
    }

    /// An enum value that must match one of `allowed` exactly (ARM's enums are case-sensitive: `Tcp`, not `TCP`).
    @discardableResult
    static func enumeration(
        _ body: JSON, _ path: [String], _ allowed: [String], required: Bool = false, where field: String? = nil
    ) throws(ArmError) -> String? {
        let name = field ?? path.joined(separator: ".")
        guard let value = try string(body, path, required: required, where: name) else { return nil }
        guard allowed.contains(value) else {
            throw ArmError.invalidFormat(
                "InvalidEnumValue",
                "Value '\(value)' for property \(name) is invalid. Allowed values are: \(allowed.joined(separator: ", ")) "
                    + "(case-sensitive).", target: name)
        }
        return value
    }

    /// An integer in `range`.
    @discardableResult
    static func integer(
        _ body: JSON, _ path: [String], in range: ClosedRange<Int>, required: Bool = false, where field: String? = nil
    ) throws(ArmError) -> Int? {
        let name = field ?? path.joined(separator: ".")
        guard let value = body[path: path], !value.isNull else {
            if required { throw missing(name) }
            return nil
        }
        guard let number = value.intValue else {
            throw ArmError.invalidFormat("InvalidJsonPropertyType", "Property \(name) must be an integer.", target: name)
        }
        guard range.contains(number) else {
            throw ArmError.badRequest(
                "InvalidParameter", "Value \(number) of \(name) is outside the allowed range \(range.lowerBound)-\(range.upperBound).",
                target: name)
        }
        return number
    }

    /// The array at `path` (empty when absent); throws when present but not an array of objects.
    static func objects(_ body: JSON, _ path: [String], where field: String? = nil) throws(ArmError) -> [JSON] {
        let name = field ?? path.joined(separator: ".")
        guard let value = body[path: path], !value.isNull else { return [] }
        guard let items = value.arrayValue, items.allSatisfy({ $0.objectValue != nil }) else {
            throw ArmError.invalidFormat("InvalidJsonPropertyType", "Property \(name) must be an array of objects.", target: name)
        }
        return items
    }

    static func missing(_ name: String) -> ArmError {
        ArmError.invalidFormat("MissingJsonProperty", "Required property '\(name)' is missing from the request.", target: name)
    }

    /// Case- and space-insensitive location comparison (`East US` equals `eastus`).
    static func sameLocation(_ a: String, _ b: String) -> Bool {
        a.lowercased().filter { $0 != " " } == b.lowercased().filter { $0 != " " }
    }
}
