public import ArgumentParser
import ArmEmulator

/// The `compute-emulator` command line, the same shape as `arm-emulator`'s: `--listen HOST:PORT`, `--port-file FILE`,
/// `--log FILE`, `--address-map PRIVATE=LOCAL`…, `--forwarding`, `--latency-ms N`, `--operation-polls N`,
/// `--page-size N`. Faults are set at run time with `POST /_emulator/faults` (a JSON `FaultPlan`).
public struct ComputeEmulatorArguments: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compute-emulator",
        abstract: "A local GCP Compute Engine v1 emulator (networks, subnetworks, firewalls, instances, port-mapping NEGs, internal load balancers, Private Service Connect) with a token endpoint and a metadata server.",
        discussion: "Serves /compute/v1/ and accepts any bearer token (or none). Runs until SIGTERM or SIGINT.")

    @Option(help: ArgumentHelp("Where to listen.", valueName: "host:port"))
    var listen: ListenAddress?

    @Option(help: ArgumentHelp("Write the port it listens on to this file, once it does.", valueName: "file"))
    public var portFile: String?

    @Option(help: ArgumentHelp("Append every request to this file (JSON lines).", valueName: "file"))
    var log: String?

    @Option(help: ArgumentHelp("Stand a local address in for a private one (an instance's, a forwarding rule's, a PSC endpoint's).", valueName: "private=local"))
    var addressMap: [KeyValue] = []

    @Flag(help: "Make forwarding rules and accepted PSC endpoints forward TCP for real.")
    var forwarding = false

    @Option(help: ArgumentHelp("Added to every request.", valueName: "ms"))
    var latencyMs: NonNegative?

    @Option(help: ArgumentHelp("Polls an operation stays unfinished (0: DONE in the reply).", valueName: "n"))
    var operationPolls: NonNegative?

    @Option(help: ArgumentHelp("Items per page of a list.", valueName: "n"))
    var pageSize: NonNegative?

    @Option(help: ArgumentHelp("Run this kafka-proxy (the stand-in) for every managed instance whose startup script starts kafka-proxy, on the instance's mapped address.", valueName: "path"))
    var kafkaProxyBinary: String?

    @Option(help: ArgumentHelp("Where those kafka-proxy processes write their output (<instance>.log).", valueName: "dir"))
    var kafkaProxyLogDirectory: String?

    public init() {}

    public func validate() throws {
        if let pageSize, pageSize.value == 0 { throw ValidationError("--page-size needs a positive number") }
    }

    /// The emulator's configuration these arguments ask for.
    public var emulatorConfiguration: ComputeEmulator.Configuration {
        var configuration = ComputeEmulator.Configuration()
        configuration.forwarding = forwarding
        if let listen {
            configuration.host = listen.host
            configuration.port = listen.port
        }
        configuration.requestLogPath = log
        for pair in addressMap { configuration.addressMap[pair.key] = pair.value }
        if let latencyMs { configuration.latencyMs = latencyMs.value }
        if let operationPolls { configuration.operationPolls = operationPolls.value }
        if let pageSize { configuration.pageSize = pageSize.value }
        configuration.kafkaProxyBinary = kafkaProxyBinary
        configuration.kafkaProxyLogDirectory = kafkaProxyLogDirectory
        return configuration
    }
}
