public import ProviderAPI
public import ReconcileModel

/// Reads a cluster's journal for brokers whose config was (or may have been) written but whose restart did
/// not finish, so the next plan restarts them even when their config no longer differs.
public enum PendingRestarts {
    /// Broker address -> fingerprint of the config last written to it, for every broker still waiting for
    /// a successful restart. Entries are read in journal (chronological) order:
    /// - a `write_broker_config` that `started` counts as written until it `failed` (a crash mid-write may
    ///   have written the file, so it must be restarted to be safe);
    /// - a `restart_broker` that `succeeded` clears the broker.
    public static func from(journal entries: [JournalEntry]) -> [ResourceAddress: String?] {
        var pending: [ResourceAddress: String?] = [:]
        var beforeWrite: [ResourceAddress: String??] = [:]
        for entry in entries {
            let address = entry.address
            switch (entry.action, entry.status) {
            case (.writeBrokerConfig, .started):
                beforeWrite[address] = .some(pending[address])
                pending[address] = .some(entry.fingerprint)
            case (.writeBrokerConfig, .succeeded):
                pending[address] = .some(entry.fingerprint)
                beforeWrite[address] = nil
            case (.writeBrokerConfig, .failed):
                if let previous = beforeWrite.removeValue(forKey: address) {
                    if let previous { pending[address] = .some(previous) } else { pending.removeValue(forKey: address) }
                }
            case (.restartBroker, .succeeded):
                pending.removeValue(forKey: address)
            default:
                break
            }
        }
        return pending
    }

    /// The union over several clusters' journals.
    public static func from(journals: [String: [JournalEntry]]) -> [ResourceAddress: String?] {
        var out: [ResourceAddress: String?] = [:]
        for cluster in journals.keys.sorted() {
            for (address, fingerprint) in from(journal: journals[cluster]!) { out[address] = .some(fingerprint) }
        }
        return out
    }
}
