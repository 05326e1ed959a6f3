import CurlTransport
import Foundation
import ProviderAPI
import Testing

/// Proxy selection is tested with injected environments (never by mutating this process's
/// environment, which other tests share). The test server doubles as the proxy: a request it
/// receives in absolute form (`GET http://proxied.test:9/echo`) can only have been sent to a proxy.
@Suite("CurlTransport: proxies, compression, truncation", .timeLimit(.minutes(1)))
struct CurlTransportProxyAndEncodingTests {
    @Test func httpProxyFromTheEnvironmentIsUsed() async throws {
        try await withServer { server in
            let transport = CurlTransport(environment: ["http_proxy": server.baseURL])
            let echo = try Echo(try await transport.send(HTTPRequest(method: "GET", url: "http://proxied.test:9/echo?x=1")))
            #expect(echo.path == "http://proxied.test:9/echo?x=1")
            #expect(echo.header("Host") == "proxied.test:9")
        }
    }

    @Test func allProxyIsTheFallback() async throws {
        try await withServer { server in
            let transport = CurlTransport(environment: ["ALL_PROXY": server.baseURL])
            let echo = try Echo(try await transport.send(HTTPRequest(method: "GET", url: "http://proxied.test:9/echo")))
            #expect(echo.path == "http://proxied.test:9/echo")
        }
    }

    @Test func noProxyHostsAndUpperCaseHTTPProxyAreDirect() async throws {
        try await withServer { server in
            let direct = ["proxied.test:9:127.0.0.1", "proxied.test:\(server.port):127.0.0.1"]
            // no_proxy names the host: straight to the server, origin-form path.
            let excepted = CurlTransport(
                configuration: .init(resolve: direct),
                environment: ["http_proxy": "http://127.0.0.1:9", "no_proxy": "example.org,.test"]
            )
            let echo = try Echo(try await excepted.send(HTTPRequest(method: "GET", url: "http://proxied.test:\(server.port)/echo")))
            #expect(echo.path == "/echo")
            // HTTP_PROXY (upper case) is ignored for http, as curl does ("httpoxy").
            let upper = CurlTransport(configuration: .init(resolve: direct), environment: ["HTTP_PROXY": server.baseURL])
            let upperEcho = try Echo(try await upper.send(HTTPRequest(method: "GET", url: "http://proxied.test:\(server.port)/echo")))
            #expect(upperEcho.path == "/echo")
        }
    }

    @Test func loopbackIsAlwaysDirect() async throws {
        try await withServer { server in
            // The proxy is a port where nothing listens: any attempt to use it would fail.
            let transport = CurlTransport(environment: ["http_proxy": "http://127.0.0.2:9", "all_proxy": "http://127.0.0.2:9"])
            let echo = try Echo(try await transport.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/echo")))
            #expect(echo.path == "/echo")
            let localhost = try Echo(try await transport.send(HTTPRequest(method: "GET", url: "http://localhost:\(server.port)/echo")))
            #expect(localhost.path == "/echo")
        }
    }

    @Test func explicitProxyAndNoneOverrideTheEnvironment() async throws {
        try await withServer { server in
            let environment = ["http_proxy": "http://127.0.0.2:9"]
            let explicit = CurlTransport(configuration: .init(proxy: .url(server.baseURL)), environment: environment)
            let echo = try Echo(try await explicit.send(HTTPRequest(method: "GET", url: "http://proxied.test:9/echo")))
            #expect(echo.path == "http://proxied.test:9/echo")

            let none = CurlTransport(
                configuration: .init(resolve: ["proxied.test:\(server.port):127.0.0.1"], proxy: .none),
                environment: ["http_proxy": server.baseURL]
            )
            let direct = try Echo(try await none.send(HTTPRequest(method: "GET", url: "http://proxied.test:\(server.port)/echo")))
            #expect(direct.path == "/echo")
        }
    }

    @Test func deflateIsDecodedTransparently() async throws {
        try await withServer { server in
            let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/deflate"))
            #expect(response.header("Content-Encoding") == "deflate")
            #expect(response.body == bytes(String(repeating: "hello gzip ", count: 1000)))
        }
    }

    @Test func theSizeCapAppliesToTheDecodedBody() async throws {
        try await withServer { server in
            // /gzip is about 100 bytes on the wire and 11,000 decoded.
            let tight = CurlTransport(configuration: .init(maxResponseBytes: 5000))
            let error = await transportError { try await tight.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/gzip")) }
            #expect(error == .responseTooLarge(limit: 5000))
            let roomy = CurlTransport(configuration: .init(maxResponseBytes: 11_000))
            let response = try await roomy.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/gzip"))
            #expect(response.body.count == 11_000)
        }
    }

    @Test func aTruncatedBodyIsAConnectionFailure() async throws {
        try await withServer { server throws in
            let error = await transportError { try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)/truncated")) }
            #expect(error?.kind == .connectFailed)
        }
    }
}
