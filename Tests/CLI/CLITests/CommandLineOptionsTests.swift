import ArgumentParser
import Foundation
import ReconcileCommands
import Testing
import TestSupport

/// The README's CLI reference is the contract: every option it documents for a command must reach that command
/// (swift-argument-parser hands an option that two levels declare to the root, which once turned
/// `verify --output json` into text) and show in that command's `--help`; the root pass's options that do not
/// apply to a subcommand are refused there rather than silently ignored.
@Suite("Command-line options reach the command they are documented for")
struct CommandLineOptionsTests {
    /// One command line of the README's CLI reference: the command path after `reconcile` and its items.
    struct Synopsis: CustomStringConvertible {
        var path: [String]
        /// `--name` and its value placeholder (nil for a flag), and whether it is required (not in brackets).
        var options: [(name: String, placeholder: String?, required: Bool)]
        /// Required positional arguments (`CLUSTER LOCK_ID`).
        var positionals: [String]
        var description: String { (["reconcile"] + path).joined(separator: " ") }
    }

    /// The CLI reference's code block, one synopsis per command (continuation lines start with spaces).
    static let synopses: [Synopsis] = {
        let readme = (try? String(contentsOf: Repo.root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
        guard let start = readme.range(of: "## CLI reference\n\n```\n"),
            let end = readme.range(of: "```", range: start.upperBound..<readme.endIndex)
        else { return [] }
        var lines: [String] = []
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n") {
            if line.hasPrefix(" "), !lines.isEmpty { lines[lines.count - 1] += " " + line } else { lines.append(String(line)) }
        }
        return lines.map(parse)
    }()

    /// `[--name VALUE]` and `[--flag]` are optional options (`...`: repeatable), `--name VALUE` a required one,
    /// `NAME` a required positional argument and `[NAME]` an optional one.
    static func parse(_ line: String) -> Synopsis {
        var words = line.split(separator: " ").map(String.init).dropFirst()[...]
        var synopsis = Synopsis(path: [], options: [], positionals: [])
        while let word = words.first, word.allSatisfy({ $0.isLowercase }) {
            synopsis.path.append(word)
            words = words.dropFirst()
        }
        let rest = words.joined(separator: " ")
        let item = try! Regex(#"\[([^\]]+)\](?:\.\.\.)?|(--[a-z-]+)(?: ([^\s\[-][^\s\[]*))?|([A-Z_]+)"#)
        for match in rest.matches(of: item) {
            if let optional = match.output[1].substring {
                let parts = optional.split(separator: " ").map(String.init)
                if parts[0].hasPrefix("--") { synopsis.options.append((parts[0], parts.count > 1 ? parts[1] : nil, false)) }
            } else if let name = match.output[2].substring {
                synopsis.options.append((String(name), match.output[3].substring.map(String.init), true))
            } else if let positional = match.output[4].substring {
                synopsis.positionals.append(String(positional))
            }
        }
        return synopsis
    }

    /// Two different sample values for a placeholder (to see that the value, not a default, arrives).
    static func samples(_ placeholder: String) -> [String] {
        switch placeholder {
        case "DIR": ["/tmp/reconcile-one", "/tmp/reconcile-two"]
        case "DIR|URL": ["etcd+https://127.0.0.1:2379/one", "/tmp/reconcile-two"]
        case "text|json": ["json", "text"]
        case "text|github": ["github", "text"]
        case "NAME", "CLUSTER": ["cluster-one", "cluster-two"]
        case "ID", "N": ["3", "7"]
        case "ADDRESS": ["tidb-kafka/azure.loadBalancer/kafka-lb", "tidb-kafka/*"]
        case "HOST:PORT=ADDR:PORT": ["b1.example:9093=127.0.0.1:19093", "b2.example:9094=127.0.0.1:19094"]
        case "DURATION": ["45s", "2h"]
        case "SECONDS": ["30", "90"]
        case "HOST:PORT": ["127.0.0.1:9464", "[::1]:8080"]
        case "LEVEL": ["debug", "warning"]
        default: ["value-one", "value-two"]
        }
    }

    /// Every command reachable from the root, with the path typed to reach it.
    static func commands() -> [(path: [String], type: any ParsableCommand.Type)] {
        func walk(_ type: any ParsableCommand.Type, _ path: [String]) -> [(path: [String], type: any ParsableCommand.Type)] {
            [(path, type)] + type.configuration.subcommands.flatMap { walk($0, path + [$0._commandName]) }
        }
        return walk(ReconcileCommand.self, [])
    }

    /// The parsed command's own values as text, without what it reads from a parent (`@ParentCommand`).
    static func ownValues(_ value: Any) -> String {
        var out = ""
        func walk(_ value: Any, _ depth: Int) {
            let mirror = Mirror(reflecting: value)
            if mirror.children.isEmpty { out += String(repeating: " ", count: depth) + String(reflecting: value) + "\n" }
            for child in mirror.children where !String(describing: type(of: child.value)).hasPrefix("ParentCommand<") {
                out += String(repeating: " ", count: depth) + (child.label ?? "-") + "\n"
                walk(child.value, depth + 1)
            }
        }
        walk(value, 0)
        return out
    }

    /// The README lists every command that has options, and only commands that exist.
    @Test func theReferenceCoversTheCommands() throws {
        let documented = Set(Self.synopses.map(\.path))
        let runnable = Set(Self.commands().filter { $0.type.configuration.subcommands.isEmpty || $0.path.isEmpty }.map(\.path))
        #expect(documented == runnable, "README synopses \(documented.sorted { $0.description < $1.description }) vs commands \(runnable)")
    }

    @Test("Each documented option reaches its command and shows in its help")
    func everyDocumentedOptionReachesItsCommand() throws {
        let commands = Self.commands()
        try #require(!Self.synopses.isEmpty, "no CLI reference found in README.md")
        #expect(Self.synopses.map(\.options.count).reduce(0, +) >= 20, "the README's synopses were not read: \(Self.synopses)")
        for synopsis in Self.synopses {
            let command = try #require(commands.first { $0.path == synopsis.path }, "\(synopsis) is not a command")
            let help = ReconcileCommand.helpMessage(for: command.type)
            var required: [String] = []
            for option in synopsis.options where option.required {
                required += [option.name] + (option.placeholder.map { [Self.samples($0)[0]] } ?? [])
            }
            required += synopsis.positionals.map { Self.samples($0)[0] }
            for option in synopsis.options {
                #expect(help.contains(option.name), "\(synopsis) --help does not show \(option.name):\n\(help)")
                let base = required.enumerated().filter { index, word in
                    word != option.name && !(index > 0 && required[index - 1] == option.name)
                }.map(\.element)
                var dumps: [String] = []
                let variants = option.placeholder.map { Self.samples($0).map { [option.name, $0] } } ?? [[option.name], []]
                for variant in variants {
                    let arguments = synopsis.path + base + variant
                    let parsed: any ParsableCommand
                    do {
                        parsed = try ReconcileCommand.parseAsRoot(arguments)
                    } catch {
                        Issue.record("`reconcile \(arguments.joined(separator: " "))` does not parse: \(error)")
                        continue
                    }
                    #expect(type(of: parsed) == command.type, "`reconcile \(arguments.joined(separator: " "))` ran \(type(of: parsed))")
                    let values = Self.ownValues(parsed)
                    if let sample = variant.dropFirst().first {
                        #expect(values.contains(sample), "`reconcile \(arguments.joined(separator: " "))`: \(sample) did not reach \(command.type):\n\(values)")
                    }
                    dumps.append(values)
                }
                if dumps.count == 2 {
                    #expect(dumps[0] != dumps[1], "\(synopsis): \(option.name) changes nothing in \(command.type)")
                }
            }
        }
    }

    @Test("Options that do not apply are refused", arguments: [
        ["validate", "--state", "/tmp/s"], ["render", "--state", "/tmp/s", "--cluster", "c", "--broker", "1"],
        ["state", "show", "--manifests", "/tmp/m"], ["state", "unlock", "--manifests", "/tmp/m", "c", "id"],
        ["validate", "--dry-run"], ["verify", "--target", "c"], ["verify", "--state", "/tmp/s"],
        ["--state", "/tmp/s", "validate"],
    ])
    func inapplicableOptionsAreRefused(arguments: [String]) {
        #expect(throws: (any Error).self, "`reconcile \(arguments.joined(separator: " "))` parsed") {
            _ = try ReconcileCommand.parseAsRoot(arguments)
        }
    }

    @Test("The refusal names the option and the command, and is a usage error")
    func refusalMessage() {
        do {
            _ = try ReconcileCommand.parseAsRoot(["validate", "--state", "/tmp/s", "--manifests", "m"])
            Issue.record("validate took --state")
        } catch {
            #expect(ReconcileCommand.message(for: error) == "`--state` does not apply to `reconcile validate`")
            #expect(ReconcileCommand.exitCode(for: error) == ExitCode(64))
        }
    }
}
