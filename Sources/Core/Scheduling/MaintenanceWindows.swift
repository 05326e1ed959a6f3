public import Foundation

/// One maintenance window: from each time its `schedule` fires (in `timeZone`), for `duration`.
public struct MaintenanceWindow: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case allow, deny }

    public var kind: Kind
    public var schedule: CronSchedule
    public var duration: Duration
    public var timeZone: TimeZone

    public init(kind: Kind, schedule: CronSchedule, duration: Duration, timeZone: TimeZone) {
        self.kind = kind
        self.schedule = schedule
        self.duration = duration
        self.timeZone = timeZone
    }

    /// The last firing at or before `date` whose window still covers `date`, if any (windows shorter than a week
    /// are searched minute by minute back over their own length).
    public func activeSince(_ date: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let minuteStart = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
        let minutes = Int(duration.components.seconds / 60) + (duration.components.seconds % 60 == 0 ? 0 : 1)
        for back in 0..<max(1, minutes) {
            let candidate = minuteStart.addingTimeInterval(Double(-60 * back))
            guard date.timeIntervalSince(candidate) < Double(duration.components.seconds) else { continue }
            if fires(at: candidate, calendar: calendar) { return candidate }
        }
        return nil
    }

    /// The first firing strictly after `date`, within a year and a day (nil if it never fires in that span).
    public func nextFiring(after date: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var candidate = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        let end = date.addingTimeInterval(367 * 86_400)
        while candidate < end {
            let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
            let minute = c.minute ?? 0
            if schedule.hourMatches(hour: c.hour ?? -1, day: c.day ?? -1, month: c.month ?? -1, weekday: (c.weekday ?? 1) - 1) {
                if schedule.minutes.contains(minute) { return candidate }
                candidate = candidate.addingTimeInterval(60)
            } else {
                candidate = candidate.addingTimeInterval(Double(60 - minute) * 60)  // the next hour: nothing fires in this one
            }
        }
        return nil
    }

    func fires(at date: Date, calendar: Calendar) -> Bool {
        let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        return schedule.matches(minute: c.minute ?? -1, hour: c.hour ?? -1, day: c.day ?? -1, month: c.month ?? -1, weekday: (c.weekday ?? 1) - 1)
    }
}

/// Whether disruptive changes may run now, Argo CD's sync-window rules: no window → open; an active deny window →
/// closed (deny beats allow); allow windows defined → open only inside an active one.
public struct WindowVerdict: Sendable, Hashable {
    public var open: Bool
    /// Why, for people: `inside allow window "0 2 * * SAT" (since ...)`, `deny window ... active`, ...
    public var reason: String
    /// When a closed gate may open next (the next allow firing, or the end of the active deny), if known.
    public var nextOpening: Date?
}

public enum MaintenanceWindows {
    public static func verdict(_ windows: [MaintenanceWindow], at date: Date) -> WindowVerdict {
        guard !windows.isEmpty else { return WindowVerdict(open: true, reason: "no maintenance windows: always open", nextOpening: nil) }
        let denies = windows.filter { $0.kind == .deny }.compactMap { w in w.activeSince(date).map { (w, $0) } }
        if !denies.isEmpty {
            let end = denies.map { $0.1.addingTimeInterval(Double($0.0.duration.components.seconds)) }.max()!
            let allows = windows.filter { $0.kind == .allow }
            let next = allows.isEmpty ? end : allows.compactMap { $0.activeSince(end) != nil ? end : $0.nextFiring(after: end) }.min()
            return WindowVerdict(open: false, reason: "deny window `\(denies[0].0.schedule)` is active", nextOpening: next)
        }
        let allows = windows.filter { $0.kind == .allow }
        guard !allows.isEmpty else { return WindowVerdict(open: true, reason: "no deny window is active", nextOpening: nil) }
        if let (window, since) = allows.compactMap({ w in w.activeSince(date).map { (w, $0) } }).first {
            return WindowVerdict(open: true, reason: "inside allow window `\(window.schedule)` (opened \(since.formatted(.iso8601)))", nextOpening: nil)
        }
        let next = allows.compactMap { $0.nextFiring(after: date) }.min()
        return WindowVerdict(open: false, reason: "outside every allow window", nextOpening: next)
    }
}
