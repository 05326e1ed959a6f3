public import Foundation
public import ProviderAPI

/// Parses how long a response asks the client to wait before retrying.
///
/// Recognised, in order: Azure's `retry-after-ms` and `x-ms-retry-after-ms` (milliseconds), then
/// `Retry-After` as delta-seconds (RFC 9110 §10.2.3, fractions tolerated) or as an HTTP-date
/// (IMF-fixdate, plus the obsolete RFC 850 and asctime forms). Dates in the past mean "now" (zero).
/// Unparseable or negative values yield `nil`, so the caller falls back to backoff.
public enum RetryAfter {
    public static func delay(in response: HTTPResponse, now: Date) -> Duration? {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let value = response.header(name), let ms = Double(value.trimmingCharacters(in: .whitespaces)), ms.isFinite, ms >= 0 {
                return .milliseconds(ms)
            }
        }
        guard let value = response.header("Retry-After") else { return nil }
        return delay(parsing: value, now: now)
    }

    /// `value` is the raw `Retry-After` header value.
    public static func delay(parsing value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) {
            guard seconds.isFinite, seconds >= 0 else { return nil }
            return .seconds(seconds)
        }
        guard let date = httpDate(trimmed) else { return nil }
        return .seconds(max(0, date.timeIntervalSince(now)))
    }

    /// Parses an HTTP-date in any of the three forms RFC 9110 §5.6.7 requires recipients to accept.
    public static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
