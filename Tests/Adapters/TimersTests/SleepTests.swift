import Foundation
import Testing
@testable import Timers

@Suite struct SleepTests {
    @Test func returnsAfterTheDuration() async throws {
        let start = ContinuousClock.now
        try await Timers.sleep(for: .milliseconds(30))
        #expect(ContinuousClock.now - start >= .milliseconds(30))
    }

    @Test func zeroAndNegativeDurationsReturn() async throws {
        try await Timers.sleep(for: .zero)
        try await Timers.sleep(for: .seconds(-5))
    }

    @Test func cancellingALongSleepThrowsCancellation() async {
        let sleeper = Task { try await Timers.sleep(for: .seconds(3600)) }
        try? await Task.sleep(for: .milliseconds(10))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func anAlreadyCancelledTaskThrowsAtOnce() async {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await Timers.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    /// The race the service's doorbell and a child process's deadline run, many times over: every long sleep is
    /// cancelled by its sibling and each race ends (the cancelled timers do not hold the group open).
    @Test func manyRacesAgainstALongSleepEnd() async {
        for _ in 0..<2000 {
            let winner = await withTaskGroup(of: String.self) { group in
                group.addTask { (try? await Timers.sleep(for: .seconds(3600))) == nil ? "cancelled" : "slept" }
                group.addTask { "rang" }
                let first = await group.next()
                group.cancelAll()
                let second = await group.next()
                return [first, second].compactMap { $0 }.sorted().joined(separator: ",")
            }
            #expect(winner == "cancelled,rang")
        }
    }

    @Test func durationsClampToNanoseconds() {
        #expect(Timers.nanoseconds(.seconds(2)) == 2_000_000_000)
        #expect(Timers.nanoseconds(.milliseconds(1) + .nanoseconds(5)) == 1_000_005)
        #expect(Timers.nanoseconds(.seconds(-1)) == 0)
        #expect(Timers.nanoseconds(.seconds(Int64.max)) == Int.max)
    }
}
