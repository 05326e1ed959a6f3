import FileStateStore
import ProviderAPI
import ReconcileModel
import Testing

@Suite("Journal analysis")
struct JournalAnalysisTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var journal: [JournalEntry]
        var pending: [ResourceAddress: String?]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty journal", journal: [], pending: [:]),
        Case(name: "write then restart", journal: [
            entry(.writeBrokerConfig, fingerprint: "fp1"), entry(.restartBroker, status: .started), entry(.restartBroker),
        ], pending: [:]),
        Case(name: "write, restart, write", journal: [
            entry(.writeBrokerConfig, fingerprint: "fp1"), entry(.restartBroker), entry(.writeBrokerConfig, fingerprint: "fp2"),
        ], pending: [address("1"): "fp2"]),
        Case(name: "failed restart", journal: [
            entry(.writeBrokerConfig, fingerprint: "fp1"), entry(.restartBroker, status: .started),
            entry(.restartBroker, status: .failed),
        ], pending: [address("1"): "fp1"]),
        Case(name: "restart started but never finished", journal: [
            entry(.writeBrokerConfig, fingerprint: "fp1"), entry(.restartBroker, status: .started),
        ], pending: [address("1"): "fp1"]),
        Case(name: "failed write after a restart", journal: [
            entry(.writeBrokerConfig, fingerprint: "fp1"), entry(.restartBroker),
            entry(.writeBrokerConfig, status: .failed, fingerprint: "fp2"),
        ], pending: [:]),
        Case(name: "write without fingerprint keeps the key", journal: [entry(.writeBrokerConfig)],
             pending: [address("1"): String?.none]),
        Case(name: "brokers are independent", journal: [
            entry(.writeBrokerConfig, "1", fingerprint: "a"), entry(.writeBrokerConfig, "2", fingerprint: "b"),
            entry(.restartBroker, "1"), entry(.writeBrokerConfig, "3", fingerprint: "c", run: "run-2"),
            entry(.restartBroker, "3", run: "run-2"),
        ], pending: [address("2"): "b"]),
        Case(name: "journal order wins over timestamps", journal: [
            entry(.writeBrokerConfig, fingerprint: "fp1", second: 100), entry(.restartBroker, second: 5),
        ], pending: [:]),
    ]

    @Test(arguments: cases)
    func pendingRestartsTable(_ c: Case) {
        let result = pendingRestarts(in: c.journal)
        #expect(result == c.pending)
        #expect(Set(result.keys) == Set(c.pending.keys))
    }

    @Test func lastRunIsTheRunOfTheLastEntry() throws {
        #expect(lastRun(in: []) == nil)
        let journal = [
            entry(.create, run: "r1"), entry(.writeBrokerConfig, run: "r2"), entry(.update, run: "r1"),
            entry(.restartBroker, run: "r2", second: 1),
        ]
        let run = try #require(lastRun(in: journal))
        #expect(run.runID == "r2")
        #expect(run.entries == [journal[1], journal[3]])
        #expect(lastRun(in: Array(journal.prefix(3)))?.runID == "r1")
    }
}
