/// What `reconcile verify` found for one cluster, modelled on the runbooks' `kafka-broker-api-versions.sh`
/// checks: bootstrap through INTERNAL lists every broker at its address; bootstrap through each exposure's
/// listener lists `b<id>.<suffix>:<port>` exactly as the pattern says; the identity probe (DescribeConfigs for
/// BROKER <id>, which only broker <id> answers) through each advertised address reaches the right broker.
public struct VerificationReport: Sendable, Codable, Hashable {
    public struct Line: Sendable, Codable, Hashable {
        /// `host:port (id: N rack: null)` as the tool prints it.
        public var node: String
        /// `OK (n APIs)`, or `ERROR: ...`.
        public var result: String

        public init(node: String, result: String) {
            self.node = node
            self.result = result
        }
    }

    public struct Verdict: Sendable, Codable, Hashable {
        public var broker: Int
        public var ok: Bool
        public var findings: [String]

        public init(broker: Int, ok: Bool, findings: [String]) {
            self.broker = broker
            self.ok = ok
            self.findings = findings
        }
    }

    public struct Section: Sendable, Codable, Hashable {
        /// `INTERNAL`, or an exposure's listener name.
        public var listener: String
        public var bootstrap: String
        public var lines: [Line]

        public init(listener: String, bootstrap: String, lines: [Line]) {
            self.listener = listener
            self.bootstrap = bootstrap
            self.lines = lines
        }
    }

    /// A cloud service consumers connect through (a Private Link Service): its alias and endpoint connections.
    public struct Service: Sendable, Codable, Hashable {
        /// What the exposure kind calls it (`Private Link Service`, `service attachment`).
        public var kind: String?
        public var address: String
        public var notes: [String]
        /// Why the service does not serve consumers (missing, unreadable); nil when it does.
        public var problem: String?

        public init(kind: String? = nil, address: String, notes: [String], problem: String? = nil) {
            self.kind = kind
            self.address = address
            self.notes = notes
            self.problem = problem
        }
    }

    public var cluster: String
    public var sections: [Section]
    public var verdicts: [Verdict]
    public var services: [Service] = []
    public var ok: Bool { verdicts.allSatisfy(\.ok) && services.allSatisfy { $0.problem == nil } }

    public init(cluster: String, sections: [Section], verdicts: [Verdict], services: [Service] = []) {
        self.cluster = cluster
        self.sections = sections
        self.verdicts = verdicts
        self.services = services
    }
}
