import AzureAuth
import Foundation
import ProviderAPI
import Testing

/// The real Azure CLI is not installable in this environment, so these tests put a stand-in `az`
/// shell script on a temporary PATH: they check our side of the process boundary (the argument
/// vector, environment, exit status and stderr handling, the JSON we parse, the timeout), not the
/// CLI itself.
@Suite("Azure CLI credential (stand-in az on a temporary PATH)", .timeLimit(.minutes(1)))
struct AzureCliCredentialTests {
    /// A directory holding an executable `az` with `script` as its body; it writes its arguments,
    /// one per line, to `args.txt` next to itself.
    private func standIn(_ script: String) throws -> URL {
        let directory = try temporaryDirectory()
        let az = directory.appendingPathComponent("az")
        let source = directory.appendingPathComponent("az.source")
        try """
            #!/bin/sh
            printf '%s\\n' "$@" > "\(directory.path)/args.txt"
            \(script)
            """.write(to: source, atomically: true, encoding: .utf8)
        // The executable is written by a `cp` child, never opened for writing in this process: a child that another
        // parallel test forks meanwhile would inherit such a descriptor and keep the file "busy" (ETXTBSY) for its
        // whole life, so running it would fail.
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = [source.path, az.path]
        try copy.run()
        copy.waitUntilExit()
        try #require(copy.terminationStatus == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: az.path)
        return directory
    }

    /// Generous, because a loaded test machine (many parallel tests spawning processes) can be slow.
    private let timeout = Duration.seconds(60)

    private func environment(_ directory: URL) -> [String: String] {
        ["PATH": "\(directory.path):/usr/bin:/bin", "HOME": directory.path]
    }

    @Test func runsAzAndReadsEpochExpiry() async throws {
        let directory = try standIn("""
            cat <<'JSON'
            {"accessToken": "cli-token", "expiresOn": "2023-11-14 23:13:20.000000", "expires_on": 1700003600,
             "subscription": "sub", "tenant": "ten", "tokenType": "Bearer"}
            JSON
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let credential = AzureCliCredential(environment: environment(directory), timeout: timeout)
        let token = try await credential.token(for: "https://management.azure.com/.default")
        #expect(token == AccessToken(token: "cli-token", expiresAt: Date(timeIntervalSince1970: 1_700_003_600)))
        let arguments = try String(contentsOf: directory.appendingPathComponent("args.txt"), encoding: .utf8)
        #expect(arguments == "account\nget-access-token\n--resource\nhttps://management.azure.com\n--output\njson\n")
    }

    @Test func olderCLIsLocalExpiresOn() async throws {
        let directory = try standIn(#"echo '{"accessToken": "old-cli", "expiresOn": "2023-11-15 00:13:20.123456", "tokenType": "Bearer"}'"#)
        defer { try? FileManager.default.removeItem(at: directory) }
        let utcPlusOne = try #require(TimeZone(secondsFromGMT: 3600))
        let credential = AzureCliCredential(environment: environment(directory), timeout: timeout, timeZone: utcPlusOne)
        let token = try await credential.token(for: "https://management.azure.com/.default")
        #expect(abs(token.expiresAt.timeIntervalSince1970 - 1_700_003_600.123) < 0.01)
    }

    @Test func missingAzIsUnavailable() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = await caught { try await AzureCliCredential(environment: ["PATH": directory.path]).token(for: "scope") }
        #expect(error as? AzureCredentialError == .unavailable("AzureCliCredential", "the Azure CLI (az) is not on PATH"))
    }

    @Test func notLoggedInIsUnavailable() async throws {
        let directory = try standIn("echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1")
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = await caught { try await AzureCliCredential(environment: environment(directory), timeout: timeout).token(for: "scope") }
        let credentialError = try #require(error as? AzureCredentialError)
        #expect(credentialError.kind == .unavailable)
        #expect(credentialError.reason == "not logged in to the Azure CLI (Please run 'az login' to setup account.)")
    }

    @Test func otherErrorsAndBadOutputAreFailures() async throws {
        let failing = try standIn("echo 'ERROR: AADSTS50173: The provided grant has expired.' >&2; exit 2")
        let garbled = try standIn("echo 'not json'")
        defer {
            try? FileManager.default.removeItem(at: failing)
            try? FileManager.default.removeItem(at: garbled)
        }
        let first = await caught { try await AzureCliCredential(environment: environment(failing), timeout: timeout).token(for: "scope") }
        #expect(first as? AzureCredentialError == .failed("AzureCliCredential", "az exited with status 2: AADSTS50173: The provided grant has expired."))
        let second = await caught { try await AzureCliCredential(environment: environment(garbled), timeout: timeout).token(for: "scope") }
        #expect((second as? AzureCredentialError)?.kind == .failed)
    }

    @Test func aHangingAzIsStoppedAtTheTimeout() async throws {
        let directory = try standIn("exec sleep 30")
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = ContinuousClock.now
        let credential = AzureCliCredential(environment: environment(directory), timeout: .milliseconds(500))
        let error = await caught { try await credential.token(for: "scope") }
        #expect((error as? AzureCredentialError)?.kind == .failed)
        #expect((error as? AzureCredentialError)?.reason.contains("did not answer") == true)
        // Far less than the stand-in's 30 s (the child inherits the test runner's blocked SIGTERM,
        // so it is the SIGKILL one second later that ends it; generous for a loaded machine).
        #expect(ContinuousClock.now - started < .seconds(25))
    }

    @Test func optionLikeScopesAreRefused() async throws {
        let directory = try standIn("exit 0")
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = await caught { try await AzureCliCredential(environment: environment(directory), timeout: timeout).token(for: "--debug") }
        #expect((error as? AzureCredentialError)?.kind == .failed)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("args.txt").path))
    }
}
