import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What the application answers to one request.
enum HTTPOutcome: Sendable {
    case respond(HTTPResponse)
    /// Close the connection without any response (reset), as a failing network would.
    case drop
}

/// A minimal HTTP/1.1 server on POSIX sockets: one accept thread, one thread per connection, keep-alive,
/// `Content-Length` request bodies (chunked requests get 411), responses always with `Content-Length`.
///
/// Requests on one connection are answered in order. ``stop()`` closes the listener and every open connection.
final class HTTPServer: Sendable {
    static let maxHeaderBytes = 64 * 1024
    static let maxBodyBytes = 32 * 1024 * 1024

    typealias Handler = @Sendable (HTTPRequest) -> HTTPOutcome

    let port: Int
    private let fd: Int32
    private let handler: Handler
    private let stopped = Atomic<Bool>(false)
    private let acceptorDone = Atomic<Bool>(true)
    private let openSockets = Mutex<Set<Int32>>([])

    /// Binds and listens now (throws if the address is taken); ``start()`` begins accepting.
    init(host: String, port: Int, handler: @escaping Handler) throws {
        let bound = try POSIXSocket.listen(host: host, port: port)
        fd = bound.fd
        self.port = bound.port
        self.handler = handler
    }

    func start() {
        acceptorDone.store(false, ordering: .releasing)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "arm-emulator-accept"
        thread.start()
    }

    /// Stops accepting and closes every connection; idempotent.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for _ in 0..<40 where !acceptorDone.load(ordering: .acquiring) { usleep(5_000) }
        POSIXSocket.close(fd)
        let open = openSockets.withLock { sockets in
            defer { sockets.removeAll() }
            return sockets
        }
        for socket in open { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        defer { acceptorDone.store(true, ordering: .releasing) }
        while !stopped.load(ordering: .acquiring) {
            guard let client = POSIXSocket.accept(fd, timeoutMs: 50) else { continue }
            if stopped.load(ordering: .acquiring) {
                POSIXSocket.close(client)
                break
            }
            openSockets.withLock { _ = $0.insert(client) }
            let thread = Thread { [self] in
                let aborted = serve(client)
                openSockets.withLock { _ = $0.remove(client) }
                if aborted { POSIXSocket.abort(client) } else { POSIXSocket.close(client) }
            }
            thread.name = "arm-emulator-conn"
            thread.start()
        }
    }

    /// Serves requests until the peer closes, asks to close, or a drop is requested (returns true then).
    private func serve(_ client: Int32) -> Bool {
        var reader = RequestReader()
        while !stopped.load(ordering: .acquiring) {
            let parsed: RequestReader.Result
            do {
                parsed = try reader.next {
                    POSIXSocket.receive(client)
                }
            } catch {
                let response = HTTPResponse.json(
                    error.status, ["error": ["code": .string(error.code), "message": .string(error.message)]])
                _ = POSIXSocket.send(client, response.serialized(close: true, headOnly: false))
                return false
            }
            guard case .request(let request) = parsed else { return false }
            switch handler(request) {
            case .drop:
                return true
            case .respond(let response):
                let close = !request.keepAlive || stopped.load(ordering: .acquiring)
                let bytes = response.serialized(close: close, headOnly: request.method == "HEAD")
                guard POSIXSocket.send(client, bytes), !close else { return false }
            }
        }
        return false
    }
}

/// Incremental request framing over a byte stream.
struct RequestReader {
    struct Failure: Error {
        var status: Int
        var code: String
        var message: String
    }

    enum Result {
        case request(HTTPRequest)
        case closed
    }

    private var buffer: [UInt8] = []

    mutating func next(receive: () -> [UInt8]?) throws(Failure) -> Result {
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headerEnd != nil { break }
            guard buffer.count <= HTTPServer.maxHeaderBytes else {
                throw Failure(status: 431, code: "RequestHeaderFieldsTooLarge", message: "The request headers are too large.")
            }
            guard let more = receive() else { return .closed }
            buffer += more
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else {
            throw Failure(status: 400, code: "BadRequest", message: "Malformed request line.")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        if headers["transfer-encoding"] != nil {
            throw Failure(status: 411, code: "LengthRequired", message: "Send the body with Content-Length.")
        }
        let length = Int(headers["content-length"] ?? "0") ?? -1
        guard length >= 0, length <= HTTPServer.maxBodyBytes else {
            throw Failure(status: 413, code: "RequestEntityTooLarge", message: "Invalid or too large Content-Length.")
        }
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length {
            guard let more = receive() else { return .closed }
            buffer += more
        }
        let body = Array(buffer[bodyStart..<bodyStart + length])
        buffer.removeFirst(bodyStart + length)
        return .request(
            HTTPRequest(
                method: String(requestLine[0]).uppercased(), target: String(requestLine[1]),
                version: String(requestLine[2]), headers: headers, body: body))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return start }
        }
        return nil
    }
}
