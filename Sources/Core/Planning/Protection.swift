import ReconcileModel

/// Rule 10: deletion protection, modelled on Terraform's `prevent_destroy` and Crossplane's `deletionPolicy`.
///
/// A resource whose loss destroys data or cuts consumers off (`Disruption.isProtected`, by type from
/// `PlanInput.deletionImpact`) is never deleted or replaced, and a load balancer never loses a frontend, unless
/// the run confirms it with `--allow-destroy` naming it (or a pattern that matches it). Without that, the
/// change is a problem naming the manifest field that caused it, what would be lost, and how to allow it.
enum Protection {
    /// The disruption of deleting or replacing `address`: the worst of its recorded disruption and its type's.
    static func impact(of address: ResourceAddress, recorded: Disruption, input: PlanInput) -> Disruption {
        max(recorded, input.deletionImpact[address.type] ?? .none)
    }

    /// Whether this run confirmed destroying `address`.
    static func isAllowed(_ address: ResourceAddress, input: PlanInput) -> Bool {
        input.allowDestroy.contains { address.matches(selector: $0) }
    }

    /// Checks one protected destroy. Returns true when it may go ahead (recording the confirmation and a
    /// warning); otherwise records a problem and returns false. Unprotected destroys always go ahead.
    static func check(
        _ address: ResourceAddress, verb: String, impact: Disruption, cause: String, losses: [String],
        input: PlanInput, findings: inout PlanFindings
    ) -> Bool {
        // Protection is by type (the list, `PlanInput.deletionImpact`); a change's own disruption is
        // only shown.
        guard (input.deletionImpact[address.type] ?? .none).isProtected else { return true }
        let lost = lossText(address, losses)
        if isAllowed(address, input: input) {
            findings.allowedDestroys.insert(address)
            findings.warn("\(address): \(verb) (\(impact.text)) confirmed by --allow-destroy; \(lost)")
            return true
        }
        let pattern = "\(address.cluster)/\(address.type)/*"
        findings.problem(
            address,
            "refusing to \(verb) a protected resource (\(impact.text)): \(cause); \(lost). "
                + "To allow it for one run, add --allow-destroy \(address) (or a pattern such as '\(pattern)')")
        return false
    }

    /// `would be lost: ...` with the resource itself first, then what the provider saw depending on it.
    static func lossText(_ address: ResourceAddress, _ losses: [String]) -> String {
        let shown = losses.prefix(10)
        var text = "would be lost: \(address.type) `\(address.name)`"
        if !shown.isEmpty { text += "; " + shown.joined(separator: "; ") }
        if losses.count > shown.count { text += "; and \(losses.count - shown.count) more" }
        return text
    }

    /// Names of a protected collection's elements present before and gone after (a load balancer's frontends).
    static func removedElements(before: Value?, after: Value?, collection path: [String]) -> [String] {
        func names(_ body: Value?) -> Set<String> {
            var node = body
            for key in path { node = node?[key] }
            return Set((node?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        }
        return names(before).subtracting(names(after)).sorted()
    }

    /// Why a declared resource is replaced: the attributes that force it, and where the manifest declares it.
    static func replaceCause(_ spec: ResourceSpec, attributes: [AttributeChange], drifted: Bool) -> String {
        let forcing = attributes.filter(\.forcesReplacement).map(\.path).joined(separator: ", ")
        let at = (spec.declaration?.location ?? spec.source).map { "\($0): " } ?? ""
        if drifted {
            return "\(at)\(forcing) changed outside the reconciler and cannot change back in place"
        }
        return "\(at)the manifest changes \(forcing), which cannot change in place"
    }

    /// What happens to an inventory entry that left the manifests, and why it left: the policy in force and a
    /// cause naming the manifest field (FILE:LINE:COL) or the exposure that is gone.
    static func removal(of entry: Inventory.Entry, input: PlanInput) -> (policy: DeletionPolicy, cause: String) {
        guard let declared = entry.declaration else {
            return (.orphan, "it is no longer declared in the manifests (its inventory entry predates deletion policies, "
                + "so it is kept: deletionPolicy Orphan)")
        }
        if let exposure = input.exposures["\(entry.address.cluster)/\(declared.exposure)"] {
            let policy = exposure.deletionPolicy
            return (policy, "\(exposure.location(of: declared.field)): `\(declared.field)` of exposure `\(exposure.name)` "
                + "no longer declares it, and its deletionPolicy is \(policy.rawValue) (\(exposure.policyLocation))")
        }
        let last = declared.location.map { " (last declared at \($0))" } ?? ""
        return (declared.deletionPolicy, "exposure `\(declared.exposure)`\(last) is no longer in the manifests, "
            + "and its deletionPolicy was \(declared.deletionPolicy.rawValue)")
    }

    /// Ids in a container (a resource group) that the inventory does not hold: deleting the container would
    /// delete them too, so it is refused while there are any.
    static func untracked(contents: [String], input: PlanInput) -> [String] {
        let tracked = Set(input.inventories.values.flatMap(\.entries.values).compactMap { $0.cloudID?.lowercased() })
        return contents.filter { !tracked.contains($0.lowercased()) }.sorted()
    }
}
