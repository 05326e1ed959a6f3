/// The process exit codes of `reconcile`, stable for CI scripts.
public enum ExitStatus {
    /// Success (with `--detailed-exitcode`: and no changes pending).
    public static let success: Int32 = 0
    /// Any error: invalid manifests, unreachable provider, failed apply, lock held.
    public static let error: Int32 = 1
    /// With `--detailed-exitcode` only: the plan has changes.
    public static let changesPending: Int32 = 2
    /// The command line itself is wrong (swift-argument-parser's validation exit code).
    public static let usage: Int32 = 64
}
