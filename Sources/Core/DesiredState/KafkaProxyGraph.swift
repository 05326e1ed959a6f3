public import Manifests
import ReconcileModel

/// kafka-proxy mode (seed 003 §6): one proxy VM in a zonal managed group of exactly one, a TCP health check on
/// the first bootstrap port, an internal backend service on the group, all-ports forwarding rule, attachment.
/// The brokers are not touched.
struct KafkaProxyGraph {
    let exposure: GcpExposureManifest
    let cluster: KafkaClusterManifest

    func build(into b: inout GraphBuilder) {
        guard let proxy = exposure.kafkaProxy else { return }
        let c = GcpCommon(exposure: exposure, cluster: cluster)
        c.buildNetwork(into: &b)
        let flags = KafkaProxyFlags.flags(exposure: exposure, cluster: cluster)
        let templatePath = c.paths.instanceTemplate(proxy.templateName)
        var nic: [String: Value] = ["network": .string(c.networkPath), "subnetwork": .string(c.brokersSubnetPath)]
        if proxy.externalIP { nic["accessConfigs"] = [["type": "ONE_TO_ONE_NAT", "name": "External NAT"]] }
        // Instance templates are immutable: any change replaces the template (and then the group's instance).
        b.add(c.spec(GcpTypes.instanceTemplate, proxy.templateName, id: templatePath, [
            "name": .string(proxy.templateName), "region": .string(exposure.region.value), "description": c.description,
            "properties": [
                "machineType": .string(proxy.machineType), "disks": c.bootDisk(image: proxy.image),
                "networkInterfaces": [.object(nic)], "labels": c.labels,
                "metadata": ["items": [["key": "startup-script", "value": .string(KafkaProxyFlags.startupScript(version: proxy.version, flags: flags))]]],
            ],
        ], disruption: .consumerVisible, replaceOn: ["properties"]), references: [c.networkPath, c.brokersSubnetPath])
        let zone = proxy.zone.value
        b.add(c.spec(GcpTypes.instanceGroupManager, proxy.groupName, id: c.paths.instanceGroupManager(zone, proxy.groupName), [
            "name": .string(proxy.groupName), "zone": .string(zone), "baseInstanceName": "kafka-proxy",
            "instanceTemplate": .string(templatePath), "targetSize": 1, "description": c.description,
        ], disruption: .consumerVisible, replaceOn: ["zone"]), references: [templatePath])
        let hcPath = c.paths.healthCheck(proxy.healthCheckName)
        b.add(c.spec(GcpTypes.healthCheck, proxy.healthCheckName, id: hcPath, [
            "name": .string(proxy.healthCheckName), "region": .string(exposure.region.value), "type": "TCP",
            "tcpHealthCheck": ["port": .int(proxy.bootstrapPortStart.value), "portSpecification": "USE_FIXED_PORT"],
            "checkIntervalSec": 5, "timeoutSec": 5, "healthyThreshold": 2, "unhealthyThreshold": 2, "description": c.description,
        ]))
        // Google's health checkers reach the proxy from these ranges; without this rule the backend never turns healthy.
        let staticPorts = KafkaProxyFlags.staticPorts(exposure: exposure, cluster: cluster)
        b.add(c.firewall("\(exposure.firewallName)-health-checks", sources: ["35.191.0.0/16", "130.211.0.0/22"],
                         allowed: [["IPProtocol": "tcp", "ports": .array(staticPorts.map { .string(String($0)) })]], priority: 1000),
              references: [c.networkPath])
        let groupPath = c.paths.instanceGroup(zone, proxy.groupName)
        b.add(c.spec(GcpTypes.backendService, exposure.backendServiceName, id: c.paths.backendService(exposure.backendServiceName), [
            "name": .string(exposure.backendServiceName), "region": .string(exposure.region.value), "loadBalancingScheme": "INTERNAL",
            "protocol": "TCP", "network": .string(c.networkPath), "healthChecks": [.string(hcPath)],
            "backends": [["group": .string(groupPath), "balancingMode": "CONNECTION"]], "description": c.description,
        ], disruption: .consumerVisible, replaceOn: ["loadBalancingScheme"]),
        references: [c.paths.instanceGroupManager(zone, proxy.groupName), hcPath, c.networkPath])
        // The proxy's static ports (9092-9094 in the runbook) are what a consumer bootstraps through in this mode.
        c.buildFrontend(backendService: exposure.backendServiceName, bootstrapPorts: [(exposure.common.name.value, staticPorts)], into: &b)
    }
}

/// The kafka-proxy command line (runbook §6.2): one static `--bootstrap-server-mapping` per broker in node-id
/// order (`upstream,0.0.0.0:port,b<id>.<suffix>:port`), then the dynamic listener settings for brokers that
/// appear later.
public enum KafkaProxyFlags {
    public static func staticPorts(exposure: GcpExposureManifest, cluster: KafkaClusterManifest) -> [Int] {
        let start = exposure.kafkaProxy?.bootstrapPortStart.value ?? 9092
        return cluster.brokers.indices.map { start + $0 }
    }

    public static func flags(exposure: GcpExposureManifest, cluster: KafkaClusterManifest) -> [String] {
        guard let proxy = exposure.kafkaProxy else { return [] }
        let pattern = exposure.common.pattern.value
        let brokers = cluster.brokers.sorted { $0.nodeID.value < $1.nodeID.value }
        var out: [String] = []
        for (i, broker) in brokers.enumerated() {
            let port = proxy.bootstrapPortStart.value + i
            let upstream = "\(broker.address.value):\(cluster.internalListener.port.value)"
            out += ["--bootstrap-server-mapping", "\(upstream),0.0.0.0:\(port),\(pattern.endpoint(nodeID: broker.nodeID.value, port: port))"]
        }
        let dynamicStart = proxy.dynamicSequentialMinPort.value != 0 ? proxy.dynamicSequentialMinPort.value : proxy.bootstrapPortStart.value + brokers.count
        let dynamicHost = pattern.hostPattern.replacing(AdvertisedListenerPattern.brokerToken, with: proxy.dynamicAdvertisedWord)
        out += ["--dynamic-sequential-min-port", String(dynamicStart), "--dynamic-advertised-listener", dynamicHost]
        return out
    }

    /// A startup script that installs kafka-proxy once and runs it under systemd with exactly `flags`.
    public static func startupScript(version: String, flags: [String]) -> String {
        let quoted = flags.map { "'" + $0.replacing("'", with: "'\\''") + "'" }.joined(separator: " ")
        return """
            #!/bin/bash
            # Generated by the Kafka private link reconciler. Do not edit: changes replace the instance template.
            set -euo pipefail
            if [ ! -x /opt/kafka-proxy/kafka-proxy ]; then
              mkdir -p /opt/kafka-proxy && cd /opt/kafka-proxy
              curl -fsSL -o kafka-proxy.tgz "https://github.com/grepplabs/kafka-proxy/releases/download/\(version)/kafka-proxy-\(version)-linux-amd64.tar.gz"
              tar -xzf kafka-proxy.tgz && rm kafka-proxy.tgz
            fi
            cat > /etc/systemd/system/kafka-proxy.service <<'UNIT'
            [Unit]
            Description=kafka-proxy \(version)
            After=network-online.target
            [Service]
            ExecStart=/opt/kafka-proxy/kafka-proxy server \(quoted)
            Restart=always
            [Install]
            WantedBy=multi-user.target
            UNIT
            systemctl daemon-reload
            systemctl enable --now kafka-proxy.service

            """
    }
}
