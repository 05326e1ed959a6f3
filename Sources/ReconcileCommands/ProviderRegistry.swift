public import Foundation
public import KafkaBrokers
public import Manifests
public import ProviderAPI
import ReconcileModel
import SSHTransport

/// The concrete providers this build knows, wired in one place (the composition root).
///
/// A resource type with no provider cannot be observed: the plan says so per address and refuses to apply,
/// instead of guessing. Cloud providers (ARM and Compute over libcurl) plug in here as they are built.
public enum ProviderRegistry {
    /// Providers for a loaded manifest set, reaching brokers through `remote`.
    public static func standard(for manifests: ManifestSet, remote: any RemoteHost, now: @escaping @Sendable () -> Date = Date.init) -> [any ResourceProvider] {
        let limit = manifests.clusters.map(\.ssh.maxConcurrentHosts).max() ?? 16
        return [BrokerConfigProvider(remote: remote, endpoints: brokerEndpoints(manifests), now: now, maxConcurrentHosts: limit)]
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
