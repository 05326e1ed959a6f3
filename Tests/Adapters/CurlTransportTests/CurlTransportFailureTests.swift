import CurlTransport
import Foundation
import ProviderAPI
import Testing
import TestSupport

@Suite("CurlTransport: failures, cancellation and TLS", .timeLimit(.minutes(1)))
struct CurlTransportFailureTests {
    @Test func requestTimeoutIsReportedAsTimedOut() async throws {
        try await withServer { server in
            let error = await transportError {
                try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/slow", timeout: 0.5))
            }
            #expect(error?.kind == .timedOut)
        }
    }

    @Test func cancellingTheTaskCancelsTheTransfer() async throws {
        try await withServer { server in
            let transport = CurlTransport()
            let url = "\(server.baseURL)/slow"
            let task = Task { try await transport.send(HTTPRequest(method: "GET", url: url, timeout: 30)) }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let error = await transportError { try await task.value }
            #expect(error == .cancelled)
        }
    }

    @Test func alreadyCancelledTaskDoesNotSend() async throws {
        try await withServer { server in
            let transport = CurlTransport()
            let url = "\(server.baseURL)/echo"
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await transport.send(HTTPRequest(method: "GET", url: url))
            }
            let error = await transportError { try await task.value }
            #expect(error == .cancelled)
        }
    }

    @Test func cancellingWhileWaitingForAConnectionSlot() async throws {
        try await withServer { server in
            let transport = CurlTransport(configuration: .init(maxConnections: 1))
            let url = "\(server.baseURL)/slow"
            let busy = Task { try await transport.send(HTTPRequest(method: "GET", url: url, timeout: 30)) }
            try await Task.sleep(for: .milliseconds(200))
            let waiting = Task { try await transport.send(HTTPRequest(method: "GET", url: url, timeout: 30)) }
            try await Task.sleep(for: .milliseconds(200))
            waiting.cancel()
            let waitingError = await transportError { try await waiting.value }
            #expect(waitingError == .cancelled)
            busy.cancel()
            let busyError = await transportError { try await busy.value }
            #expect(busyError == .cancelled)
        }
    }

    @Test func closedPortIsConnectFailedWithoutLeakingSecrets() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let port = closed.port
        let error = await transportError {
            try await CurlTransport().send(
                HTTPRequest(
                    method: "POST",
                    url: "http://127.0.0.1:\(port)/echo",
                    headers: [("Authorization", "Bearer SECRET-TOKEN")],
                    body: bytes("SECRET-BODY")
                )
            )
        }
        #expect(error?.kind == .connectFailed)
        let text = error.map(String.init(describing:)) ?? ""
        #expect(!text.contains("SECRET"))
    }

    @Test func droppedConnectionIsAnError() async throws {
        try await withServer { server in
            let error = await transportError {
                try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/drop"))
            }
            // A connection lost before any response is a connection failure (retryable when idempotent).
            #expect(error?.kind == .connectFailed)
            #expect(error.map(String.init(describing:))?.contains("Empty reply from server") == true)
            // The transport stays usable afterwards.
            let transport = CurlTransport()
            _ = await transportError { try await transport.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/drop")) }
            let response = try await transport.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/echo"))
            #expect(response.status == 200)
        }
    }

    @Test func headerValuesWithLineBreaksAreRejectedWithoutEchoingThem() async throws {
        let error = await transportError {
            try await CurlTransport().send(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:9/", headers: [("Authorization", "Bearer SECRET\r\nX-Evil: 1")])
            )
        }
        #expect(error?.kind == .other)
        #expect(!(error.map(String.init(describing:)) ?? "").contains("SECRET"))
    }

    @Test("only http and https are allowed", arguments: ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1/"])
    func otherProtocolsAreRefused(url: String) async throws {
        let error = await transportError { try await CurlTransport().send(HTTPRequest(method: "GET", url: url)) }
        #expect(error?.kind == .other)
    }

    @Test func tlsWithPrivateCAVerifiesPeerAndHost() async throws {
        let certificates = try TestCertificates.generate()
        defer { certificates.remove() }
        try await withServer(tls: certificates) { server in
            let port = server.port
            let url = "https://secure.test:\(port)/echo"

            let trusted = CurlTransport(
                configuration: .init(caInfo: certificates.caCertificate, resolve: ["secure.test:\(port):127.0.0.1"])
            )
            let response = try await trusted.send(HTTPRequest(method: "GET", url: url))
            #expect(response.status == 200)
            #expect(try Echo(response).method == "GET")

            // Unknown CA: peer verification fails.
            let untrusted = CurlTransport(configuration: .init(resolve: ["secure.test:\(port):127.0.0.1"]))
            #expect(await transportError { try await untrusted.send(HTTPRequest(method: "GET", url: url)) }?.kind == .other)

            // Trusted CA but the certificate does not name this host: host verification fails.
            let wrongHost = CurlTransport(
                configuration: .init(caInfo: certificates.caCertificate, resolve: ["wrong.test:\(port):127.0.0.1"])
            )
            let error = await transportError {
                try await wrongHost.send(HTTPRequest(method: "GET", url: "https://wrong.test:\(port)/echo"))
            }
            #expect(error?.kind == .other)
        }
    }
}
