import ArgumentParser
import Foundation
import KafkaProxy

#if canImport(Glibc)
    import Glibc
#endif

// kafka-proxy: a thin main over the KafkaProxy library (see KafkaProxyServerArguments). Runs until SIGTERM or
// SIGINT, which close every listener and connection at once, as the real one does.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("kafka-proxy: \(message)\n".utf8))
    exit(1)
}

let parsed: any ParsableCommand
do {
    parsed = try KafkaProxyCommand.parseAsRoot()
} catch {
    KafkaProxyCommand.exit(withError: error)
}
guard let arguments = parsed as? KafkaProxyServerArguments else {
    print(KafkaProxyCommand.helpMessage())
    exit(parsed is KafkaProxyCommand ? 0 : 2)
}

var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)
signal(SIGPIPE, SIG_IGN)

let json = arguments.jsonLogs
let server: KafkaProxyServer
do {
    server = try KafkaProxyServer(configuration: try arguments.proxyConfiguration(environment: ProcessInfo.processInfo.environment)) { line in
        let time = ISO8601DateFormatter().string(from: Date())
        let text = json
            ? "{\"level\":\"info\",\"msg\":\(String(decoding: try! JSONEncoder().encode(line), as: UTF8.self)),\"time\":\"\(time)\"}\n"
            : "time=\"\(time)\" level=info msg=\"\(line.replacingOccurrences(of: "\"", with: "\\\""))\"\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
    try server.start()
} catch {
    fail("\(error)")
}
if let port = server.httpPort { FileHandle.standardError.write(Data("kafka-proxy: HTTP on port \(port)\n".utf8)) }

var received: Int32 = 0
while sigwait(&signals, &received) != 0 || (received != SIGTERM && received != SIGINT) {}
server.stop()
exit(0)
