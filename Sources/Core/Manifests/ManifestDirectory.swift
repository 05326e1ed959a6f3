import Foundation
import ReconcileModel

/// Finds and reads the manifest files below a directory (or the one file it is given).
///
/// Contract:
/// - Every `*.yaml`/`*.yml` below the root is read, at any depth. Symbolic links to files and to directories are
///   followed, wherever they point. Entries whose name starts with `.` are skipped, and so are the paths listed in
///   the root's `.reconcileignore`, matched against the path as written below the root (through links) before
///   anything is resolved: an ignored link is never followed.
/// - Nothing that looks like a manifest is skipped silently. A `*.yaml`/`*.yml` entry that is a dangling link, a
///   link loop, a FIFO, a socket or a device, or that cannot be opened or read, is an error at that path, line 1
///   column 1. So is a directory that cannot be listed, an unreadable `.reconcileignore`, and a directory reached
///   a second time (a link loop such as `sub/up -> ..`, or a second link to the same directory): each directory
///   is read once, so the walk always ends. A broken link with another name (`README.md -> missing`) is ignored
///   like any file that is not a manifest.
/// - It never blocks: only what `stat` calls a regular file is opened, non-blocking, and checked again after
///   opening; at most `maxBytes + 1` bytes of a file are read (the YAML parser rejects a longer file).
struct ManifestDirectory {
    /// The files read, in walk order, and the problems met.
    struct Contents {
        var files: [(path: String, bytes: [UInt8])] = []
        var diagnostics: [Diagnostic] = []
    }

    /// Directory entries looked at before the walk gives up (a link to `/` must not read the whole machine).
    static let maxEntries = 100_000

    /// Walks `root` (a directory, or a single file read whatever its name); see the type's contract.
    static func read(_ root: String, maxBytes: Int) -> Contents {
        var walker = ManifestDirectory(root: root, maxBytes: maxBytes)
        walker.walk()
        return walker.contents
    }

    private let root: String
    private let maxBytes: Int
    private var contents = Contents()
    /// Every directory entered so far, by identity, with the path it was first reached at.
    private var directories: [FileID: String] = [:]
    private var entriesSeen = 0

    private init(root: String, maxBytes: Int) {
        self.root = root
        self.maxBytes = maxBytes
    }

    private mutating func walk() {
        var info = stat()
        guard stat(root, &info) == 0 else {
            let code = errno
            fail(root, code == ENOENT ? "manifests directory does not exist" : "cannot read: \(describe(code))")
            return
        }
        let kind = FileKind(info)
        guard kind == .directory else {
            if kind != .regular {
                fail(root, kind.notRegularMessage)
            } else if let bytes = readRegularFile(root) {
                contents.files.append((root, bytes))
            }
            return
        }
        let ignored = ignoreList()
        directories[FileID(info)] = root
        var pending: [(path: String, relative: String)] = [(root, "")]
        while let (directory, relative) = pending.popLast() {
            guard let names = list(directory) else { continue }
            var subdirectories: [(path: String, relative: String)] = []
            for name in names where !name.hasPrefix(".") {
                entriesSeen += 1
                guard entriesSeen <= Self.maxEntries else {
                    fail(root, "more than \(Self.maxEntries) entries below the manifests directory (a link to a large tree?); stopped reading")
                    return
                }
                let entryRelative = relative.isEmpty ? name : relative + "/" + name
                if ignored.contains(where: { entryRelative == $0 || entryRelative.hasPrefix($0 + "/") }) { continue }
                let path = Self.join(directory, name)
                if let subdirectory = visit(path, name: name) { subdirectories.append((subdirectory, entryRelative)) }
            }
            pending.append(contentsOf: subdirectories.reversed())
        }
    }

