import Foundation

/// Durations written as people write them on a command line: `90s`, `30m`, `24h`, `7d`.
public enum TimeSpan {
    /// Seconds in `text`, or nil when it is not a number followed by s, m, h or d.
    public static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last, let factor = units[unit], let number = Double(text.dropLast()), number > 0 else { return nil }
        return number * factor
    }

    /// A point in time from `text`: a duration back from `now` (`24h`), an ISO-8601 instant, or
    /// a calendar date (`2026-11-30`, midnight UTC).
    public static func start(_ text: String, now: Date) -> Date? {
        if let seconds = seconds(text) { return now.addingTimeInterval(-seconds) }
        if let instant = ISO8601DateFormatter().date(from: text) { return instant }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        return dateOnly.date(from: text)
    }
}
