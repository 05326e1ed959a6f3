/// The `arm-emulator` command line: `--listen HOST:PORT`, `--port-file FILE`, `--log FILE`,
/// `--address-map PRIVATE=LOCAL`…, `--frontend-bind IP`, `--forwarding`, `--latency-ms N`, `--operation-polls N`,
/// `--retry-after S`, `--page-size N`, `--api-version NAMESPACE=VERSION`…, `--token TOKEN`….
public struct EmulatorCommandLine: Sendable {
    public var configuration = ArmEmulator.Configuration()
    public var portFile: String?

    public static let usage = """
        usage: arm-emulator [--listen HOST:PORT] [--port-file FILE] [--log FILE] [--address-map PRIVATE=LOCAL]...
                            [--frontend-bind IP] [--forwarding] [--latency-ms N] [--operation-polls N] [--retry-after S]
                            [--page-size N] [--api-version NAMESPACE=VERSION]... [--token TOKEN]...
        A local Azure Resource Manager emulator (resource groups, Microsoft.Network, Microsoft.Compute VMs) with
        Entra ID / IMDS token endpoints. Accepts the bearer token "arm-emulator-token" and any token it issued.
        Runs until SIGTERM or SIGINT.
        """

    public enum ParseResult: Sendable {
        case run(EmulatorCommandLine)
        case help
        case usageError(String)
    }

    public static func parse(_ arguments: [String]) -> ParseResult {
        var options = EmulatorCommandLine()
        options.configuration.forwarding = false
        var index = 0
        while index < arguments.count {
            var flag = arguments[index]
            var inline: String?
            if flag.hasPrefix("--"), let equals = flag.firstIndex(of: "=") {
                inline = String(flag[flag.index(after: equals)...])
                flag = String(flag[..<equals])
            }
            func value() -> String? {
                if let inline { return inline }
                index += 1
                return index < arguments.count ? arguments[index] : nil
            }
            func number(_ name: String) -> Int? { value().flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil } }
            func pair(_ text: String?) -> (String, String)? {
                guard let text, let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
                let rest = String(text[text.index(after: equals)...])
                return rest.isEmpty ? nil : (String(text[..<equals]), rest)
            }
            switch flag {
            case "-h", "--help": return .help
            case "--listen":
                guard let text = value(), let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                    (0...65535).contains(port)
                else { return .usageError("--listen needs HOST:PORT") }
                var host = String(text[..<colon])
                if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
                options.configuration.host = host.isEmpty ? "127.0.0.1" : host
                options.configuration.port = port
            case "--port-file":
                guard let path = value() else { return .usageError("--port-file needs a file") }
                options.portFile = path
            case "--log":
                guard let path = value() else { return .usageError("--log needs a file") }
                options.configuration.requestLogPath = path
            case "--address-map":
                guard let (privateIP, localIP) = pair(value()) else { return .usageError("--address-map needs PRIVATE=LOCAL") }
                options.configuration.addressMap[privateIP] = localIP
            case "--frontend-bind":
                guard let host = value() else { return .usageError("--frontend-bind needs an IP") }
                options.configuration.frontendBindHost = host
            case "--forwarding": options.configuration.forwarding = true
            case "--latency-ms":
                guard let n = number(flag) else { return .usageError("--latency-ms needs a number") }
                options.configuration.latencyMs = n
            case "--operation-polls":
                guard let n = number(flag) else { return .usageError("--operation-polls needs a number") }
                options.configuration.operationPolls = n
            case "--retry-after":
                guard let n = number(flag) else { return .usageError("--retry-after needs a number of seconds") }
                options.configuration.retryAfterSeconds = n
            case "--page-size":
                guard let n = number(flag), n > 0 else { return .usageError("--page-size needs a positive number") }
                options.configuration.pageSize = n
            case "--api-version":
                guard let (namespace, version) = pair(value()) else { return .usageError("--api-version needs NAMESPACE=VERSION") }
                options.configuration.accept(apiVersion: version, for: namespace)
            case "--token":
                guard let token = value(), !token.isEmpty else { return .usageError("--token needs a value") }
                options.configuration.acceptedTokens.insert(token)
            default:
                return .usageError("unknown argument \(arguments[index])")
            }
            index += 1
        }
        return .run(options)
    }
}
