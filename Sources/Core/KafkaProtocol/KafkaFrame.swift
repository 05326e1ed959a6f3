/// Size-prefixed framing: `INT32 size` followed by `size` bytes, the size counting neither itself nor anything
/// outside the frame.
public enum KafkaFrame {
    /// The default bound on a frame's payload, far above any response the reconciler asks for.
    public static let defaultMaxSize = 64 << 20

    /// The payload size announced by a 4-byte size prefix, rejected before anything is allocated if it is negative
    /// or above `maxSize`.
    public static func payloadSize(
        prefix: some Collection<UInt8>, maxSize: Int = defaultMaxSize
    ) throws(ProtocolError) -> Int {
        guard prefix.count == 4 else {
            throw .truncated(needed: 4, remaining: prefix.count, offset: 0)
        }
        let size = Int(prefix.reduce(Int32(0)) { $0 << 8 | Int32($1) })
        guard size >= 0 else { throw .invalidLength(size, offset: 0) }
        guard size <= maxSize else { throw .tooLarge(size, limit: maxSize, offset: 0) }
        return size
    }

    /// `payload` with its INT32 size prefix.
    public static func framed(_ payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: payload.count + 4)
        writer.writeInt32(Int32(payload.count))
        writer.writeBytes(payload)
        return writer.bytes
    }

    /// Splits complete frames off the front of `buffer`, leaving a partial frame in place. Sans-IO: feed it bytes as
    /// they arrive.
    public static func extractFrames(
        from buffer: inout [UInt8], maxSize: Int = defaultMaxSize
    ) throws(ProtocolError) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var start = 0
        while buffer.count - start >= 4 {
            let size = try payloadSize(prefix: buffer[start..<start + 4], maxSize: maxSize)
            guard buffer.count - start - 4 >= size else { break }
            frames.append(Array(buffer[start + 4..<start + 4 + size]))
            start += 4 + size
        }
        buffer.removeFirst(start)
        return frames
    }
}
