/// A parsed ARM resource ID: `/subscriptions/{s}/resourceGroups/{rg}[/providers/{ns}/{type}/{name}[/{childType}/{childName}]]`.
///
/// Comparison is case-insensitive (``key``); ``canonical`` spells the fixed segments as ARM does
/// (`resourceGroups`, `providers`) and keeps names as given.
struct ResourceID: Sendable, Hashable {
    var subscription: String
    var resourceGroup: String
    var namespace: String?
    var type: String?
    var name: String?
    var childType: String?
    var childName: String?

    static func group(_ subscription: String, _ resourceGroup: String) -> ResourceID {
        ResourceID(subscription: subscription, resourceGroup: resourceGroup)
    }

    static func resource(_ subscription: String, _ resourceGroup: String, _ namespace: String, _ type: String, _ name: String)
        -> ResourceID
    {
        ResourceID(subscription: subscription, resourceGroup: resourceGroup, namespace: namespace, type: type, name: name)
    }

    /// Parses a full ID; nil when it is not a resource-group or resource ID (children one level deep).
    init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 4, parts[0].lowercased() == "subscriptions", parts[2].lowercased() == "resourcegroups" else {
            return nil
        }
        self.init(subscription: parts[1], resourceGroup: parts[3])
        if parts.count == 4 { return }
        guard parts.count == 8 || parts.count == 10, parts[4].lowercased() == "providers" else { return nil }
        namespace = parts[5]
        type = parts[6]
        name = parts[7]
        if parts.count == 10 {
            childType = parts[8]
            childName = parts[9]
        }
    }

    init(
        subscription: String, resourceGroup: String, namespace: String? = nil, type: String? = nil, name: String? = nil,
        childType: String? = nil, childName: String? = nil
    ) {
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.namespace = namespace
        self.type = type
        self.name = name
        self.childType = childType
        self.childName = childName
    }

    var isResourceGroup: Bool { namespace == nil }
    var isChild: Bool { childType != nil }

    /// The RG's ID.
    var groupID: ResourceID { .group(subscription, resourceGroup) }

    /// The top-level resource (itself when not a child).
    var parent: ResourceID {
        var copy = self
        copy.childType = nil
        copy.childName = nil
        return copy
    }

    func child(_ type: String, _ name: String) -> ResourceID {
        var copy = parent
        copy.childType = type
        copy.childName = name
        return copy
    }

    var canonical: String {
        var text = "/subscriptions/\(subscription)/resourceGroups/\(resourceGroup)"
        if let namespace, let type, let name { text += "/providers/\(namespace)/\(type)/\(name)" }
        if let childType, let childName { text += "/\(childType)/\(childName)" }
        return text
    }

    /// The case-insensitive identity used as the store key.
    var key: String { canonical.lowercased() }

    /// `Microsoft.Network/loadBalancers` (or `…/loadBalancers/backendAddressPools` for a child);
    /// `Microsoft.Resources/resourceGroups` for a group.
    var typeString: String {
        guard let namespace, let type else { return "Microsoft.Resources/resourceGroups" }
        return childType.map { "\(namespace)/\(type)/\($0)" } ?? "\(namespace)/\(type)"
    }

    /// `Microsoft.Network/virtualNetworks/vnet/subnets/x` style, as ARM's not-found messages name things.
    var qualifiedName: String {
        guard let namespace, let type, let name else { return resourceGroup }
        if let childType, let childName { return "\(namespace)/\(type)/\(name)/\(childType)/\(childName)" }
        return "\(namespace)/\(type)/\(name)"
    }
}
