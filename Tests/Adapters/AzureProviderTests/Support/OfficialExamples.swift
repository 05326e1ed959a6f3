import AzureProvider
import Foundation
import ProviderAPI
import ReconcileModel
import TestSupport

/// Microsoft's x-ms-examples in `../shared/specs/azure/examples` (present in CI), read at test time.
enum OfficialExamples {
    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "official ARM example \(path) is absent: these tests need ../shared/specs (the vendored Azure/azure-rest-api-specs examples)"
        }
    }

    static var directory: URL { Repo.shared.appendingPathComponent("specs/azure/examples") }

    static func load(_ name: String) throws -> Value {
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Missing(path: url.path) }
        return try JSONText.decode(Array(data))
    }

    /// The example's request body (`parameters.parameters`).
    static func request(_ name: String) throws -> Value {
        guard let body = try load(name)["parameters"]?["parameters"] else { throw Missing(path: "\(name) parameters.parameters") }
        return body
    }

    /// The example's response body for `status`.
    static func response(_ name: String, status: String = "200") throws -> Value {
        guard let body = try load(name)["responses"]?[status]?["body"] else { throw Missing(path: "\(name) responses.\(status).body") }
        return body
    }
}
