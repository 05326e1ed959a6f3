import PlanRendering
import ReconcileModel
import Testing

/// The complete plan (drift, every action, two clusters, problems, warnings) and the colour policy.
@Suite struct FullPlanAndColorTests {
    static let expectedPlain = """
        Objects have changed outside of the reconciler:
          # tidb-kafka/azure.privateLinkService/kafka-pls has changed

        Reconciler will perform the following actions:

        Cluster tidb-kafka:

          # tidb-kafka/azure.loadBalancer/kafka-lb will be created
          # (reason: missing; disruption: none)
          + tidb-kafka/azure.loadBalancer/kafka-lb
              + location: westeurope
              + properties.enableFloatingIP: false
              + properties.frontendIPConfigurations[fe].privateIPAddress: 10.0.1.4
              + properties.idleTimeoutInMinutes: 4
              + properties.probes: []
              + sku.name: Standard
              + tags.managed-by: kafka-reconciler
              + tags.owner: "platform team"

          # tidb-kafka/azure.privateLinkService/kafka-pls will be updated in-place
          # (reason: drifted; disruption: consumer_visible)
          ! consumers will notice this change
          ~ tidb-kafka/azure.privateLinkService/kafka-pls
              ~ properties.visibility.subscriptions: ["sub-a"] -> ["sub-a","sub-b"]
              ~ properties.enableProxyProtocol: true -> false
              + tags.owner: platform
              - tags.legacy: yes

          # tidb-kafka/kafka.brokerConfig/1 will have its server.properties updated
          # (reason: manifest_changed; disruption: broker_restart)
          ~ tidb-kafka/kafka.brokerConfig/1
              ~ advertised.listeners: INTERNAL://kafka-1:9092 -> INTERNAL://kafka-1:9092,PL://10.0.1.4:9094
              ~ listener.name.pl.plain.sasl.jaas.config: (sensitive value)

          # tidb-kafka/kafka.brokerConfig/1 will be restarted
          # (reason: config_changed; disruption: broker_restart)
          ⟳ tidb-kafka/kafka.brokerConfig/1  (restart 1 of 2)

          # tidb-kafka/kafka.brokerConfig/2 will have its server.properties updated
          # (reason: manifest_changed; disruption: broker_restart)
          ~ tidb-kafka/kafka.brokerConfig/2
              ~ advertised.listeners: INTERNAL://kafka-2:9092 -> INTERNAL://kafka-2:9092,PL://10.0.1.4:9095
              ~ listener.name.pl.plain.sasl.jaas.config: (sensitive value)

          # tidb-kafka/kafka.brokerConfig/2 will be restarted
          # (reason: config_changed; disruption: broker_restart)
          ⟳ tidb-kafka/kafka.brokerConfig/2  (restart 2 of 2)

          # tidb-kafka/azure.privateLinkService/old-pls will be destroyed
          # (reason: removed_from_manifests; disruption: consumer_visible)
          ! consumers will notice this change
          - tidb-kafka/azure.privateLinkService/old-pls

          # tidb-kafka/azure.publicIPAddress/legacy-ip will be forgotten (kept running, no longer managed; its ownership marks are released)
          # (reason: removed_from_manifests; disruption: none)
          ~> tidb-kafka/azure.publicIPAddress/legacy-ip

        Cluster orders-kafka:

          # orders-kafka/gcp.forwardingRule/kafka-ilb will be replaced
          # (reason: manifest_changed; disruption: consumer_visible)
          ! consumers will notice this change
          -/+ orders-kafka/gcp.forwardingRule/kafka-ilb
              ~ region: europe-west1 -> europe-west4 # forces replacement
              ~ ports: ["9092"] -> ["9092","9093"]

        Problems (these addresses get no change):
          ! tidb-kafka/azure.networkInterface/kafka-3: a network interface the reconciler did not create is in the way

        Warning: plan is partial because of --target tidb-kafka

        Plan: 2 to add, 1 to change, 2 to destroy, 1 to forget, 2 broker configs to write, 2 broker restarts.
        """

    @Test func everythingWithoutColor() {
        let text = TextPlanRenderer(color: false).render(Fixtures.everything)
        #expect(text == Self.expectedPlain)
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        #expect(!text.contains("secret"))
    }

