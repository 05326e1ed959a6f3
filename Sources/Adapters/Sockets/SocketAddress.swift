import Glibc

/// A resolved IPv4 or IPv6 socket address: the bytes of a `sockaddr_in` or `sockaddr_in6`.
package struct SocketAddress: Sendable, Hashable {
    package var family: Int32
    package var bytes: [UInt8]

    /// The addresses `host` resolves to (`getaddrinfo`, TCP), in the resolver's order; numeric hosts never touch
    /// DNS. `host` nil: the wildcard address (with `passive`, for listening). `port` nil: no service is looked up
    /// and the addresses carry port 0. `ipv4Only` asks for IPv4 addresses alone. An empty answer is returned as
    /// such (callers word "no address" their own way).
    package static func resolve(
        host: String?, port: Int?, ipv4Only: Bool = false, passive: Bool = false
    ) throws(SocketFailure) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = ipv4Only ? AF_INET : AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = (port == nil ? 0 : AI_NUMERICSERV) | (passive ? AI_PASSIVE : 0)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, port.map(String.init), &hints, &result)
        guard status == 0, let first = result else { throw .unresolved(String(cString: gai_strerror(status))) }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            guard let raw = info.pointee.ai_addr else { continue }
            let bytes = [UInt8](UnsafeRawBufferPointer(start: raw, count: Int(info.pointee.ai_addrlen)))
            addresses.append(SocketAddress(family: info.pointee.ai_family, bytes: bytes))
        }
        return addresses
    }

    /// The dotted-quad IPv4 address `text` with `port` (truncated to 16 bits, as `sin_port` holds it); nil when
    /// `text` is not a dotted quad. Never touches DNS.
    package static func ipv4(_ text: String, port: Int) -> SocketAddress? {
        var address = sockaddr_in()
        guard inet_pton(AF_INET, text, &address.sin_addr) == 1 else { return nil }
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        return SocketAddress(family: AF_INET, bytes: withUnsafeBytes(of: &address) { Array($0) })
    }

    /// The address of a bound socket (`getsockname`); nil when the call fails.
    static func local(of fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        let bytes = withUnsafeBytes(of: &storage) { Array($0.prefix(Int(length))) }
        return SocketAddress(family: Int32(storage.ss_family), bytes: bytes)
    }

    /// The numeric host (`inet_ntop`: "127.0.0.1", "::1"); nil for another family.
    package var host: String? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let converted: Bool = bytes.withUnsafeBytes { raw in
            switch family {
            case AF_INET where raw.count >= MemoryLayout<sockaddr_in>.size:
                var address = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
                return inet_ntop(AF_INET, &address, &text, socklen_t(text.count)) != nil
            case AF_INET6 where raw.count >= MemoryLayout<sockaddr_in6>.size:
                var address = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
                return inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil
            default:
                return false
            }
        }
        guard converted else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The port (0 for another family).
    package var port: Int {
        bytes.withUnsafeBytes { raw in
            switch family {
            case AF_INET where raw.count >= MemoryLayout<sockaddr_in>.size:
                Int(UInt16(bigEndian: raw.loadUnaligned(as: sockaddr_in.self).sin_port))
            case AF_INET6 where raw.count >= MemoryLayout<sockaddr_in6>.size:
                Int(UInt16(bigEndian: raw.loadUnaligned(as: sockaddr_in6.self).sin6_port))
            default:
                0
            }
        }
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        bytes.withUnsafeBytes { body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count)) }
    }
}
