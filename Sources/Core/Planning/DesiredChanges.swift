import ReconcileModel

/// Rules 1-5: what one declared resource needs, given what was observed and what the inventory says.
enum DesiredChanges {
    static let foreignMessage = "exists but was not created by the reconciler; add `adopt: true` to manage it"

    static func drafts(for spec: ResourceSpec, input: PlanInput, findings: inout PlanFindings) -> [PlanDraft] {
        let address = spec.address
        let entry = input.entry(for: address)
        let observed = input.observed[address]
        let blocker = PlanDraft.blocker(address, phase: PlanDraft.desiredPhase(of: address), addressDeps: spec.dependsOn)

        if let observed, let error = observed.error {
            findings.cannotObserve(address, error)
            return [blocker]
        }
        if let observed, observed.ownership == .foreign, entry == nil, !spec.adopt {
            findings.problem(address, foreignMessage)
            return [blocker]
        }
        if address.type == BrokerConfigSemantics.resourceType {
            return brokerDrafts(for: spec, entry: entry, observed: observed, input: input, findings: &findings)
        }
        if let old = entry?.cloudID, let new = spec.cloudID, old.lowercased() != new.lowercased() {
            findings.warn("\(address) moves from \(old) to \(new): it is created there; the old one is left running and is no longer managed")
        }

        guard let observed else {
            let reason: ChangeReason = entry == nil ? .missing : .drifted
            if reason == .drifted { findings.drift.insert(address) }
            let change = Change(
                address: address, action: .create, reason: reason, disruption: spec.disruption,
                attributes: AttributeDiff.changes(from: nil, to: spec.properties, replaceOn: spec.replaceOn),
                after: spec.properties, before: nil, cloudID: entry?.cloudID ?? spec.cloudID, requires: spec.dependsOn,
                declaration: spec.declaration
            )
            return [PlanDraft(phase: .cloud, change: change, addressDeps: spec.dependsOn)]
        }

        let before = observed.properties.projected(onto: spec.properties)
        let attributes = AttributeDiff.changes(from: before, to: spec.properties, replaceOn: spec.replaceOn)
        guard !attributes.isEmpty else { return [] }
        let replaces = attributes.contains(where: \.forcesReplacement)
        let drifted = hasDrifted(entry: entry, observed: observed)
        if drifted { findings.drift.insert(address) }
        guard protectionAllows(
            spec, before: before, replaces: replaces, drifted: drifted, attributes: attributes, observed: observed, input: input,
            findings: &findings)
        else { return [blocker] }
        if let ports = spec.consumerPorts, !attributes.contains(where: \.forcesReplacement),
            let split = ExpandContract.split(before: before, desired: spec.properties, ports: ports, address: address)
        {
            split.warnings.forEach { findings.warn($0) }
            if split.expanded != spec.properties {
                return expandThenContract(spec, before: before, expanded: split.expanded, drifted: drifted, cloudID: observed.cloudID ?? entry?.cloudID ?? spec.cloudID)
            }
        }
        let change = Change(
            address: address,
            action: replaces ? .replace : .update,
            reason: drifted ? .drifted : .manifestChanged,
            disruption: replaces ? Protection.impact(of: address, recorded: spec.disruption, input: input) : spec.disruption,
            attributes: attributes,
            after: spec.properties,
            before: before,
            cloudID: observed.cloudID ?? entry?.cloudID ?? spec.cloudID,
            requires: spec.dependsOn,
            declaration: spec.declaration
        )
        return [PlanDraft(phase: .cloud, change: change, addressDeps: spec.dependsOn)]
    }

    /// Rule 10 for declared resources: a replace of a protected resource, or an update that drops an element of
    /// a protected collection (a load balancer's frontend), needs `--allow-destroy`.
    private static func protectionAllows(
        _ spec: ResourceSpec, before: Value, replaces: Bool, drifted: Bool, attributes: [AttributeChange], observed: ObservedResource,
        input: PlanInput, findings: inout PlanFindings
    ) -> Bool {
        let address = spec.address
        if replaces {
            let impact = Protection.impact(of: address, recorded: spec.disruption, input: input)
            return Protection.check(
                address, verb: "replace", impact: impact,
                cause: Protection.replaceCause(spec, attributes: attributes, drifted: drifted),
                losses: observed.dependents, input: input, findings: &findings)
        }
        var allowed = true
        let at = (spec.declaration?.location ?? spec.source).map { "\($0): " } ?? ""
        for path in spec.protectedCollections {
            for name in Protection.removedElements(before: before, after: spec.properties, collection: path) {
                let what = "\(path.last ?? "element") `\(name)`"
                allowed = Protection.check(
                    address, verb: "remove \(what) of it", impact: .consumerVisible,
                    cause: "\(at)the manifest no longer declares \(what)", losses: observed.dependents, input: input,
                    findings: &findings) && allowed
            }
        }
        return allowed
    }

