/// Placeholder: GCP's wiring lands here (issue 11).
enum GcpCloudPlaceholder {}
