/// Placeholder: the Compute provider lands here (issue 11).
enum ComputeProviderPlaceholder {}
