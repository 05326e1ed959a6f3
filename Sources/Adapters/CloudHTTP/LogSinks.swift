public import Foundation
public import ProviderAPI
import Synchronization

/// Keeps every record in memory, in arrival order: for tests and end-of-run summaries.
public final class CollectingLogSink: HTTPLogSink {
    private let storage = Mutex<[HTTPLogRecord]>([])

    public init() {}

    public func record(_ entry: HTTPLogRecord) {
        storage.withLock { $0.append(entry) }
    }

    /// Everything recorded so far.
    public var records: [HTTPLogRecord] { storage.withLock { $0 } }

    /// ``HTTPLogRecord/line`` of every record.
    public var lines: [String] { records.map(\.line) }

    /// Forgets everything recorded so far.
    public func removeAll() {
        storage.withLock { $0.removeAll() }
    }
}

/// Writes each record's ``HTTPLogRecord/line`` (plus a newline, after an optional prefix) to a file
/// handle, standard error by default. Lines from concurrent requests never interleave: each is one
/// `write` under a lock. Write failures are ignored (logging never fails a request).
public final class StreamLogSink: HTTPLogSink {
    private let handle: Mutex<FileHandle>
    private let prefix: String

    public init(_ handle: FileHandle = .standardError, prefix: String = "") {
        self.handle = Mutex(handle)
        self.prefix = prefix
    }

    public func record(_ entry: HTTPLogRecord) {
        let data = Data((prefix + entry.line + "\n").utf8)
        handle.withLock { handle in
            try? handle.write(contentsOf: data)
        }
    }
}

/// Discards every record.
public struct NullLogSink: HTTPLogSink {
    public init() {}

    public func record(_ entry: HTTPLogRecord) {}
}
