import CurlTransport
import EtcdStateStore
import FileStateStore
import Foundation
import ProviderAPI

/// Where the reconciler's state lives, chosen in one place: `--state` (and, for etcd, the `--state-*` TLS options
/// and the `RECONCILE_ETCD_USERNAME` / `RECONCILE_ETCD_PASSWORD` environment variables). Like Terraform's backends:
/// - a directory (the default, `state`): local files, the embedded backend;
/// - `etcd://HOST:PORT[,HOST:PORT...][/PREFIX]` (plain HTTP) or `etcd+https://...` (TLS): etcd v3 through its JSON
///   gateway, shared by every runner and `serve` replica that names the same endpoints and prefix (default prefix
///   `/kafka-private-link-reconciler`).
public enum StateBackend: Sendable, Hashable, CustomStringConvertible {
    case directory(String)
    case etcd(endpoints: [String], prefix: String)

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    static let defaultPrefix = "/kafka-private-link-reconciler"

    /// Parses `--state`'s value.
    public static func parse(_ text: String) throws(Invalid) -> StateBackend {
        let scheme: String
        if text.hasPrefix("etcd://") { scheme = "http" } else if text.hasPrefix("etcd+https://") { scheme = "https" } else {
            if text.contains("://") {
                throw Invalid(description: "--state \(text): unknown backend (a directory, etcd://HOST:PORT[,HOST:PORT...][/PREFIX] or etcd+https://...)")
            }
            return .directory(text)
        }
        let rest = text.drop { $0 != "/" }.dropFirst(2)
        let hosts = rest.prefix { $0 != "/" }
        let path = String(rest.dropFirst(hosts.count))
        let endpoints = hosts.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !endpoints.isEmpty, endpoints.allSatisfy(Self.isHostPort) else {
            throw Invalid(description: "--state \(text): endpoints must be HOST:PORT, separated by commas")
        }
        var prefix = path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return .etcd(endpoints: endpoints.map { "\(scheme)://\($0)" }, prefix: prefix.isEmpty ? defaultPrefix : prefix)
    }

    static func isHostPort(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex, let port = Int(text[text.index(after: colon)...]) else { return false }
        return (1...65535).contains(port) && !text.contains("@") && !text.contains("?")
    }

    public var description: String {
        switch self {
        case .directory(let path): path
        case .etcd(let endpoints, let prefix): "etcd \(endpoints.joined(separator: ",")) prefix \(prefix)"
        }
    }

    public var isShared: Bool { if case .etcd = self { true } else { false } }
}

extension StateOption {
    /// The backend `--state` names (exit 64 on a malformed value, through `validate`).
    public var backend: StateBackend {
        get throws { try StateBackend.parse(state) }
    }

    /// The store for this backend. Credentials for etcd come from the environment, never from the command line.
    func makeStore(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any StateStore {
        try makeStore(for: try backend, environment: environment)
    }

    /// The store for `backend` with this group's TLS files and lease TTL (`state migrate`'s destination).
    func makeStore(for backend: StateBackend, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any StateStore {
        switch backend {
        case .directory(let path):
            return FileStateStore(directory: URL(fileURLWithPath: path))
        case .etcd(let endpoints, let prefix):
            let transport = CurlTransport(configuration: .init(
                connectTimeout: 3, maxConnections: 4, caInfo: stateCA, clientCertificate: stateCert, clientKey: stateKey, proxy: .none))
            let username = environment["RECONCILE_ETCD_USERNAME"].flatMap { $0.isEmpty ? nil : $0 }
            let client = EtcdClient(
                configuration: .init(endpoints: endpoints, username: username, password: environment["RECONCILE_ETCD_PASSWORD"]), transport: transport)
            return EtcdStateStore(client: client, prefix: prefix, leaseTTL: .seconds(Int64(stateLeaseTTL)))
        }
    }
}
