@testable import CurlTransport
import Foundation
import ProviderAPI
import Testing

@Suite("CurlTransport: requests and responses", .timeLimit(.minutes(1)))
struct CurlTransportTests {
    @Test("round trip with body and headers", arguments: ["GET", "PUT", "POST", "DELETE", "PATCH"])
    func roundTrip(method: String) async throws {
        try await withServer { server in
            let transport = CurlTransport()
            let payload = method == "GET" ? nil : bytes(#"{"method":"\#(method)","ünïcode":true}"#)
            let request = HTTPRequest(
                method: method,
                url: "\(server.baseURL)/echo/path?api-version=2024-01-01",
                headers: [("X-Test", "one"), ("Content-Type", "application/json"), ("X-Empty", "")],
                body: payload
            )
            let response = try await transport.send(request)
            #expect(response.status == 200)
            let echo = try Echo(response)
            #expect(echo.method == method)
            #expect(echo.path == "/echo/path?api-version=2024-01-01")
            #expect(echo.header("x-test") == "one")
            #expect(echo.header("X-Empty") == "")
            #expect(echo.header("Expect") == nil)
            #expect(echo.header("User-Agent") == "kafka-private-link-reconciler")
            #expect(echo.header("Accept-Encoding")?.contains("gzip") == true)
            if let payload {
                #expect(Array(echo.body.unicodeScalars.map { UInt8($0.value) }) == payload)
                #expect(echo.header("Content-Length") == String(payload.count))
                #expect(echo.header("Content-Type") == "application/json")
            } else {
                #expect(echo.body.isEmpty)
            }
        }
    }

    @Test func writeWithoutBodySendsEmptyBodyAndNoFormContentType() async throws {
        try await withServer { server in
            let response = try await CurlTransport().send(HTTPRequest(method: "PUT", url: "\(server.baseURL)/echo"))
            let echo = try Echo(response)
            #expect(echo.method == "PUT")
            #expect(echo.header("Content-Length") == "0")
            #expect(echo.header("Content-Type") == nil)
            #expect(echo.body.isEmpty)
        }
    }

    @Test func headReturnsHeadersOnly() async throws {
        try await withServer { server in
            let response = try await CurlTransport().send(HTTPRequest(method: "HEAD", url: "\(server.baseURL)/echo"))
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(response.header("content-type") == "application/json")
        }
    }

    @Test func headersKeepOrderAndLookUpCaseInsensitively() async throws {
        try await withServer { server in
            let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/headers"))
            let custom = response.headers.filter { $0.0.lowercased().hasPrefix("x-") }
            #expect(custom.map(\.0) == ["X-Zeta", "x-alpha", "X-Zeta", "X-Spaced"])
            #expect(custom.map(\.1) == ["1", "2", "3", "padded value"])
            #expect(response.header("X-ALPHA") == "2")
            #expect(response.header("x-zeta") == "1")
            #expect(response.header("content-length") == "0")
            #expect(!response.headers.contains { $0.0.hasPrefix("HTTP/") || $0.0.isEmpty })
        }
    }

    @Test func informationalResponseHeadersAreDropped() async throws {
        try await withServer { server in
            let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/early-hints"))
            #expect(response.status == 200)
            #expect(response.body == bytes("final"))
            #expect(response.header("X-Final") == "yes")
            #expect(response.header("Link") == nil)
        }
    }

    @Test("status and Retry-After are reported, redirects not followed", arguments: [429, 503, 302])
    func statusCodes(status: Int) async throws {
        try await withServer { server in
            let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/status/\(status)"))
            #expect(response.status == status)
            #expect(response.header("retry-after") == "7")
            #expect(response.body == bytes("status \(status)"))
        }
    }

    @Test func gzipIsDecodedTransparently() async throws {
        try await withServer { server in
            let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/gzip"))
            #expect(response.status == 200)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(response.body == bytes(String(repeating: "hello gzip ", count: 1000)))
        }
    }

    @Test func bodiesUnderTheLimitAreReturnedWhole() async throws {
        try await withServer { server in
            let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/big"))
            #expect(response.body.count == 2 * 1024 * 1024)
            #expect(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
        }
    }

    @Test("response cap is enforced", arguments: ["/big", "/bigstream", "/gzipbomb"])
    func responseCap(path: String) async throws {
        try await withServer { server in
            let transport = CurlTransport(configuration: .init(maxResponseBytes: 1024 * 1024))
            let error = await transportError {
                try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + path))
            }
            #expect(error == .responseTooLarge(limit: 1024 * 1024))
        }
    }

    @Test func resolveOverridesDNS() async throws {
        try await withServer { server in
            let transport = CurlTransport(configuration: .init(resolve: ["api.example.test:\(server.port):127.0.0.1"]))
            let response = try await transport.send(HTTPRequest(method: "GET", url: "http://api.example.test:\(server.port)/echo"))
            #expect(try Echo(response).header("Host") == "api.example.test:\(server.port)")
        }
    }

    @Test func sequentialRequestsReuseTheConnection() async throws {
        try await withServer { server in
            let transport = CurlTransport()
            var ports: [Int] = []
            for _ in 0..<5 {
                ports.append(try Echo(try await transport.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/echo"))).clientPort)
            }
            #expect(Set(ports).count == 1, "client ports: \(ports)")
        }
    }

    @Test("The transfer thread ends when idle and starts again with the next request, which reuses the connection")
    func transferThreadEndsWhenIdle() async throws {
        try await withServer { server in
            let transport = CurlTransport(configuration: .init(), environment: nil, idleSeconds: 0.2)
            let first = try Echo(try await transport.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/echo")))
            var waited = 0
            while transport.driver?.isRunning == true, waited < 50 {
                try await Task.sleep(for: .milliseconds(100))
                waited += 1
            }
            #expect(transport.driver?.isRunning == false)
            let second = try Echo(try await transport.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/echo")))
            #expect(second.clientPort == first.clientPort)
        }
    }

    @Test("A released transport's thread ends at once, not after its idle time, and its connections with it")
    func releasedTransportEndsItsThread() async throws {
        try await withServer { server in
            var transport: CurlTransport? = CurlTransport()
            _ = try await transport?.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/echo"))
            let driver = try #require(transport?.driver)
            transport = nil
            var waited = 0
            while driver.isRunning, waited < 30 {
                try await Task.sleep(for: .milliseconds(100))
                waited += 1
            }
            #expect(!driver.isRunning, "still running 3 s after its transport was released (idle time: 10 s)")
        }
    }

    @Test func fiftyConcurrentRequestsSucceed() async throws {
        try await withServer { server in
            let transport = CurlTransport()
            let base = server.baseURL
            let echoes = try await withThrowingTaskGroup(of: Echo.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let request = HTTPRequest(method: "POST", url: "\(base)/echo/\(index)", body: bytes("request \(index)"))
                        return try Echo(try await transport.send(request))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(echoes.count == 50)
            #expect(Set(echoes.map(\.path)).count == 50)
            #expect(echoes.allSatisfy { $0.body == "request \($0.path.split(separator: "/").last!)" })
            // At most maxConnections (8) transfers run at once, each on a pooled, kept-alive handle.
            #expect(Set(echoes.map(\.clientPort)).count <= 8)
        }
    }
}
