import ReconcileModel

/// Admits at most one holder at a time. The executor passes every broker restart through one, so two
/// brokers are never down together even when a plan forgot the dependency between their restarts.
struct SerialGate {
    private(set) var holder: String?

    /// Takes the gate for `id`; false when someone else holds it.
    mutating func tryEnter(_ id: String) -> Bool {
        guard holder == nil else { return false }
        holder = id
        return true
    }

    mutating func leave(_ id: String) {
        if holder == id { holder = nil }
    }
}

/// The apply's DAG bookkeeping, free of any concurrency: which changes may start now, which can never run.
///
/// A change starts once every change it depends on succeeded, while fewer than `maxConcurrency` run and,
/// for a broker restart, while no other restart runs. A change whose dependency failed, was skipped or is
/// not in the plan is skipped, naming them. Duplicate ids keep the first change.
struct ApplyScheduler {
    enum Status: Sendable, Hashable {
        case pending, running, succeeded, failed, skipped
    }

    struct Batch {
        var start: [Change] = []
        var skip: [(change: Change, because: [String])] = []
        var isEmpty: Bool { start.isEmpty && skip.isEmpty }
    }

    private let changes: [Change]
    private var status: [String: Status] = [:]
    private let maxConcurrency: Int
    private(set) var running = 0
    private var restartGate = SerialGate()

    init(changes: [Change], maxConcurrency: Int) {
        var seen: Set<String> = []
        self.changes = changes.filter { seen.insert($0.id).inserted }
        self.maxConcurrency = max(1, maxConcurrency)
        for change in self.changes { status[change.id] = .pending }
    }

    var hasPending: Bool { status.values.contains(.pending) }
    func status(of id: String) -> Status? { status[id] }

    /// Marks what can never run as skipped and what can run now as running, in plan order.
    mutating func next() -> Batch {
        var batch = Batch()
        var changed = true
        while changed {
            changed = false
            for change in changes where status[change.id] == .pending {
                let blocking = change.dependsOn.compactMap { dep -> String? in
                    switch status[dep] {
                    case nil: "\(dep) (not in plan)"
                    case .failed?, .skipped?: dep
                    default: nil
                    }
                }
                guard !blocking.isEmpty else { continue }
                status[change.id] = .skipped
                batch.skip.append((change, blocking))
                changed = true
            }
        }
        for change in changes where status[change.id] == .pending && running < maxConcurrency {
            guard change.dependsOn.allSatisfy({ status[$0] == .succeeded }) else { continue }
            if change.action == .restartBroker, !restartGate.tryEnter(change.id) { continue }
            status[change.id] = .running
            running += 1
            batch.start.append(change)
        }
        return batch
    }

    /// Marks every pending change matching `belongs` as running and returns them: a broker roll takes all of
    /// a cluster's restarts at once and orders them itself (their chain of dependencies on each other is
    /// replaced by the roll's one-at-a-time guarantee).
    mutating func claimPending(where belongs: (Change) -> Bool) -> [Change] {
        let claimed = changes.filter { status[$0.id] == .pending && belongs($0) }
        for change in claimed {
            status[change.id] = .running
            running += 1
        }
        return claimed
    }

    /// Records the end of a running change.
    mutating func finish(_ id: String, succeeded: Bool) {
        guard status[id] == .running else { return }
        status[id] = succeeded ? .succeeded : .failed
        running -= 1
        restartGate.leave(id)
    }

    /// Marks every pending change skipped (cancellation, or dependencies that can never be met).
    mutating func skipAllPending() -> [Change] {
        let rest = changes.filter { status[$0.id] == .pending }
        for change in rest { status[change.id] = .skipped }
        return rest
    }
}
