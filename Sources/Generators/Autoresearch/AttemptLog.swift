import Foundation

/// The outcome class of one autoresearch attempt, as the TSV records it.
public enum AttemptStatus: String, Sendable, Codable, Equatable {
    /// The change beat the incumbent by more than the noise and was kept.
    case keep
    /// The change ran but did not beat the incumbent (or could not be applied).
    case discard
    /// The experiment failed, timed out, or printed no metric; the change was reverted.
    case crash
    /// The edit does not parse as the artifact's format; no experiment ran.
    case invalid
    /// The model call failed or timed out (after the provider's retries); there was no edit.
    case failed
}

/// One row of the attempts TSV.
public struct Attempt: Sendable, Codable, Equatable {
    /// 0 for baseline runs, then 1, 2, ...
    public var number: Int
    public var metric: Double?
    public var status: AttemptStatus
    public var description: String
    /// Who proposed the change (nil for baseline runs): the model, the declared space, or the
    /// inferred space. The TSV carries the same label at the start of the description.
    public var source: ProposalSource?

    public init(number: Int, metric: Double?, status: AttemptStatus, description: String, source: ProposalSource? = nil) {
        self.number = number
        self.metric = metric
        self.status = status
        self.description = description
        self.source = source
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
