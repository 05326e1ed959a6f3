import DesiredState
import Foundation
import Manifests
import ReconcileModel
import Testing
import TestSupport

extension Repo {
    /// The seed runbook text; fails the test loudly (never skips) when `../shared` is missing.
    static func seed(_ prefix: String) throws -> String {
        let dir = shared.appendingPathComponent("seeds")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        guard let name = names.first(where: { $0.hasPrefix(prefix) }) else {
            Issue.record("seed \(prefix)* not found in \(dir.path): the golden tests need ../shared beside the repository")
            throw CancellationError()
        }
        return try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }
}

/// Loads an example and compiles it, failing on any diagnostic.
func compileExample(_ name: String) throws -> (ManifestSet, DesiredState) {
    let load = ManifestLoader.load(directory: Repo.example(name))
    #expect(load.diagnostics.isEmpty, "\(load.diagnostics.map(\.description))")
    try #require(!load.diagnostics.hasErrors)
    let state = DesiredStateCompiler.compile(load.manifests)
    #expect(state.diagnostics.isEmpty, "\(state.diagnostics.map(\.description))")
    return (load.manifests, state)
}

/// Extracts the three `server.properties` blocks of a seed: every `key=value` token of the nine runbook keys,
/// grouped at each `process.roles`.
func seedBrokerConfigs(_ text: String) -> [[String: String]] {
    let keys: Set<String> = [
        "process.roles", "node.id", "controller.quorum.voters", "listeners", "inter.broker.listener.name",
        "advertised.listeners", "controller.listener.names", "listener.security.protocol.map", "log.dirs",
    ]
    var groups: [[String: String]] = []
    for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        guard let eq = token.firstIndex(of: "=") else { continue }
        let key = String(token[..<eq]), value = String(token[token.index(after: eq)...])
        guard keys.contains(key), !value.isEmpty, !value.hasPrefix("...") else { continue }
        if key == "process.roles" { groups.append([:]) }
        if !groups.isEmpty, groups[groups.count - 1][key] == nil { groups[groups.count - 1][key] = value }
    }
    return groups.filter { $0.count == keys.count }
}
