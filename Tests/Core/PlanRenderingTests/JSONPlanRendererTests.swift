import Foundation
import PlanRendering
import ReconcileModel
import Testing

@Suite struct JSONPlanRendererTests {
    let renderer = JSONPlanRenderer()

    func parse(_ plan: Plan) throws -> [String: Any] {
        let text = renderer.render(plan)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    func changes(_ document: [String: Any]) throws -> [[String: Any]] {
        try #require(document["changes"] as? [[String: Any]])
    }

    @Test func emptyPlan() throws {
        let document = try parse(Plan())
        #expect(document["format_version"] as? String == "1.2")
        #expect(JSONPlanRenderer.formatVersion == "1.2")
        #expect(document["complete"] as? Bool == true)
        #expect(document["applyable"] as? Bool == true)
        #expect(try changes(document).isEmpty)
        #expect((document["drift"] as? [Any])?.isEmpty == true)
        #expect((document["problems"] as? [Any])?.isEmpty == true)
        #expect((document["warnings"] as? [Any])?.isEmpty == true)
        #expect((document["errors"] as? [Any])?.isEmpty == true)
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["add": 0, "change": 0, "destroy": 0, "forget": 0, "broker_configs": 0, "broker_restarts": 0])
        #expect(Set(document.keys) == [
            "format_version", "complete", "applyable", "summary", "changes", "drift", "problems", "warnings", "observations", "errors", "held",
        ])
    }

    @Test func observations() throws {
        let address = ResourceAddress(cluster: "tidb-kafka", type: "azure.privateLinkService", name: "kafka-pls")
        let document = try parse(Plan(observations: [Plan.Observation(address: address, notes: ["alias: a.b", "connection c: Approved"])]))
        let observations = try #require(document["observations"] as? [[String: Any]])
        #expect(observations.count == 1)
        #expect(observations.first?["address"] as? String == "tidb-kafka/azure.privateLinkService/kafka-pls")
        #expect(observations.first?["notes"] as? [String] == ["alias: a.b", "connection c: Approved"])
    }

    @Test func topLevelFields() throws {
        let document = try parse(Fixtures.everything)
        #expect(document["complete"] as? Bool == false)
        #expect(document["applyable"] as? Bool == false)
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["add": 2, "change": 1, "destroy": 2, "forget": 1, "broker_configs": 2, "broker_restarts": 2])
        #expect(document["drift"] as? [String] == ["tidb-kafka/azure.privateLinkService/kafka-pls"])
        let problems = try #require(document["problems"] as? [[String: String]])
        #expect(problems == [[
            "address": "tidb-kafka/azure.networkInterface/kafka-3",
            "message": "a network interface the reconciler did not create is in the way",
        ]])
        #expect(document["warnings"] as? [String] == ["plan is partial because of --target tidb-kafka"])
    }

    @Test func changesKeepPlanOrder() throws {
        let ids = try changes(parse(Fixtures.everything)).map { $0["id"] as? String }
        #expect(ids == Fixtures.everything.changes.map(\.id))
    }

    @Test func createChange() throws {
        let create = try changes(parse(Fixtures.everything))[0]
        #expect(Set(create.keys) == [
            "id", "address", "cluster", "type", "name", "action", "reason", "disruption", "depends_on", "attributes",
            "before", "after",
        ])
        #expect(create["id"] as? String == "tidb-kafka/azure.loadBalancer/kafka-lb#create")
        #expect(create["address"] as? String == "tidb-kafka/azure.loadBalancer/kafka-lb")
        #expect(create["cluster"] as? String == "tidb-kafka")
        #expect(create["type"] as? String == "azure.loadBalancer")
        #expect(create["name"] as? String == "kafka-lb")
        #expect(create["action"] as? String == "create")
        #expect(create["reason"] as? String == "missing")
        #expect(create["disruption"] as? String == "none")
        #expect((create["depends_on"] as? [String])?.isEmpty == true)
        #expect((create["attributes"] as? [Any])?.isEmpty == true)
        #expect(create["before"] is NSNull)
        let after = try #require(create["after"] as? [String: Any])
        #expect(after["location"] as? String == "westeurope")
        let properties = try #require(after["properties"] as? [String: Any])
        #expect(properties["idleTimeoutInMinutes"] as? Int == 4)
        #expect(properties["enableFloatingIP"] as? Bool == false)
        let frontends = try #require(properties["frontendIPConfigurations"] as? [[String: String]])
        #expect(frontends == [["name": "fe", "privateIPAddress": "10.0.1.4"]])
    }

    @Test func updateAttributesAndDependencies() throws {
        let update = try changes(parse(Fixtures.everything))[1]
        #expect(update["action"] as? String == "update")
        #expect(update["reason"] as? String == "drifted")
        #expect(update["disruption"] as? String == "consumer_visible")
        #expect(update["depends_on"] as? [String] == ["tidb-kafka/azure.loadBalancer/kafka-lb#create"])
        let attributes = try #require(update["attributes"] as? [[String: Any]])
        #expect(attributes.map { $0["path"] as? String } == [
            "properties.visibility.subscriptions", "properties.enableProxyProtocol", "tags.owner", "tags.legacy",
        ])
        #expect(attributes[0]["before"] as? [String] == ["sub-a"])
        #expect(attributes[0]["after"] as? [String] == ["sub-a", "sub-b"])
        #expect(attributes[0]["forces_replacement"] as? Bool == false)
        #expect(attributes[0]["sensitive"] as? Bool == false)
        #expect(attributes[2]["before"] is NSNull)
        #expect(attributes[2]["after"] as? String == "platform")
        #expect(attributes[3]["after"] is NSNull)
        let before = try #require(update["before"] as? [String: [String: Bool]])
        #expect(before == ["properties": ["enableProxyProtocol": true]])
    }

    @Test func replaceForcedByAttribute() throws {
        let replace = try changes(parse(Fixtures.everything))[8]
        #expect(replace["action"] as? String == "replace")
        #expect(replace["cluster"] as? String == "orders-kafka")
        #expect(replace["type"] as? String == "gcp.forwardingRule")
        let attributes = try #require(replace["attributes"] as? [[String: Any]])
        #expect(attributes[0]["path"] as? String == "region")
        #expect(attributes[0]["forces_replacement"] as? Bool == true)
        #expect(attributes[1]["forces_replacement"] as? Bool == false)
    }

    @Test func sensitiveValuesAreMaskedEverywhere() throws {
        let text = renderer.render(Fixtures.everything)
        #expect(!text.contains("secret"))
        let write = try changes(parse(Fixtures.everything))[2]
        #expect(write["action"] as? String == "write_broker_config")
        let attributes = try #require(write["attributes"] as? [[String: Any]])
        #expect(attributes[1]["sensitive"] as? Bool == true)
        #expect(attributes[1]["before"] as? String == "(sensitive)")
        #expect(attributes[1]["after"] as? String == "(sensitive)")
        #expect(attributes[0]["after"] as? String == "INTERNAL://kafka-1:9092,PL://10.0.1.4:9094")
        for side in ["before", "after"] {
            let document = try #require(write[side] as? [String: String])
            #expect(document["listener.name.pl.plain.sasl.jaas.config"] == "(sensitive)")
            #expect(document["advertised.listeners"]?.hasPrefix("INTERNAL://kafka-1:9092") == true)
        }
    }

    @Test func sensitivePathsInsideArraysAndUnresolvablePaths() throws {
        let secretInArray = Change(
            address: Fixtures.address("tidb-kafka/kafka.user/app"),
            action: .update,
            reason: .manifestChanged,
            attributes: [AttributeChange(path: "credentials[1].password", before: "a", after: "b", sensitive: true)],
            after: ["credentials": [["password": "public"], ["password": "b", "user": "app"]]],
            before: ["credentials": [["password": "public"], ["password": "a", "user": "app"]]]
        )
        // The path spelling does not match the document: the whole side is hidden rather than risk a leak.
        let unresolvable = Change(
            address: Fixtures.address("tidb-kafka/kafka.user/other"),
            action: .update,
            reason: .manifestChanged,
            attributes: [AttributeChange(path: "credentials/0/password", before: "c", after: nil, sensitive: true)],
            after: ["credentials": []],
            before: ["credentials": [["password": "c"]]]
        )
        let document = try parse(Plan(changes: [secretInArray, unresolvable]))
        let rendered = try changes(document)
        let after = try #require(rendered[0]["after"] as? [String: [[String: String]]])
        #expect(after == ["credentials": [["password": "public"], ["password": "(sensitive)", "user": "app"]]])
        #expect(rendered[1]["before"] as? String == "(sensitive)")
        #expect(rendered[1]["after"] is [String: Any])
        let attributes = try #require(rendered[1]["attributes"] as? [[String: Any]])
        #expect(attributes[0]["before"] as? String == "(sensitive)")
        #expect(attributes[0]["after"] is NSNull)
    }

    /// Failures not tied to one address (format 1.1): listed once, in the order given.
    @Test func errorsAreListedOnce() throws {
        let errors = ["cannot observe azure.*: no Azure credential is available; configure one of them:\n  - A unavailable: x", "second"]
        let document = try parse(Plan(errors: errors))
        #expect(document["errors"] as? [String] == errors)
    }

    @Test func outputIsDeterministicAndSorted() {
        let first = renderer.render(Fixtures.everything)
        #expect(first == renderer.render(Fixtures.everything))
        // A plan built again (fresh dictionaries) renders to the same bytes.
        let rebuilt = Plan(
            changes: Fixtures.everything.changes.map { change in
                var copy = change
                copy.after = change.after.map { Value.object($0.objectValue ?? [:]) }
                return copy
            },
            drift: Fixtures.everything.drift,
            problems: Fixtures.everything.problems,
            warnings: Fixtures.everything.warnings,
            isComplete: Fixtures.everything.isComplete
        )
        #expect(first == renderer.render(rebuilt))
        // Top-level keys appear in sorted order, pretty-printed one per line.
        let keys = first.split(separator: "\n")
            .filter { $0.hasPrefix("  \"") }
            .map { String($0.dropFirst(3).prefix { $0 != "\"" }) }
        #expect(keys == ["applyable", "changes", "complete", "drift", "errors", "format_version", "held", "observations", "problems", "summary", "warnings"])
    }

    @Test func integersStayIntegers() {
        let text = renderer.render(Plan(changes: [Fixtures.createLoadBalancer]))
        #expect(text.contains("\"idleTimeoutInMinutes\" : 4,"))
        #expect(text.contains("\"add\" : 1,"))
        #expect(!text.contains("4.0"))
    }
}
