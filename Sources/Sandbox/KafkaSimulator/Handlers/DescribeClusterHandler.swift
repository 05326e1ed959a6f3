/// DescribeCluster (key 60, flexible in every version; kafka.md §1.6).
///
/// On a broker listener: the running brokers registered on that listener (plus fenced ones on v2 with
/// `IncludeFencedBrokers`), ControllerId a random live broker. On a controller listener (3.7+): the controller
/// endpoints of the live voters, ControllerId the quorum leader. A wrong endpoint type is
/// MISMATCHED_ENDPOINT_TYPE (INVALID_REQUEST on v0), an unknown one UNSUPPORTED_ENDPOINT_TYPE.
public enum DescribeClusterHandler {
    struct Broker {
        var id: Int32
        var host: String
        var port: Int32
        var rack: String?
        var isFenced: Bool
    }

    public static func handle(version v: Int16, reader r: inout WireReader, context: RequestContext) throws -> [UInt8] {
        let includeOperations = try r.bool()
        let endpointType: Int8 = v >= 1 ? try r.int8() : 1
        let includeFenced = v >= 2 ? try r.bool() : false
        try r.skipTaggedFields()

        let expected: Int8 = context.isControllerListener ? 2 : 1
        var errorCode = ErrorCode.none
        var errorMessage: String?
        if endpointType != 1 && endpointType != 2 {
            errorCode = v == 0 ? ErrorCode.invalidRequest : ErrorCode.unsupportedEndpointType
            errorMessage = "Unsupported endpoint type \(endpointType)"
        } else if endpointType != expected {
            errorCode = v == 0 ? ErrorCode.invalidRequest : ErrorCode.mismatchedEndpointType
            errorMessage =
                context.isControllerListener
                ? "The request was sent to an endpoint of type controller, but we wanted an endpoint of type broker"
                : "The request was sent to an endpoint of type broker, but we wanted an endpoint of type controller"
        }

        let snapshot = context.snapshot
        var brokers: [Broker] = []
        var controllerId: Int32 = -1
        if errorCode == ErrorCode.none {
            if context.isControllerListener {
                let quorum = QuorumModel(voterIds: context.voterIds, snapshot: snapshot)
                controllerId = quorum.leaderId
                for id in context.voterIds.sorted() where snapshot.isAlive(id) {
                    guard let endpoint = snapshot.records[id]?.controllerEndpoints.first else { continue }
                    brokers.append(
                        Broker(
                            id: id, host: endpoint.host, port: Int32(endpoint.port), rack: snapshot.records[id]?.rack,
                            isFenced: false))
                }
            } else {
                controllerId = snapshot.randomRunningBrokerId()
                var listed = snapshot.runningBrokers(on: context.listener).map {
                    Broker(
                        id: $0.id, host: $0.endpoint.host, port: Int32($0.endpoint.port), rack: $0.rack, isFenced: false
                    )
                }
                if includeFenced {
                    listed += snapshot.fencedBrokers(on: context.listener).map {
                        Broker(
                            id: $0.id, host: $0.endpoint.host, port: Int32($0.endpoint.port), rack: $0.rack,
                            isFenced: true)
                    }
                }
                brokers = listed.sorted { $0.id < $1.id }
            }
        }

        var w = WireWriter()
        w.int32(0)
        w.int16(errorCode)
        w.string(errorMessage, compact: true)
        if v >= 1 { w.int8(endpointType == 1 || endpointType == 2 ? endpointType : expected) }
        w.string(errorCode == ErrorCode.none ? context.config.clusterId : "", compact: true)
        w.int32(controllerId)
        w.array(brokers, compact: true) { w, broker in
            w.int32(broker.id)
            w.string(broker.host, compact: true)
            w.int32(broker.port)
            w.string(broker.rack, compact: true)
            if v >= 2 { w.bool(broker.isFenced) }
            w.emptyTaggedFields()
        }
        w.int32(
            includeOperations && errorCode == ErrorCode.none
                ? AuthorizedOperations.cluster : AuthorizedOperations.notRequested)
        w.emptyTaggedFields()
        return w.bytes
    }
}
