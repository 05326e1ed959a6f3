public import ReconcileService
public import ServiceLifecycle
public import UnixSignals

/// The reconcile loop as a swift-service-lifecycle service.
///
/// - Graceful shutdown (the first SIGTERM or SIGINT, through the service group): no new pass starts, a roll
///   finishes the broker it is on and stops before the next; the other changes of a running pass finish; `run`
///   returns once the running passes have ended.
/// - A second SIGTERM or SIGINT (`escalationSignals`), or cancellation (the group's grace period ending): the
///   running passes are cancelled and stop at their next safe point (a change already sent to a cloud, or a broker
///   already restarting, is let finish and recorded; nothing new starts).
///
/// swift-service-lifecycle acts on the first signal only (a signal may not be both a graceful-shutdown and a
/// cancellation signal of a group), so the second one is watched here.
public struct LoopService<C: Clock>: Service where C.Duration == Duration {
    let service: ReconcileService<C>
    let escalationSignals: [UnixSignal]

    public init(_ service: ReconcileService<C>, escalationSignals: [UnixSignal] = [.sigterm, .sigint]) {
        self.service = service
        self.escalationSignals = escalationSignals
    }

    public func run() async throws {
        let service = self.service, signals = escalationSignals
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await service.run()
                    return true
                }
                if !signals.isEmpty {
                    group.addTask {
                        var seen = 0
                        for await _ in await UnixSignalsSequence(trapping: signals) {
                            seen += 1
                            // The first is the group's graceful shutdown.
                            if seen >= 2 { return false }
                        }
                        return false
                    }
                }
                while let finished = await group.next() {
                    if finished {
                        group.cancelAll()
                        return
                    }
                    // A second signal: cancel the loop (and its passes); wait for it to return.
                    service.stop("reconcile serve was asked twice to stop")
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            service.stop("reconcile serve is shutting down")
        }
    }
}
