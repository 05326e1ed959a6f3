public import ProviderAPI
public import ReconcileModel

// Pure questions asked of a journal (as returned by `StateStore.journal(cluster:)`), used to resume an
// interrupted apply. "Newer" always means later in journal order, never a comparison of `time`.

/// Brokers whose config was written but not yet followed by a finished restart.
///
/// For every address with a `writeBrokerConfig` entry whose status is `succeeded`: it is pending when that
/// most recent successful write comes after the most recent `restartBroker` `succeeded` entry for the same
/// address (or there is no successful restart at all — a `failed`, `started` or `skipped` restart does not
/// count). The value is the `fingerprint` of that write (the config the broker must restart into); it is
/// `nil` only if the write was journaled without one, and the key is still present then.
///
/// Both actions must be journaled under the same address (the broker's `kafka.brokerConfig` address), as
/// the plan does: its change ids are `ADDRESS#write_broker_config` and `ADDRESS#restart_broker`.
public func pendingRestarts(in journal: [JournalEntry]) -> [ResourceAddress: String?] {
    var lastWrite: [ResourceAddress: (position: Int, fingerprint: String?)] = [:]
    var lastRestart: [ResourceAddress: Int] = [:]
    for (position, entry) in journal.enumerated() where entry.status == .succeeded {
        switch entry.action {
        case .writeBrokerConfig: lastWrite[entry.address] = (position, entry.fingerprint)
        case .restartBroker: lastRestart[entry.address] = position
        default: break
        }
    }
    var pending: [ResourceAddress: String?] = [:]
    for (address, write) in lastWrite where write.position > (lastRestart[address] ?? -1) {
        // updateValue, not subscript assignment: assigning a nil String? through the subscript removes the key.
        pending.updateValue(write.fingerprint, forKey: address)
    }
    return pending
}

/// The most recent run: the `runID` of the journal's last entry and every entry with that id, in journal
/// order. `nil` for an empty journal.
public func lastRun(in journal: [JournalEntry]) -> (runID: String, entries: [JournalEntry])? {
    guard let runID = journal.last?.runID else { return nil }
    return (runID, journal.filter { $0.runID == runID })
}
