import AzureProvider
import Foundation
import ProviderAPI
import Synchronization

/// TEST DOUBLE: hands out a fixed token and records the scopes asked for.
final class StaticTokenProvider: AccessTokenProvider, Sendable {
    static let token = "test-token-not-a-secret"
    private let scopes = Mutex<[String]>([])

    var requestedScopes: [String] { scopes.withLock { $0 } }

    func token(for scope: String) async throws -> AccessToken {
        scopes.withLock { $0.append(scope) }
        return AccessToken(token: Self.token, expiresAt: Date().addingTimeInterval(3600))
    }
}

/// TEST DOUBLE: has no credentials at all.
struct FailingTokenProvider: AccessTokenProvider {
    func token(for scope: String) async throws -> AccessToken {
        throw ProviderError(.terminal, "no Azure credentials are configured (set AZURE_CLIENT_ID)")
    }
}

/// TEST DOUBLE: a sleep that returns at once and remembers how long it was asked to wait.
final class SleepRecorder: Sendable {
    private let slept = Mutex<[Duration]>([])

    var all: [Duration] { slept.withLock { $0 } }
    var closure: @Sendable (Duration) async throws -> Void { { [self] d in slept.withLock { $0.append(d) } } }
}

/// One provider over a scripted ARM, with everything the tests look at.
struct ARMHarness {
    static let baseURL = "https://arm.test"
    let transport: ScriptedARMTransport
    let tokens = StaticTokenProvider()
    let sleeps = SleepRecorder()
    let configuration: AzureResourceProvider.Configuration

    init(delay: Duration? = nil, configure: (inout AzureResourceProvider.Configuration) -> Void = { _ in }) {
        transport = ScriptedARMTransport(delay: delay)
        var configuration = AzureResourceProvider.Configuration(baseURL: Self.baseURL, defaultPollInterval: .seconds(7))
        configure(&configuration)
        self.configuration = configuration
    }

    var provider: AzureResourceProvider {
        AzureResourceProvider(transport: transport, credentials: tokens, configuration: configuration, sleep: sleeps.closure)
    }

    var client: ARMClient { ARMClient(transport: transport, credentials: tokens, configuration: configuration, sleep: sleeps.closure) }
}
