import Synchronization

/// The forwards an emulator has made active, kept in step with its world: after each change the emulator asks for
/// a refresh with the world's revision; the forwards are re-planned once per revision and applied only when they
/// differ, one refresh at a time. Shared by the ARM and Compute emulators (their forwards differ, this does not).
package final class ForwardsInForce<Forward: Hashable & Sendable>: Sendable {
    private let state = Mutex<(revision: Int, forwards: [Forward], failures: [Forward: String])>((-1, [], [:]))

    package init() {}

    /// The forwards last applied.
    package var forwards: [Forward] { state.withLock { $0.forwards } }
    /// Those of ``forwards`` that could not be bound, with the reason.
    package var failures: [Forward: String] { state.withLock { $0.failures } }

    /// Plans the forwards of `revision` (unless already done) and, when they changed, applies them; an apply that
    /// throws marks every planned forward failed with the error.
    package func refresh(revision: Int, plan: () -> [Forward], apply: ([Forward]) throws -> [Forward: String]) {
        state.withLock { state in
            guard state.revision != revision else { return }
            let planned = plan()
            state.revision = revision
            guard planned != state.forwards else { return }
            state.forwards = planned
            do {
                state.failures = try apply(planned)
            } catch {
                state.failures = Dictionary(uniqueKeysWithValues: planned.map { ($0, "\(error)") })
            }
        }
    }
}
