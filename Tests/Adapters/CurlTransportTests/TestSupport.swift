import CurlTransport
import Foundation
import ProviderAPI
import Testing

/// The JSON the test server's echo handler returns.
struct Echo: Decodable {
    let method: String
    let path: String
    let headers: [[String]]
    let body: String
    let clientPort: Int

    init(_ response: HTTPResponse) throws {
        self = try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }

    func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }?.last
    }
}

extension HTTPTransportError {
    enum Kind: Equatable {
        case connectFailed, timedOut, responseTooLarge, cancelled, other
    }

    var kind: Kind {
        switch self {
        case .connectFailed: .connectFailed
        case .timedOut: .timedOut
        case .responseTooLarge: .responseTooLarge
        case .cancelled: .cancelled
        case .other: .other
        }
    }
}

/// Runs `operation`, which must fail with an ``HTTPTransportError``, and returns that error.
func transportError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> HTTPResponse
) async -> HTTPTransportError? {
    do {
        let response = try await operation()
        Issue.record("expected an HTTPTransportError, got status \(response.status)", sourceLocation: sourceLocation)
    } catch let error as HTTPTransportError {
        return error
    } catch {
        Issue.record("expected an HTTPTransportError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

func bytes(_ string: String) -> [UInt8] {
    Array(string.utf8)
}
