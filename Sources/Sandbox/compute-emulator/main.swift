import ArgumentParser
import ComputeEmulator
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// compute-emulator: a thin main over the ComputeEmulator library (see ComputeEmulatorArguments).

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("compute-emulator: \(message)\n".utf8))
    exit(status)
}

let arguments: ComputeEmulatorArguments
do {
    arguments = try ComputeEmulatorArguments.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    if ComputeEmulatorArguments.exitCode(for: error) == .success {
        print(ComputeEmulatorArguments.helpMessage())
        exit(0)
    }
    fail("\(ComputeEmulatorArguments.message(for: error))\n\(ComputeEmulatorArguments.helpMessage())", status: 2)
}

// Block the stop signals before any thread starts, so every thread inherits the mask and sigwait gets them.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)

let emulator: ComputeEmulator
do {
    emulator = try ComputeEmulator(configuration: arguments.emulatorConfiguration)
    try emulator.start()
} catch {
    fail("\(error)", status: 1)
}
print("compute-emulator listening on \(emulator.baseURL) (Compute base \(emulator.computeBase))")
fflush(nil)
if let portFile = arguments.portFile {
    do {
        try "\(emulator.port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
    } catch {
        emulator.stop()
        fail("cannot write \(portFile): \(error)", status: 1)
    }
}

var received: Int32 = 0
sigwait(&signals, &received)
emulator.stop()
exit(0)
