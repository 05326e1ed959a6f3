import Foundation
import Testing
import TestSupport

extension SimulatorProcesses {
    /// `scripts/kafka-sim-ctl`, the restart command the reconciler runs over SSH.
    @Suite("kafka-sim-ctl start/stop/restart/status")
    struct ControlScript {
        static let script = Repo.root.appendingPathComponent("scripts/kafka-sim-ctl").path

        static func ctl(_ arguments: [String]) throws -> RealClients.Output {
            try RealClients.run("/bin/bash", [script] + arguments + ["--bin", SimCluster.binary, "--timeout", "10"])
        }

        static func pid(_ cluster: SimCluster, _ id: Int32) -> Int32? {
            let path = URL(fileURLWithPath: cluster.configPath(id)).deletingLastPathComponent().appendingPathComponent(
                "kafka-broker-sim.pid"
            ).path
            return (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }

        /// Alive and not a zombie (a detached broker is re-parented to an init that may reap late).
        static func isLive(_ pid: Int32) -> Bool {
            guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            return !stat[close...].hasPrefix(") Z")
        }

        /// A one-node cluster for `body`; afterwards every broker pid `body` recorded in `started` that still runs is
        /// killed and the cluster stopped.
        static func withOneNode(_ body: (SimCluster, inout [Int32]) throws -> Void) throws {
            let cluster = try SimCluster(nodes: 1)
            var started: [Int32] = []
            defer {
                for pid in started where isLive(pid) { kill(pid, SIGKILL) }
                cluster.stopAll()
            }
            try body(cluster, &started)
        }

        @Test(
            "start detaches and reports the pid; status 0/3; stop is graceful (SIGTERM, exit 0, deregistered); restart re-registers"
        )
        func lifecycle() throws {
            try Self.withOneNode { cluster, started in
                let config = cluster.configPath(1)

                let start = try Self.ctl(["start", "--config", config])
                #expect(start.status == 0, "\(start.stdout)\(start.stderr)")
                let first = try #require(Self.pid(cluster, 1))
                started.append(first)
                #expect(start.stdout.contains("started (pid \(first))"))
                #expect(RawClient.canConnect(cluster.internalAddress(1)), "listeners are bound before start returns")
                #expect(try Self.ctl(["status", "--config", config]).status == 0)
                #expect(try Self.ctl(["start", "--config", config]).stdout.contains("already running (pid \(first))"))

                let restart = try Self.ctl(["restart", "--config", config])
                #expect(restart.status == 0, "\(restart.stdout)\(restart.stderr)")
                let second = try #require(Self.pid(cluster, 1))
                started.append(second)
                #expect(second != first && !Self.isLive(first))
                let running = Wait.until(timeout: 10) {
                    (try? RealClients.kcatMetadata(cluster.internalAddress(1)).kcatBrokers.keys.sorted()) == [1]
            }
            #expect(running)
            #expect(cluster.record(1)["incarnation"] as? Int == 2)

            let stop = try Self.ctl(["stop", "--config", config])
            #expect(stop.status == 0, "\(stop.stdout)\(stop.stderr)")
            #expect(!Self.isLive(second))
            #expect(cluster.record(1)["state"] as? String == "stopped")
            let log =
                (try? String(
                    contentsOfFile: URL(fileURLWithPath: config).deletingLastPathComponent()
                        .appendingPathComponent("kafka-broker-sim.log").path, encoding: .utf8)) ?? ""
            #expect(log.components(separatedBy: "received SIGTERM").count == 3, "two graceful stops: \(log)")
            #expect(log.components(separatedBy: "exit 0").count == 3)
            #expect(try Self.ctl(["status", "--config", config]).status == 3)
            #expect(try Self.ctl(["stop", "--config", config]).status == 0, "stopping a stopped broker is fine")
            }
        }

        @Test("a restart is not cut by the session that runs it: with its stdout a dead pipe and SIGHUP sent, it still starts the broker again")
        func restartOutlivesItsSession() throws {
            try Self.withOneNode { cluster, started in
                let config = cluster.configPath(1)
                #expect(try Self.ctl(["start", "--config", config]).status == 0)
                let first = try #require(Self.pid(cluster, 1))
                started.append(first)

                // What an SSH session whose client was killed does to the command: its output goes nowhere (a write is
                // SIGPIPE) and the session's end is SIGHUP.
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/bash")
                process.arguments = [Self.script, "restart", "--config", config, "--bin", SimCluster.binary, "--timeout", "10"]
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                try output.fileHandleForReading.close()
                try process.run()
                let stopped = Wait.until(timeout: 10) { !Self.isLive(first) }
                #expect(stopped, "the restart stopped the broker")
                kill(process.processIdentifier, SIGHUP)
                process.waitUntilExit()
                let back = Wait.until(timeout: 15) {
                    guard let pid = Self.pid(cluster, 1), pid != first, Self.isLive(pid) else { return false }
                    return RawClient.canConnect(cluster.internalAddress(1))
            }
            if let pid = Self.pid(cluster, 1) { started.append(pid) }
            #expect(back, "the broker is running again")
            }
        }

        @Test("start fails with exit 1 and the log's reason when the broker cannot start; usage errors exit 2")
        func failures() throws {
            let cluster = try SimCluster(nodes: 1, settings: ["simulator.misbehave": "explode"])
            defer { cluster.stopAll() }
            let start = try Self.ctl(["start", "--config", cluster.configPath(1)])
            #expect(start.status == 1, "\(start)")
            #expect(start.stderr.contains("simulator.misbehave: unknown 'explode'"))
            #expect(try Self.ctl(["frobnicate"]).status == 2)
        }
    }
}
