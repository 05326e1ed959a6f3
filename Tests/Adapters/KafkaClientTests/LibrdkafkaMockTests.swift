import Dispatch
import Foundation
import KafkaClient
import KafkaProtocol
import Testing

/// The Swift client against an implementation this project did not write: librdkafka's in-process mock cluster
/// (Debian's librdkafka1 2.0.2, driven from Python through ctypes, so no headers or PyPI packages are needed).
/// Its mock only implements ApiVersions up to v2, so this also exercises the UNSUPPORTED_VERSION fallback.
/// Skipped when `python3` or `librdkafka.so.1` is missing.
@Suite("librdkafka mock cluster", .enabled(if: LibrdkafkaMock.isAvailable))
struct LibrdkafkaMockTests {
    @Test(.timeLimit(.minutes(1)))
    func apiVersionsFallbackAndMetadata() async throws {
        let mock = try await LibrdkafkaMock.start(brokers: 3, topic: "orders", partitions: 3)
        defer { mock.stop() }
        let bootstrap = try #require(mock.bootstrap.first)
        let client = KafkaClient(host: bootstrap.host, port: bootstrap.port, options: fastOptions)

        let versions = try await client.apiVersions()
        #expect(versions.errorCode == .none)
        #expect(versions.decodedVersion <= 2, "librdkafka 2.0.2's mock refuses ApiVersions v3")
        let metadataRange = try #require(versions.range(for: .metadata))

        let metadata = try await client.metadata()
        #expect(metadata.brokers.map(\.nodeID).sorted() == [1, 2, 3])
        #expect(
            Set(metadata.brokers.map { "\($0.host):\($0.port)" }) == Set(mock.bootstrap.map { "\($0.host):\($0.port)" })
        )
        let topic = try #require(metadata.topics.first { $0.name == "orders" })
        #expect(topic.errorCode == .none)
        #expect(topic.partitions.map(\.index).sorted() == [0, 1, 2])
        for partition in topic.partitions {
            #expect(partition.replicas.count == 3)
            #expect(partition.replicas.contains(partition.leaderID))
        }
        let onlyBrokers = try await client.metadata(topics: [])
        #expect(onlyBrokers.brokers.count == 3)
        if metadataRange.maxVersion >= 1 {
            #expect(onlyBrokers.topics.isEmpty)
        }
    }
}

/// A librdkafka mock cluster in a child `python3` process, which exits when its stdin closes.
final class LibrdkafkaMock: Sendable {
    static let library = "/usr/lib/x86_64-linux-gnu/librdkafka.so.1"
    static let python = "/usr/bin/python3"

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: library) && FileManager.default.isExecutableFile(atPath: python)
    }

    static let script = """
        import ctypes, sys
        lib = ctypes.CDLL(sys.argv[1])
        lib.rd_kafka_conf_new.restype = ctypes.c_void_p
        lib.rd_kafka_conf_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.rd_kafka_new.restype = ctypes.c_void_p
        lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.rd_kafka_mock_cluster_new.restype = ctypes.c_void_p
        lib.rd_kafka_mock_cluster_new.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
        lib.rd_kafka_mock_cluster_bootstraps.argtypes = [ctypes.c_void_p]
        lib.rd_kafka_mock_topic_create.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
        err = ctypes.create_string_buffer(512)
        conf = lib.rd_kafka_conf_new()
        lib.rd_kafka_conf_set(conf, b"log_level", b"0", err, 512)
        rk = lib.rd_kafka_new(0, conf, err, 512)
        assert rk, err.value
        mc = lib.rd_kafka_mock_cluster_new(rk, int(sys.argv[2]))
        assert mc
        assert lib.rd_kafka_mock_topic_create(mc, sys.argv[3].encode(), int(sys.argv[4]), int(sys.argv[2])) == 0
        print(lib.rd_kafka_mock_cluster_bootstraps(mc).decode(), flush=True)
        sys.stdin.read()
        """

    let bootstrap: [(host: String, port: Int)]
    private let process: Process
    private let stdin: Pipe

    private init(process: Process, stdin: Pipe, bootstrap: [(host: String, port: Int)]) {
        self.process = process
        self.stdin = stdin
        self.bootstrap = bootstrap
    }

    static func start(brokers: Int, topic: String, partitions: Int) async throws -> LibrdkafkaMock {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, library, String(brokers), topic, String(partitions)]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read the bootstrap line off the cooperative pool.
        let line = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                let handle = stdout.fileHandleForReading
                while let chunk = try? handle.read(upToCount: 1), let byte = chunk.first, byte != 10 {
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        let bootstrap = line.split(separator: ",").compactMap { entry -> (host: String, port: Int)? in
            guard let colon = entry.lastIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]) else {
                return nil
            }
            return (String(entry[..<colon]), port)
        }
        let mock = LibrdkafkaMock(process: process, stdin: stdin, bootstrap: bootstrap)
        guard bootstrap.count == brokers else {
            mock.stop()
            throw MockError.noBootstrap(line)
        }
        return mock
    }

    /// Closes the child's stdin (it exits), then terminates it by pid if it is still running.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    enum MockError: Error {
        case noBootstrap(String)
    }
}
