import ChildProcesses
public import Foundation
public import ProviderAPI

/// The Azure CLI's logged-in account: runs
/// `az account get-access-token --resource <scope without /.default> --output json` and reads
/// `accessToken` and `expires_on` (epoch seconds, newer CLIs) or `expiresOn` (local time,
/// `yyyy-MM-dd HH:mm:ss.ffffff`, older ones).
///
/// Contract: `az` is looked up on the `PATH` of the given environment and run directly (no shell)
/// with that environment; `az` missing, or `az` saying "run az login", is
/// ``AzureCredentialError/Kind/unavailable``; another non-zero exit, unparseable output or
/// running past `timeout` (the child is then killed) is ``AzureCredentialError/Kind/failed``.
/// The token never appears in errors.
public struct AzureCliCredential: AzureCredential {
    public var name: String { "AzureCliCredential" }
    private let environment: [String: String]
    private let timeout: Duration
    private let timeZone: TimeZone

    /// - Parameters:
    ///   - environment: where `PATH` is read from, and the child's whole environment.
    ///   - timeZone: how `expiresOn` (local time without a zone) is read.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Duration = .seconds(10),
        timeZone: TimeZone = .current
    ) {
        self.environment = environment
        self.timeout = timeout
        self.timeZone = timeZone
    }

    public func token(for scope: String) async throws -> AccessToken {
        let resource = scope.scopeResource
        guard !resource.hasPrefix("-"), resource.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_/:".contains($0)) }) else {
            throw AzureCredentialError.failed(name, "scope \(scope.debugDescription) contains characters not allowed in a resource")
        }
        guard let az = ChildProcess.find("az", environment: environment) else {
            throw AzureCredentialError.unavailable(name, "the Azure CLI (az) is not on PATH")
        }
        let output: ChildProcess.Output
        do {
            output = try await ChildProcess(
                executable: az, arguments: ["account", "get-access-token", "--resource", resource, "--output", "json"],
                environment: environment, timeout: timeout, maxStdout: 1 << 20, gracePeriod: .seconds(1)
            ).run()
        } catch .cancelled {
            throw CancellationError()
        } catch .timedOut {
            throw AzureCredentialError.failed(name, "az did not answer within \(timeout); it was stopped")
        } catch .outputTooLarge {
            throw AzureCredentialError.failed(name, "az printed more than 1 MiB")
        } catch .launchFailed(let reason) {
            throw AzureCredentialError.unavailable(name, reason)
        }
        guard output.exitCode == 0, !output.signalled else {
            let message = Self.firstLine(of: Data(output.stderr))
            if message.contains("az login") || message.contains("az account set") {
                throw AzureCredentialError.unavailable(name, "not logged in to the Azure CLI (\(message))")
            }
            throw AzureCredentialError.failed(name, "az exited with status \(output.exitCode)\(message.isEmpty ? "" : ": \(message)")")
        }
        guard let token = parse(Data(output.stdout)) else {
            throw AzureCredentialError.failed(name, "az printed no accessToken with expires_on or expiresOn")
        }
        return token
    }

    private struct Answer: Decodable {
        var accessToken: String?
        var expiresOn: String?
        var expiresOnEpoch: Double?

        enum CodingKeys: String, CodingKey {
            case accessToken, expiresOn
            case expiresOnEpoch = "expires_on"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            accessToken = try? c.decodeIfPresent(String.self, forKey: .accessToken)
            expiresOn = try? c.decodeIfPresent(String.self, forKey: .expiresOn)
            expiresOnEpoch = (try? c.decodeIfPresent(Double.self, forKey: .expiresOnEpoch))
                ?? (try? c.decodeIfPresent(String.self, forKey: .expiresOnEpoch)).flatMap { $0.flatMap(Double.init) }
        }
    }

    /// The token in `az`'s JSON output, or nil.
    func parse(_ json: Data) -> AccessToken? {
        guard let answer = try? JSONDecoder().decode(Answer.self, from: json),
            let token = answer.accessToken, !token.isEmpty
        else { return nil }
        if let epoch = answer.expiresOnEpoch, epoch > 0 {
            return AccessToken(token: token, expiresAt: Date(timeIntervalSince1970: epoch))
        }
        guard let text = answer.expiresOn else { return nil }
        for format in ["yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = timeZone
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return AccessToken(token: token, expiresAt: date) }
        }
        return nil
    }

    /// The first non-empty stderr line, without az's `ERROR: ` prefix, at most 300 characters.
    private static func firstLine(of data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? ""
        let stripped = line.hasPrefix("ERROR: ") ? String(line.dropFirst("ERROR: ".count)) : line
        return stripped.count > 300 ? String(stripped.prefix(300)) + "…" : stripped
    }
}
