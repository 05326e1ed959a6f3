/// FindCoordinator (key 10; v0-2 classic, v3+ flexible, v4+ batched `CoordinatorKeys`).
///
/// The coordinator of a key is a running broker on the listener the request arrived on, chosen by the key's Java
/// `hashCode` (the partition of `__consumer_offsets` a real broker would look up), so every broker answers the same
/// for a key. No running broker: COORDINATOR_NOT_AVAILABLE with node -1, as Kafka answers while it starts.
/// The simulator has it so that a client's coordinator lookup (and kafka-proxy's rewriting of it) can be tested.
public enum FindCoordinatorHandler {
    public static func handle(version v: Int16, reader r: inout WireReader, context: RequestContext) throws -> [UInt8] {
        let flexible = v >= 3
        var keys: [String]
        if v >= 4 {
            _ = try r.int8()  // key type
            keys = try r.array(compact: true) { try $0.compactString() } ?? []
        } else {
            keys = [try r.string(compact: flexible)]
            if v >= 1 { _ = try r.int8() }
        }
        if flexible { try r.skipTaggedFields() }
        if v < 4 && keys.isEmpty { keys = [""] }

        let running = context.snapshot.runningBrokers(on: context.listener).sorted { $0.id < $1.id }
        func coordinator(_ key: String) -> (id: Int32, host: String, port: Int32, error: Int16, message: String?) {
            guard !running.isEmpty else { return (-1, "", -1, ErrorCode.coordinatorNotAvailable, "The coordinator is not available.") }
            let chosen = running[Int(javaHashCode(key).magnitude % UInt32(running.count))]
            return (chosen.id, chosen.endpoint.host, Int32(chosen.endpoint.port), ErrorCode.none, nil)
        }

        var w = WireWriter()
        if v >= 1 { w.int32(0) }  // throttle time
        if v >= 4 {
            w.array(keys, compact: true) { w, key in
                let c = coordinator(key)
                w.string(key, compact: true)
                w.int32(c.id)
                w.string(c.host, compact: true)
                w.int32(c.port)
                w.int16(c.error)
                w.string(c.message, compact: true)
                w.emptyTaggedFields()
            }
        } else {
            let c = coordinator(keys[0])
            w.int16(c.error)
            if v >= 1 { w.string(c.message, compact: flexible) }
            w.int32(c.id)
            w.string(c.host, compact: flexible)
            w.int32(c.port)
        }
        if flexible { w.emptyTaggedFields() }
        return w.bytes
    }

    /// `String.hashCode()` of Java over UTF-16 code units.
    static func javaHashCode(_ text: String) -> Int32 {
        text.utf16.reduce(Int32(0)) { $0 &* 31 &+ Int32($1) }
    }
}
