import ArmEmulator
import ComputeEmulator
import ComputeProvider
import CurlTransport
import DesiredState
import Foundation
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import Synchronization
import Testing
import TestSupport

/// The Compute provider's rules, one at a time, against the emulator.
@Suite(.serialized) struct ProviderBehaviourTests {
    static let region = "projects/my-kafka-project/regions/us-west1"
    static let neg = "\(region)/networkEndpointGroups/kafka-neg"
    static let attachment = "\(region)/serviceAttachments/kafka-psc"

    func converged(_ transport: ((any HTTPTransport) -> any HTTPTransport)? = nil, example: String = "gcp-psc-port-mapping") async throws -> EmulatedGcp {
        let gcp = try EmulatedGcp(example: example, operationPolls: 0, transport: transport)
        let result = await gcp.pass()
        try #require(result.succeeded, "\(String(describing: result.stop))")
        return gcp
    }

    func spec(_ gcp: EmulatedGcp, _ type: String, _ name: String) throws -> ResourceSpec {
        let desired = DesiredStateCompiler.compile(gcp.manifests).resources
        return try #require(desired.first { $0.address.type == type && $0.address.name == name })
    }

    func change(_ spec: ResourceSpec, _ action: Action, after: Value? = nil) -> Change {
        Change(address: spec.address, action: action, reason: .manifestChanged, disruption: spec.disruption, after: after ?? spec.properties, cloudID: spec.cloudID)
    }

    @Test("a broker's client port moves: the new endpoint is attached before the old one is detached")
    func attachThenDetach() async throws {
        let gcp = try await converged()
        let neg = try spec(gcp, ResourceTypes.Gcp.networkEndpointGroup, "kafka-neg")
        var endpoints = neg.properties["networkEndpoints"]!.arrayValue!
        endpoints[1] = endpoints[1].replacing("clientDestinationPort", with: 9096)
        let before = gcp.emulator.requests.count
        _ = try await gcp.provider.apply(change(neg, .update, after: neg.properties.replacing("networkEndpoints", with: .array(endpoints))))
        let calls = gcp.emulator.requests.dropFirst(before).filter { $0.path.hasSuffix("NetworkEndpoints") && !$0.path.hasSuffix("listNetworkEndpoints") }
        #expect(calls.map { String($0.path.split(separator: "/").last!) } == ["attachNetworkEndpoints", "detachNetworkEndpoints"])
        #expect(gcp.emulator.networkEndpoints(Self.neg).map { $0["clientDestinationPort"] } == [9093, 9095, 9096])
    }

    @Test("ports that swap between brokers: the endpoint holding a needed client port is detached first")
    func swapDetachesFirst() async throws {
        let gcp = try await converged()
        let neg = try spec(gcp, ResourceTypes.Gcp.networkEndpointGroup, "kafka-neg")
        var endpoints = neg.properties["networkEndpoints"]!.arrayValue!
        endpoints[0] = endpoints[0].replacing("clientDestinationPort", with: 9094)
        endpoints[1] = endpoints[1].replacing("clientDestinationPort", with: 9093)
        let before = gcp.emulator.requests.count
        _ = try await gcp.provider.apply(change(neg, .update, after: neg.properties.replacing("networkEndpoints", with: .array(endpoints))))
        let calls = gcp.emulator.requests.dropFirst(before).filter { $0.path.hasSuffix("NetworkEndpoints") && !$0.path.hasSuffix("listNetworkEndpoints") }
        #expect(calls.map { String($0.path.split(separator: "/").last!) } == ["detachNetworkEndpoints", "attachNetworkEndpoints"])
        let ports = gcp.emulator.networkEndpoints(Self.neg).map { "\($0["instance"]!.stringValue!.split(separator: "/").last!):\($0["clientDestinationPort"]!.intValue!)" }
        #expect(Set(ports) == ["broker-node1:9094", "broker-node2:9093", "broker-node3:9095"])
    }

