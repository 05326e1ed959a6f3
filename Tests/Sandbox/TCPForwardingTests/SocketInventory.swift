import Foundation

/// The TCP sockets this process holds with an endpoint in 127.77.`test`.0/24, read from `/proc/self/fd` and
/// `/proc/net/tcp` (the test's own addresses, so sockets of tests running in parallel are not counted).
///
/// A socket shut down on both sides leaves `/proc/net/tcp` (its connection is gone) while its descriptor may still
/// be open, so leaks are checked by inode: inodes seen while connections were live must all be gone at the end
/// (socket inode numbers are not reused soon, unlike descriptor numbers).
enum SocketInventory {
    /// Descriptors in `/proc/self/fd` that are TCP sockets with a local or remote address in 127.77.`test`.x.
    static func openSockets(test: UInt8) throws -> Int {
        try socketInodes(test: test).count
    }

    /// Inodes of the sockets open in this process that have an endpoint in 127.77.`test`.x.
    static func socketInodes(test: UInt8) throws -> Set<String> {
        try openSocketInodes().intersection(tcpInodes(test: test))
    }

    /// Inodes of every socket descriptor open in this process.
    static func openSocketInodes() throws -> Set<String> {
        let entries = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        return Set(entries.compactMap { entry in
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(entry)"),
                link.hasPrefix("socket:[")
            else { return nil }
            return String(link.dropFirst(8).dropLast())
        })
    }

    /// The inode of the socket listening on `host:port`, if any.
    static func listeningInode(host: String, port: Int) throws -> String? {
        try rows().first { $0.local == "\(host):\(port)" && $0.state == "0A" }?.inode
    }

    private static func tcpInodes(test: UInt8) throws -> Set<String> {
        let prefix = "127.77.\(test)."
        return Set(try rows().filter { $0.local.hasPrefix(prefix) || $0.remote.hasPrefix(prefix) }.map(\.inode))
    }

    /// (local, remote, state, inode) of every IPv4 TCP socket of the network namespace with an inode.
    private static func rows() throws -> [(local: String, remote: String, state: String, inode: String)] {
        // Not String(contentsOfFile:): it stops after the first page of a /proc file.
        guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp") else { throw TestFailure("no /proc/net/tcp") }
        defer { try? file.close() }
        let text = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 9, fields[9] != "0" else { return nil }
            return (endpoint(fields[1]), endpoint(fields[2]), String(fields[3]), String(fields[9]))
        }
    }

    /// "0100007F:1F90" -> "127.0.0.1:8080" (the address is in host byte order, little-endian here).
    private static func endpoint(_ field: Substring) -> String {
        let parts = field.split(separator: ":")
        let address = UInt32(parts[0], radix: 16) ?? 0
        let port = Int(parts[1], radix: 16) ?? 0
        let bytes = (0..<4).map { String((address >> (8 * UInt32($0))) & 0xff) }
        return bytes.joined(separator: ".") + ":\(port)"
    }
}
