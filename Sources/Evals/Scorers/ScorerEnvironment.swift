import Foundation
import ImproveCore

/// What scorers that reach outside the process need: the judge model, the journal that makes
/// their calls replayable, and the directory command scorers run in.
public struct ScorerEnvironment: Sendable {
    /// The judge model's client, already wrapped by the caller in the allowed-models guard.
    public var judge: (any ModelClient)?
    /// The judge model (policy role `judge`, falling back to the task model).
    public var judgeModel: ModelSpec?
    /// When set, judge and command scorer calls run as `.scorer` steps, so a rerun never pays twice.
    public var journal: (any StepJournal)?
    /// Where command scorers run (the suite's directory).
    public var workingDirectory: URL?

    public init(judge: (any ModelClient)? = nil, judgeModel: ModelSpec? = nil, journal: (any StepJournal)? = nil, workingDirectory: URL? = nil) {
        self.judge = judge
        self.judgeModel = judgeModel
        self.journal = journal
        self.workingDirectory = workingDirectory
    }
}

extension ScorerEnvironment {
    /// Runs `body` as a journaled scorer step when a journal is present, directly otherwise.
    func scored(scorer: String, input: JSONValue, body: @escaping @Sendable () async throws -> ScoreResult) async throws -> ScoreResult {
        guard let journal else { return try await body() }
        return try await journal.scored(scorer: scorer, version: 1, input: input, as: ScoreResult.self) {
            StepOutput(try await body())
        }
    }
}
