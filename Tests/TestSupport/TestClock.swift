public import Foundation
import Synchronization

/// A clock that only moves when told to (or by `tick` on every read), for deterministic timestamps.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>
    private let tick: TimeInterval

    /// `tick` seconds are added after every read, so successive timestamps are strictly increasing.
    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000), tick: TimeInterval = 0) {
        self.current = Mutex(start)
        self.tick = tick
    }

    public func now() -> Date {
        current.withLock { date in
            defer { date += tick }
            return date
        }
    }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }

    /// A `now` closure to hand to the code under test.
    public var closure: @Sendable () -> Date { { [self] in self.now() } }

    /// A `now` that always returns the same instant.
    public static func fixed(_ date: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> @Sendable () -> Date {
        { date }
    }
}

/// Collects values reported from any task (e.g. `ApplyEvent`s), in arrival order.
public final class EventRecorder<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    public init() {}

    public func record(_ element: Element) { storage.withLock { $0.append(element) } }
    public var all: [Element] { storage.withLock { $0 } }
    public var count: Int { storage.withLock { $0.count } }
}

/// Cancels a task from inside something the task itself calls (an event callback), even if asked before
/// the task handle was registered.
public final class TaskCanceller: Sendable {
    private struct State {
        var cancel: (@Sendable () -> Void)?
        var requested = false
    }

    private let state = Mutex(State())

    public init() {}

    public func register<Success: Sendable, Failure: Error>(_ task: Task<Success, Failure>) {
        let requested = state.withLock { s in
            s.cancel = { task.cancel() }
            return s.requested
        }
        if requested { task.cancel() }
    }

    public func cancel() {
        let action = state.withLock { s in
            s.requested = true
            return s.cancel
        }
        action?()
    }
}
