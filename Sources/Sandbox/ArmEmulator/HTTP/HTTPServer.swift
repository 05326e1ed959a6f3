import Dispatch
import Hummingbird
import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A socket error with the failing call's description.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// The emulator's HTTP/1.1 server: Hummingbird with one catch-all responder that turns every request into the
/// emulator's own ``HTTPRequest``, calls the handler, and writes its ``HTTPResponse`` back or drops the connection.
/// Keep-alive, pipelined requests and `Connection: close` are Hummingbird's; bodies are collected up to
/// ``maxBodyBytes`` (413 beyond), headers up to ``maxHeaderBytes``.
///
/// ``start(host:port:handler:)`` returns once the listener is bound (port 0: an ephemeral one, see ``port``).
/// ``stop()`` closes the listener and ends every connection (an answer in progress is finished first).
package final class HTTPServer: Sendable {
    static let maxHeaderBytes = 64 * 1024
    static let maxBodyBytes = 32 * 1024 * 1024
    /// How long ``stop()`` lets busy connections finish their answers before it closes them.
    static let stopGraceSeconds = 2

    package typealias Handler = @Sendable (HTTPRequest) -> HTTPOutcome

    /// The bound port.
    package let port: Int
    private let listener: any Channel
    private let connections: Connections
    private let finished: DispatchSemaphore

    private init(listener: any Channel, connections: Connections, finished: DispatchSemaphore) {
        self.listener = listener
        self.connections = connections
        self.finished = finished
        port = listener.localAddress?.port ?? 0
    }

    /// Binds `host:port` and serves `handler` until ``stop()``; returns once listening, throws if it cannot bind.
    package static func start(host: String, port: Int, handler: @escaping Handler) throws(SocketError) -> HTTPServer {
        // Hummingbird was chosen so that the coming Compute emulator and the `reconcile serve` service API share
        // one HTTP server library with this emulator.
        var logger = Logger(label: "arm-emulator.http") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning  // its info lines ("Server started and listening on …") are not the emulator's output
        let connections = Connections()
        let outcome = Mutex<Result<any Channel, any Error>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let application = Application(
            responder: Responder(handler: handler),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [Connections.Tracker(connections)],
                    httpDecoderConfiguration: .init(maxHeaderFieldSize: maxHeaderBytes, maxHeaderListSize: maxHeaderBytes))),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { listener in
                outcome.withLock { $0 = $0 ?? .success(listener) }
                ready.signal()
            },
            logger: logger)
        // On threads of its own (see ServerThreads). `run`, not `runService`: no signal handlers, arm-emulator's
        // main waits for the signals itself. It returns (throwing that its server finished) after ``stop()``.
        Task(executorPreference: ServerThreads.shared) {
            do {
                try await application.run()
            } catch {
                outcome.withLock { $0 = $0 ?? .failure(error) }
            }
            ready.signal()
            finished.signal()
        }
        ready.wait()
        switch outcome.withLock({ $0 }) {
        case .success(let listener):
            return HTTPServer(listener: listener, connections: connections, finished: finished)
        case .failure(let error):
            throw SocketError(description: "cannot listen on \(host):\(port): \(error)")
        case nil:
            throw SocketError(description: "cannot listen on \(host):\(port): the server stopped before it listened")
        }
    }

    /// Closes the listener (the port is free on return) and ends every connection: an idle one at once, a busy one
    /// once it has answered, or after ``stopGraceSeconds`` (a request still arriving, a long injected latency)
    /// at once all the same, as the hand-written server did with every connection. Call it once.
    ///
    /// This is Hummingbird's graceful shutdown done from here: its own (through the service group) would start an
    /// unstructured task on the cooperative pool, which a synchronous caller may be holding, and cancelling the
    /// application's task instead logs the cancellation as an error.
    package func stop() {
        listener.close(promise: nil)
        try? listener.closeFuture.wait()
        connections.end(force: false)
        if finished.wait(timeout: .now() + .seconds(Self.stopGraceSeconds)) == .timedOut {
            connections.end(force: true)
            _ = finished.wait(timeout: .now() + .seconds(Self.stopGraceSeconds))
        }
    }
}

