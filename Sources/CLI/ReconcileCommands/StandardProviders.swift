public import ReconcileEngine
public import Foundation
public import KafkaBrokers
public import Manifests
public import ProviderAPI
public import ReconcileModel
import DesiredState
import AzureCloud
import GcpCloud
import SSHTransport
public import KafkaRolling
public import KafkaClient
import RollingRestart

/// The concrete providers this build knows, registered by family in one place (the composition root).
///
/// A resource type with no provider cannot be observed: the plan says so per address and refuses to apply,
/// instead of guessing. The ARM provider is built on first need (an Azure exposure declared, or Azure resources
/// still in an inventory after their exposure left the manifests) and kept for the registry's life, with its
/// libcurl pool and token cache; the GCP Compute provider likewise; the broker provider is built for each pass from its
/// manifests.
public enum StandardProviders {
    /// The registry of a CLI run or a service, reaching brokers through `remote`.
    public static func registry(
        remote: any RemoteHost, dialer: any Dialer = SystemDialer(),
        environment: [String: String] = ProcessInfo.processInfo.environment, httpLog: any HTTPLogSink = NullHTTPLog(),
        now: @escaping @Sendable () -> Date = Date.init,
        cloudLog: @escaping @Sendable (_ family: String, _ log: any HTTPLogSink) -> any HTTPLogSink = { $1 }
    ) -> ProviderRegistry {
        ProviderRegistry([
            ProviderFamily("kafka", lifetime: .manifests) { manifests in
                brokerProvider(for: manifests, remote: remote, dialer: dialer, now: now)
            },
            ProviderFamily(
                "azure", lifetime: .reconciler, alwaysNeeded: !(environment["AZURE_SUBSCRIPTION_ID"] ?? "").isEmpty,
                declared: { !$0.azureExposures.isEmpty }
            ) { _ in
                AzureCloud.provider(environment: environment, log: cloudLog("azure", httpLog))
            },
            ProviderFamily(
                "gcp", lifetime: .reconciler, alwaysNeeded: !(environment["GOOGLE_CLOUD_PROJECT"] ?? "").isEmpty,
                declared: { !$0.gcpExposures.isEmpty }
            ) { _ in
                GcpCloud.provider(environment: environment, log: cloudLog("gcp", httpLog))
            },
        ])
    }

    /// The `kafka.brokerConfig` provider of a manifest set, with each cluster's roller.
    static func brokerProvider(
        for manifests: ManifestSet, remote: any RemoteHost, dialer: any Dialer, now: @escaping @Sendable () -> Date
    ) -> any ResourceProvider {
        let limit = manifests.clusters.map(\.ssh.maxConcurrentHosts).max() ?? 16
        let endpoints = brokerEndpoints(manifests)
        var rollers: [String: any BrokerRoller] = [:]
        for cluster in manifests.clusters {
            rollers[cluster.name.value] = ClusterRoller(
                cluster: rollingCluster(cluster, manifests: manifests, endpoints: endpoints), remote: remote, dialer: dialer)
        }
        return BrokerConfigProvider(remote: remote, endpoints: endpoints, now: now, maxConcurrentHosts: limit, rollers: rollers)
    }

    /// What a roll of `cluster` needs: INTERNAL endpoints, roles, SSH targets, the exposures' expected
    /// advertised endpoints, the restart command and the health gates from the manifest.
    public static func rollingCluster(_ cluster: KafkaClusterManifest, manifests: ManifestSet, endpoints: [BrokerEndpoint]) -> RollingCluster {
        let ssh = Dictionary(endpoints.map { ($0.address, $0.target) }, uniquingKeysWith: { a, _ in a })
        let brokers = cluster.brokers.sorted { $0.nodeID.value < $1.nodeID.value }.compactMap { b -> RollingCluster.Broker? in
            let address = ResourceAddress(cluster: cluster.name.value, type: BrokerConfigProvider.type, name: String(b.nodeID.value))
            guard let target = ssh[address] else { return nil }
            return RollingCluster.Broker(
                id: b.nodeID.value, internalHost: b.address.value, internalPort: cluster.internalListener.port.value,
                isController: b.processRoles.contains("controller"), ssh: target)
        }
        let exposures = manifests.exposures(of: cluster.name.value).compactMap { e -> RollingCluster.Exposure? in
            guard let name = e.listenerName?.value, let port = e.listenerPort?.value else { return nil }
            let ports = ExposurePorts.assign(e, cluster: cluster)
            var expected: [Int: String] = [:]
            for (id, p) in ports { expected[id] = e.pattern.value.endpoint(nodeID: id, port: p) }
            return RollingCluster.Exposure(listenerName: name, listenerPort: port, expected: expected)
        }
        let health = cluster.health
        return RollingCluster(
            name: cluster.name.value, brokers: brokers, exposures: exposures, restartCommand: cluster.restartCommand,
            restartTimeout: .seconds(cluster.restartTimeoutSeconds),
            policy: GatePolicy(underReplicated: health.underReplicated == .minIsr ? .minIsr : .strict,
                               quorumFetchTimeoutMs: Int64(health.quorumFetchTimeoutMilliseconds)),
            timeouts: RollTimeouts(
                preGate: .seconds(health.brokerReadyTimeoutSeconds), postRestart: .seconds(health.brokerReadyTimeoutSeconds),
                poll: .milliseconds(health.pollIntervalMilliseconds)))
    }

    /// What `verify` checks through each kafka-proxy exposure of `cluster`: the proxy's static endpoints, derived from
    /// the brokers' advertised INTERNAL addresses (`facts`, read over Kafka) exactly as the proxy's flags are.
    public static func proxyExposures(_ cluster: KafkaClusterManifest, manifests: ManifestSet, facts: ClusterFacts?) -> [RollingCluster.ProxyExposure] {
        manifests.gcpExposures.filter { $0.mode == .kafkaProxy && $0.common.cluster.value == cluster.name.value }.map { exposure in
            let name = exposure.common.name.value
            let dynamicHost = KafkaProxyFlags.dynamicHost(exposure: exposure)
            switch KafkaProxyFlags.mappings(exposure: exposure, cluster: cluster, facts: facts) {
            case .success(let mappings):
                return .init(name: name, staticEndpoints: Dictionary(mappings.map { ($0.nodeID, $0.advertised) }, uniquingKeysWith: { a, _ in a }),
                             dynamicHost: dynamicHost)
            case .failure(let why):
                return .init(name: name, staticEndpoints: [:], dynamicHost: dynamicHost, unresolved: why.message)
            }
        }
    }

    /// One SSH endpoint per broker of every cluster, from the cluster's `ssh` settings.
    public static func brokerEndpoints(_ manifests: ManifestSet) -> [BrokerEndpoint] {
        manifests.clusters.flatMap { cluster in
            cluster.brokers.map { broker in
                let ssh = cluster.ssh
                return BrokerEndpoint(
                    address: ResourceAddress(cluster: cluster.name.value, type: BrokerConfigProvider.type, name: String(broker.nodeID.value)),
                    target: SSHTarget(
                        host: broker.sshHost ?? broker.address.value, port: ssh.port, user: ssh.user, identityFile: ssh.identityFile,
                        jumpHost: ssh.jumpHost, knownHostsFile: ssh.knownHostsFile,
                        hostKeyPolicy: ssh.hostKeyPolicy == .acceptNew ? .acceptNew : .strict,
                        connectTimeoutSeconds: ssh.connectTimeoutSeconds),
                    configPath: cluster.configPath)
            }
        }
    }
}