    /// The expand (before the brokers advertise new ports; skipped when an interrupted run already made it)
    /// and the contract (after the roll) of one update.
    private static func expandThenContract(_ spec: ResourceSpec, before: Value, expanded: Value, drifted: Bool, cloudID: String?) -> [PlanDraft] {
        var drafts: [PlanDraft] = []
        let expandAttributes = AttributeDiff.changes(from: before, to: expanded, replaceOn: spec.replaceOn)
        let reason: ChangeReason = drifted ? .drifted : .manifestChanged
        if !expandAttributes.isEmpty {
            let expand = Change(
                address: spec.address, action: .expand, reason: reason, disruption: spec.disruption, attributes: expandAttributes,
                after: expanded, before: before, cloudID: cloudID, requires: spec.dependsOn, declaration: spec.declaration)
            drafts.append(PlanDraft(phase: .cloud, change: expand, addressDeps: spec.dependsOn))
        }
        let contract = Change(
            address: spec.address, action: .update, reason: reason, disruption: spec.disruption,
            attributes: AttributeDiff.changes(from: expanded, to: spec.properties, replaceOn: spec.replaceOn),
            after: spec.properties, before: expanded, cloudID: cloudID, requires: spec.dependsOn, declaration: spec.declaration)
        drafts.append(PlanDraft(phase: .contract, change: contract, addressDeps: spec.dependsOn))
        return drafts
    }

    /// Rule 5: a semantic config difference is a write plus a restart; a pending restart alone is a restart.
    private static func brokerDrafts(
        for spec: ResourceSpec,
        entry: Inventory.Entry?,
        observed: ObservedResource?,
        input: PlanInput,
        findings: inout PlanFindings
    ) -> [PlanDraft] {
        let address = spec.address
        let cloudID = observed?.cloudID ?? entry?.cloudID ?? spec.cloudID
        let attributes = BrokerConfigSemantics.differences(desired: spec.properties, observed: observed?.properties)
        var drafts: [PlanDraft] = []
        var restartReason: ChangeReason?

        if let problem = BrokerRemoval.voterChangeProblem(attributes, version: input.kafkaVersions[address.cluster]) {
            findings.problem(address, problem)
            return [.blocker(address, phase: .brokerConfig, addressDeps: spec.dependsOn)]
        }
        if !attributes.isEmpty {
            let reason: ChangeReason
            if observed == nil {
                reason = entry == nil ? .missing : .drifted
            } else {
                reason = hasBrokerDrift(entry: entry, observed: observed) ? .drifted : .configChanged
            }
            if reason == .drifted { findings.drift.insert(address) }
            let write = Change(
                address: address, action: .writeBrokerConfig, reason: reason, disruption: .none,
                attributes: attributes, after: spec.properties,
                before: observed.map { $0.properties.projected(onto: spec.properties) },
                cloudID: cloudID, requires: spec.dependsOn
            )
            drafts.append(PlanDraft(phase: .brokerConfig, change: write, addressDeps: spec.dependsOn))
            restartReason = .configChanged
        } else if input.pendingRestarts.keys.contains(address) {
            restartReason = .restartPending
        }

        if let restartReason {
            drafts.append(PlanDraft(phase: .restart, change: restart(address, restartReason, config: spec.properties, cloudID: cloudID),
                                    addressDeps: []))
        }
        return drafts
    }

    /// A restart change; `after` is the config it makes effective, so the journal fingerprint matches the write.
    static func restart(_ address: ResourceAddress, _ reason: ChangeReason, config: Value?, cloudID: String?) -> Change {
        Change(address: address, action: .restartBroker, reason: reason, disruption: .brokerRestart,
               after: config, cloudID: cloudID)
    }

    /// Rule 4: drifted when the real resource no longer matches what was last applied.
    private static func hasDrifted(entry: Inventory.Entry?, observed: ObservedResource) -> Bool {
        guard let applied = entry?.applied else { return false }
        return !AttributeDiff.changes(from: observed.properties.projected(onto: applied), to: applied).isEmpty
    }

    private static func hasBrokerDrift(entry: Inventory.Entry?, observed: ObservedResource?) -> Bool {
        guard let applied = entry?.applied, let observed else { return false }
        return !BrokerConfigSemantics.differences(desired: applied, observed: observed.properties).isEmpty
    }
}
