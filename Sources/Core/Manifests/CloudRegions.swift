/// Azure regions (programmatic names). Availability zones are `1`, `2`, `3` where a region has them.
enum AzureRegions {
    static let all = [
        "australiacentral", "australiaeast", "australiasoutheast", "brazilsouth", "canadacentral", "canadaeast",
        "centralindia", "centralus", "eastasia", "eastus", "eastus2", "francecentral", "germanywestcentral",
        "israelcentral", "italynorth", "japaneast", "japanwest", "koreacentral", "koreasouth", "mexicocentral",
        "northcentralus", "northeurope", "norwayeast", "polandcentral", "qatarcentral", "southafricanorth",
        "southcentralus", "southeastasia", "southindia", "spaincentral", "swedencentral", "switzerlandnorth",
        "uaenorth", "uksouth", "ukwest", "westcentralus", "westeurope", "westindia", "westus", "westus2", "westus3",
    ]
    static let zones = ["1", "2", "3"]
}

/// GCP regions and the zone letters each one has.
enum GcpRegions {
    static let zones: [String: [String]] = [
        "africa-south1": ["a", "b", "c"], "asia-east1": ["a", "b", "c"], "asia-east2": ["a", "b", "c"],
        "asia-northeast1": ["a", "b", "c"], "asia-northeast2": ["a", "b", "c"], "asia-northeast3": ["a", "b", "c"],
        "asia-south1": ["a", "b", "c"], "asia-south2": ["a", "b", "c"], "asia-southeast1": ["a", "b", "c"],
        "asia-southeast2": ["a", "b", "c"], "australia-southeast1": ["a", "b", "c"],
        "australia-southeast2": ["a", "b", "c"], "europe-central2": ["a", "b", "c"], "europe-north1": ["a", "b", "c"],
        "europe-southwest1": ["a", "b", "c"], "europe-west1": ["b", "c", "d"], "europe-west2": ["a", "b", "c"],
        "europe-west3": ["a", "b", "c"], "europe-west4": ["a", "b", "c"], "europe-west6": ["a", "b", "c"],
        "europe-west8": ["a", "b", "c"], "europe-west9": ["a", "b", "c"], "me-central1": ["a", "b", "c"],
        "me-west1": ["a", "b", "c"], "northamerica-northeast1": ["a", "b", "c"],
        "northamerica-northeast2": ["a", "b", "c"], "southamerica-east1": ["a", "b", "c"],
        "southamerica-west1": ["a", "b", "c"], "us-central1": ["a", "b", "c", "f"], "us-east1": ["b", "c", "d"],
        "us-east4": ["a", "b", "c"], "us-east5": ["a", "b", "c"], "us-south1": ["a", "b", "c"],
        "us-west1": ["a", "b", "c"], "us-west2": ["a", "b", "c"], "us-west3": ["a", "b", "c"], "us-west4": ["a", "b", "c"],
    ]
    static var all: [String] { zones.keys.sorted() }
    static func zoneNames(_ region: String) -> [String] { (zones[region] ?? []).map { "\(region)-\($0)" } }
}
