// swift-tools-version: 6.2
// The module graph is the architecture (see README "Architecture"):
//   pure core:  ReconcileModel <- YAML <- Manifests <- DesiredState ; Planning ; PlanRendering
//   ports:      ProviderAPI (protocols only)
//   adapters:   FileStateStore, CurlTransport (C: CCurl), YAML (C: CLibYAML)
//   engine:     Execution (applies a Plan through ProviderAPI ports) <- ReconcileEngine (the pass, as a library)
//   root:       ReconcileCommands (the only target that wires concrete adapters) <- reconcile (executable)
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "kafka-private-link-reconciler",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reconcile", targets: ["reconcile"]),
        .executable(name: "kafka-broker-sim", targets: ["kafka-broker-sim"]),
        .executable(name: "arm-emulator", targets: ["arm-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C system libraries (Debian: libyaml-dev, libcurl4-openssl-dev).
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Pure core: no network, no file writes.
        .target(name: "ReconcileModel", swiftSettings: upcoming),
        .target(name: "YAML", dependencies: ["CLibYAML"], swiftSettings: upcoming),
        .target(name: "Manifests", dependencies: ["ReconcileModel", "YAML"], swiftSettings: upcoming),
        .target(name: "DesiredState", dependencies: ["ReconcileModel", "Manifests", "ServerProperties"], swiftSettings: upcoming),
        .target(name: "Planning", dependencies: ["ReconcileModel"], swiftSettings: upcoming),
        .target(name: "PlanRendering", dependencies: ["ReconcileModel"], swiftSettings: upcoming),
        // Pure: the Kafka wire-protocol subset (framing, primitives, the five APIs), no IO.
        .target(name: "KafkaProtocol", swiftSettings: upcoming),
        // Pure: restart gates and the one-broker-at-a-time rolling-restart state machine (sans-IO).
        .target(name: "RollingRestart", dependencies: ["ReconcileModel"], swiftSettings: upcoming),
        // Pure: java.util.Properties-exact parsing and line-preserving editing of server.properties.
        .target(name: "ServerProperties", swiftSettings: upcoming),

        // Ports (protocols whose doc comments carry the contract).
        .target(name: "ProviderAPI", dependencies: ["ReconcileModel"], swiftSettings: upcoming),

        // Adapters.
        .target(name: "FileStateStore", dependencies: ["ReconcileModel", "ProviderAPI"], swiftSettings: upcoming),
        .target(name: "CurlTransport", dependencies: ["CCurl", "ProviderAPI"], swiftSettings: upcoming),
        .target(name: "SSHTransport", dependencies: ["ProviderAPI"], swiftSettings: upcoming),
        .target(name: "KafkaClient", dependencies: ["KafkaProtocol"], swiftSettings: upcoming),
        // Cloud HTTP on top of any HTTPTransport: retries (backoff, full jitter, Retry-After), request logging.
        .target(name: "CloudHTTP", dependencies: ["ProviderAPI"], swiftSettings: upcoming),
        // Azure credentials: client secret, workload identity, managed identity (IMDS), Azure CLI; cached tokens.
        .target(name: "AzureAuth", dependencies: ["ProviderAPI", "CloudHTTP"], swiftSettings: upcoming),
        // The ARM provider: observe and apply the azure.* resource types (LROs, paging, errors, ownership).
        .target(name: "AzureProvider", dependencies: ["ReconcileModel", "ProviderAPI"], swiftSettings: upcoming),
        // Loopback TCP forwarding (the emulated load balancer's data path).
        .target(name: "TCPForwarding", swiftSettings: upcoming),
        // The ARM emulator of the sandbox and the tests: a loopback HTTP server with ARM's semantics.
        .target(name: "ArmEmulator", dependencies: ["TCPForwarding"], swiftSettings: upcoming),
        .executableTarget(name: "arm-emulator", dependencies: ["ArmEmulator"], swiftSettings: upcoming),
        // The broker simulator of the sandbox and the tests: its own codec, never KafkaProtocol's.
        .target(name: "KafkaSimulator", dependencies: ["ServerProperties"], swiftSettings: upcoming),
        .executableTarget(name: "kafka-broker-sim", dependencies: ["KafkaSimulator"], swiftSettings: upcoming),

        .target(
            name: "KafkaBrokers", dependencies: ["ReconcileModel", "ProviderAPI", "ServerProperties"], swiftSettings: upcoming
        ),

        .target(
            name: "KafkaRolling",
            dependencies: ["ReconcileModel", "ProviderAPI", "KafkaClient", "KafkaProtocol", "RollingRestart", "Planning"],
            swiftSettings: upcoming
        ),

        // Engine.
        .target(name: "Execution", dependencies: ["ReconcileModel", "ProviderAPI"], swiftSettings: upcoming),
        // The reconcile pass as a long-lived library: desired state -> observe -> plan -> apply -> record; returns a
        // value, never prints. The CLI (and the coming service) call it the same way.
        .target(
            name: "ReconcileEngine",
            dependencies: [
                "ReconcileModel", "Manifests", "DesiredState", "Planning", "ProviderAPI", "Execution",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),

        // Composition root.
        .target(
            name: "ReconcileCommands",
            dependencies: [
                "ReconcileModel", "YAML", "Manifests", "DesiredState", "Planning", "PlanRendering", "ReconcileEngine",
                "ProviderAPI", "Execution", "FileStateStore", "CurlTransport", "SSHTransport", "KafkaBrokers", "KafkaRolling", "KafkaClient", "RollingRestart",
                "CloudHTTP", "AzureAuth", "AzureProvider",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(name: "reconcile", dependencies: ["ReconcileCommands"], swiftSettings: upcoming),

        // Tests.
        .target(
            name: "TestSupport",
            dependencies: ["ReconcileModel", "ProviderAPI"],
            path: "Tests/TestSupport",
            swiftSettings: upcoming
        ),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"], swiftSettings: upcoming),
        .testTarget(
            name: "ManifestsTests", dependencies: ["Manifests", "ReconcileModel", "YAML", "TestSupport"], swiftSettings: upcoming
        ),
        .testTarget(
            name: "DesiredStateTests",
            dependencies: ["DesiredState", "Manifests", "ReconcileModel", "TestSupport"],
            swiftSettings: upcoming
        ),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "ReconcileModel"], swiftSettings: upcoming),
        .testTarget(name: "PlanRenderingTests", dependencies: ["PlanRendering", "ReconcileModel"], swiftSettings: upcoming),
        .testTarget(
            name: "ExecutionTests",
            dependencies: ["Execution", "Planning", "ReconcileModel", "ProviderAPI", "TestSupport"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FileStateStoreTests",
            dependencies: ["FileStateStore", "ProviderAPI", "ReconcileModel"],
            swiftSettings: upcoming
        ),
        .testTarget(name: "CurlTransportTests", dependencies: ["CurlTransport", "ProviderAPI"], swiftSettings: upcoming),
        .testTarget(name: "CloudHTTPTests", dependencies: ["CloudHTTP", "ProviderAPI", "TestSupport"], swiftSettings: upcoming),
        .testTarget(
            name: "AzureAuthTests", dependencies: ["AzureAuth", "CloudHTTP", "ProviderAPI", "CurlTransport", "TestSupport"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "AzureProviderTests",
            dependencies: ["AzureProvider", "ProviderAPI", "ReconcileModel", "CurlTransport", "CloudHTTP", "ArmEmulator", "TestSupport"],
            swiftSettings: upcoming
        ),
        // Request bodies checked against the official ARM schemas in ../shared/specs (strict mode).
        .testTarget(name: "ConformanceTests", dependencies: ["TestSupport"], exclude: ["fixtures"], swiftSettings: upcoming),
        .testTarget(name: "TCPForwardingTests", dependencies: ["TCPForwarding"], swiftSettings: upcoming),
        .testTarget(
            name: "ArmEmulatorTests", dependencies: ["ArmEmulator", "TCPForwarding", "TestSupport"], exclude: ["python"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "KafkaBrokersTests",
            dependencies: ["KafkaBrokers", "ProviderAPI", "ReconcileModel", "ServerProperties", "TestSupport"],
            swiftSettings: upcoming
        ),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["KafkaProtocol"], exclude: ["golden"], swiftSettings: upcoming),
        .testTarget(
            name: "KafkaClientTests", dependencies: ["KafkaClient", "KafkaProtocol", "KafkaSimulator"], swiftSettings: upcoming
        ),
        .testTarget(
            name: "KafkaSimulatorTests",
            dependencies: ["KafkaSimulator", "TestSupport", "KafkaRolling", "KafkaBrokers", "Planning", "ProviderAPI", "ReconcileModel", "RollingRestart"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RollingRestartTests", dependencies: ["RollingRestart", "ReconcileModel", "TestSupport"], swiftSettings: upcoming
        ),
        .testTarget(name: "ServerPropertiesTests", dependencies: ["ServerProperties", "TestSupport"], swiftSettings: upcoming),
        .testTarget(
            name: "SSHTransportTests", dependencies: ["SSHTransport", "ProviderAPI", "TestSupport"], swiftSettings: upcoming
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "ReconcileCommands", "ReconcileModel", "TestSupport", "KafkaClient", "KafkaProtocol", "ArmEmulator",
                "KafkaSimulator", "ServerProperties", "Manifests", "DesiredState", "FileStateStore", "ReconcileEngine", "ProviderAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