    @Test("a stale fingerprint (someone changed the attachment meanwhile) is re-read and retried")
    func conditionNotMet() async throws {
        let gcp = try await converged()
        let sneaky = Interfering(wrapping: CurlTransport(), emulator: gcp.emulator)
        let provider = ComputeResourceProvider(
            transport: sneaky, credentials: FixedToken(), configuration: .init(baseURL: gcp.emulator.computeBase, pollInterval: .zero), sleep: { _ in })
        let attachment = try spec(gcp, ResourceTypes.Gcp.serviceAttachment, "kafka-psc")
        var lists = attachment.properties["consumerAcceptLists"]!.arrayValue!
        lists.append(["projectIdOrNum": "tidbcloud-prod-001", "connectionLimit": 5])
        _ = try await provider.apply(change(attachment, .update, after: attachment.properties.replacing("consumerAcceptLists", with: .array(lists))))
        #expect(sneaky.done.withLock { $0 })
        let patches = gcp.emulator.requests.filter { $0.method == "PATCH" && $0.path.hasSuffix("kafka-psc") }
        #expect(patches.map(\.status) == [200, 412, 200], "the interfering patch, ours refused, ours again")
        let live = try #require(gcp.emulator.resource(Self.attachment))
        #expect(live["consumerAcceptLists"]?.arrayValue?.count == 2)
    }

    @Test("a resource without the reconciler's marks is never changed or deleted unless adopted")
    func foreignRefused() async throws {
        let gcp = try await converged()
        let firewall = try spec(gcp, ResourceTypes.Gcp.firewall, "allow-psc-traffic")
        // Someone else's firewall of the same name: delete ours, create theirs without our description.
        _ = try await gcp.provider.apply(change(firewall, .delete))
        var theirs = firewall.properties.replacing("description", with: "hand-made")
        theirs = theirs.replacing("sourceRanges", with: ["0.0.0.0/0"])
        _ = try await gcp.provider.apply(change(firewall, .create, after: theirs))
        _ = try await gcp.provider.observe(desired: [firewall], inventory: [])  // not adopted, not in this inventory
        await #expect(throws: ProviderError.self) { _ = try await gcp.provider.apply(change(firewall, .update)) }
        do {
            _ = try await gcp.provider.apply(change(firewall, .delete))
            Issue.record("a foreign firewall was deleted")
        } catch let error as ProviderError {
            #expect(error.kind == .terminal && error.message.contains("adopt it in the manifest"), "\(error.message)")
        }
        var adopted = firewall
        adopted.adopt = true
        let seen = try await gcp.provider.observe(desired: [adopted], inventory: [])
        #expect(seen.first?.ownership == .foreign)
        _ = try await gcp.provider.apply(change(adopted, .update))
        #expect(gcp.emulator.resource("projects/my-kafka-project/global/firewalls/allow-psc-traffic")?["sourceRanges"] == ["10.128.0.0/18"])
    }