    @Test func colorOnlyAddsEscapeCodes() {
        let text = TextPlanRenderer(color: true).render(Fixtures.everything)
        #expect(stripANSI(text) == Self.expectedPlain)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let expectedLines = [
            "\u{1B}[1mObjects have changed outside of the reconciler:\u{1B}[0m",
            "\u{1B}[1mReconciler will perform the following actions:\u{1B}[0m",
            "\u{1B}[1mCluster tidb-kafka:\u{1B}[0m",
            "  \u{1B}[1m# tidb-kafka/azure.loadBalancer/kafka-lb will be created\u{1B}[0m",
            "  \u{1B}[32m+\u{1B}[0m tidb-kafka/azure.loadBalancer/kafka-lb",
            "      \u{1B}[32m+\u{1B}[0m sku.name: Standard",
            "  \u{1B}[1;33m! consumers will notice this change\u{1B}[0m",
            "  \u{1B}[33m~\u{1B}[0m tidb-kafka/azure.privateLinkService/kafka-pls",
            "      \u{1B}[31m-\u{1B}[0m tags.legacy: yes",
            "  \u{1B}[36m⟳\u{1B}[0m tidb-kafka/kafka.brokerConfig/1  (restart 1 of 2)",
            "  \u{1B}[31m-\u{1B}[0m tidb-kafka/azure.privateLinkService/old-pls",
            "  \u{1B}[33m~>\u{1B}[0m tidb-kafka/azure.publicIPAddress/legacy-ip",
            "  \u{1B}[31m-\u{1B}[0m/\u{1B}[32m+\u{1B}[0m orders-kafka/gcp.forwardingRule/kafka-ilb",
            "      \u{1B}[33m~\u{1B}[0m region: europe-west1 -> europe-west4 \u{1B}[31m# forces replacement\u{1B}[0m",
            "  \u{1B}[1;31m!\u{1B}[0m tidb-kafka/azure.networkInterface/kafka-3: a network interface the reconciler did not create is in the way",
            "\u{1B}[1;33mWarning:\u{1B}[0m plan is partial because of --target tidb-kafka",
            "\u{1B}[1mPlan:\u{1B}[0m 2 to add, 1 to change, 2 to destroy, 1 to forget, 2 broker configs to write, 2 broker restarts.",
        ]
        for line in expectedLines {
            #expect(lines.contains(line), "missing coloured line \(line.debugDescription)")
        }
        #expect(lines.last == expectedLines.last)
    }

    @Test func emptyPlanInColor() {
        #expect(TextPlanRenderer(color: true).render(Plan()) == """
            \u{1B}[1;32mNo changes.\u{1B}[0m \u{1B}[1mThe real world matches the manifests.\u{1B}[0m

            \u{1B}[1mPlan:\u{1B}[0m 0 to add, 0 to change, 0 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    struct ColorCase: Sendable, CustomTestStringConvertible {
        var isTTY: Bool
        var environment: [String: String]
        var expected: Bool
        var testDescription: String { "tty=\(isTTY) env=\(environment.sorted { $0.key < $1.key }) -> \(expected)" }
    }

    @Test(arguments: [
        ColorCase(isTTY: true, environment: [:], expected: true),
        ColorCase(isTTY: true, environment: ["TERM": "xterm-256color"], expected: true),
        ColorCase(isTTY: false, environment: [:], expected: false),
        ColorCase(isTTY: false, environment: ["TERM": "xterm-256color"], expected: false),
        ColorCase(isTTY: true, environment: ["NO_COLOR": "1"], expected: false),
        ColorCase(isTTY: true, environment: ["NO_COLOR": "0"], expected: false),
        ColorCase(isTTY: true, environment: ["NO_COLOR": "false"], expected: false),
        ColorCase(isTTY: true, environment: ["NO_COLOR": ""], expected: true),
        ColorCase(isTTY: true, environment: ["TERM": "dumb"], expected: false),
        ColorCase(isTTY: true, environment: ["TERM": "dumb", "NO_COLOR": ""], expected: false),
        ColorCase(isTTY: false, environment: ["NO_COLOR": ""], expected: false),
    ])
    func shouldUseColor(_ row: ColorCase) {
        #expect(TextPlanRenderer.shouldUseColor(isTTY: row.isTTY, environment: row.environment) == row.expected)
    }
}

/// Removes ANSI SGR sequences (`ESC [ ... m`).
func stripANSI(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    var inEscape = false
    var previousWasEscape = false
    for scalar in text.unicodeScalars {
        if inEscape {
            if scalar == "m" { inEscape = false }
        } else if previousWasEscape && scalar == "[" {
            inEscape = true
        } else if scalar != "\u{1B}" {
            out.append(scalar)
        }
        previousWasEscape = scalar == "\u{1B}"
    }
    return String(out)
}
