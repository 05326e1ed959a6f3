#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import ProviderAPI

/// `<cluster>/journal.jsonl`: one `JournalEntry` JSON object per line, in the order the steps happened.
///
/// An interrupted `append` can leave at most one unterminated, undecodable last line. Reading ignores it;
/// the next `append` first trims it (those bytes never were a committed entry: the `append` that wrote them
/// did not return), so it can never end up glued to a new entry in the middle of the file. An unterminated
/// last line that does decode (only the newline was lost) is kept, and the next `append` terminates it.
extension FileStateStore {
    public func append(_ entry: JournalEntry, cluster: String) async throws {
        let paths = try paths(for: cluster)
        var line: [UInt8]
        do {
            line = Array(try StateCoding.lineEncoder().encode(entry)) + [UInt8(ascii: "\n")]
        } catch {
            throw StateStoreError.io(path: paths.journal, reason: "encode: \(StateCoding.describe(error))")
        }
        try prepareDirectory(paths)
        let path = paths.journal
        let existed = POSIXFiles.isRegularFile(path)
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXFiles.writeError(path, "open") }
        defer { close(fd) }
        // Appends are already serialized by the cluster lock; the flock also keeps two stray writers apart.
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw POSIXFiles.writeError(path, "flock") }
        }
        if try repairTail(fd: fd, path: path) { line.insert(UInt8(ascii: "\n"), at: 0) }
        try POSIXFiles.writeAll(line, fd: fd, path: path)
        try POSIXFiles.sync(fd: fd, path: path)
        if !existed { try POSIXFiles.syncDirectory(paths.directory) }
    }

    public func journal(cluster: String) async throws -> [JournalEntry] {
        let path = try paths(for: cluster).journal
        guard let bytes = try POSIXFiles.contents(of: path) else { return [] }
        let decoder = StateCoding.decoder()
        var entries: [JournalEntry] = []
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let terminated = bytes.last == UInt8(ascii: "\n")
        for (index, line) in lines.enumerated() {
            let isLast = index == lines.count - 1
            if isLast && terminated { break }  // the empty piece after the final newline
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) {
                continue
            }
            do {
                entries.append(try decoder.decode(JournalEntry.self, from: Data(line)))
            } catch {
                if isLast { break }  // torn by an interrupted append
                throw StateStoreError.corrupt(path: path, reason: "line \(index + 1): \(StateCoding.describe(error))")
            }
        }
        return entries
    }

    /// Makes the file end at a line boundary before an append. Returns `true` when the last line is a complete
    /// entry missing only its newline (the caller prefixes one); trims an undecodable unterminated tail.
    func repairTail(fd: Int32, path: String) throws -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw POSIXFiles.writeError(path, "fstat") }
        guard info.st_size > 0 else { return false }
        var last: UInt8 = 0
        let n = pread(fd, &last, 1, info.st_size - 1)
        guard n == 1 else { throw POSIXFiles.writeError(path, "read") }
        if last == UInt8(ascii: "\n") { return false }

        let bytes = try POSIXFiles.readAll(fd: fd, path: path)
        let start = bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let tail = Data(bytes[start...])
        if (try? StateCoding.decoder().decode(JournalEntry.self, from: tail)) != nil { return true }
        guard ftruncate(fd, off_t(start)) == 0 else { throw POSIXFiles.writeError(path, "ftruncate") }
        return false
    }
}