    @Test("the attachment's connected endpoints are observed notes (and what a delete would cut)")
    func connectedEndpoints() async throws {
        let gcp = try await converged()
        let attachment = try spec(gcp, ResourceTypes.Gcp.serviceAttachment, "kafka-psc")
        var seen = try await gcp.provider.observe(desired: [attachment], inventory: [])
        #expect(seen.first?.notes == ["no connected endpoints yet"])
        let base = gcp.emulator.computeBase
        let http = CurlTransport()
        for (project, body) in [
            ("tidbcloud-prod-000", #"{"name":"vpc"}"#), ("tidbcloud-prod-000", ""), ("other-project", #"{"name":"vpc"}"#), ("other-project", ""),
        ] {
            let path = body.isEmpty ? "projects/\(project)/regions/us-west1/forwardingRules" : "projects/\(project)/global/networks"
            let payload = body.isEmpty
                ? #"{"name":"ep","target":"projects/my-kafka-project/regions/us-west1/serviceAttachments/kafka-psc","network":"projects/\#(project)/global/networks/vpc","IPAddress":"10.9.0.5"}"#
                : body
            let r = try await http.send(ProviderAPI.HTTPRequest(method: "POST", url: base + path, headers: [("Content-Type", "application/json")], body: Array(payload.utf8)))
            #expect(r.status == 200)
        }
        seen = try await gcp.provider.observe(desired: [attachment], inventory: [])
        #expect(seen.first?.notes.contains { $0.hasPrefix("endpoint projects/tidbcloud-prod-000/regions/us-west1/forwardingRules/ep: ACCEPTED") } == true, "\(seen)")
        #expect(seen.first?.notes.contains { $0.hasPrefix("endpoint projects/other-project/regions/us-west1/forwardingRules/ep: PENDING") } == true, "\(seen)")
        #expect(seen.first?.dependents.count == 2)
    }

    @Test("a refused permission names the IAM role; a failed operation is retryable when Compute says it is")
    func errorMessages() async throws {
        let denied = ComputeAPIError.http(
            status: 403, body: ["error": ["code": 403, "message": "Required 'compute.firewalls.create' permission", "errors": [["reason": "forbidden"]]]],
            method: "POST", path: "projects/p/global/firewalls")
        #expect(denied.kind == .terminal && denied.description.contains("roles/compute.securityAdmin"), "\(denied)")
        let rate = ComputeAPIError.http(status: 403, body: ["error": ["errors": [["reason": "rateLimitExceeded"]]]], method: "GET", path: "projects/p/global/networks/n")
        #expect(rate.kind == .retryable && !rate.description.contains("roles/"))
        let network = ComputeAPIError.http(status: 403, body: .null, method: "POST", path: "projects/p/regions/r/serviceAttachments")
        #expect(network.description.contains("roles/compute.loadBalancerAdmin"))
        let failed = ComputeAPIError.operationFailed(
            operation: ["name": "op", "httpErrorStatusCode": 403, "httpErrorMessage": "FORBIDDEN",
                        "error": ["errors": [["code": "RESOURCE_OPERATION_RATE_EXCEEDED", "message": "slow down"]]]], what: "POST x")
        #expect(failed.kind == .retryable && failed.description.contains("RESOURCE_OPERATION_RATE_EXCEEDED: slow down"))
    }

    @Test("a second consumer through attachTo adds its EXTERNAL2 endpoints to the same NEG, behind the same attachment")
    func secondConsumer() async throws {
        let gcp = try await converged(example: "gcp-second-consumer")
        let ports = gcp.emulator.networkEndpoints(Self.neg).map { "\($0["port"]!.intValue!):\($0["clientDestinationPort"]!.intValue!)" }
        #expect(ports == ["39092:9093", "39092:9094", "39092:9095", "39093:9096", "39093:9097", "39093:9098"])
        let live = try #require(gcp.emulator.resource(Self.attachment))
        #expect(live["consumerAcceptLists"]?.arrayValue?.compactMap { $0["projectIdOrNum"]?.stringValue } == ["tidbcloud-prod-000", "tidbcloud-prod-001"])
        let again = await gcp.pass(.dryRun)
        #expect(again.plan?.changes.filter { $0.address.type.hasPrefix("gcp.") }.isEmpty == true)
    }
}

/// Changes the service attachment (a valid PATCH with its current fingerprint) right before the provider's first PATCH
/// of it, as a concurrent console edit would.
final class Interfering: HTTPTransport {
    let inner: any HTTPTransport
    let emulator: ComputeEmulator
    let done = Mutex(false)

    init(wrapping inner: any HTTPTransport, emulator: ComputeEmulator) {
        self.inner = inner
        self.emulator = emulator
    }

    func send(_ request: ProviderAPI.HTTPRequest) async throws -> ProviderAPI.HTTPResponse {
        if request.method == "PATCH", request.url.contains("serviceAttachments/kafka-psc"), !done.withLock({ $0 }) {
            done.withLock { $0 = true }
            let path = "projects/my-kafka-project/regions/us-west1/serviceAttachments/kafka-psc"
            let fingerprint = emulator.resource(path)?["fingerprint"]?.stringValue ?? ""
            let body = #"{"name":"kafka-psc","fingerprint":"\#(fingerprint)","description":"managed-by=kafka-private-link-reconciler cluster=tidb-kafka-gcp exposure=tidb-us-west1"}"#
            _ = try await inner.send(ProviderAPI.HTTPRequest(method: "PATCH", url: emulator.computeBase + path, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
        }
        return try await inner.send(request)
    }
}

extension Value {
    func replacing(_ key: String, with value: Value) -> Value {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
