import Dispatch
import Glibc
public import KafkaProtocol
import Sockets

/// One TCP connection to one broker listener, carrying one request at a time.
///
/// Blocking socket work runs on the connection's own serial dispatch queue, never on the Swift cooperative pool;
/// requests are written and answered in the order they were sent, each with a fresh correlation id that the
/// response must echo. Any IO, framing or decoding failure (and task cancellation) closes the connection: a
/// half-read stream cannot be resynchronised. Encoding failures leave it open, since nothing was sent.
public actor KafkaConnection {
    /// The advertised name and port that were dialled.
    public nonisolated let host: String
    public nonisolated let port: Int
    /// The IPv4 address and port the dialer mapped them to.
    public nonisolated let address: String
    public nonisolated let addressPort: Int
    public nonisolated let options: KafkaConnectionOptions

    private nonisolated let socket: TCPSocket
    private nonisolated let queue: DispatchQueue
    private var lastCorrelationID: Int32 = 0
    /// Requests answered successfully on this connection.
    public private(set) var completedRequests = 0
    /// The broker's ApiVersions answer on this connection, once someone asked (see `KafkaClient`).
    public private(set) var apiVersions: ApiVersionsResponse?

    private init(
        host: String, port: Int, address: String, addressPort: Int, options: KafkaConnectionOptions,
        socket: TCPSocket,
        queue: DispatchQueue
    ) {
        self.host = host
        self.port = port
        self.address = address
        self.addressPort = addressPort
        self.options = options
        self.socket = socket
        self.queue = queue
    }

    deinit {
        socket.shutdown()
        queue.async { [socket] in socket.close() }
    }

    /// Resolves `host:port` with `dialer` and connects within `options.connectTimeout`.
    public static func connect(
        host: String, port: Int, dialer: any Dialer = SystemDialer(), options: KafkaConnectionOptions = .init()
    ) async throws(KafkaClientError) -> KafkaConnection {
        let queue = DispatchQueue(label: "KafkaConnection \(host):\(port)")
        let result = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Self.open(host: host, port: port, dialer: dialer, options: options))
            }
        }
        let (socket, address, addressPort) = try result.get()
        return KafkaConnection(
            host: host, port: port, address: address, addressPort: addressPort, options: options, socket: socket,
            queue: queue
        )
    }

    /// Resolves and connects (blocking; on the queue).
    private static func open(
        host: String, port: Int, dialer: any Dialer, options: KafkaConnectionOptions
    ) -> Result<(TCPSocket, String, Int), KafkaClientError> {
        let target: (address: String, port: Int)
        do {
            target = try dialer.resolve(host: host, port: port)
        } catch {
            return .failure(.connectFailed(host: host, port: port, detail: "\(error)"))
        }
        do throws(SocketFailure) {
            guard let address = SocketAddress.ipv4(target.address, port: target.port) else {
                throw .failed(errno: EINVAL, operation: "\(target.address) is not an IPv4 address")
            }
            let socket = try TCPSocket.connect(to: address, timeout: options.connectTimeout)
            return .success((socket, target.address, target.port))
        } catch {
            let mapped = target.address != host || target.port != port
            let detail = error.connectDetail(timeout: options.connectTimeout)
            return .failure(
                .connectFailed(host: host, port: port, detail: mapped ? "dialled \(target.address):\(target.port): \(detail)" : detail))
        }
    }

    public nonisolated var isClosed: Bool { socket.isShutDown }

    /// `host:port` as given, plus the address dialled when the dialer mapped it elsewhere: for messages.
    public nonisolated var peer: String {
        address == host && addressPort == port ? "\(host):\(port)" : "\(host):\(port) (dialled \(address):\(addressPort))"
    }

    /// Closes the connection; a request in flight fails with `connectionClosed`.
    public nonisolated func close() {
        socket.shutdown()
        queue.async { [socket] in socket.close() }
    }

    /// Records the ApiVersions answer that version negotiation on this connection uses.
    public func cacheApiVersions(_ response: ApiVersionsResponse) {
        apiVersions = response
    }

    /// Sends `request` and returns its decoded response.
    ///
    /// EOF before the first byte of the response is reported as `unsupportedVersion(api, version)`: that is how a
    /// broker rejects a version it does not know (for every API but ApiVersions).
    public func send<R: KafkaRequest>(_ request: R) async throws(KafkaClientError) -> R.Response {
        guard !socket.isShutDown else { throw .connectionClosed(peer: peer, request: nil) }
        lastCorrelationID = lastCorrelationID == Int32.max ? 0 : lastCorrelationID + 1
        let correlationID = lastCorrelationID
        let frame: [UInt8]
        do {
            frame = try request.encodeFramed(correlationID: correlationID, clientID: options.clientID)
        } catch {
            throw .protocol(error)
        }
        let deadline = ContinuousClock.now + options.requestTimeout
        let result = await onQueue { [socket, maxFrameSize = options.maxFrameSize] in
            Self.exchange(frame, socket: socket, deadline: deadline, maxFrameSize: maxFrameSize)
        }
        do throws(KafkaClientError) {
            if Task.isCancelled { throw .cancelled }
            let payload = try result.mapError { failure in
                failure.clientError(api: R.apiKey, version: request.version, peer: peer, timeout: options.requestTimeout)
            }.get()
            // Every response header starts with the correlation id: check it before trusting the body's layout.
            var header = ByteReader(payload.prefix(4))
            let received: Int32
            do { received = try header.readInt32() } catch { throw .protocol(error) }
            guard received == correlationID else {
                throw .protocol(.correlationMismatch(expected: correlationID, received: received))
            }
            let decoded: (correlationID: Int32, response: R.Response)
            do { decoded = try request.decodeResponse(payload: payload) } catch { throw .protocol(error) }
            completedRequests += 1
            return decoded.response
        } catch {
            close()
            throw error
        }
    }

    /// Writes the frame and reads one whole response frame (blocking; on the queue).
    private static func exchange(
        _ frame: [UInt8], socket: TCPSocket, deadline: ContinuousClock.Instant, maxFrameSize: Int
    ) -> Result<[UInt8], ExchangeFailure> {
        do {
            try socket.writeAll(frame, deadline: deadline)
        } catch {
            return .failure(.write(error))
        }
        do {
            let prefix = try socket.readExactly(4, deadline: deadline)
            let size: Int
            do { size = try KafkaFrame.payloadSize(prefix: prefix, maxSize: maxFrameSize) } catch {
                return .failure(.protocol(error))
            }
            return .success(try socket.readExactly(size, deadline: deadline))
        } catch {
            return .failure(.read(error, sizeReceived: error != .closed(afterBytes: 0)))
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: body()) }
            }
        } onCancel: { [socket] in
            socket.shutdown()
        }
    }
}

