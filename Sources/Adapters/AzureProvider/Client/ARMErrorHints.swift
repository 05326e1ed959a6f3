/// What to do about ARM error codes that have a well-known remedy. One sentence each, for a person.
enum ARMErrorHints {
    static func hint(code: String?, status: Int?, method: String, url: String, message: String? = nil) -> String? {
        if code?.lowercased() == "operationnotallowed", message?.lowercased().contains("another operation") == true {
            return hint(code: "AnotherOperationInProgress", status: status, method: method, url: url)
        }
        switch code?.lowercased() {
        case "authorizationfailed", "linkedauthorizationfailed":
            let verb = method == "GET" ? "read" : (method == "DELETE" ? "delete" : "write")
            return "the reconciler's identity may not \(verb) this resource; grant it \(role(for: url)) on the resource group "
                + "(role assignments can take a few minutes to apply)"
        case "resourcegroupnotfound":
            return "the resource group does not exist; create it, or let the exposure manage it, or fix `resourceGroup` in the manifest"
        case "subscriptionnotfound", "invalidsubscriptionid":
            return "check `subscriptionId` in the manifest and that the credentials belong to that subscription's tenant"
        case "invalidauthenticationtoken", "expiredauthenticationtoken", "invalidauthenticationtokentenant", "authenticationfailed":
            return "the access token was rejected; check the tenant, client id and secret (or federated token) the reconciler uses"
        case "missingsubscriptionregistration":
            return "register the resource provider once: `az provider register --namespace \(ARMPath.providerNamespace(of: url) ?? "<namespace>")`"
        case "retryableerrorduetoanotheroperation", "anotheroperationinprogress":
            return "another operation holds the resource (often the reconciler's own previous change still settling); "
                + "it is retried after the service's Retry-After, and the next reconcile will pick it up otherwise"
        case "privatelinkservicenetworkpoliciescannotbeenabledonprivatelinkservicesubnet", "privatelinkservicenetworkpolicies":
            return "the subnet hosting the Private Link Service NAT IPs needs `privateLinkServiceNetworkPolicies: Disabled`"
        case "inusesubnetcannotbedeleted", "inusenetworksecuritygroupcannotbedeleted", "nicinuse", "inuseresource":
            return "something else still uses this resource; delete or detach its users first"
        case "operationnotallowed", "quotaexceeded", "skunotavailable", "zonalallocationfailed", "allocationfailed":
            return "the region lacks capacity or quota for this size or zone; request a quota increase or choose another size or zone"
        case "linkedinvalidpropertyid", "invalidresourcereference":
            return "a referenced resource (subnet, pool, frontend, NIC) does not exist or is spelled differently; create it first or fix the id"
        default:
            if status == 403 { return "the identity lacks permission here; grant it \(role(for: url))" }
            return nil
        }
    }

    /// Codes of a failed long-running operation that are worth retrying later.
    static func isRetryableOperationCode(_ code: String) -> Bool {
        let lower = code.lowercased()
        return ARMError.anotherOperationCodes.contains(lower)
            || ["internalservererror", "internalerror", "servertimeout", "operationtimedout", "toomanyrequests",
                "retryableerror", "zonalallocationfailed", "allocationfailed"].contains(lower)
    }

    /// The built-in role that grants what the reconciler does to this kind of resource.
    static func role(for url: String) -> String {
        switch ARMPath.providerNamespace(of: url)?.lowercased() {
        case "microsoft.network": "'Network Contributor'"
        case "microsoft.compute": "'Virtual Machine Contributor' (and 'Network Contributor' to join its NIC)"
        default: "'Contributor' (resource groups need it at subscription scope)"
        }
    }
}
