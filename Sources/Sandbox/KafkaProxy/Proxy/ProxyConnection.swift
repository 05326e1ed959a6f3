import Foundation
import KafkaProtocol
import Sockets
import Synchronization

/// One client connection through the proxy: dials the broker, then forwards requests as they are (after reading
/// their key, version and correlation id) and responses rewritten where the proxy rewrites them, until either side
/// ends or the proxy refuses something, which closes both (kafka-proxy does the same; there is no drain).
///
/// Threads: ``run()`` (the request direction) on the connection's own thread, and one more
/// thread for the response direction. Only ``run()`` closes the sockets, after both directions have stopped;
/// ``interrupt()`` (any thread) shuts them down, which wakes both.
final class ProxyConnection: Sendable {
    static let maxFrameBytes = 100 * 1024 * 1024

    let client: TCPSocket
    let broker: HostPort
    private let server: KafkaProxyServer
    private let upstream = Mutex<TCPSocket?>(nil)
    private let interrupted = Atomic<Bool>(false)
    private let pending = Mutex<[PendingResponse]>([])

    init(client: TCPSocket, broker: HostPort, server: KafkaProxyServer) {
        self.client = client
        self.broker = broker
        self.server = server
    }

    func interrupt() {
        interrupted.store(true, ordering: .releasing)
        client.shutdown()
        upstream.withLock { $0?.shutdown() }
    }

    func run() {
        defer {
            client.close()
            upstream.withLock { $0?.close() }
        }
        guard let broker = dial() else { return }
        let responsesDone = DispatchSemaphore(value: 0)
        let responses = Thread { [self] in
            forwardResponses(from: broker)
            interrupt()
            responsesDone.signal()
        }
        responses.name = "responses \(self.broker)"
        responses.start()
        forwardRequests(to: broker)
        interrupt()
        responsesDone.wait()
    }

    private func dial() -> TCPSocket? {
        let target = server.configuration.dialMappings[broker] ?? broker
        guard let addresses = try? SocketAddress.resolve(host: target.host, port: target.port), !addresses.isEmpty else {
            server.log("dial \(target) for broker \(broker): cannot resolve")
            return nil
        }
        let deadline = ContinuousClock.now + server.configuration.dialTimeout
        for address in addresses {
            guard let socket = try? TCPSocket(for: address) else { continue }
            let registered = upstream.withLock { slot in
                guard !interrupted.load(ordering: .acquiring) else { return false }
                slot = socket
                return true
            }
            guard registered else {
                socket.close()
                return nil
            }
            do {
                try socket.connect(to: address, deadline: deadline)
                return socket
            } catch {
                server.log("dial \(target) for broker \(broker): \(error.detail)")
                upstream.withLock { $0 = nil }
                socket.close()
            }
        }
        return nil
    }

    /// One frame's payload; nil at the end of the stream or for a size no frame has (`minimum`: the header's).
    private func readFrame(_ socket: TCPSocket, minimum: Int) throws(SocketFailure) -> [UInt8]? {
        let prefix = try socket.readExactly(4, deadline: nil)
        guard let size = try? KafkaFrame.payloadSize(prefix: prefix, maxSize: Self.maxFrameBytes), size >= minimum else { return nil }
        return try socket.readExactly(size, deadline: nil)
    }

    private func forwardRequests(to broker: TCPSocket) {
        while !interrupted.load(ordering: .acquiring) {
            guard let payload = try? readFrame(client, minimum: 8) else { return }
            let request: PendingResponse
            let expectsResponse: Bool
            do {
                (request, expectsResponse) = try RequestInspection.classify(payload, forbidden: server.configuration.forbiddenApiKeys)
            } catch {
                server.log("client \(self.broker): \(error); closing the connection")
                return
            }
            server.metrics.request(broker: self.broker, apiKey: request.apiKey, apiVersion: request.apiVersion, bytes: payload.count + 4)
            // Recorded before the write, so the response can never arrive first.
            if expectsResponse { pending.withLock { $0.append(request) } }
            do {
                try broker.writeAll(KafkaFrame.framed(payload), deadline: .now + server.configuration.writeTimeout)
            } catch {
                return
            }
        }
    }

    private func forwardResponses(from broker: TCPSocket) {
        while !interrupted.load(ordering: .acquiring) {
            guard let payload = try? readFrame(broker, minimum: 4) else { return }
            let rewritten: [UInt8]
            do {
                guard let request = pending.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                    throw ProxyRefusal.malformed("a response with no request in flight")
                }
                var header = ByteReader(payload)
                let correlationID = (try? header.readInt32()) ?? -1
                guard correlationID == request.correlationID else {
                    throw ProxyRefusal.correlationMismatch(expected: request.correlationID, got: correlationID)
                }
                rewritten = try AddressRewriting.rewrite(payload, answering: request) { host, port throws(ProxyRefusal) in
                    try server.advertised(forBroker: host, port: port)
                }
            } catch {
                server.log("broker \(self.broker): \(error); closing the connection")
                return
            }
            server.metrics.response(broker: self.broker, bytes: rewritten.count + 4)
            do {
                try client.writeAll(KafkaFrame.framed(rewritten), deadline: .now + server.configuration.writeTimeout)
            } catch {
                return
            }
        }
    }
}
