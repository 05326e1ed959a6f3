/// Every resource type name (`ResourceAddress.type`), defined once: the desired-state compiler, the manifests'
/// `adopt` check, the planner and the providers all use these.
public enum ResourceTypes {
    public enum Azure {
        public static let resourceGroup = "azure.resourceGroup"
        public static let virtualNetwork = "azure.virtualNetwork"
        public static let networkSecurityGroup = "azure.networkSecurityGroup"
        public static let networkInterface = "azure.networkInterface"
        public static let virtualMachine = "azure.virtualMachine"
        public static let loadBalancer = "azure.loadBalancer"
        public static let privateLinkService = "azure.privateLinkService"
        /// A NIC the reconciler does not own, joined to one of its load balancer's backend pools.
        public static let poolAssociation = "azure.nicBackendPoolAssociation"

        /// The types a manifest may `adopt` (everything but the pool association, which is never someone else's).
        public static let adoptable = [
            resourceGroup, virtualNetwork, networkSecurityGroup, networkInterface, virtualMachine, loadBalancer, privateLinkService,
        ]
    }

    public enum Gcp {
        public static let network = "gcp.network"
        public static let subnetwork = "gcp.subnetwork"
        public static let firewall = "gcp.firewall"
        public static let instance = "gcp.instance"
        public static let networkEndpointGroup = "gcp.networkEndpointGroup"
        public static let backendService = "gcp.backendService"
        public static let healthCheck = "gcp.healthCheck"
        public static let forwardingRule = "gcp.forwardingRule"
        public static let serviceAttachment = "gcp.serviceAttachment"
        public static let instanceTemplate = "gcp.instanceTemplate"
        public static let instanceGroupManager = "gcp.instanceGroupManager"

        /// The types a manifest may `adopt`.
        public static let adoptable = [
            network, subnetwork, firewall, instance, networkEndpointGroup, backendService, healthCheck, forwardingRule,
            serviceAttachment, instanceTemplate, instanceGroupManager,
        ]
    }

    public enum Kafka {
        /// The managed keys of one broker's `server.properties`.
        public static let brokerConfig = "kafka.brokerConfig"
    }
}
