import ArmEmulator
import ComputeEmulator
import Foundation
import Testing

/// Compute's list `filter` (both forms) and `aggregatedList`, as the emulator serves them.
@Suite struct ComputeListFilterTests {
    /// Percent-encodes a filter as a query value (RFC 3986 unreserved characters left as they are).
    static func query(_ filter: String) -> String {
        filter.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
    }

    func names(_ reply: ComputeFixture.Reply) -> [String] {
        (reply.json["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    /// Two labelled instances and one without labels; three firewalls with descriptions.
    func seeded() async throws -> ComputeFixture {
        let f = try ComputeFixture()
        try await f.seedNetwork()
        let node2 = "projects/p/zones/us-west1-b/instances/broker-node2"
        let fingerprint = try await f.call("GET", node2).json["labelFingerprint"] ?? .null
        try await f.done("POST", node2 + "/setLabels", [
            "labels": ["managed-by": "kafka-private-link-reconciler", "reconcile-kafka-cluster": "tidb-kafka"], "labelFingerprint": fingerprint,
        ])
        try await f.done("POST", "projects/p/zones/us-west1-c/instances", [
            "name": "other", "machineType": "zones/us-west1-c/machineTypes/e2-medium", "labels": ["released-by": "kafka-private-link-reconciler"],
            "disks": [["boot": true, "initializeParams": ["sourceImage": "projects/debian-cloud/global/images/family/debian-12"]]],
            "networkInterfaces": [["subnetwork": "projects/p/regions/us-west1/subnetworks/brokers-subnet"]],
        ])
        for (name, description) in [("ours", "managed-by=kafka-private-link-reconciler cluster=tidb-kafka exposure=psc"),
                                    ("released", "released-by=kafka-private-link-reconciler cluster=tidb-kafka exposure=psc"),
                                    ("someone", "made by hand")] {
            try await f.done("POST", "projects/p/global/firewalls", [
                "name": .string(name), "network": "projects/p/global/networks/kafka-vpc", "description": .string(description),
                "allowed": [["IPProtocol": "all"]], "sourceRanges": ["10.128.0.0/18"],
            ])
        }
        return f
    }

    @Test("AIP-160: label equality, OR, AND, NOT, presence, substring, comparison; the regex form on the whole field")
    func forms() async throws {
        let f = try await seeded()
        defer { f.stop() }
        func listed(_ collection: String, _ filter: String) async throws -> [String] {
            let reply = try await f.call("GET", "projects/p/\(collection)?filter=\(Self.query(filter))")
            try #require(reply.status == 200, "\(filter): \(reply.json.serialized())")
            return names(reply).sorted()
        }
        let managed = "labels.managed-by = \"kafka-private-link-reconciler\""
        #expect(try await listed("zones/us-west1-b/instances", managed) == ["broker-node2"])
        #expect(try await listed("zones/us-west1-a/instances", managed) == [])
        #expect(try await listed("global/firewalls", "description eq \"managed-by=kafka-private-link-reconciler cluster=.*\"") == ["ours"])
        #expect(try await listed("global/firewalls", "description eq managed-by=kafka-private-link-reconciler cluster=.*") == ["ours"], "unquoted, spaces and all")
        #expect(try await listed("global/firewalls", "description eq 'cluster=.*'") == [], "the expression must match the whole field")
        #expect(try await listed("global/firewalls", "description ne .*cluster=tidb-kafka.*") == ["someone"])
        #expect(try await listed("global/firewalls", "(name eq ours|someone) (description ne made.*)") == ["ours"])
        #expect(try await listed("global/firewalls", "description:\"tidb-kafka\"") == ["ours", "released"])
        #expect(try await listed("global/firewalls", "(description:\"tidb-kafka\") AND NOT (name = \"ours\")") == ["released"])
        #expect(try await listed("global/firewalls", "(name = \"ours\") OR (name = someone)") == ["ours", "someone"])
        #expect(try await listed("global/firewalls", "name != \"ours\" name != released") == ["someone"], "implicit AND")
        #expect(try await listed("global/firewalls", "allowed.IPProtocol = all") == ["ours", "released", "someone"], "an array field: any element")
        #expect(try await listed("global/firewalls", "priority >= 1000") == ["ours", "released", "someone"])
        #expect(try await listed("zones/us-west1-b/instances", "labels.reconcile-kafka-cluster:*") == ["broker-node2"])
        #expect(try await listed("zones/us-west1-a/instances", "labels.reconcile-kafka-cluster:*") == [])

        for bad in ["name =", "(name = a", "(name eq a) OR (name eq b)", "(name eq a) (name = b)", "name ~ a", "description eq ("] {
            let reply = try await f.call("GET", "projects/p/global/firewalls?filter=\(Self.query(bad))")
            #expect(reply.status == 400, "\(bad)")
            #expect(reply.json["error"]?["message"]?.stringValue?.contains("Invalid list filter expression") == true, "\(reply.json.serialized())")
        }
    }

    @Test("aggregatedList: every zone's (or region's) items under the collection's name, filtered and paged")
    func aggregated() async throws {
        let f = try await seeded()
        defer { f.stop() }
        let all = try await f.call("GET", "projects/p/aggregated/instances")
        #expect(all.status == 200 && all.json["kind"] == "compute#instanceAggregatedList", "\(all.json.serialized())")
        let scopes = all.json["items"]?.objectValue ?? [:]
        #expect(Set(scopes.keys) == ["zones/us-west1-a", "zones/us-west1-b", "zones/us-west1-c"])
        #expect(scopes["zones/us-west1-b"]?["instances"]?.arrayValue?.first?["name"] == "broker-node2")
        let filter = "(labels.managed-by = \"kafka-private-link-reconciler\") OR (labels.released-by = \"kafka-private-link-reconciler\")"
        let ours = try await f.call("GET", "projects/p/aggregated/instances?filter=\(Self.query(filter))")
        let found = (ours.json["items"]?.objectValue ?? [:]).values.flatMap { $0["instances"]?.arrayValue ?? [] }.compactMap { $0["name"]?.stringValue }
        #expect(found.sorted() == ["broker-node2", "other"])

        // Paged over the whole sequence: one item per page.
        var names: [String] = []
        var token = ""
        repeat {
            let page = try await f.call("GET", "projects/p/aggregated/instances?maxResults=1" + (token.isEmpty ? "" : "&pageToken=\(token)"))
            let items = (page.json["items"]?.objectValue ?? [:]).values.flatMap { $0["instances"]?.arrayValue ?? [] }
            #expect(items.count == 1)
            names += items.compactMap { $0["name"]?.stringValue }
            token = page.json["nextPageToken"]?.stringValue ?? ""
        } while !token.isEmpty
        #expect(names == ["broker-node1", "broker-node2", "other"])

        let subnets = try await f.call("GET", "projects/p/aggregated/subnetworks")
        #expect(subnets.json["items"]?["regions/us-west1"]?["subnetworks"]?.arrayValue?.count == 2)
        #expect(try await f.call("GET", "projects/p/aggregated/networkEndpointGroups").status == 404, "regional NEGs have no aggregated list")
        #expect(try await f.call("GET", "projects/p/aggregated/networks").status == 404, "networks are global")
    }
}
