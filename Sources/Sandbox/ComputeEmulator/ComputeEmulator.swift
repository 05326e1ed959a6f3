/// Placeholder: the Compute emulator lands here (issue 11).
public enum ComputeEmulatorPlaceholder {}
