/// DescribeQuorum (key 55, flexible in every version; kafka.md §1.7). Brokers forward it to the active
/// controller, so any broker listener answers for the quorum; on a controller listener only the leader does
/// (others: NOT_LEADER_OR_FOLLOWER). Anything but `__cluster_metadata` partition 0 is UNKNOWN_TOPIC_OR_PARTITION.
public enum DescribeQuorumHandler {
    static let metadataTopic = "__cluster_metadata"

    public static func handle(version v: Int16, reader r: inout WireReader, context: RequestContext) throws -> [UInt8] {
        let topics: [(name: String, partitions: [Int32])] =
            try r.array(compact: true) { r in
                let name = try r.compactString()
                let partitions: [Int32] =
                    try r.array(compact: true) { r in
                        let index = try r.int32()
                        try r.skipTaggedFields()
                        return index
                    } ?? []
                try r.skipTaggedFields()
                return (name, partitions)
            } ?? []
        try r.skipTaggedFields()

        let valid = topics.count == 1 && topics[0].name == metadataTopic && topics[0].partitions == [0]
        let quorum = QuorumModel(voterIds: context.voterIds, snapshot: context.snapshot)
        var partitionError = valid ? ErrorCode.none : ErrorCode.unknownTopicOrPartition
        if valid && context.isControllerListener && quorum.leaderId != context.config.nodeId {
            partitionError = ErrorCode.notLeaderOrFollower
        }

        var w = WireWriter()
        w.int16(ErrorCode.none)
        if v >= 2 { w.string(nil, compact: true) }
        w.array(topics, compact: true) { w, topic in
            w.string(topic.name, compact: true)
            w.array(topic.partitions, compact: true) { w, index in
                w.int32(index)
                w.int16(partitionError)
                if v >= 2 { w.string(nil, compact: true) }
                let answer = partitionError == ErrorCode.none
                w.int32(answer ? quorum.leaderId : -1)
                w.int32(answer ? quorum.leaderEpoch : -1)
                w.int64(answer ? quorum.highWatermark : -1)
                writeReplicas(answer ? quorum.voters : [], version: v, into: &w)
                writeReplicas(answer ? quorum.observers : [], version: v, into: &w)
                w.emptyTaggedFields()
            }
            w.emptyTaggedFields()
        }
        if v >= 2 {
            w.array(valid ? quorum.nodes : [], compact: true) { w, node in
                w.int32(node.id)
                w.array(node.endpoints, compact: true) { w, endpoint in
                    w.string(endpoint.listener, compact: true)
                    w.string(endpoint.host, compact: true)
                    w.uint16(UInt16(clamping: endpoint.port))
                    w.emptyTaggedFields()
                }
                w.emptyTaggedFields()
            }
        }
        w.emptyTaggedFields()
        return w.bytes
    }

    static func writeReplicas(_ replicas: [QuorumModel.Replica], version v: Int16, into w: inout WireWriter) {
        w.array(replicas, compact: true) { w, replica in
            w.int32(replica.id)
            if v >= 2 { w.uuid(TopicSpec.stableId("directory:\(replica.id)")) }
            w.int64(replica.logEndOffset)
            if v >= 1 {
                w.int64(replica.lastFetchTimestamp)
                w.int64(replica.lastCaughtUpTimestamp)
            }
            w.emptyTaggedFields()
        }
    }
}
