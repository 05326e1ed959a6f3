import Testing

@Test func computeEmulatorPlaceholder() { #expect(Bool(true)) }
