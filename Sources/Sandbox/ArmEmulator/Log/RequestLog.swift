import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The request log: kept in memory and, when a path is configured, appended as JSON lines.
package final class RequestLog: Sendable {
    private let entries = Mutex<[LoggedRequest]>([])
    private let fd: Int32?

    /// Opens (creating, appending) `path`; throws when it cannot be opened.
    package init(path: String?) throws(SocketError) {
        if let path {
            let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard opened >= 0 else {
                throw SocketError(description: "cannot open request log \(path): \(String(cString: strerror(errno)))")
            }
            fd = opened
        } else {
            fd = nil
        }
    }

    deinit {
        if let fd { _ = close(fd) }
    }

    /// Records one request, assigning its sequence number.
    package func append(_ make: (Int) -> LoggedRequest) {
        entries.withLock { list in
            let entry = make(list.count + 1)
            list.append(entry)
            if let fd {
                let line = Array((entry.json.serialized() + "\n").utf8)
                line.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                        if n < 0 && errno == EINTR { continue }
                        if n <= 0 { return }
                        offset += n
                    }
                }
            }
        }
    }

    package var all: [LoggedRequest] { entries.withLock { $0 } }

    package func clear() { entries.withLock { $0.removeAll() } }
}
