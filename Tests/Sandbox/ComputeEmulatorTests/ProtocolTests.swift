import ComputeEmulator
import Testing

@Suite struct ComputeEmulatorSmoke {
    @Test func starts() throws {
        let emulator = try ComputeEmulator(configuration: .init())
        try emulator.start()
        defer { emulator.stop() }
        #expect(emulator.port > 0)
    }
}