extension SocketFailure {
    /// What a failed connect means, in the words of a person checking why a broker cannot be reached.
    func connectDetail(timeout: Duration) -> String {
        switch self {
        case .timedOut: "connect timed out after \(timeout) (no answer at all: the host is down or a firewall drops the packets)"
        case .failed(ECONNREFUSED, _): "connection refused (nothing listens there)"
        case .failed(EHOSTUNREACH, _): "host unreachable"
        case .failed(ENETUNREACH, _): "network unreachable"
        case .failed, .closed, .unresolved: detail
        }
    }
}

/// Where a request/response exchange failed.
private enum ExchangeFailure: Error {
    case write(SocketFailure)
    /// `sizeReceived` is false when the connection ended before the first response byte.
    case read(SocketFailure, sizeReceived: Bool)
    case `protocol`(ProtocolError)

    func clientError(api: ApiKey, version: Int16, peer: String, timeout: Duration) -> KafkaClientError {
        switch self {
        case .write(.timedOut), .read(.timedOut, _):
            .timeout("\(api) v\(version) to \(peer): no response within \(timeout)")
        case .read(.closed, false):
            .unsupportedVersion(api: api, version: version)
        case .write(.closed), .read(.closed, true), .write(.failed), .read(.failed, _), .write(.unresolved), .read(.unresolved, _):
            .connectionClosed(peer: peer, request: "\(api) v\(version)")
        case .protocol(let error):
            .protocol(error)
        }
    }
}