/// The server's open connections, so that ``HTTPServer/stop()`` can end them.
private final class Connections: Sendable {
    private let state = Mutex<(open: [ObjectIdentifier: any Channel], ending: Bool)>(([:], false))

    /// Ends every connection, and every one that comes later: `force` closes them, otherwise each gets the event a
    /// graceful shutdown sends (Hummingbird closes an idle connection at once, a busy one after its answer).
    func end(force: Bool) {
        let open = state.withLock { state in
            state.ending = true
            return state.open.values
        }
        for channel in open {
            if force { channel.close(promise: nil) } else { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        }
    }

    /// Registers its connection with the server's ``Connections`` for as long as it is active.
    final class Tracker: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Any  // passes everything on untouched
        private let connections: Connections

        init(_ connections: Connections) { self.connections = connections }

        func channelActive(context: ChannelHandlerContext) {
            let channel = context.channel
            let ending = connections.state.withLock { state in
                if !state.ending { state.open[ObjectIdentifier(channel)] = channel }
                return state.ending
            }
            context.fireChannelActive()
            if ending { context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            let id = ObjectIdentifier(context.channel)
            connections.state.withLock { _ = $0.open.removeValue(forKey: id) }
            context.fireChannelInactive()
        }
    }
}

/// The catch-all responder: Hummingbird request -> ``HTTPRequest`` -> handler -> ``HTTPResponse`` -> Hummingbird response.
private struct Responder: HTTPResponder {
    /// The request context, with the connection so that a ``HTTPOutcome/drop`` can reset it.
    struct Context: RequestContext {
        var coreContext: CoreRequestContextStorage
        let channel: any Channel

        init(source: ApplicationRequestContextSource) {
            coreContext = CoreRequestContextStorage(source: source)
            channel = source.channel
        }
    }

    /// Thrown after a drop: there is no response to write.
    struct Dropped: Error {}

    let handler: HTTPServer.Handler

    func respond(to request: Request, context: Context) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: HTTPServer.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            let error: JSON = ["error": ["code": "RequestEntityTooLarge", "message": "The request body is too large."]]
            return Self.response(HTTPResponse.json(413, error), headOnly: false, close: false)
        }
        var headers: [String: String] = [:]
        // HTTP/1.1's Host arrives as the authority pseudo-header; the emulator reads it as `host`.
        if let authority = request.head.authority { headers["host"] = authority }
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let converted = HTTPRequest(
            method: request.method.rawValue, target: request.head.path ?? "/", headers: headers, body: Array(buffer: body))
        switch handler(converted) {
        case .drop:
            await Self.reset(context.channel)
            throw Dropped()
        case .respond(let response):
            // Hummingbird closes the connection after this response exactly when the request said `close`.
            return Self.response(response, headOnly: request.method == .head, close: headers["connection"] == "close")
        }
    }

    /// HEAD answers carry the `Content-Length` of the body they leave out; 204 and 304 carry no body.
    private static func response(_ response: HTTPResponse, headOnly: Bool, close: Bool) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            guard let name = HTTPFields.Element.Name(name) else { continue }
            fields.append(HTTPFields.Element(name: name, value: value))
        }
        if close { fields[.connection] = "close" }
        let bytes = response.status == 204 || response.status == 304 ? [] : response.body
        let converted = Response(status: .init(code: response.status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        return headOnly ? converted.createHeadResponse() : converted
    }

    /// Closes at once with a TCP reset (SO_LINGER 0): the client sees the connection dropped, no response.
    private static func reset(_ channel: any Channel) async {
        if let socket = channel as? any SocketOptionProvider {
            try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}
