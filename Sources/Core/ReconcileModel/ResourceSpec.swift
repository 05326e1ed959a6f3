/// One resource as the manifests want it: the output of the desired-state compiler, input of the planner.
public struct ResourceSpec: Sendable, Hashable, Codable {
    public var address: ResourceAddress
    /// Provider-side identity the resource will have (ARM id, Compute resource path, `host:path`), so a create
    /// knows where to go. Compared case-insensitively where the cloud does.
    public var cloudID: String?
    /// The properties the reconciler manages, shaped like the provider's API body (ARM `properties`,
    /// Compute insert body, or the managed `server.properties` keys). Fields not listed here are never diffed.
    public var properties: Value
    /// Resources that must exist (and be up to date) before this one is created or updated; deletes run in
    /// the reverse order.
    public var dependsOn: [ResourceAddress]
    /// Top-level property names whose change cannot be made in place (e.g. `location`): the plan replaces.
    public var replaceOn: Set<String>
    /// What a change to this resource does to its users.
    public var disruption: Disruption
    /// The manifest explicitly takes over an existing resource that the reconciler did not create.
    public var adopt: Bool
    /// Where the manifest declared this resource, for messages.
    public var source: SourceLocation?
    /// Consumer-facing ports carried by a collection of named children (a load balancer's rules). A change
    /// to them is made expand-then-contract: new ports are added before the brokers advertise them, old ones
    /// go only after the roll.
    public var consumerPorts: ConsumerPorts?
    /// Where the manifests declare it and what its exposure's deletion policy is (nil for resources no exposure
    /// declares, such as broker files).
    public var declaration: Declaration?
    /// Paths of collections of named children whose removal is as disruptive as deleting a protected resource
    /// (a load balancer's frontends): an update that drops one needs the same confirmation as a delete.
    public var protectedCollections: [[String]]
    /// Set on the resource consumers connect through (an Azure Private Link Service, a GCP service attachment),
    /// to what its exposure kind calls it: `reconcile verify` reads every such resource, whatever the cloud, and
    /// shows what its provider observed (an alias, the endpoint connections).
    public var consumerService: String?
    /// What a consumer needs that the manifests alone decide (the path of a service attachment to give TiDB Cloud,
    /// the bootstrap ports derived from the advertised ones): shown with what the provider observed, in the plan's
    /// observed section and by `verify`.
    public var consumerFacts: [String] = []
    /// Set on an immutable resource that is replaced by a new one under a new name whenever its content changes
    /// (a GCP instance template, named `FAMILY-<content hash>`): the family. Inventory entries of the same type named
    /// `FAMILY-<8 hex digits>` are earlier generations; once what used them has moved to this one they are deleted
    /// (whatever the deletion policy: nothing but the reconciler uses them), and while this one cannot be planned
    /// they are kept as they are.
    public var generationFamily: String?
    /// Why this resource's content cannot be derived in this pass (an observation it is built from failed, or
    /// what was observed rules it out): the plan reports it as a problem and changes nothing that depends on it.
    public var unresolved: String?

    public init(
        address: ResourceAddress,
        cloudID: String? = nil,
        properties: Value,
        dependsOn: [ResourceAddress] = [],
        replaceOn: Set<String> = [],
        disruption: Disruption = .none,
        adopt: Bool = false,
        source: SourceLocation? = nil,
        consumerPorts: ConsumerPorts? = nil,
        declaration: Declaration? = nil,
        protectedCollections: [[String]] = [],
        consumerService: String? = nil
    ) {
        self.consumerService = consumerService
        self.address = address
        self.cloudID = cloudID
        self.properties = properties
        self.dependsOn = dependsOn
        self.replaceOn = replaceOn
        self.disruption = disruption
        self.adopt = adopt
        self.source = source
        self.consumerPorts = consumerPorts
        self.declaration = declaration
        self.protectedCollections = protectedCollections
    }
}

