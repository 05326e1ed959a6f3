/// Metadata (key 3): brokers registered on the listener the request arrived on, partitions as that listener
/// sees them (kafka.md §1.5, §2).
public enum MetadataHandler {
    /// A parsed request: `topics` nil means all topics; each entry names a topic or gives its id (v10+).
    public struct Request: Sendable, Equatable {
        public var topics: [(id: [UInt8]?, name: String?)]?
        public var includeClusterAuthorizedOperations = false
        public var includeTopicAuthorizedOperations = false

        public static func == (lhs: Request, rhs: Request) -> Bool {
            lhs.includeClusterAuthorizedOperations == rhs.includeClusterAuthorizedOperations
                && lhs.includeTopicAuthorizedOperations == rhs.includeTopicAuthorizedOperations
                && lhs.topics?.count == rhs.topics?.count
                && zip(lhs.topics ?? [], rhs.topics ?? []).allSatisfy { $0.id == $1.id && $0.name == $1.name }
        }

        public static func parse(version v: Int16, reader r: inout WireReader) throws -> Request {
            let flexible = v >= 9
            let topics: [(id: [UInt8]?, name: String?)]? = try r.array(compact: flexible) { r in
                if v == 0 { return (nil, try r.string()) }
                let id: [UInt8]? = v >= 10 ? try r.uuid() : nil
                let name = v >= 10 ? try r.nullableString(compact: flexible) : try r.string(compact: flexible)
                if flexible { try r.skipTaggedFields() }
                return (id, name)
            }
            guard v >= 1 || topics != nil else { throw WireError("null topic array in Metadata v0") }
            var request = Request(topics: v == 0 && topics?.isEmpty == true ? nil : topics)
            if v >= 4 { _ = try r.bool() }  // AllowAutoTopicCreation: the simulator never creates topics.
            if (8...10).contains(v) { request.includeClusterAuthorizedOperations = try r.bool() }
            if v >= 8 { request.includeTopicAuthorizedOperations = try r.bool() }
            if flexible { try r.skipTaggedFields() }
            return request
        }
    }

    public static func handle(version: Int16, reader: inout WireReader, context: RequestContext) throws -> [UInt8] {
        let request = try Request.parse(version: version, reader: &reader)
        return response(to: request, version: version, context: context).encoded(version: version)
    }

    public static func response(to request: Request, version: Int16, context: RequestContext) -> MetadataResponse {
        let snapshot = context.snapshot
        let brokers = snapshot.runningBrokers(on: context.listener).map {
            MetadataResponse.Broker(nodeId: $0.id, host: $0.endpoint.host, port: Int32($0.endpoint.port), rack: $0.rack)
        }
        let model = PartitionModel(
            topics: context.config.topics,
            brokerIds: snapshot.assignmentBrokerIds(configured: context.config.brokerIds, voters: context.voterIds))
        let topicOperations =
            request.includeTopicAuthorizedOperations ? AuthorizedOperations.topic : AuthorizedOperations.notRequested

        func known(_ index: Int) -> MetadataResponse.Topic {
            let spec = model.topics[index]
            return MetadataResponse.Topic(
                errorCode: ErrorCode.none, name: spec.name, topicId: spec.topicId,
                partitions: model.partitions(
                    topicIndex: index, listener: context.listener, version: version, snapshot: snapshot),
                authorizedOperations: topicOperations)
        }

        let topics: [MetadataResponse.Topic]
        if let requested = request.topics {
            topics = requested.map { entry in
                if let name = entry.name {
                    if let index = model.topicIndex(named: name) { return known(index) }
                    return MetadataResponse.Topic(
                        errorCode: ErrorCode.unknownTopicOrPartition, name: name,
                        topicId: [UInt8](repeating: 0, count: 16),
                        partitions: [], authorizedOperations: topicOperations)
                }
                let id = entry.id ?? []
                if let index = model.topicIndex(id: id), id != [UInt8](repeating: 0, count: 16) { return known(index) }
                return MetadataResponse.Topic(
                    errorCode: ErrorCode.unknownTopicId, name: nil, topicId: id, partitions: [],
                    authorizedOperations: topicOperations)
            }
        } else {
            topics = model.topics.indices.sorted { model.topics[$0].name < model.topics[$1].name }.map(known)
        }
        var response = MetadataResponse(
            brokers: brokers, clusterId: context.config.clusterId, controllerId: snapshot.randomRunningBrokerId(),
            topics: topics)
        if request.includeClusterAuthorizedOperations {
            response.clusterAuthorizedOperations = AuthorizedOperations.cluster
        }
        return response
    }
}
