public import ArgumentParser

/// The `arm-emulator` command line, parsed by swift-argument-parser (as `reconcile`'s): `--listen HOST:PORT`,
/// `--port-file FILE`, `--log FILE`, `--address-map PRIVATE=LOCAL`…, `--frontend-bind IP`, `--forwarding`,
/// `--latency-ms N`, `--operation-polls N`, `--retry-after S`, `--page-size N`, `--api-version NAMESPACE=VERSION`…,
/// `--token TOKEN`….
public struct EmulatorArguments: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "arm-emulator",
        abstract: "A local Azure Resource Manager emulator (resource groups, Microsoft.Network, Microsoft.Compute VMs) with Entra ID / IMDS token endpoints.",
        discussion: "Accepts the bearer token \"arm-emulator-token\" and any token it issued. Runs until SIGTERM or SIGINT.")

    @Option(help: ArgumentHelp("Where to listen.", valueName: "host:port"))
    var listen: ListenAddress?

    @Option(help: ArgumentHelp("Write the port it listens on to this file, once it does.", valueName: "file"))
    var portFile: String?

    @Option(help: ArgumentHelp("Append every request to this file (JSON lines).", valueName: "file"))
    var log: String?

    @Option(help: ArgumentHelp("Forward a private address (a NIC's) to a local one.", valueName: "private=local"))
    var addressMap: [KeyValue] = []

    @Option(help: ArgumentHelp("Bind load-balancer frontends on this address.", valueName: "ip"))
    var frontendBind: String?

    @Flag(help: "Make load-balancing rules forward TCP for real.")
    var forwarding = false

    @Option(help: ArgumentHelp("Added to every request.", valueName: "ms"))
    var latencyMs: NonNegative?

    @Option(help: ArgumentHelp("Polls a long-running operation stays InProgress.", valueName: "n"))
    var operationPolls: NonNegative?

    @Option(help: ArgumentHelp("The Retry-After of long-running operations.", valueName: "seconds"))
    var retryAfter: NonNegative?

    @Option(help: ArgumentHelp("Items per page of a list.", valueName: "n"))
    var pageSize: NonNegative?

    @Option(help: ArgumentHelp("Items per page of the generic resource list (…/resources; ARM: 1000).", valueName: "n"))
    var genericListPageSize: NonNegative?

    @Option(help: ArgumentHelp("Accept another api-version for a namespace.", valueName: "namespace=version"))
    var apiVersion: [KeyValue] = []

    @Option(help: ArgumentHelp("Accept another bearer token.", valueName: "token"))
    var token: [String] = []

    public init() {}

    public func validate() throws {
        if let pageSize, pageSize.value == 0 { throw ValidationError("--page-size needs a positive number") }
        if let genericListPageSize, genericListPageSize.value == 0 { throw ValidationError("--generic-list-page-size needs a positive number") }
        if token.contains("") { throw ValidationError("--token needs a value") }
    }

    /// The emulator's configuration and the port file these arguments ask for.
    public var commandLine: EmulatorCommandLine {
        var options = EmulatorCommandLine()
        var configuration = options.configuration
        configuration.forwarding = forwarding
        if let listen {
            configuration.host = listen.host
            configuration.port = listen.port
        }
        if let log { configuration.requestLogPath = log }
        for pair in addressMap { configuration.addressMap[pair.key] = pair.value }
        if let frontendBind { configuration.frontendBindHost = frontendBind }
        if let latencyMs { configuration.latencyMs = latencyMs.value }
        if let operationPolls { configuration.operationPolls = operationPolls.value }
        if let retryAfter { configuration.retryAfterSeconds = retryAfter.value }
        if let pageSize { configuration.pageSize = pageSize.value }
        if let genericListPageSize { configuration.genericListPageSize = genericListPageSize.value }
        for pair in apiVersion { configuration.accept(apiVersion: pair.value, for: pair.key) }
        for token in token { configuration.acceptedTokens.insert(token) }
        options.configuration = configuration
        options.portFile = portFile
        return options
    }
}

/// `HOST:PORT` (`[::1]:PORT` too; an empty host is 127.0.0.1).
package struct ListenAddress: ExpressibleByArgument, Sendable {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(argument[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }
}

/// `KEY=VALUE`, both non-empty.
package struct KeyValue: ExpressibleByArgument, Sendable {
    package var key: String
    package var value: String

    package init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        let rest = String(argument[argument.index(after: equals)...])
        guard !rest.isEmpty else { return nil }
        key = String(argument[..<equals])
        value = rest
    }
}

/// A whole number, zero or more.
package struct NonNegative: ExpressibleByArgument, Sendable {
    package var value: Int

    package init?(argument: String) {
        guard let n = Int(argument), n >= 0 else { return nil }
        value = n
    }
}
