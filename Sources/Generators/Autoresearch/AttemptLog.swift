import Foundation

/// The outcome class of one autoresearch attempt, as the TSV records it.
public enum AttemptStatus: String, Sendable, Codable, Equatable {
    /// The change beat the incumbent by more than the noise and was kept.
    case keep
    /// The change ran but did not beat the incumbent (or could not be applied).
    case discard
    /// The experiment failed, timed out, or printed no metric; the change was reverted.
    case crash
}

/// One row of the attempts TSV.
public struct Attempt: Sendable, Codable, Equatable {
    /// 0 for baseline runs, then 1, 2, ...
    public var number: Int
    public var metric: Double?
    public var status: AttemptStatus
    public var description: String

    public init(number: Int, metric: Double?, status: AttemptStatus, description: String) {
        self.number = number
        self.metric = metric
        self.status = status
        self.description = description
    }

    /// The TSV line (tabs and newlines in the description are flattened to spaces).
    public var tsvLine: String {
        let metricText = metric.map { String($0) } ?? "-"
        let flat = description.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
        return "\(number)\t\(metricText)\t\(status.rawValue)\t\(flat)"
    }
}

/// Appends attempts to a TSV file: `attempt  metric  status  description`, header first.
public struct AttemptLog: Sendable {
    public static let header = "attempt\tmetric\tstatus\tdescription"
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// Starts the file afresh with the header (a resumed run rewrites the rows it replays).
    public func reset() throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((Self.header + "\n").utf8).write(to: url, options: .atomic)
    }

    public func append(_ attempt: Attempt) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((attempt.tsvLine + "\n").utf8))
    }
}
