public import ReconcileModel

/// A manifest value together with where it was written, so cross-document checks can point at it.
public struct Located<Wrapped: Sendable & Hashable>: Sendable, Hashable {
    public var value: Wrapped
    public var location: SourceLocation
    /// Field path, e.g. `spec.brokers[0].nodeId`.
    public var path: String

    public init(_ value: Wrapped, at location: SourceLocation, path: String) {
        self.value = value
        self.location = location
        self.path = path
    }
}

/// Collects diagnostics while decoding; shared by every reader of one load.
final class DiagnosticSink {
    private(set) var items: [Diagnostic] = []

    func error(_ location: SourceLocation?, _ path: String, _ message: String) {
        items.append(Diagnostic(.error, at: location, path: path, message))
    }

    func warning(_ location: SourceLocation?, _ path: String, _ message: String) {
        items.append(Diagnostic(.warning, at: location, path: path, message))
    }
}
