import Testing

@Test func computeProviderPlaceholder() { #expect(Bool(true)) }
