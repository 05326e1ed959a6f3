import PlanRendering
import ReconcileModel
import Testing

/// Golden tests: each compares the whole rendered text.
@Suite struct TextPlanRendererTests {
    let plain = TextPlanRenderer(color: false)

    @Test func emptyPlan() {
        #expect(plain.render(Plan()) == """
            No changes. The real world matches the manifests.

            Plan: 0 to add, 0 to change, 0 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    /// A plan that compared only part of the world (`--target`) never says the world matches the manifests.
    @Test func partialPlanWithoutChanges() {
        let plan = Plan(warnings: ["plan is partial: --target tidb-kafka/azure.loadBalancer; other changes wait for a full plan"], isComplete: false)
        #expect(plain.render(plan) == """
            This plan is partial and has no changes: only part of the real world was compared with the manifests (see the warnings).

            Warning: plan is partial: --target tidb-kafka/azure.loadBalancer; other changes wait for a full plan

            Plan: 0 to add, 0 to change, 0 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    @Test func observationsComeAfterTheActionsAndBeforeProblems() {
        let plan = Plan(
            problems: [PlanProblem(address: Fixtures.address("tidb-kafka/kafka.brokerConfig/3"), message: "host kafka-3 unreachable")],
            observations: [Plan.Observation(
                address: Fixtures.address("tidb-kafka/azure.privateLinkService/kafka-pls"),
                notes: ["alias: kafka-pls.4f2c.eastus.azure.privatelinkservice", "connection tidb-pe from /subscriptions/9954/privateEndpoints/tidb-pe: Pending"])]
        )
        #expect(plain.render(plan) == """
            No changes could be planned; the problems below must be resolved first.

            Observed (read-only, shown for information):
              # tidb-kafka/azure.privateLinkService/kafka-pls
                  alias: kafka-pls.4f2c.eastus.azure.privatelinkservice
                  connection tidb-pe from /subscriptions/9954/privateEndpoints/tidb-pe: Pending

            Problems (these addresses get no change):
              ! tidb-kafka/kafka.brokerConfig/3: host kafka-3 unreachable

            Plan: 0 to add, 0 to change, 0 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    @Test func emptyPlanStillShowsProblemsAndWarnings() {
        let plan = Plan(
            problems: [
                PlanProblem(address: Fixtures.address("tidb-kafka/azure.loadBalancer/kafka-lb"),
                            message: "exists but was not created by the reconciler; set adopt: true to take it over"),
                PlanProblem(address: Fixtures.address("tidb-kafka/kafka.brokerConfig/3"),
                            message: "host kafka-3 unreachable: connection timed out"),
            ],
            warnings: ["plan is partial because of --target tidb-kafka/azure", "observation of orders-kafka failed"],
            isComplete: false
        )
        #expect(plain.render(plan) == """
            No changes could be planned; the problems below must be resolved first.

            Problems (these addresses get no change):
              ! tidb-kafka/azure.loadBalancer/kafka-lb: exists but was not created by the reconciler; set adopt: true to take it over
              ! tidb-kafka/kafka.brokerConfig/3: host kafka-3 unreachable: connection timed out

            Warning: plan is partial because of --target tidb-kafka/azure
            Warning: observation of orders-kafka failed

            Plan: 0 to add, 0 to change, 0 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    @Test func createListsEveryPropertyFlattened() {
        #expect(plain.render(Plan(changes: [Fixtures.createLoadBalancer])) == """
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

            Plan: 1 to add, 0 to change, 0 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    @Test func updateShowsAttributeDiffsAndConsumerWarning() {
        #expect(plain.render(Plan(changes: [Fixtures.updatePrivateLinkService])) == """
            Reconciler will perform the following actions:

            Cluster tidb-kafka:

              # tidb-kafka/azure.privateLinkService/kafka-pls will be updated in-place
              # (reason: drifted; disruption: consumer_visible)
              ! consumers will notice this change
              ~ tidb-kafka/azure.privateLinkService/kafka-pls
                  ~ properties.visibility.subscriptions: ["sub-a"] -> ["sub-a","sub-b"]
                  ~ properties.enableProxyProtocol: true -> false
                  + tags.owner: platform
                  - tags.legacy: yes

            Plan: 0 to add, 1 to change, 0 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    @Test func replaceMarksTheAttributeThatForcesIt() {
        #expect(plain.render(Plan(changes: [Fixtures.replaceForwardingRule])) == """
            Reconciler will perform the following actions:

            Cluster orders-kafka:

              # orders-kafka/gcp.forwardingRule/kafka-ilb will be replaced
              # (reason: manifest_changed; disruption: consumer_visible)
              ! consumers will notice this change
              -/+ orders-kafka/gcp.forwardingRule/kafka-ilb
                  ~ region: europe-west1 -> europe-west4 # forces replacement
                  ~ ports: ["9092"] -> ["9092","9093"]

            Plan: 1 to add, 0 to change, 1 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    @Test func consumerVisibleDelete() {
        #expect(plain.render(Plan(changes: [Fixtures.deleteOldService])) == """
            Reconciler will perform the following actions:

            Cluster tidb-kafka:

              # tidb-kafka/azure.privateLinkService/old-pls will be destroyed
              # (reason: removed_from_manifests; disruption: consumer_visible)
              ! consumers will notice this change
              - tidb-kafka/azure.privateLinkService/old-pls

            Plan: 0 to add, 0 to change, 1 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
    }

    @Test func forgetIsCountedOnlyWhenPresent() {
        #expect(plain.render(Plan(changes: [Fixtures.forgetPublicIP])) == """
            Reconciler will perform the following actions:

            Cluster tidb-kafka:

              # tidb-kafka/azure.publicIPAddress/legacy-ip will be forgotten (kept running, no longer managed; its ownership marks are released)
              # (reason: removed_from_manifests; disruption: none)
              ~> tidb-kafka/azure.publicIPAddress/legacy-ip

            Plan: 0 to add, 0 to change, 0 to destroy, 1 to forget, 0 broker configs to write, 0 broker restarts.
            """)
    }

    @Test func brokerConfigWritesAndNumberedRestartsHideSecrets() {
        let plan = Plan(changes: [
            Fixtures.writeBrokerConfig(1), Fixtures.restartBroker(1),
            Fixtures.writeBrokerConfig(2), Fixtures.restartBroker(2),
        ])
        let text = plain.render(plan)
        #expect(text == """
            Reconciler will perform the following actions:

            Cluster tidb-kafka:

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

            Plan: 0 to add, 0 to change, 0 to destroy, 2 broker configs to write, 2 broker restarts.
            """)
        #expect(!text.contains("secret"))
    }

    @Test func sensitivePropertiesOfACreateAreHidden() {
        let change = Change(
            address: Fixtures.address("tidb-kafka/kafka.user/app"),
            action: .create,
            reason: .missing,
            attributes: [AttributeChange(path: "scram.password", before: nil, after: "hunter2", sensitive: true)],
            after: ["name": "app", "scram": ["mechanism": "SCRAM-SHA-512", "password": "hunter2"]]
        )
        let text = plain.render(Plan(changes: [change]))
        #expect(text == """
            Reconciler will perform the following actions:

            Cluster tidb-kafka:

              # tidb-kafka/kafka.user/app will be created
              # (reason: missing; disruption: none)
              + tidb-kafka/kafka.user/app
                  + name: app
                  + scram.mechanism: SCRAM-SHA-512
                  + scram.password: (sensitive value)

            Plan: 1 to add, 0 to change, 0 to destroy, 0 broker configs to write, 0 broker restarts.
            """)
        #expect(!text.contains("hunter2"))
    }

    @Test func clustersAreGroupedInOrderOfFirstAppearanceKeepingPlanOrder() {
        let plan = Plan(changes: [
            Fixtures.forgetPublicIP,
            Fixtures.restartBroker(1).with(address: "orders-kafka/kafka.brokerConfig/7"),
            Fixtures.deleteOldService.with(disruption: .none),
        ])
        #expect(plain.render(plan) == """
            Reconciler will perform the following actions:

            Cluster tidb-kafka:

              # tidb-kafka/azure.publicIPAddress/legacy-ip will be forgotten (kept running, no longer managed; its ownership marks are released)
              # (reason: removed_from_manifests; disruption: none)
              ~> tidb-kafka/azure.publicIPAddress/legacy-ip

              # tidb-kafka/azure.privateLinkService/old-pls will be destroyed
              # (reason: removed_from_manifests; disruption: none)
              - tidb-kafka/azure.privateLinkService/old-pls

            Cluster orders-kafka:

              # orders-kafka/kafka.brokerConfig/7 will be restarted
              # (reason: config_changed; disruption: broker_restart)
              ⟳ orders-kafka/kafka.brokerConfig/7  (restart 1 of 1)

            Plan: 0 to add, 0 to change, 1 to destroy, 1 to forget, 0 broker configs to write, 1 broker restarts.
            """)
    }
}

extension Change {
    func with(address text: String) -> Change {
        var copy = self
        copy.address = Fixtures.address(text)
        return copy
    }

    func with(disruption: Disruption) -> Change {
        var copy = self
        copy.disruption = disruption
        return copy
    }
}
