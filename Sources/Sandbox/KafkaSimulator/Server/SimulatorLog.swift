#if canImport(Glibc)
    import Glibc
#endif

/// Line-oriented log to a file (appended) or stderr: `2025-01-31T12:00:00.123Z node=1 message`.
public final class SimulatorLog: Sendable {
    private let fd: Int32
    private let prefix: String

    /// Appends to `path`, or writes to stderr when nil. Falls back to stderr if the file cannot be opened.
    public init(path: String?, nodeId: Int32?) {
        if let path {
            let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            fd = opened >= 0 ? opened : 2
        } else {
            fd = 2
        }
        prefix = nodeId.map { "node=\($0) " } ?? ""
    }

    public func info(_ message: String) { write("INFO", message) }
    public func warning(_ message: String) { write("WARN", message) }
    public func error(_ message: String) { write("ERROR", message) }

    private func write(_ level: String, _ message: String) {
        let line = Array("\(Self.timestamp()) \(level) \(prefix)\(message)\n".utf8)
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    static func timestamp() -> String {
        let now = WallClock.nowMs()
        var seconds = time_t(now / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now % 1000), 3))Z"
    }
}
