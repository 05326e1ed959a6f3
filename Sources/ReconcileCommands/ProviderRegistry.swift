public import ProviderAPI

/// The concrete providers this build knows, wired in one place (the composition root).
///
/// Cloud and broker providers plug in here as they are built (ARM over libcurl, GCP Compute over libcurl,
/// brokers over SSH). A resource type with no provider cannot be observed: the plan says so per address and
/// refuses to apply, instead of guessing.
public enum ProviderRegistry {
    public static func standard() -> [any ResourceProvider] { [] }
}
