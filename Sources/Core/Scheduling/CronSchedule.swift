import Foundation

/// A standard five-field cron schedule (`minute hour day-of-month month day-of-week`), as Argo CD's sync windows and
/// Vixie cron read it: `*`, values, ranges `a-b`, steps `*/n` and `a-b/n`, lists, month and weekday names (`JAN`,
/// `MON`), Sunday as 0 or 7, and the descriptors `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily`
/// (`@midnight`) and `@hourly`. When both day fields are restricted a day matches either (Vixie cron's rule).
///
/// Written here rather than taken from a library: no maintained Swift cron parser is on the package mirror, and the
/// grammar is small. Pure: matching takes calendar fields, never a clock.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday ... 6 = Saturday.
    public let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    public let description: String

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
    static let descriptors = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded = Self.descriptors[trimmed.lowercased()] ?? trimmed
        if trimmed.hasPrefix("@"), Self.descriptors[trimmed.lowercased()] == nil {
            throw ParseError(description: "`\(trimmed)` is not a cron descriptor (\(Self.descriptors.keys.sorted().joined(separator: ", ")))")
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(description: "`\(trimmed)` has \(fields.count) field\(fields.count == 1 ? "" : "s"); a cron schedule has five: minute hour day-of-month month day-of-week (e.g. `0 2 * * SAT`)")
        }
        minutes = try Self.field(fields[0], name: "minute", range: 0...59, names: [])
        hours = try Self.field(fields[1], name: "hour", range: 0...23, names: [])
        daysOfMonth = try Self.field(fields[2], name: "day of month", range: 1...31, names: [])
        months = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, firstNameValue: 1)
        let days = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames)
        daysOfWeek = Set(days.map { $0 == 7 ? 0 : $0 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        description = trimmed
    }

    /// Whether the schedule fires at this minute (calendar fields in the schedule's time zone; weekday 0 = Sunday).
    public func matches(minute: Int, hour: Int, day: Int, month: Int, weekday: Int) -> Bool {
        minutes.contains(minute) && hourMatches(hour: hour, day: day, month: month, weekday: weekday)
    }

    /// Whether some minute of this hour may fire (every field but the minute).
    public func hourMatches(hour: Int, day: Int, month: Int, weekday: Int) -> Bool {
        guard hours.contains(hour), months.contains(month) else { return false }
        let domOK = daysOfMonth.contains(day)
        let dowOK = daysOfWeek.contains(weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return domOK || dowOK }
        return domOK && dowOK
    }

    private static func field(_ text: String, name: String, range: ClosedRange<Int>, names: [String], firstNameValue: Int = 0) throws(ParseError) -> Set<Int> {
        var out: Set<Int> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !part.isEmpty else { throw ParseError(description: "the \(name) field `\(text)` has an empty list item") }
            var base = part
            var step = 1
            if let slash = part.firstIndex(of: "/") {
                base = String(part[..<slash])
                guard let n = Int(part[part.index(after: slash)...]), n > 0 else {
                    throw ParseError(description: "the \(name) field `\(text)` has a step that is not a positive number")
                }
                step = n
            }
            let low: Int
            let high: Int
            if base == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                low = try value(String(base[..<dash]), name: name, range: range, names: names, first: firstNameValue)
                high = try value(String(base[base.index(after: dash)...]), name: name, range: range, names: names, first: firstNameValue)
                guard low <= high else { throw ParseError(description: "the \(name) range `\(base)` runs backwards") }
            } else {
                low = try value(base, name: name, range: range, names: names, first: firstNameValue)
                high = part.contains("/") ? range.upperBound : low
            }
            out.formUnion(stride(from: low, through: high, by: step))
        }
        return out
    }

    private static func value(_ text: String, name: String, range: ClosedRange<Int>, names: [String], first: Int) throws(ParseError) -> Int {
        if let index = names.firstIndex(of: text.uppercased()) { return index + first }
        guard let n = Int(text), range.contains(n) else {
            let hint = names.isEmpty ? "" : " or a name (\(names.first!)-\(names.last!))"
            throw ParseError(description: "the \(name) `\(text)` is not a number in \(range.lowerBound)-\(range.upperBound)\(hint)")
        }
        return n
    }
}
