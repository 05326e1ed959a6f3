import FileStateStore
import Foundation
import ProviderAPI
import ReconcileModel
import Testing

@Suite("FileStateStore journal")
struct JournalTests {
    let entries = [
        entry(.writeBrokerConfig, "1", fingerprint: "fp-1", second: 0),
        entry(.restartBroker, "1", status: .started, second: 1),
        JournalEntry(time: fixedDate.addingTimeInterval(2), runID: "run-1", address: address("1"), action: .restartBroker,
                     status: .failed, detail: "ssh: connection reset\nsecond line"),
    ]

    func journalPath(_ root: URL) -> String { root.appendingPathComponent("c1/journal.jsonl").path }

    @Test func appendAndReadKeepOrder() async throws {
        try await withTemporaryDirectory { tmp async throws in
            let root = tmp.appendingPathComponent("state")
            let s = FileStateStore(directory: root)
            for e in entries { try await s.append(e, cluster: "c1") }
            #expect(try await s.journal(cluster: "c1") == entries)

            let text = String(decoding: try readFile(journalPath(root)), as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 4 && lines.last == "")  // one object per line, newline-terminated
            #expect(lines[0].hasPrefix("{\"action\":\"write_broker_config\",\"address\":\"c1/kafka.brokerConfig/1\""))
            #expect(permissions(journalPath(root)) == 0o600)
            #expect(permissions(root.path) == 0o700)
            #expect(try listing(tmp) == ["state", "state/c1", "state/c1/journal.jsonl"])
        }
    }

    @Test func tornLastLineIsIgnoredAndTrimmedByNextAppend() async throws {
        try await withTemporaryDirectory { root async throws in
            let s = FileStateStore(directory: root)
            try await s.append(entries[0], cluster: "c1")
            try await s.append(entries[1], cluster: "c1")
            try appendRaw("{\"action\":\"restart_broker\",\"addr", to: journalPath(root))
            #expect(try await s.journal(cluster: "c1") == Array(entries[0...1]))

            try await s.append(entries[2], cluster: "c1")
            #expect(try await s.journal(cluster: "c1") == entries)
            #expect(!String(decoding: try readFile(journalPath(root)), as: UTF8.self).contains("\"addr\n"))
        }
    }

    @Test func completeLastLineMissingOnlyItsNewlineIsKept() async throws {
        try await withTemporaryDirectory { root async throws in
            let s = FileStateStore(directory: root)
            try await s.append(entries[0], cluster: "c1")
            var text = String(decoding: try readFile(journalPath(root)), as: UTF8.self)
            text.removeLast()  // drop the final newline
            try writeFile(text, to: journalPath(root))
            #expect(try await s.journal(cluster: "c1") == [entries[0]])

            try await s.append(entries[1], cluster: "c1")
            #expect(try await s.journal(cluster: "c1") == Array(entries[0...1]))
        }
    }

    @Test func corruptMiddleLineIsReportedWithItsNumber() async throws {
        try await withTemporaryDirectory { root async throws in
            let s = FileStateStore(directory: root)
            try await s.append(entries[0], cluster: "c1")
            try appendRaw("{\"not\": \"an entry\"}\n", to: journalPath(root))
            try await s.append(entries[1], cluster: "c1")
            let before = try readFile(journalPath(root))
            let error = await #expect(throws: StateStoreError.self) { try await s.journal(cluster: "c1") }
            guard case .corrupt(let path, let reason) = error else {
                Issue.record("expected .corrupt, got \(String(describing: error))")
                return
            }
            #expect(path == journalPath(root))
            #expect(reason.hasPrefix("line 2: "))
            #expect(try readFile(journalPath(root)) == before)
        }
    }
}
