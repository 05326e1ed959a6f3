#if canImport(Glibc)
    import Glibc
#endif

/// The few POSIX socket calls the simulator needs, with EINTR handled and errors as ``ConfigError`` text.
enum Socket {
    /// A listening TCP socket bound to `host:port` (empty host or `0.0.0.0`: all IPv4 interfaces; `::` all IPv6).
    static func listen(host: String, port: Int, backlog: Int32 = 128) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = host.isEmpty ? AF_INET : AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw ConfigError(
                "cannot resolve listener address \(host):\(port): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if info.pointee.ai_family == AF_INET6 {
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 && Glibc.listen(fd, backlog) == 0 {
                return fd
            }
            lastError = String(cString: strerror(errno))
            close(fd)
        }
        throw ConfigError("Socket server failed to bind to \(host.isEmpty ? "0.0.0.0" : host):\(port): \(lastError).")
    }

    /// Waits up to `timeoutMs` for a connection; nil on timeout or error.
    static func accept(_ listener: Int32, timeoutMs: Int32) -> Int32? {
        var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMs) > 0 else { return nil }
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Exactly `count` bytes, or nil on EOF or error.
    static func read(_ fd: Int32, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + filled, count - filled, 0) }
            if n > 0 {
                filled += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return nil
            }
        }
        return buffer
    }

    /// Writes everything (no SIGPIPE); false on error.
    static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    static func close(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_RDWR))
        _ = Glibc.close(fd)
    }
}