extension ResourceSpec {
    /// Whether `name` is a generation of `family`: `FAMILY-` then 8 lowercase hex digits (see `generationFamily`).
    public static func isGeneration(_ name: String, of family: String) -> Bool {
        guard name.hasPrefix(family + "-") else { return false }
        let suffix = name.dropFirst(family.count + 1)
        return suffix.count == 8 && suffix.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}

/// Where, in a resource body, the ports consumers connect to live: `collection` is the path of an array of
/// objects, `port` the path of the port inside one element. Elements are told apart by their unique `name`
/// (an Azure load-balancing rule), or, when `identity` is set, by the values at those paths (a GCP port-mapping
/// NEG endpoint is the broker's `instance` and listener `port`; its `clientDestinationPort` is what consumers see).
public struct ConsumerPorts: Sendable, Hashable, Codable {
    public var collection: [String]
    public var port: [String]
    /// Paths inside an element that, together, say which backend it is; nil: the element's `name`.
    public var identity: [[String]]?
    /// What an element forwards to, when the cloud allows only one element per backend (Azure refuses two
    /// load-balancing rules to the same pool, backend port and protocol without floating IP).
    public var backend: Backend?

    /// `reference` is the path, in an element, of the id of a child in the body's `collection` (a rule's
    /// backend pool); `exclusive` the element paths that, with the reference, one element at most may share.
    public struct Backend: Sendable, Hashable, Codable {
        public var reference: [String]
        public var collection: [String]
        public var exclusive: [[String]]

        public init(reference: [String], collection: [String], exclusive: [[String]]) {
            self.reference = reference
            self.collection = collection
            self.exclusive = exclusive
        }
    }

    public init(collection: [String], port: [String], backend: Backend? = nil, identity: [[String]]? = nil) {
        self.collection = collection
        self.port = port
        self.backend = backend
        self.identity = identity
    }
}

/// What a provider saw for one address. Observation never mutates anything.
public struct ObservedResource: Sendable, Hashable, Codable {
    public enum Ownership: String, Sendable, Hashable, Codable {
        /// Carries the reconciler's ownership tags/labels (or, for broker files, is listed in the inventory).
        case reconciler
        /// Exists but was not created by the reconciler.
        case foreign
    }

    public var address: ResourceAddress
    /// Provider-side identity (ARM id, Compute selfLink, `host:path`).
    public var cloudID: String?
    /// Normalised managed properties (read-only and server-set fields removed).
    public var properties: Value
    public var ownership: Ownership
    /// The observation could not be completed (host unreachable, host key mismatch, ...). The planner will
    /// make no change to this address and says why.
    public var error: String?
    /// Read-only facts worth showing a person next to the plan (never diffed), e.g. a Private Link Service's
    /// alias and its private endpoint connections with their approval state.
    public var notes: [String]
    /// What depends on the resource and would be lost or cut off with it, one line each, for the problem a
    /// protected delete raises: `private endpoint connection `tidb-changefeed` (Approved)`, a partition replica
    /// on a broker. Empty when nothing is known to depend on it.
    public var dependents: [String]
    /// For containers (a resource group): the ids of every resource inside, so a delete can be refused unless
    /// the inventory holds all of them. Nil when not listed.
    public var contents: [String]?

    public init(
        address: ResourceAddress,
        cloudID: String? = nil,
        properties: Value,
        ownership: Ownership = .reconciler,
        error: String? = nil,
        notes: [String] = [],
        dependents: [String] = [],
        contents: [String]? = nil
    ) {
        self.dependents = dependents
        self.contents = contents
        self.address = address
        self.cloudID = cloudID
        self.properties = properties
        self.ownership = ownership
        self.error = error
        self.notes = notes
    }

    /// An address that could not be observed.
    public static func failed(_ address: ResourceAddress, _ error: String) -> ObservedResource {
        ObservedResource(address: address, properties: .null, ownership: .foreign, error: error)
    }
}
