/// Picks the API version both sides implement.
public enum VersionNegotiation {
    /// `min(clientMax, brokerMax)` if it is `>= max(clientMin, brokerMin)`, else nil ("unsupported"). A nil `broker`
    /// range (the broker does not advertise the API) is unsupported too.
    public static func negotiate(client: ClosedRange<Int16>, broker: ApiVersionRange?) -> Int16? {
        guard let broker else { return nil }
        let candidate = min(client.upperBound, broker.maxVersion)
        return candidate >= max(client.lowerBound, broker.minVersion) ? candidate : nil
    }

    /// The versions of each API this client implements and is willing to send, newest preferred.
    public static let clientVersions: [ApiKey: ClosedRange<Int16>] = [
        .apiVersions: 0...3,
        .metadata: 1...12,
        .describeCluster: 0...2,
        .describeQuorum: 0...2,
        .describeConfigs: 4...4,
    ]
}
