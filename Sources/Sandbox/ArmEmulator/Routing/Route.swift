/// What a request path addresses, matched case-insensitively.
enum Route: Sendable {
    case tokenEndpoint(tenant: String)
    case imds
    case resourceGroups(subscription: String)
    case resourceGroup(ResourceID)
    /// `…/resources` generic listing, subscription-wide or in one group.
    case genericResources(subscription: String, group: String?)
    case list(subscription: String, group: String?, namespace: String, type: String)
    case resource(ResourceID)
    case childList(parent: ResourceID, childType: String)
    case child(ResourceID)
    /// `…/providers/{ns}/locations/{loc}/operations|operationResults/{id}` and `…/operationresults/{id}`.
    case operation(subscription: String, namespace: String, id: String, isLocation: Bool)
    case unknown

    /// The namespace whose api-versions apply.
    var namespace: String? {
        switch self {
        case .tokenEndpoint, .imds, .unknown: nil
        case .resourceGroups, .resourceGroup, .genericResources: "Microsoft.Resources"
        case .list(_, _, let namespace, _): namespace
        case .resource(let id), .child(let id): id.namespace
        case .childList(let parent, _): parent.namespace
        case .operation(_, let namespace, _, _): namespace
        }
    }

    /// Parses a decoded path (`monitor=true` in the query marks a Compute `Location` URL).
    init(path: String, query: [String: String]) {
        let s = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let l = s.map { $0.lowercased() }
        switch l.count {
        case 3 where l[1] == "oauth2" && l[2] == "token", 4 where l[1] == "oauth2" && l[2] == "v2.0" && l[3] == "token":
            self = .tokenEndpoint(tenant: s[0])
            return
        case 4 where l[0] == "metadata" && l[1] == "identity" && l[2] == "oauth2" && l[3] == "token":
            self = .imds
            return
        default: break
        }
        guard l.count >= 3, l[0] == "subscriptions" else {
            self = .unknown
            return
        }
        let sub = s[1]
        if l[2] == "resourcegroups" {
            switch l.count {
            case 3: self = .resourceGroups(subscription: sub)
            case 4: self = .resourceGroup(.group(sub, s[3]))
            case 5 where l[4] == "resources": self = .genericResources(subscription: sub, group: s[3])
            case 7 where l[4] == "providers": self = .list(subscription: sub, group: s[3], namespace: s[5], type: s[6])
            case 8 where l[4] == "providers": self = .resource(.resource(sub, s[3], s[5], s[6], s[7]))
            case 9 where l[4] == "providers":
                self = .childList(parent: .resource(sub, s[3], s[5], s[6], s[7]), childType: s[8])
            case 10 where l[4] == "providers":
                self = .child(.resource(sub, s[3], s[5], s[6], s[7]).child(s[8], s[9]))
            default: self = .unknown
            }
            return
        }
        switch l.count {
        case 3 where l[2] == "resources": self = .genericResources(subscription: sub, group: nil)
        case 4 where l[2] == "operationresults":
            self = .operation(subscription: sub, namespace: "Microsoft.Resources", id: s[3], isLocation: true)
        case 5 where l[2] == "providers": self = .list(subscription: sub, group: nil, namespace: s[3], type: s[4])
        case 8 where l[2] == "providers" && l[4] == "locations" && (l[6] == "operations" || l[6] == "operationresults"):
            let isLocation = l[6] == "operationresults" || query["monitor"]?.lowercased() == "true"
            self = .operation(subscription: sub, namespace: s[3], id: s[7], isLocation: isLocation)
        default: self = .unknown
        }
    }
}
