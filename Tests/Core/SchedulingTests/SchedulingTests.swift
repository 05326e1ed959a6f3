import Foundation
import Scheduling
import Testing

@Suite("Cron schedules")
struct CronScheduleTests {
    @Test("values, ranges, steps, lists, names, Sunday as 0 or 7, descriptors")
    func parse() throws {
        let s = try CronSchedule(parsing: "*/15 2-4,22 * JAN-MAR,DEC MON-FRI")
        #expect(s.minutes == [0, 15, 30, 45])
        #expect(s.hours == [2, 3, 4, 22])
        #expect(s.months == [1, 2, 3, 12])
        #expect(s.daysOfWeek == [1, 2, 3, 4, 5])
        #expect(try CronSchedule(parsing: "0 0 * * 7").daysOfWeek == [0])
        #expect(try CronSchedule(parsing: "0 0 * * sun").daysOfWeek == [0])
        #expect(try CronSchedule(parsing: "10-50/20 * * * *").minutes == [10, 30, 50])
        #expect(try CronSchedule(parsing: "5/20 * * * *").minutes == [5, 25, 45])
        let weekly = try CronSchedule(parsing: "@weekly")
        #expect(weekly.minutes == [0] && weekly.hours == [0] && weekly.daysOfWeek == [0])
        #expect(try CronSchedule(parsing: "@hourly").hours.count == 24)
    }

    @Test("both day fields restricted: either matches (Vixie cron); one restricted: it alone decides")
    func dayRule() throws {
        let either = try CronSchedule(parsing: "0 0 13 * FRI")
        #expect(either.matches(minute: 0, hour: 0, day: 13, month: 6, weekday: 2))
        #expect(either.matches(minute: 0, hour: 0, day: 7, month: 6, weekday: 5))
        #expect(!either.matches(minute: 0, hour: 0, day: 7, month: 6, weekday: 4))
        let onlyDow = try CronSchedule(parsing: "0 0 * * FRI")
        #expect(!onlyDow.matches(minute: 0, hour: 0, day: 13, month: 6, weekday: 2))
    }

    @Test("errors name the field and what is wrong", arguments: [
        ("0 2 * *", "has 4 fields"), ("61 * * * *", "the minute `61` is not a number in 0-59"),
        ("0 2 * * FUN", "the day of week `FUN` is not a number in 0-7 or a name (SUN-SAT)"), ("0 5-2 * * *", "runs backwards"),
        ("*/0 * * * *", "not a positive number"), ("@sometimes", "is not a cron descriptor"), ("0 2 ,1 * *", "empty list item"),
    ])
    func errors(text: String, expected: String) {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(parsing: text) }
        do { _ = try CronSchedule(parsing: text) } catch { #expect(error.description.contains(expected), "\(error)") }
    }

    @Test("durations: 4h, 90m, 1h30m, 45s; anything else is nil")
    func durations() {
        #expect(DurationText.parse("4h") == .seconds(14_400))
        #expect(DurationText.parse("1h30m") == .seconds(5_400))
        #expect(DurationText.parse("90m") == .seconds(5_400))
        #expect(DurationText.parse("45s") == .seconds(45))
        for bad in ["", "4", "h", "4d", "1.5h", "-1h", "4h "] { #expect(DurationText.parse(bad) == nil, "\(bad)") }
    }
}

@Suite("Maintenance windows (Argo CD's rules), at injected instants")
struct MaintenanceWindowTests {
    static func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }
    static func window(_ kind: MaintenanceWindow.Kind, _ cron: String, hours: Int, zone: String = "UTC") throws -> MaintenanceWindow {
        MaintenanceWindow(kind: kind, schedule: try CronSchedule(parsing: cron), duration: .seconds(hours * 3600), timeZone: TimeZone(identifier: zone)!)
    }

    @Test("no window: always open")
    func none() {
        #expect(MaintenanceWindows.verdict([], at: Self.date("2026-12-05T12:00:00Z")).open)
    }

    @Test("an allow window on Saturdays 02:00 for 4 h, Berlin time: open inside (also across DST), closed outside with the next opening")
    func allow() throws {
        let w = try Self.window(.allow, "0 2 * * SAT", hours: 4, zone: "Europe/Berlin")
        // Saturday 2026-12-05 02:30 CET = 01:30 UTC.
        #expect(MaintenanceWindows.verdict([w], at: Self.date("2026-12-05T01:30:00Z")).open)
        #expect(MaintenanceWindows.verdict([w], at: Self.date("2026-12-05T04:59:59Z")).open)
        let after = MaintenanceWindows.verdict([w], at: Self.date("2026-12-05T05:00:00Z"))
        #expect(!after.open)
        #expect(after.reason == "outside every allow window")
        #expect(after.nextOpening == Self.date("2026-12-12T01:00:00Z"))
        // Summer time (CEST, UTC+2): Saturday 2026-07-04 02:00 local = 00:00 UTC.
        #expect(MaintenanceWindows.verdict([w], at: Self.date("2026-07-04T00:00:00Z")).open)
        #expect(!MaintenanceWindows.verdict([w], at: Self.date("2026-07-03T23:59:00Z")).open)
    }

    @Test("deny beats allow; the next opening is the end of the deny when an allow covers it")
    func denyBeatsAllow() throws {
        let allowAlways = try Self.window(.allow, "0 * * * *", hours: 1)
        let freeze = try Self.window(.deny, "0 0 24 12 *", hours: 48)
        let during = MaintenanceWindows.verdict([allowAlways, freeze], at: Self.date("2026-12-25T10:00:00Z"))
        #expect(!during.open)
        #expect(during.reason.contains("deny window `0 0 24 12 *` is active"))
        #expect(during.nextOpening == Self.date("2026-12-26T00:00:00Z"))
        #expect(MaintenanceWindows.verdict([allowAlways, freeze], at: Self.date("2026-12-26T00:00:00Z")).open)
        // A deny window alone: open outside it.
        #expect(MaintenanceWindows.verdict([freeze], at: Self.date("2026-12-20T10:00:00Z")).open)
    }

    @Test("a schedule that never fires (31 February) yields no next opening, not a hang")
    func never() throws {
        let w = try Self.window(.allow, "0 0 31 2 *", hours: 1)
        let verdict = MaintenanceWindows.verdict([w], at: Self.date("2026-12-05T00:00:00Z"))
        #expect(!verdict.open && verdict.nextOpening == nil)
    }
}
