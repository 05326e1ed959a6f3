import Foundation

/// The threads the HTTP server's tasks run on (their task executor preference), instead of Swift's cooperative pool.
///
/// The emulator is driven from synchronous code that blocks cooperative threads: tests call ``ArmEmulator/start()``
/// and then wait on a socket for the answer, and the request handler blocks too (injected latency, the world lock).
/// The cooperative pool is only as wide as the machine has cores, so there the server could wait for a thread its
/// own client holds (on a two-core machine the emulator's own test suite then hangs). This pool adds a thread
/// whenever more jobs wait than threads are idle (the hand-written server it replaced had a thread for each
/// connection) and lets a thread go after it was idle for a while.
final class ServerThreads: TaskExecutor, @unchecked Sendable {
    static let shared = ServerThreads()

    private static let maxThreads = 512
    private static let idleSeconds: TimeInterval = 10

    // All guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var next = 0
    private var idle = 0
    private var threads = 0

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        let spawn = jobs.count - next > idle && threads < Self.maxThreads
        if spawn { threads += 1 }
        condition.signal()
        condition.unlock()
        if spawn {
            let thread = Thread { [self] in work() }
            thread.name = "arm-emulator-http"
            thread.start()
        }
    }

    private func work() {
        let executor = asUnownedTaskExecutor()
        condition.lock()
        while true {
            guard next < jobs.count else {
                idle += 1
                let woken = condition.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds))
                idle -= 1
                if !woken && next == jobs.count {
                    threads -= 1
                    condition.unlock()
                    return
                }
                continue
            }
            let job = jobs[next]
            next += 1
            if next == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            } else if next >= 1024 {
                jobs.removeFirst(next)
                next = 0
            }
            condition.unlock()
            job.runSynchronously(on: executor)
            condition.lock()
        }
    }
}
