public import ReconcileService
public import ServiceLifecycle
public import UnixSignals
public import Logging

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
    let logger: Logger

    /// - Parameter logger: says when a stop is cut short (a second signal, or the grace period ending).
    public init(_ service: ReconcileService<C>, escalationSignals: [UnixSignal] = [.sigterm, .sigint], logger: Logger) {
        self.service = service
        self.escalationSignals = escalationSignals
        self.logger = logger
    }

    /// Why a child of `run`'s task group ended.
    enum Ended { case loop, secondSignal, signalsClosed }

    public func run() async throws {
        let service = self.service, signals = escalationSignals, logger = self.logger
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Ended.self) { group in
                    group.addTask {
                        await service.run()
                        return .loop
                    }
                    if !signals.isEmpty {
                        group.addTask {
                            var seen = 0
                            for await _ in await UnixSignalsSequence(trapping: signals) {
                                seen += 1
                                // The first is the group's graceful shutdown.
                                if seen >= 2 { return .secondSignal }
                            }
                            return .signalsClosed  // cancelled: the loop is ending anyway
                        }
                    }
                    while let ended = await group.next() {
                        switch ended {
                        case .loop:
                            group.cancelAll()
                            return
                        case .secondSignal:
                            // Cancel the loop (and its passes); wait for it to return.
                            logger.notice("asked twice to stop: cancelling the running passes (each stops at its next safe point)")
                            service.stop("reconcile serve was asked twice to stop")
                            group.cancelAll()
                        case .signalsClosed:
                            continue
                        }
                    }
                }
            } onGracefulShutdown: {
                service.stop("reconcile serve is shutting down")
            }
        } onCancel: {
            // The service group cancels its services when the grace period ends.
            logger.notice("grace period over: cancelling the running passes (each stops at its next safe point)")
        }
    }
}
