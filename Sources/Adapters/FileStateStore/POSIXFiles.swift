#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ProviderAPI

/// Thin throwing wrappers over the POSIX calls the store needs, so every durability step (mode at open, fsync
/// of file and directory, rename, link) is explicit. Read failures throw `StateStoreError.corrupt` ("cannot
/// read"), write failures `StateStoreError.io` ("cannot write"); both name the path.
enum POSIXFiles {
    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func readError(_ path: String, _ op: String, _ code: Int32 = errno) -> StateStoreError {
        .corrupt(path: path, reason: "\(op): \(errorText(code))")
    }

    static func writeError(_ path: String, _ op: String, _ code: Int32 = errno) -> StateStoreError {
        .io(path: path, reason: "\(op): \(errorText(code))")
    }

    /// A random suffix for temp files (`.inventory.json.tmp-<suffix>`).
    static func randomSuffix() -> String { String(UInt64.random(in: .min ... .max), radix: 16) }

    // MARK: Reading (never creates anything)

    /// The whole file, or `nil` when it (or a parent directory) does not exist.
    static func contents(of path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw readError(path, "open", code)
        }
        defer { close(fd) }
        return try readAll(fd: fd, path: path)
    }

    static func readAll(fd: Int32, path: String) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw readError(path, "read")
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
            offset += off_t(n)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    // MARK: Writing

    /// `mkdir -p` with mode 0700 for every directory it creates; existing directories keep their mode.
    static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o700) == 0 { return }
        let code = errno
        switch code {
        case EEXIST:
            guard isDirectory(path) else { throw writeError(path, "mkdir", ENOTDIR) }
        case ENOENT:
            var parent = path
            while parent.count > 1, parent.hasSuffix("/") { parent.removeLast() }
            guard let slash = parent.lastIndex(of: "/") else { throw writeError(path, "mkdir", code) }
            let parentPath = slash == parent.startIndex ? "/" : String(parent[..<slash])
            try makeDirectories(parentPath)
            if mkdir(path, 0o700) != 0, errno != EEXIST { throw writeError(path, "mkdir") }
        default:
            throw writeError(path, "mkdir", code)
        }
    }

    /// Writes all of `bytes`; for a regular file this is one `write(2)` unless the kernel returns short.
    static func writeAll(_ bytes: [UInt8], fd: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw writeError(path, "write")
            }
            offset += n
        }
    }

    static func sync(fd: Int32, path: String) throws {
        #if canImport(Darwin)
        if fcntl(fd, F_FULLFSYNC) == 0 { return }
        #endif
        if fsync(fd) != 0 { throw writeError(path, "fsync") }
    }

    /// Makes a rename, link or unlink in `directory` durable. File systems that cannot fsync a directory
    /// (EINVAL) are tolerated.
    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw writeError(directory, "open directory") }
        defer { close(fd) }
        if fsync(fd) != 0, errno != EINVAL { throw writeError(directory, "fsync directory") }
    }

    /// Creates `directory/.<name>.tmp-<random>` with mode 0600 (set at open), writes and fsyncs it; returns
    /// its path. The caller publishes it (rename or link) and removes it on failure.
    static func writeTempFile(_ bytes: [UInt8], directory: String, name: String) throws -> String {
        let temp = "\(directory)/.\(name).tmp-\(randomSuffix())"
        let fd = open(temp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw writeError(temp, "open") }
        do {
            try writeAll(bytes, fd: fd, path: temp)
            try sync(fd: fd, path: temp)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        if close(fd) != 0 {
            let code = errno
            unlink(temp)
            throw writeError(temp, "close", code)
        }
        return temp
    }

    /// Replaces `directory/name` atomically: temp file, fsync, rename over, fsync the directory. Readers see
    /// the old or the new content, never a mix; no temp file is left behind on failure.
    static func atomicReplace(_ bytes: [UInt8], directory: String, name: String) throws {
        let target = "\(directory)/\(name)"
        let temp = try writeTempFile(bytes, directory: directory, name: name)
        guard rename(temp, target) == 0 else {
            let code = errno
            unlink(temp)
            throw writeError(target, "rename", code)
        }
        try syncDirectory(directory)
    }

    /// Creates `directory/name` with `bytes` only if it does not exist; `false` when it already exists.
    ///
    /// The content is written and fsync'd to a 0600 temp file opened `O_CREAT|O_EXCL` and then published with
    /// `link(2)`, which fails with EEXIST when the name exists — as exclusive as `O_EXCL` on the final name,
    /// but no reader can ever see the file half-written. File systems without hard links fall back to
    /// `open(O_CREAT|O_EXCL)` on the final name.
    static func createExclusive(_ bytes: [UInt8], directory: String, name: String) throws -> Bool {
        let target = "\(directory)/\(name)"
        let temp = try writeTempFile(bytes, directory: directory, name: name)
        defer { unlink(temp) }
        if link(temp, target) == 0 {
            try syncDirectory(directory)
            return true
        }
        let code = errno
        if code == EEXIST { return false }
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == ENOSYS else {
            throw writeError(target, "link", code)
        }
        let fd = open(target, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw writeError(target, "open")
        }
        defer { close(fd) }
        try writeAll(bytes, fd: fd, path: target)
        try sync(fd: fd, path: target)
        try syncDirectory(directory)
        return true
    }

    /// Removes `path` (missing is fine) and makes the removal durable.
    static func remove(_ path: String, directory: String) throws {
        if unlink(path) != 0, errno != ENOENT { throw writeError(path, "unlink") }
        try syncDirectory(directory)
    }

    /// Runs `body` holding an exclusive `flock(2)` on `directory` (released on return). Serializes lock
    /// take-over and forced unlock between processes and between store instances.
    static func withDirectoryLock<T>(_ directory: String, _ body: () throws -> T) throws -> T {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw writeError(directory, "open directory") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw writeError(directory, "flock") }
        }
        return try body()
    }
}
