import ArgumentParser
import Foundation

/// How long a run with unchanged inputs is joined rather than started again.
enum DedupeWindow: String, ExpressibleByArgument, CaseIterable {
    /// The same inputs always join the same run (the default).
    case none
    /// A new run each UTC day: a cron entry firing twice in one night pays once, and the next
    /// night re-validates even when nothing changed.
    case day
    /// A new run each UTC hour.
    case hour

    /// The bucket of now. The wall clock is read once, here, by the command, and enters the
    /// dedupe key as a value; an unreadable clock exits 1 with the error printed.
    func bucketNow() throws -> String? {
        do {
            return bucket(at: try WallClock.now())
        } catch {
            Terminal.error(String(describing: error))
            throw ExitCode(ExitStatus.error.rawValue)
        }
    }

    /// The bucket `date` falls in, such as `day:2026-11-30` or `hour:2026-11-30T03`; nil for `.none`.
    func bucket(at date: Date) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour], from: date)
        let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        switch self {
        case .none: return nil
        case .day: return "day:\(day)"
        case .hour: return "hour:\(day)T" + String(format: "%02d", parts.hour ?? 0)
        }
    }
}
