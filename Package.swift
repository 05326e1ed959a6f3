// swift-tools-version: 6.2
// The module graph is the architecture, and the folders show it (see README "Architecture"):
//   Sources/Core      pure: ReconcileModel <- YAML <- Manifests <- DesiredState ; Planning ; PlanRendering ;
//                     KafkaProtocol ; RollingRestart ; ServerProperties ; Scheduling (no network, no file writes)
//   Sources/Ports     ProviderAPI (protocols only, their contracts in prose)
//   Sources/Adapters  FileStateStore, CurlTransport (C: CCurl), ChildProcesses, SSHTransport, KafkaClient, CloudHTTP, AzureAuth,
//                     GcpAuth, AzureProvider, ComputeProvider, AzureCloud and GcpCloud (each cloud's wiring), KafkaBrokers,
//                     KafkaRolling ; Sockets (the one POSIX TCP layer: KafkaClient, TCPForwarding, KafkaSimulator and
//                     KafkaProxy use it) ; GitSource ; Timers ; ServiceAPI (`reconcile serve`'s HTTP API, metrics,
//                     webhooks and notifications)
//   Sources/Engine    Execution (applies a Plan through the ports) <- ReconcileEngine (the pass, as a library)
//                     <- ReconcileService (`reconcile serve`'s loop: sources, schedules, policies, windows)
//   Sources/Sandbox   the doubles of the sandbox and the tests: ArmEmulator (served by Hummingbird), ComputeEmulator,
//                     TCPForwarding, KafkaSimulator, KafkaProxy (the kafka-proxy stand-in)
//   Sources/CLI       ReconcileCommands (the only target that wires concrete adapters) <- reconcile (executable)
// Tests mirror the folders; Tests/TestSupport holds the shared fakes and fixtures.
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
        .executable(name: "compute-emulator", targets: ["compute-emulator"]),
        .executable(name: "kafka-proxy", targets: ["kafka-proxy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // The HTTP server of the ARM emulator (and of the coming Compute emulator and `reconcile serve`); NIOCore is
        // named too because the emulator's server reaches the connection (a dropped request is a reset).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        // RS256 for GCP service-account JWTs (_CryptoExtras).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Prometheus text exposition (the kafka-proxy stand-in's /metrics now, `reconcile serve`'s next).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The metrics API `reconcile serve` records through (exposed by swift-prometheus).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // `reconcile serve`'s lifecycle: its HTTP server and loop as services, graceful shutdown on SIGTERM/SIGINT.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C system libraries (Debian: libyaml-dev, libcurl4-openssl-dev).
        .systemLibrary(name: "CLibYAML", path: "Sources/Core/CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/Adapters/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // Pure core: no network, no file writes.
        .target(name: "ReconcileModel", path: "Sources/Core/ReconcileModel", swiftSettings: upcoming),
        .target(name: "YAML", dependencies: ["CLibYAML"], path: "Sources/Core/YAML", swiftSettings: upcoming),
        .target(name: "Manifests", dependencies: ["ReconcileModel", "YAML", "Scheduling"], path: "Sources/Core/Manifests", swiftSettings: upcoming),
        .target(name: "DesiredState", dependencies: ["ReconcileModel", "Manifests", "ServerProperties"], path: "Sources/Core/DesiredState", swiftSettings: upcoming),
        .target(name: "Planning", dependencies: ["ReconcileModel", "Scheduling"], path: "Sources/Core/Planning", swiftSettings: upcoming),
        .target(name: "PlanRendering", dependencies: ["ReconcileModel"], path: "Sources/Core/PlanRendering", swiftSettings: upcoming),
        // Pure: the Kafka wire-protocol subset (framing, primitives, the five APIs), no IO.
        .target(name: "KafkaProtocol", path: "Sources/Core/KafkaProtocol", swiftSettings: upcoming),
        // Pure: restart gates and the one-broker-at-a-time rolling-restart state machine (sans-IO).
        .target(name: "RollingRestart", dependencies: ["ReconcileModel"], path: "Sources/Core/RollingRestart", swiftSettings: upcoming),
        // Pure: java.util.Properties-exact parsing and line-preserving editing of server.properties.
        .target(name: "ServerProperties", path: "Sources/Core/ServerProperties", swiftSettings: upcoming),
        // Pure: cron schedules and maintenance windows (allow/deny, duration, time zone), evaluated at a given instant.
        .target(name: "Scheduling", path: "Sources/Core/Scheduling", swiftSettings: upcoming),

        // Ports (protocols whose doc comments carry the contract).
        .target(name: "ProviderAPI", dependencies: ["ReconcileModel"], path: "Sources/Ports/ProviderAPI", swiftSettings: upcoming),

        // Adapters.
        .target(name: "FileStateStore", dependencies: ["ReconcileModel", "ProviderAPI"], path: "Sources/Adapters/FileStateStore", swiftSettings: upcoming),
        // Sleeps that free their timer when cancelled (Task.sleep keeps it until the deadline): the service's wait for
        // its next pass, a child process's deadline.
        .target(name: "Timers", path: "Sources/Adapters/Timers", swiftSettings: upcoming),
        // StateStore on etcd v3 through its JSON gateway (leases, fenced transactions), over any HTTPTransport.
        .target(name: "EtcdStateStore", dependencies: ["ProviderAPI", "ReconcileModel", "Timers"], path: "Sources/Adapters/EtcdStateStore", swiftSettings: upcoming),
        .target(name: "CurlTransport", dependencies: ["CCurl", "ProviderAPI"], path: "Sources/Adapters/CurlTransport", swiftSettings: upcoming),
        // Child processes (ssh, az, git) through swift-subprocess: deadline, bounded output, cancellation.
        .target(
            name: "ChildProcesses", dependencies: ["Timers", .product(name: "Subprocess", package: "swift-subprocess")],
            path: "Sources/Adapters/ChildProcesses",
            swiftSettings: upcoming),
        .target(name: "SSHTransport", dependencies: ["ProviderAPI", "ChildProcesses"], path: "Sources/Adapters/SSHTransport", swiftSettings: upcoming),
        // Manifests from a git repository through the system git (ls-remote check, shallow fetch, SSH signature checks).
        .target(name: "GitSource", dependencies: ["ChildProcesses"], path: "Sources/Adapters/GitSource", swiftSettings: upcoming),
        // The one POSIX TCP socket layer (blocking calls with poll deadlines, listeners): for KafkaClient and the sandbox's
        // TCPForwarding and KafkaSimulator.
        .target(name: "Sockets", path: "Sources/Adapters/Sockets", swiftSettings: upcoming),
        .target(name: "KafkaClient", dependencies: ["KafkaProtocol", "Sockets"], path: "Sources/Adapters/KafkaClient", swiftSettings: upcoming),
        // Cloud HTTP on top of any HTTPTransport: retries (backoff, full jitter, Retry-After), request logging.
        .target(name: "CloudHTTP", dependencies: ["ProviderAPI"], path: "Sources/Adapters/CloudHTTP", swiftSettings: upcoming),
        // Azure credentials: client secret, workload identity, managed identity (IMDS), Azure CLI; cached tokens.
        .target(name: "AzureAuth", dependencies: ["ProviderAPI", "CloudHTTP", "ChildProcesses"], path: "Sources/Adapters/AzureAuth", swiftSettings: upcoming),
        // GCP credentials (google.auth.default()'s order): GOOGLE_OAUTH_ACCESS_TOKEN, service-account keys (self-signed
        // JWT or JWT-bearer grant, RS256 through swift-crypto), gcloud user credentials, workload identity federation,
        // the metadata server; cached tokens.
        .target(
            name: "GcpAuth", dependencies: ["ProviderAPI", "CloudHTTP", .product(name: "_CryptoExtras", package: "swift-crypto")],
            path: "Sources/Adapters/GcpAuth", swiftSettings: upcoming),
        // The ARM provider: observe and apply the azure.* resource types (LROs, paging, errors, ownership).
        .target(name: "AzureProvider", dependencies: ["ReconcileModel", "ProviderAPI"], path: "Sources/Adapters/AzureProvider", swiftSettings: upcoming),
        // Azure's wiring: the ARM provider over libcurl with retries, request logging and the credential chain, from
        // the environment. The composition root registers it as the `azure` family in one line.
        .target(
            name: "AzureCloud", dependencies: ["ProviderAPI", "CloudHTTP", "CurlTransport", "AzureAuth", "AzureProvider"], path: "Sources/Adapters/AzureCloud",
            swiftSettings: upcoming),
        // The Compute provider: observe and apply the gcp.* resource types (operations, requestId, fingerprints,
        // errors, labels for ownership).
        .target(name: "ComputeProvider", dependencies: ["ReconcileModel", "ProviderAPI"], path: "Sources/Adapters/ComputeProvider", swiftSettings: upcoming),
        // GCP's wiring: the Compute provider over libcurl with retries, request logging and the GCP credential chain,
        // from the environment. The composition root registers it as the `gcp` family in one line.
        .target(
            name: "GcpCloud", dependencies: ["ProviderAPI", "CloudHTTP", "CurlTransport", "GcpAuth", "ComputeProvider"], path: "Sources/Adapters/GcpCloud",
            swiftSettings: upcoming),
        // Loopback TCP forwarding (the emulated load balancer's data path).
        .target(name: "TCPForwarding", dependencies: ["Sockets"], path: "Sources/Sandbox/TCPForwarding", swiftSettings: upcoming),
        // The ARM emulator of the sandbox and the tests: ARM's semantics served over loopback HTTP by Hummingbird.
        .target(
            name: "ArmEmulator",
            dependencies: [
                "TCPForwarding",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Sandbox/ArmEmulator", swiftSettings: upcoming
        ),
        .executableTarget(name: "arm-emulator", dependencies: ["ArmEmulator"], path: "Sources/Sandbox/arm-emulator", swiftSettings: upcoming),
        // The Compute emulator of the sandbox and the tests: Compute's semantics served over loopback HTTP by Hummingbird.
        .target(
            name: "ComputeEmulator",
            dependencies: [
                // The ARM emulator's HTTP server, JSON, request log and fault plan, shared at `package` access.
                "ArmEmulator", "TCPForwarding", "KafkaProxy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Sandbox/ComputeEmulator", swiftSettings: upcoming
        ),
        // The kafka-proxy v0.3.11 stand-in (its flags, rewriting and limits), for the sandbox and the tests.
        .target(
            name: "KafkaProxy",
            dependencies: [
                "KafkaProtocol", "Sockets", "ArmEmulator", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/Sandbox/KafkaProxy", swiftSettings: upcoming),
        .executableTarget(name: "kafka-proxy", dependencies: ["KafkaProxy", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Sources/Sandbox/kafka-proxy", swiftSettings: upcoming),
        .executableTarget(name: "compute-emulator", dependencies: ["ComputeEmulator", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Sources/Sandbox/compute-emulator", swiftSettings: upcoming),
        // The broker simulator of the sandbox and the tests: its own codec, never KafkaProtocol's.
        .target(
            name: "KafkaSimulator",
            dependencies: ["ServerProperties", "Sockets", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Sandbox/KafkaSimulator", swiftSettings: upcoming),
        .executableTarget(name: "kafka-broker-sim", dependencies: ["KafkaSimulator"], path: "Sources/Sandbox/kafka-broker-sim", swiftSettings: upcoming),

        .target(
            name: "KafkaBrokers", dependencies: ["ReconcileModel", "ProviderAPI", "ServerProperties"], path: "Sources/Adapters/KafkaBrokers", swiftSettings: upcoming
        ),

        .target(
            name: "KafkaRolling",
            dependencies: ["ReconcileModel", "ProviderAPI", "KafkaClient", "KafkaProtocol", "RollingRestart", "Planning"],
            path: "Sources/Adapters/KafkaRolling", swiftSettings: upcoming
        ),

        // Engine.
        .target(name: "Execution", dependencies: ["ReconcileModel", "ProviderAPI"], path: "Sources/Engine/Execution", swiftSettings: upcoming),
        // The reconcile pass as a long-lived library: desired state -> observe -> plan -> apply -> record; returns a
        // value, never prints. The CLI (and the coming service) call it the same way.
        .target(
            name: "ReconcileEngine",
            dependencies: [
                "ReconcileModel", "Manifests", "DesiredState", "Planning", "ProviderAPI", "Execution",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Engine/ReconcileEngine", swiftSettings: upcoming
        ),
        // `reconcile serve`'s loop: manifests from a directory or git, per-cluster scheduling, status.
        .target(
            name: "ReconcileService",
            dependencies: [
                "ReconcileEngine", "ReconcileModel", "Manifests", "Scheduling", "GitSource", "Planning", "Execution", "Timers",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Engine/ReconcileService", swiftSettings: upcoming
        ),

        // `reconcile serve`'s HTTP API (Hummingbird), webhooks, metrics (swift-metrics -> swift-prometheus) and its
        // loop as a swift-service-lifecycle service.
        .target(
            name: "ServiceAPI",
            dependencies: [
                "ReconcileService", "ReconcileEngine", "ReconcileModel", "PlanRendering", "ProviderAPI", "Scheduling", "Execution",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Adapters/ServiceAPI", swiftSettings: upcoming),

        // Composition root.
        .target(
            name: "ReconcileCommands",
            dependencies: [
                "ReconcileModel", "YAML", "Manifests", "DesiredState", "Planning", "PlanRendering", "ReconcileEngine",
                "ProviderAPI", "Execution", "FileStateStore", "EtcdStateStore", "CurlTransport", "SSHTransport", "KafkaBrokers", "KafkaRolling", "KafkaClient", "RollingRestart",
                "CloudHTTP", "AzureCloud", "GcpCloud", "ReconcileService", "ServiceAPI", "GitSource", "Scheduling",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/CLI/ReconcileCommands", swiftSettings: upcoming
        ),
        .executableTarget(name: "reconcile", dependencies: ["ReconcileCommands"], path: "Sources/CLI/reconcile", swiftSettings: upcoming),

        // Tests.
        .target(
            name: "TestSupport",
            dependencies: ["ReconcileModel", "ProviderAPI"],
            path: "Tests/TestSupport",
            swiftSettings: upcoming
        ),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"], path: "Tests/Core/YAMLTests", swiftSettings: upcoming),
        .testTarget(
            name: "ManifestsTests", dependencies: ["Manifests", "ReconcileModel", "YAML", "TestSupport", "Scheduling"], path: "Tests/Core/ManifestsTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "DesiredStateTests",
            dependencies: ["DesiredState", "Manifests", "ReconcileModel", "TestSupport"],
            path: "Tests/Core/DesiredStateTests", swiftSettings: upcoming
        ),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "ReconcileModel", "Scheduling"], path: "Tests/Core/PlanningTests", swiftSettings: upcoming),
        .testTarget(
            name: "ReconcileServiceTests",
            dependencies: [
                "ReconcileService", "ReconcileEngine", "FileStateStore", "Manifests", "ReconcileModel", "ProviderAPI", "Scheduling", "TestSupport", "Execution",
                "GitSource", "EtcdStateStore", "CurlTransport",
            ],
            path: "Tests/Engine/ReconcileServiceTests", swiftSettings: upcoming),
        .testTarget(
            name: "ServiceAPITests",
            dependencies: [
                "ServiceAPI", "ReconcileService", "ReconcileEngine", "FileStateStore", "ProviderAPI", "ReconcileModel", "CurlTransport", "TestSupport",
                "Execution", "Scheduling",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Adapters/ServiceAPITests", swiftSettings: upcoming),
        .testTarget(name: "GitSourceTests", dependencies: ["GitSource", "TestSupport"], path: "Tests/Adapters/GitSourceTests", swiftSettings: upcoming),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling"], path: "Tests/Core/SchedulingTests", swiftSettings: upcoming),
        .testTarget(name: "PlanRenderingTests", dependencies: ["PlanRendering", "ReconcileModel"], path: "Tests/Core/PlanRenderingTests", swiftSettings: upcoming),
        .testTarget(
            name: "ExecutionTests",
            dependencies: ["Execution", "Planning", "ReconcileModel", "ProviderAPI", "TestSupport"],
            path: "Tests/Engine/ExecutionTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "FileStateStoreTests",
            dependencies: ["FileStateStore", "ProviderAPI", "ReconcileModel"],
            path: "Tests/Adapters/FileStateStoreTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "EtcdStateStoreTests", dependencies: ["EtcdStateStore", "CurlTransport", "ProviderAPI", "ReconcileModel", "TestSupport"],
            path: "Tests/Adapters/EtcdStateStoreTests", swiftSettings: upcoming),
        .testTarget(name: "TimersTests", dependencies: ["Timers"], path: "Tests/Adapters/TimersTests", swiftSettings: upcoming),
        .testTarget(name: "ChildProcessesTests", dependencies: ["ChildProcesses"], path: "Tests/Adapters/ChildProcessesTests", swiftSettings: upcoming),
        .testTarget(name: "CurlTransportTests", dependencies: ["CurlTransport", "ProviderAPI", "TestSupport"], path: "Tests/Adapters/CurlTransportTests", swiftSettings: upcoming),
        .testTarget(name: "CloudHTTPTests", dependencies: ["CloudHTTP", "ProviderAPI", "TestSupport"], path: "Tests/Adapters/CloudHTTPTests", swiftSettings: upcoming),
        .testTarget(
            name: "AzureAuthTests", dependencies: ["AzureAuth", "CloudHTTP", "ProviderAPI", "CurlTransport", "TestSupport"],
            path: "Tests/Adapters/AzureAuthTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "GcpAuthTests",
            dependencies: ["GcpAuth", "CloudHTTP", "ProviderAPI", "CurlTransport", "TestSupport", .product(name: "_CryptoExtras", package: "swift-crypto")],
            path: "Tests/Adapters/GcpAuthTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "ComputeProviderTests",
            dependencies: [
                "ComputeProvider", "GcpCloud", "ProviderAPI", "ReconcileModel", "CurlTransport", "CloudHTTP", "TestSupport", "ComputeEmulator",
                "ArmEmulator", "ReconcileEngine", "FileStateStore", "Manifests", "Execution", "DesiredState", "KafkaSimulator", "KafkaRolling",
                "KafkaClient", "KafkaProtocol",
            ],
            path: "Tests/Adapters/ComputeProviderTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "AzureProviderTests",
            dependencies: ["AzureProvider", "ProviderAPI", "ReconcileModel", "CurlTransport", "CloudHTTP", "ArmEmulator", "TestSupport"],
            path: "Tests/Adapters/AzureProviderTests", swiftSettings: upcoming
        ),
        // Request bodies checked against the official ARM schemas in ../shared/specs (strict mode).
        .testTarget(name: "ConformanceTests", dependencies: ["TestSupport"], path: "Tests/Adapters/ConformanceTests", exclude: ["fixtures"], swiftSettings: upcoming),
        .testTarget(name: "SocketsTests", dependencies: ["Sockets"], path: "Tests/Adapters/SocketsTests", swiftSettings: upcoming),
        .testTarget(name: "TCPForwardingTests", dependencies: ["TCPForwarding"], path: "Tests/Sandbox/TCPForwardingTests", swiftSettings: upcoming),
        .testTarget(
            name: "ArmEmulatorTests", dependencies: ["ArmEmulator", "TCPForwarding", "TestSupport"], path: "Tests/Sandbox/ArmEmulatorTests", exclude: ["python"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "KafkaProxyTests",
            dependencies: [
                "KafkaProxy", "KafkaProtocol", "KafkaClient", "KafkaSimulator", "ServerProperties", "Sockets", "TestSupport", "Manifests", "ReconcileModel",
                "DesiredState", "KafkaRolling", "ProviderAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/Sandbox/KafkaProxyTests", swiftSettings: upcoming),
        .testTarget(
            name: "ComputeEmulatorTests",
            dependencies: ["ComputeEmulator", "ArmEmulator", "TCPForwarding", "TestSupport", "CurlTransport", "ProviderAPI", "Sockets"], path: "Tests/Sandbox/ComputeEmulatorTests",
            exclude: ["python"], swiftSettings: upcoming
        ),
        .testTarget(
            name: "KafkaBrokersTests",
            dependencies: ["KafkaBrokers", "ProviderAPI", "ReconcileModel", "ServerProperties", "TestSupport"],
            path: "Tests/Adapters/KafkaBrokersTests", swiftSettings: upcoming
        ),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["KafkaProtocol"], path: "Tests/Core/KafkaProtocolTests", exclude: ["golden"], swiftSettings: upcoming),
        .testTarget(
            name: "KafkaClientTests", dependencies: ["KafkaClient", "KafkaProtocol", "KafkaSimulator", "TestSupport"], path: "Tests/Adapters/KafkaClientTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "KafkaSimulatorTests",
            dependencies: ["KafkaSimulator", "TestSupport", "KafkaRolling", "KafkaBrokers", "Planning", "ProviderAPI", "ReconcileModel", "RollingRestart", "ServerProperties"],
            path: "Tests/Sandbox/KafkaSimulatorTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "RollingRestartTests", dependencies: ["RollingRestart", "ReconcileModel", "TestSupport"], path: "Tests/Core/RollingRestartTests", swiftSettings: upcoming
        ),
        .testTarget(name: "ServerPropertiesTests", dependencies: ["ServerProperties", "TestSupport"], path: "Tests/Core/ServerPropertiesTests", swiftSettings: upcoming),
        .testTarget(
            name: "SSHTransportTests", dependencies: ["SSHTransport", "ProviderAPI", "TestSupport"], path: "Tests/Adapters/SSHTransportTests", swiftSettings: upcoming
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "ReconcileCommands", "ReconcileModel", "TestSupport", "KafkaClient", "KafkaProtocol", "ArmEmulator", "AzureCloud", "ComputeEmulator",
                "KafkaSimulator", "ServerProperties", "Manifests", "DesiredState", "FileStateStore", "ReconcileEngine", "ProviderAPI",
                "EtcdStateStore", "CurlTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/CLI/CLITests", swiftSettings: upcoming
        ),
    ]
)
