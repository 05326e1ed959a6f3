import CCurl
import Foundation
import ProviderAPI
import Synchronization

/// Drives every transfer of one ``CurlTransport`` on one thread, through libcurl's multi interface.
///
/// A transfer is an easy handle, configured by its caller (which holds it exclusively), handed over with
/// ``submit(_:)``; from then on only the driver's thread touches it, until the transfer's completion runs (on that
/// thread) with libcurl's result, the handle already removed from the multi handle. All transfers share the multi
/// handle's connection cache, so any of them reuses a kept-alive connection.
///
/// Why: a thread per request (the design before) made a pass of a few hundred GETs create as many threads; their
/// stacks, malloc arenas and wake-ups were a third of a 20-cluster dry-run's CPU (`Benchmarks/clusters-dry-run`,
/// perf). One thread waiting in `curl_multi_poll` costs nothing per idle transfer, as libcurl intends.
///
/// The thread starts with the first transfer and ends after `idleSeconds` without one, or at once when the owner
/// closes the driver, so an idle or released transport holds no thread (nor the connections the thread keeps alive). A cancelled transfer (its ``CancellationFlag`` set, then ``wake()``) is taken out of the multi handle
/// on the next turn of the loop and completes with `CURLE_ABORTED_BY_CALLBACK`; the progress callback catches it
/// too while data flows.
final class MultiDriver: @unchecked Sendable {
    /// One transfer handed to the driver.
    struct Job: @unchecked Sendable {
        let handle: EasyHandle
        let cancellation: CancellationFlag
        /// Runs on the driver's thread once libcurl is done with the handle.
        let complete: (CURLcode) -> Void
    }

    private struct Shared {
        var pending: [Job] = []
        var threadRunning = false
        /// Set by ``close()``: the thread ends as soon as it has no transfer, releasing the connections it keeps.
        var closing = false
    }

    /// How long the thread waits without a transfer before it ends.
    let idleSeconds: TimeInterval

    /// `CURLM*`; `@unchecked Sendable` because libcurl allows `curl_multi_wakeup` from any thread and everything
    /// else on it happens on the driver's thread (or in `init`/`deinit`, when no thread runs).
    private let multi: UnsafeMutableRawPointer
    private let shared = Mutex(Shared())
    /// Signalled when work arrives while the loop waits without transfers.
    private let arrived = NSCondition()

    init?(maxConnections: Int, idleSeconds: TimeInterval = 10) {
        CurlGlobal.touch()
        guard let multi = curl_multi_init() else { return nil }
        self.multi = multi
        self.idleSeconds = idleSeconds
        // Keep as many connections alive as transfers may run at once.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, maxConnections))
    }

    deinit {
        curl_multi_cleanup(multi)
    }

    /// Hands a configured handle over; its completion runs on the driver's thread.
    func submit(_ job: Job) {
        let start = shared.withLock { shared in
            shared.pending.append(job)
            defer { shared.threadRunning = true }
            return !shared.threadRunning
        }
        if start {
            let thread = Thread { [self] in loop() }
            thread.name = "CurlTransport.multi"
            thread.start()
        } else {
            wake()
        }
    }

    /// The owner is gone: once its last transfer is done the thread ends at once instead of idling, so the driver,
    /// its kept-alive connections and its wake-up descriptors go with it.
    func close() {
        shared.withLock { $0.closing = true }
        wake()
    }

    /// Makes the loop look at its transfers again at once (a new one, a cancelled one).
    func wake() {
        arrived.lock()
        arrived.signal()
        arrived.unlock()
        _ = curl_multi_wakeup(multi)
    }

    private func loop() {
        var active: [UnsafeMutableRawPointer: Job] = [:]
        while true {
            for job in takePending() {
                if job.cancellation.isCancelled {
                    job.complete(CURLE_ABORTED_BY_CALLBACK)
                } else if curl_multi_add_handle(multi, job.handle.raw) == CURLM_OK {
                    active[job.handle.raw] = job
                } else {
                    job.complete(CURLE_FAILED_INIT)
                }
            }
            if active.isEmpty {
                if waitForWork() { continue }
                return
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle else { continue }
                let code = ccurl_msg_result(message)
                curl_multi_remove_handle(multi, raw)
                active.removeValue(forKey: raw)?.complete(code)
            }
            for (raw, job) in active where job.cancellation.isCancelled {
                curl_multi_remove_handle(multi, raw)
                active[raw] = nil
                job.complete(CURLE_ABORTED_BY_CALLBACK)
            }
            if !active.isEmpty {
                _ = curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        }
    }

    private func takePending() -> [Job] {
        shared.withLock { shared in
            defer { shared.pending.removeAll() }
            return shared.pending
        }
    }

    /// Whether the driver's thread is running (for tests).
    var isRunning: Bool { shared.withLock { $0.threadRunning } }

    /// Waits, without transfers, for one to arrive; false (the thread ends) after `idleSeconds` without any.
    private func waitForWork() -> Bool {
        let deadline = Date(timeIntervalSinceNow: idleSeconds)
        arrived.lock()
        defer { arrived.unlock() }
        while true {
            let done: Bool? = shared.withLock { shared in
                if !shared.pending.isEmpty { return true }
                if shared.closing || Date() >= deadline {
                    shared.threadRunning = false
                    return false
                }
                return nil
            }
            if let done { return done }
            _ = arrived.wait(until: deadline)
        }
    }
}
