import Glibc

/// How a socket call failed.
///
/// Callers word their own messages from it: ``reason`` is the system's text alone (what `strerror` or the
/// resolver says), ``detail`` adds the call that failed.
package enum SocketFailure: Error, Equatable, Sendable {
    /// The deadline passed first.
    case timedOut
    /// EOF, a reset or a broken pipe, or a socket that was shut down or closed here; `afterBytes` says how much of
    /// the awaited data had arrived (0 for a connect).
    case closed(afterBytes: Int)
    /// A system call failed with `errno`.
    case failed(errno: Int32, operation: String)
    /// The name or port did not resolve (the resolver's text), or resolved to no address at all ("no address").
    case unresolved(String)

    /// The system's words: `strerror` for ``failed(errno:operation:)``, the resolver's text for ``unresolved(_:)``.
    package var reason: String {
        switch self {
        case .timedOut: "timed out"
        case .closed: "connection closed"
        case .failed(let code, _): errorText(code)
        case .unresolved(let text): text
        }
    }

    /// ``reason``, after the failing call for ``failed(errno:operation:)`` ("connect: Connection refused").
    package var detail: String {
        switch self {
        case .failed(_, let operation): "\(operation): \(reason)"
        case .timedOut, .closed, .unresolved: reason
        }
    }
}

/// The C library's text for an `errno` value ("Connection refused").
package func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