    /// Handles one entry: reads a manifest, reports what cannot be read, returns a directory to descend into.
    private mutating func visit(_ path: String, name: String) -> String? {
        let manifestName = name.hasSuffix(".yaml") || name.hasSuffix(".yml")
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if manifestName { fail(path, "cannot read: \(describe(errno))") }
            return nil
        }
        if FileKind(info) == .symbolicLink, stat(path, &info) != 0 {
            let code = errno
            if manifestName { fail(path, brokenLinkMessage(path, code)) }
            return nil
        }
        switch FileKind(info) {
        case .directory:
            let id = FileID(info)
            if let first = directories[id] {
                fail(path, "leads to directory `\(first)` a second time (a symbolic link loop, or a second link to it); each directory is read once")
                return nil
            }
            directories[id] = path
            return path
        case .regular:
            if manifestName, let bytes = readRegularFile(path) { contents.files.append((path, bytes)) }
        case let kind:
            if manifestName { fail(path, kind.notRegularMessage) }
        }
        return nil
    }

    /// The root's `.reconcileignore` entries; a missing file means none, an unreadable one is an error.
    private mutating func ignoreList() -> [String] {
        let path = Self.join(root, ManifestLoader.ignoreFileName)
        var info = stat()
        guard lstat(path, &info) == 0 else { return [] }
        if FileKind(info) == .symbolicLink, stat(path, &info) != 0 {
            fail(path, brokenLinkMessage(path, errno))
            return []
        }
        guard FileKind(info) == .regular else {
            fail(path, FileKind(info).notRegularMessage)
            return []
        }
        guard let bytes = readRegularFile(path) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    /// Entry names of a directory, sorted, without `.` and `..`; nil (after reporting) if it cannot be listed.
    private mutating func list(_ directory: String) -> [String]? {
        guard let handle = opendir(directory) else {
            fail(directory, "cannot list directory: \(describe(errno))")
            return nil
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Reads a file `stat` called regular: opened non-blocking (should it have been swapped for a FIFO since) and
    /// checked again, then read up to `maxBytes + 1` bytes. nil after reporting a problem.
    private mutating func readRegularFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            fail(path, "cannot read file: \(describe(errno))")
            return nil
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            fail(path, "cannot read file: \(describe(errno))")
            return nil
        }
        guard FileKind(info) == .regular else {
            fail(path, FileKind(info).notRegularMessage)
            return nil
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= maxBytes {
            let wanted = min(chunk.count, maxBytes + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, wanted) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                fail(path, "cannot read file: \(describe(code))")
                return nil
            }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }

    private func brokenLinkMessage(_ path: String, _ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = buffer.withUnsafeMutableBytes { readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count - 1) }
        let target = length < 0 ? "?" : String(decoding: buffer[..<length], as: UTF8.self)
        switch code {
        case ENOENT: return "dangling symbolic link: its target `\(target)` does not exist"
        case ELOOP: return "symbolic link loop: following `\(target)` never reaches a file"
        default: return "cannot follow the symbolic link to `\(target)`: \(describe(code))"
        }
    }

    private mutating func fail(_ path: String, _ message: String) {
        contents.diagnostics.append(Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), message))
    }

    private func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// A file's identity: the same directory reached through two paths has the same one.
private struct FileID: Hashable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// What `stat`'s mode says a path is.
private enum FileKind: Equatable {
    case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, unknown

    init(_ info: stat) {
        switch info.st_mode & mode_t(S_IFMT) {
        case mode_t(S_IFREG): self = .regular
        case mode_t(S_IFDIR): self = .directory
        case mode_t(S_IFLNK): self = .symbolicLink
        case mode_t(S_IFIFO): self = .fifo
        case mode_t(S_IFSOCK): self = .socket
        case mode_t(S_IFCHR): self = .characterDevice
        case mode_t(S_IFBLK): self = .blockDevice
        default: self = .unknown
        }
    }

    /// Why something that is not a regular file is not read (it is never opened: a FIFO would block).
    var notRegularMessage: String {
        let what = switch self {
        case .fifo: "a FIFO (named pipe)"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .directory: "a directory"
        default: "of an unknown file type"
        }
        return "is \(what), not a regular file; manifests must be regular files (not opened)"
    }
}
