#if canImport(Glibc)
    import Glibc
#endif

/// The POSIX socket calls of the forwarder: every descriptor is close-on-exec and non-blocking, `EINTR` is
/// retried, and failures come back as text (`strerror`) rather than thrown errors.
enum SocketCalls {
    /// A non-blocking listening socket bound to `endpoint` with `SO_REUSEADDR`, or the reason it cannot be bound.
    static func listen(on endpoint: Endpoint, backlog: Int32 = 512) -> Result<Int32, SocketError> {
        resolve(endpoint, passive: true).flatMap { addresses in
            var lastError = "no address"
            for address in addresses {
                let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                guard fd >= 0 else {
                    lastError = String(cString: strerror(errno))
                    continue
                }
                setFlag(fd, SOL_SOCKET, SO_REUSEADDR)
                if address.family == AF_INET6 { setFlag(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY) }
                let bound = address.bytes.withUnsafeBytes {
                    bind(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
                }
                if bound == 0 && Glibc.listen(fd, backlog) == 0 && setNonBlocking(fd) {
                    return .success(fd)
                }
                lastError = String(cString: strerror(errno))
                _ = Glibc.close(fd)
            }
            return .failure(SocketError("cannot listen on \(endpoint): \(lastError)"))
        }
    }

    /// Accepts one pending connection as a non-blocking socket; nil when none is pending or on error.
    static func accept(_ listener: Int32) -> (fd: Int32?, error: Int32) {
        while true {
            // accept4 is not visible to Swift (a GNU extension); set the flags right after accept.
            let fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = setNonBlocking(fd)
                setFlag(fd, Int32(IPPROTO_TCP), TCP_NODELAY)
                return (fd, 0)
            }
            if errno != EINTR { return (nil, errno) }
        }
    }

    /// Starts a non-blocking connect to one address; the socket and whether the connection is already complete.
    static func startConnect(to address: SocketAddress) -> Result<(fd: Int32, connected: Bool), SocketError> {
        let fd = socket(
            address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(SocketError("socket: \(String(cString: strerror(errno)))")) }
        setFlag(fd, Int32(IPPROTO_TCP), TCP_NODELAY)
        let status = address.bytes.withUnsafeBytes {
            connect(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
        }
        if status == 0 { return .success((fd, true)) }
        if errno == EINPROGRESS || errno == EINTR { return .success((fd, false)) }
        let reason = String(cString: strerror(errno))
        _ = Glibc.close(fd)
        return .failure(SocketError("connect: \(reason)"))
    }

    /// The pending error of a socket whose non-blocking connect finished (0: connected).
    static func pendingError(_ fd: Int32) -> Int32 {
        var pending: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length) == 0 else { return errno }
        return pending
    }

    /// The addresses `endpoint` resolves to (numeric hosts never touch DNS).
    static func resolve(_ endpoint: Endpoint, passive: Bool) -> Result<[SocketAddress], SocketError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &result)
        guard status == 0, let first = result else {
            return .failure(SocketError("cannot resolve \(endpoint): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            guard let raw = info.pointee.ai_addr else { continue }
            let bytes = [UInt8](UnsafeRawBufferPointer(start: raw, count: Int(info.pointee.ai_addrlen)))
            addresses.append(SocketAddress(family: info.pointee.ai_family, bytes: bytes))
        }
        return addresses.isEmpty ? .failure(SocketError("no address for \(endpoint)")) : .success(addresses)
    }

    static func setNonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
    }

    private static func setFlag(_ fd: Int32, _ level: Int32, _ option: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, level, option, &one, socklen_t(MemoryLayout<Int32>.size))
    }
}

/// A resolved socket address (`sockaddr_in` or `sockaddr_in6` bytes).
struct SocketAddress: Sendable, Hashable {
    var family: Int32
    var bytes: [UInt8]
}

/// A socket failure, as the text reported to the caller.
struct SocketError: Error, Sendable, Hashable {
    var message: String

    init(_ message: String) { self.message = message }
}

extension SocketCalls {
    /// Closes an accepted connection that has no backend: the client reads EOF.
    static func closeAtOnce(_ fd: Int32) {
        _ = shutdown(fd, Int32(SHUT_RDWR))
        _ = close(fd)
    }
}
