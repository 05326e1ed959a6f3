#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Non-blocking pumping of a child's stdin, stdout and stderr from one thread. Owns (and closes) the stdin
/// descriptor; stdout and stderr belong to their `FileHandle`s, which close them, so they are never closed
/// here (a second close could hit a descriptor another thread has just opened).
struct PollLoop {
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private var stdinFD: Int32
    private var pending: [UInt8]
    private var written = 0
    private let maxStdout: Int
    private let maxStderr: Int

    private(set) var stdoutBytes: [UInt8] = []
    private(set) var stderrBytes: [UInt8] = []
    private(set) var stdoutOverflow = false

    init(stdout: Int32, stderr: Int32, stdin: Int32, pending: [UInt8], maxStdout: Int, maxStderr: Int) {
        self.stdoutFD = stdout
        self.stderrFD = stderr
        self.stdinFD = stdin
        self.pending = pending
        self.maxStdout = maxStdout
        self.maxStderr = maxStderr
        for fd in [stdout, stderr, stdin] where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        if stdin >= 0 && pending.isEmpty { finishInput() }
    }

    /// Waits up to `waitMilliseconds` for any descriptor to be ready, then moves what it can.
    mutating func step(waitMilliseconds: Int32) {
        var fds: [pollfd] = []
        if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
        if fds.isEmpty {
            if waitMilliseconds > 0 { usleep(UInt32(waitMilliseconds) * 1000) }
            return
        }
        _ = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), waitMilliseconds) }
        pumpOutput()
        pumpInput()
    }

    /// After the child exited: whatever it wrote is already in the pipes; take it without waiting for EOF.
    mutating func drain() {
        var before = -1
        while stdoutBytes.count + stderrBytes.count != before {
            before = stdoutBytes.count + stderrBytes.count
            pumpOutput()
        }
    }

    /// Stops pumping; closes stdin if it is still open.
    mutating func finish() {
        if stdinFD >= 0 { finishInput() }
        stdoutFD = -1
        stderrFD = -1
    }

    private mutating func pumpOutput() {
        if stdoutFD >= 0 {
            let (data, open) = Self.readAvailable(stdoutFD)
            let room = max(0, maxStdout - stdoutBytes.count)
            if data.count > room { stdoutOverflow = true }
            stdoutBytes += data.prefix(room)
            if !open { stdoutFD = -1 }
        }
        if stderrFD >= 0 {
            let (data, open) = Self.readAvailable(stderrFD)
            stderrBytes += data
            if stderrBytes.count > 2 * maxStderr { stderrBytes.removeFirst(stderrBytes.count - maxStderr) }
            if !open { stderrFD = -1 }
        }
    }

    /// Reads until the pipe would block (at most 1 MiB per call); `open` is false at end of file or on an error.
    private static func readAvailable(_ fd: Int32) -> (data: [UInt8], open: Bool) {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while data.count < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data += chunk[0..<n]
                continue
            }
            if n == 0 { return (data, false) }
            if errno == EINTR { continue }
            return (data, errno == EAGAIN || errno == EWOULDBLOCK)
        }
        return (data, true)
    }

    private mutating func pumpInput() {
        guard stdinFD >= 0 else { return }
        while written < pending.count {
            let count = min(65536, pending.count - written)
            let n = pending.withUnsafeBytes { send(stdinFD, $0.baseAddress! + written, count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                written += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            // The client stopped reading (it exited or failed); its exit status tells the rest.
            break
        }
        finishInput()
    }

    private mutating func finishInput() {
        shutdown(stdinFD, Int32(SHUT_WR))
        close(stdinFD)
        stdinFD = -1
        pending = []
    }

    var stderrTail: [UInt8] { stderrBytes.count > maxStderr ? Array(stderrBytes.suffix(maxStderr)) : stderrBytes }
}
