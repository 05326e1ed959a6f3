import ArmEmulator
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// arm-emulator: a thin main over the ArmEmulator library (see EmulatorCommandLine.usage).

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("arm-emulator: \(message)\n".utf8))
    exit(status)
}

let options: EmulatorCommandLine
switch EmulatorCommandLine.parse(Array(CommandLine.arguments.dropFirst())) {
case .help:
    print(EmulatorCommandLine.usage)
    exit(0)
case .usageError(let message):
    fail("\(message)\n\(EmulatorCommandLine.usage)", status: 2)
case .run(let parsed):
    options = parsed
}

// Block the stop signals before any thread starts, so every thread inherits the mask and sigwait gets them.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)

let emulator: ArmEmulator
do {
    emulator = try ArmEmulator(configuration: options.configuration)
    try emulator.start()
} catch {
    fail("\(error)", status: 1)
}
if let portFile = options.portFile {
    do {
        try "\(emulator.port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
    } catch {
        emulator.stop()
        fail("cannot write \(portFile): \(error)", status: 1)
    }
}
print("arm-emulator listening on \(emulator.baseURL)")
fflush(nil)

var received: Int32 = 0
sigwait(&signals, &received)
emulator.stop()
exit(0)
