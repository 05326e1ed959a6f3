public import ProviderAPI
public import ReconcileModel
import Synchronization

/// A fake cloud for one or more resource types, keyed by address.
///
/// `observe` returns what it holds (with ownership) for the wanted and inventoried addresses; `apply` changes
/// it the way the real provider would (idempotently). It records every call in order, can fail chosen
/// addresses, can slow applies down, and measures how many applies were in flight at once, per action.
public final class InMemoryProvider: ResourceProvider, Sendable {
    /// One call to `apply`, in call order.
    public struct Call: Sendable, Hashable, CustomStringConvertible {
        public var address: ResourceAddress
        public var action: Action
        public var changeID: String
        public var description: String { changeID }
    }

    private struct State {
        var resources: [ResourceAddress: ObservedResource] = [:]
        var observeErrors: [ResourceAddress: String] = [:]
        var failures: [ResourceAddress: [ProviderError]] = [:]
        var calls: [Call] = []
        var restarts: [ResourceAddress: Int] = [:]
        var inFlight: [Action: Int] = [:]
        var maxInFlight: [Action: Int] = [:]
        var inFlightTotal = 0
        var maxInFlightTotal = 0
        var delay: Duration?
        var nextID = 1
    }

    public let resourceTypes: Set<String>
    private let state = Mutex(State())

    public init(types: Set<String>, resources: [ObservedResource] = [], delay: Duration? = nil) {
        self.resourceTypes = types
        state.withLock { s in
            for r in resources { s.resources[r.address] = r }
            s.delay = delay
        }
    }

    // MARK: - Setup

    /// Puts a resource into the fake cloud (as if created outside the reconciler when `ownership` is foreign).
    public func put(_ resource: ObservedResource) { state.withLock { $0.resources[resource.address] = resource } }
    public func remove(_ address: ResourceAddress) { state.withLock { _ = $0.resources.removeValue(forKey: address) } }
    /// Makes `observe` report the address as unreadable until cleared with nil.
    public func setObserveError(_ address: ResourceAddress, _ error: String?) {
        state.withLock { $0.observeErrors[address] = error }
    }
    /// The next `times` applies to `address` throw `error`.
    public func failNext(_ address: ResourceAddress, _ error: ProviderError, times: Int = 1) {
        state.withLock { $0.failures[address, default: []] += Array(repeating: error, count: times) }
    }
    public func failNext(_ address: ResourceAddress, _ message: String, times: Int = 1) {
        failNext(address, ProviderError(.terminal, address: address, message), times: times)
    }
    /// Every apply sleeps this long before taking effect (nil = no delay).
    public func setDelay(_ delay: Duration?) { state.withLock { $0.delay = delay } }

    // MARK: - Inspection

    public var resources: [ResourceAddress: ObservedResource] { state.withLock { $0.resources } }
    public subscript(address: ResourceAddress) -> ObservedResource? { state.withLock { $0.resources[address] } }
    public var calls: [Call] { state.withLock { $0.calls } }
    public var callIDs: [String] { calls.map(\.changeID) }
    public func restartCount(_ address: ResourceAddress) -> Int { state.withLock { $0.restarts[address] ?? 0 } }
    /// The most applies of `action` that were ever in flight together.
    public func maxInFlight(_ action: Action) -> Int { state.withLock { $0.maxInFlight[action] ?? 0 } }
    /// The most applies of any action that were ever in flight together.
    public var maxInFlightTotal: Int { state.withLock { $0.maxInFlightTotal } }
    public func resetCalls() { state.withLock { $0.calls = [] } }

    // MARK: - ResourceProvider

    public func observe(desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [ObservedResource] {
        let wanted = Set(desired.map(\.address) + inventory.map(\.address)).filter { resourceTypes.contains($0.type) }
        return state.withLock { s in
            wanted.sorted().compactMap { address in
                if let error = s.observeErrors[address] { return ObservedResource.failed(address, error) }
                return s.resources[address]
            }
        }
    }

    public func apply(_ change: Change) async throws -> ObservedResource? {
        let (delay, failure) = state.withLock { s -> (Duration?, ProviderError?) in
            s.calls.append(Call(address: change.address, action: change.action, changeID: change.id))
            s.inFlight[change.action, default: 0] += 1
            s.maxInFlight[change.action] = max(s.maxInFlight[change.action] ?? 0, s.inFlight[change.action]!)
            s.inFlightTotal += 1
            s.maxInFlightTotal = max(s.maxInFlightTotal, s.inFlightTotal)
            let failure = s.failures[change.address]?.isEmpty == false ? s.failures[change.address]!.removeFirst() : nil
            return (s.delay, failure)
        }
        defer {
            state.withLock { s in
                s.inFlight[change.action]! -= 1
                s.inFlightTotal -= 1
            }
        }
        if let delay { try await Task.sleep(for: delay) }
        if let failure { throw failure }
        return state.withLock { s in Self.mutate(&s, change) }
    }

    private static func mutate(_ s: inout State, _ change: Change) -> ObservedResource? {
        let address = change.address
        let existing = s.resources[address]
        func newID() -> String {
            defer { s.nextID += 1 }
            return "fake://\(address)/\(s.nextID)"
        }
        switch change.action {
        case .create, .replace:
            if change.action == .create, let existing, existing.ownership == .reconciler {
                // Idempotent create: ours already exists, converge it.
                s.resources[address]?.properties = merged(existing.properties, change.after ?? .null)
            } else {
                s.resources[address] = ObservedResource(
                    address: address, cloudID: newID(), properties: change.after ?? .null, ownership: .reconciler)
            }
        case .update, .expand:
            if let existing {
                s.resources[address]?.properties = merged(existing.properties, change.after ?? .null)
            } else {
                s.resources[address] = ObservedResource(
                    address: address, cloudID: newID(), properties: change.after ?? .null, ownership: .reconciler)
            }
        case .writeBrokerConfig:
            var config = existing?.properties.objectValue ?? [:]
            for (key, value) in change.after?.objectValue ?? [:] {
                if value == .null { config.removeValue(forKey: key) } else { config[key] = value }
            }
            s.resources[address] = ObservedResource(
                address: address, cloudID: existing?.cloudID ?? "host-\(address.name):/etc/kafka/server.properties",
                properties: .object(config), ownership: .reconciler)
        case .restartBroker:
            s.restarts[address, default: 0] += 1
        case .delete:
            s.resources.removeValue(forKey: address)
            return nil
        case .forget:
            return nil
        }
        return s.resources[address]
    }

    /// Desired top-level keys over the existing ones: server-set extras survive, like a real PATCH/PUT
    /// that keeps read-only fields.
    private static func merged(_ existing: Value, _ desired: Value) -> Value {
        guard case .object(var out) = existing, case .object(let want) = desired else { return desired }
        for (key, value) in want { out[key] = value }
        return .object(out)
    }
}
