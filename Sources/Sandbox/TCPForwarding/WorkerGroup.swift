import Foundation

/// The threads of one forwarding table: starts them and waits until every one of them has returned.
///
/// Contract: `spawn` counts the thread before it starts, and the count drops only after `body` returned (so a
/// thread that owns descriptors has closed them by then); `waitIdle()` blocks until the count is zero.
final class WorkerGroup: Sendable {
    private let condition = NSCondition()
    nonisolated(unsafe) private var running = 0

    /// Threads started and not yet returned.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return running
    }

    func spawn(name: String, _ body: @escaping @Sendable () -> Void) {
        condition.lock()
        running += 1
        condition.unlock()
        let thread = Thread { [self] in
            body()
            condition.lock()
            running -= 1
            if running == 0 { condition.broadcast() }
            condition.unlock()
        }
        thread.name = name
        thread.stackSize = 256 * 1024
        thread.start()
    }

    func waitIdle() {
        condition.lock()
        while running > 0 { condition.wait() }
        condition.unlock()
    }
}

/// A one-shot gate: ``wait()`` blocks until ``open()`` was called, from any thread; it stays open afterwards.
final class Latch: Sendable {
    private let condition = NSCondition()
    nonisolated(unsafe) private var isOpen = false

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }

    func wait() {
        condition.lock()
        while !isOpen { condition.wait() }
        condition.unlock()
    }
}
