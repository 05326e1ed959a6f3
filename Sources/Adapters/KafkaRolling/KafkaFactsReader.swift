public import KafkaClient
import KafkaProtocol
public import ProviderAPI
public import ReconcileModel

/// `ClusterFactsReader` over Kafka: ApiVersions from every bootstrap broker (concurrently), and Metadata without
/// topics from the first that answers it. Read-only; never SSH.
public struct KafkaFactsReader: ClusterFactsReader {
    let dialer: any Dialer
    let options: KafkaConnectionOptions

    public init(dialer: any Dialer = SystemDialer(), options: KafkaConnectionOptions = .init(connectTimeout: .seconds(3), requestTimeout: .seconds(5))) {
        self.dialer = dialer
        self.options = options
    }

    public func facts(_ request: ClusterFactsRequest) async -> ClusterFacts {
        let targets = request.bootstrap.compactMap(Self.split)
        guard !targets.isEmpty else { return .unreadable(listenerPort: request.listenerPort, "no bootstrap address") }
        let answers = await withTaskGroup(of: (Int, Result<(ApiVersionsResponse, MetadataResponse?), KafkaClientError>).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { [dialer, options] in
                    let client = KafkaClient(host: target.host, port: target.port, dialer: dialer, options: options)
                    let result: Result<(ApiVersionsResponse, MetadataResponse?), KafkaClientError>
                    do throws(KafkaClientError) {
                        let versions = try await client.apiVersions()
                        let metadata = try? await client.metadata(topics: [])
                        result = .success((versions, metadata))
                    } catch {
                        result = .failure(error)
                    }
                    await client.close()
                    return (index, result)
                }
            }
            var all: [(Int, Result<(ApiVersionsResponse, MetadataResponse?), KafkaClientError>)] = []
            for await answer in group { all.append(answer) }
            return all.sorted { $0.0 < $1.0 }
        }
        var maxVersions: [Int: Int] = [:]
        var advertised: [Int: String]?
        var failures: [String] = []
        for (index, answer) in answers {
            let name = "\(targets[index].host):\(targets[index].port)"
            switch answer {
            case .success(let (versions, metadata)):
                for key in versions.apiKeys { maxVersions[Int(key.apiKey)] = max(maxVersions[Int(key.apiKey)] ?? 0, Int(key.maxVersion)) }
                if advertised == nil, let metadata {
                    advertised = Dictionary(metadata.brokers.map { (Int($0.nodeID), "\($0.host):\($0.port)") }, uniquingKeysWith: { a, _ in a })
                } else if metadata == nil {
                    failures.append("\(name): no Metadata answer")
                }
            case .failure(let error):
                failures.append("\(name): \(error)")
            }
        }
        guard let advertised else {
            return .unreadable(listenerPort: request.listenerPort, "no broker answered (\(failures.joined(separator: "; ")))")
        }
        return ClusterFacts(listenerPort: request.listenerPort, advertised: advertised, apiMaxVersions: maxVersions)
    }

    static func split(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
        return (String(text[..<colon]), port)
    }
}
