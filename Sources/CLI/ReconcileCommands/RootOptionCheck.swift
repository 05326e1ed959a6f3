import ArgumentParser

/// Refuses, in a subcommand, the root's options that do not apply to it.
///
/// swift-argument-parser lets the root command take its options anywhere on the command line, so
/// `reconcile validate --state DIR` would otherwise parse, and `--state` would be silently ignored. Each
/// subcommand calls ``refuse(_:in:taking:)`` from its `validate()` with the shared option groups it declares;
/// any other root option that was given is a usage error (exit 64) naming the option and the command.
enum RootOptionCheck {
    /// The option groups the root shares with subcommands (`SharedOptions.swift`).
    enum Shared: CaseIterable {
        case manifests, state, output, resolve
    }

    /// Throws a `ValidationError` when `root` was given an option that `command` does not take.
    ///
    /// - Parameters:
    ///   - command: the subcommand as typed after `reconcile`, for the message (`validate`, `state show`).
    ///   - taking: the shared groups the subcommand declares; every pass option is refused but those `allowed`.
    static func refuse(_ root: ReconcileCommand, in command: String, taking: Set<Shared>, allowingPassOptions allowed: Set<String> = []) throws {
        let refused = given(root).filter { option in option.group.map { !taking.contains($0) } ?? !allowed.contains(option.name) }.map(\.name)
        guard !refused.isEmpty else { return }
        let list = refused.map { "`\($0)`" }.joined(separator: ", ")
        throw ValidationError("\(list) \(refused.count == 1 ? "does" : "do") not apply to `reconcile \(command)`")
    }

    /// The root options given, each with its shared group (nil for the pass's own options).
    private static func given(_ root: ReconcileCommand) -> [(name: String, group: Shared?)] {
        var given: [(name: String, group: Shared?)] = []
        if root.manifests.given != nil { given.append(("--manifests", .manifests)) }
        if root.stateDirectory.given != nil { given.append(("--state", .state)) }
        if root.output.given != nil { given.append(("--output", .output)) }
        if !root.resolve.resolve.isEmpty { given.append(("--resolve", .resolve)) }
        return given + root.pass.given.map { ($0, nil) }
    }
}
