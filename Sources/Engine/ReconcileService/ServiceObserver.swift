public import Foundation
public import ReconcileEngine
public import Scheduling

/// What the service loop reports as it goes, to metrics, notifications and logs. Called from the loop and from
/// passes; an observer must return quickly and never fail (a notification is queued, not sent inline).
public protocol ServiceObserver: Sendable {
    /// The manifests' source was read: its revision, how long it took, and why it failed if it did.
    func sourceRead(revision: String?, seconds: Double, error: String?) async
    /// A pass of `cluster` starts, on `revision`, for `trigger`.
    func passStarted(cluster: String, revision: String?, trigger: PassSchedule.Trigger) async
    /// A step of a running pass (the plan, each applied change).
    func passEvent(cluster: String, event: PassEvent) async
    /// A pass ended: its result and the cluster's status after it.
    func passFinished(cluster: String, result: PassResult, status: ClusterStatus, seconds: Double) async
    /// With several replicas: whether this one leads `cluster` now, and which replica does (nil: unknown).
    func leadership(cluster: String, leader: Bool, holder: String?) async
}

extension ServiceObserver {
    public func sourceRead(revision: String?, seconds: Double, error: String?) async {}
    public func passStarted(cluster: String, revision: String?, trigger: PassSchedule.Trigger) async {}
    public func passEvent(cluster: String, event: PassEvent) async {}
    public func passFinished(cluster: String, result: PassResult, status: ClusterStatus, seconds: Double) async {}
    public func leadership(cluster: String, leader: Bool, holder: String?) async {}
}
