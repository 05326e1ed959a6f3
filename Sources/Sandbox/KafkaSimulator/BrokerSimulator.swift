import Foundation
import ServerProperties

#if canImport(Glibc)
    import Glibc
#endif

/// The `kafka-broker-sim` program: parse the command line, load `server.properties`, run one node until
/// SIGTERM/SIGINT, exit 0 after a graceful shutdown (1 on a config or bind error, 64 on a usage error).
public enum BrokerSimulator {
    public static func main(arguments: [String]) -> Never {
        // Block the stop signals before any thread exists, so every thread inherits the mask and only
        // `sigwait` below ever sees them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)

        let options: CommandLineOptions
        switch CommandLineOptions.parse(arguments) {
        case .help:
            print(CommandLineOptions.usage)
            exit(0)
        case .usageError(let message):
            FileHandle.standardError.write(Data("kafka-broker-sim: \(message)\n\(CommandLineOptions.usage)\n".utf8))
            exit(64)
        case .run(let parsed):
            options = parsed
        }

        let bootLog = SimulatorLog(path: options.logPath, nodeId: nil)
        let config: SimulatorConfig
        do {
            config = try loadConfig(options)
        } catch {
            fail("cannot start from \(options.configPath): \(error)", log: bootLog, logged: options.logPath != nil)
        }
        let log = SimulatorLog(path: options.logPath, nodeId: config.nodeId)
        let node: BrokerNode
        do {
            node = try BrokerNode(config: config, log: log)
            log.info(
                "kafka-broker-sim pid \(getpid()) as Kafka \(config.kafkaVersion), roles \(config.processRoles.sorted().joined(separator: ",")), cluster dir \(config.clusterDirectory)"
            )
            try node.start()
        } catch {
            fail("cannot start node \(config.nodeId): \(error)", log: log, logged: options.logPath != nil)
        }
        if let pidFile = options.pidFile { writePidFile(pidFile, log: log) }

        var received: Int32 = 0
        while sigwait(&stopSignals, &received) != 0 || (received != SIGTERM && received != SIGINT) {}
        log.info("received \(received == SIGTERM ? "SIGTERM" : "SIGINT")")
        node.shutdown()
        if let pidFile = options.pidFile,
            (try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingWhitespace == String(getpid())
        {
            unlink(pidFile)
        }
        log.info("exit 0")
        exit(0)
    }

    static func loadConfig(_ options: CommandLineOptions) throws -> SimulatorConfig {
        guard let data = FileManager.default.contents(atPath: options.configPath) else {
            throw ConfigError("cannot read \(options.configPath)")
        }
        let file = try PropertiesFile(bytes: [UInt8](data))
        return try SimulatorConfig(file: file, overrides: options.overrides, clusterDirectory: options.clusterDirectory)
    }

    static func writePidFile(_ path: String, log: SimulatorLog) {
        let temporary = path + ".\(getpid()).tmp"
        do {
            try "\(getpid())\n".write(toFile: temporary, atomically: false, encoding: .utf8)
            guard rename(temporary, path) == 0 else { throw ConfigError(String(cString: strerror(errno))) }
        } catch {
            unlink(temporary)
            log.error("cannot write pid file \(path): \(error)")
        }
    }

    static func fail(_ message: String, log: SimulatorLog, logged: Bool) -> Never {
        log.error(message)
        if logged { FileHandle.standardError.write(Data("kafka-broker-sim: \(message)\n".utf8)) }
        exit(1)
    }
}
