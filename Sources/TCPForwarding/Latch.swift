import Foundation

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
