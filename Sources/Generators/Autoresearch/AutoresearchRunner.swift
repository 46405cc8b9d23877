import Foundation
import ImproveCore

/// What one experiment run produced; journaled as an `.experiment` step.
public struct ExperimentRecord: Sendable, Codable, Equatable {
    public var metric: Double?
    /// nil when the run produced a metric; otherwise why not (exit code, timeout, no match).
    public var failure: String?
}

/// The outcome of an autoresearch run.
public struct AutoresearchResult: Sendable, Equatable {
    /// Every attempt in order, baseline runs (number 0) first; the same rows as the TSV.
    public var attempts: [Attempt]
    public var baselineMetric: Double
    /// Sample standard deviation of the baseline runs.
    public var noise: Double
    /// How much a change had to beat the incumbent by: max(2 × noise, minDelta).
    public var threshold: Double
    public var bestMetric: Double
    public var bestContent: String
    /// Unified diff from the original file to the best content ("" when nothing was kept).
    public var keptDiff: String
    /// Commits made on ``branch``, one per kept change.
    public var commits: [String]
    /// `improve/<run>` when the artifact is in a git repository.
    public var branch: String?
}

/// Errors that stop an autoresearch run before it can search.
public enum AutoresearchError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadableFile(String)
    case baselineFailed(run: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path): return "cannot read the artifact file \(path) as UTF-8 text"
        case .baselineFailed(let run, let reason): return "baseline run \(run + 1) of the unchanged artifact failed: \(reason); fix the experiment before searching"
        }
    }
}

/// The autoresearch loop (after karpathy's autoresearch): the model edits one file, the
/// experiment runs in a scratch copy with a time limit, one metric is read, and the change is
/// kept only when it beats the incumbent by more than the noise of repeated baseline runs.
///
/// The user's file is never written; the best content is returned, and when the artifact is
/// in a git repository each kept change is a commit on `improve/<runID>` (see
/// ``GitBranchRecorder``). Experiment runs go through `journal` as `.experiment` steps named
/// `experiment/baseline-<i>` and `experiment/attempt-<n>`, so a resumed run replays finished
/// experiments instead of running them again. Control flow depends only on model replies and
/// experiment records, never on clocks or unseeded randomness.
public struct AutoresearchRunner: Sendable {
    public let spec: ArtifactSpec
    /// The model that proposes edits.
    public let model: ModelSpec
    public let runID: String
    /// Where the attempts TSV is written.
    public let logURL: URL
    public let journal: (any StepJournal)?
    /// Set false to skip git even inside a repository.
    public let recordInGit: Bool
    /// How many previous attempts the prompt shows.
    public let historyShown: Int
    /// Told of every attempt as soon as it is logged (a long experiment is otherwise silent).
    public let onAttempt: (@Sendable (Attempt) -> Void)?

    public init(
        spec: ArtifactSpec, model: ModelSpec, runID: String, logURL: URL, journal: (any StepJournal)? = nil, recordInGit: Bool = true,
        historyShown: Int = 6, onAttempt: (@Sendable (Attempt) -> Void)? = nil
    ) {
        self.spec = spec
        self.model = model
        self.runID = runID
        self.logURL = logURL
        self.journal = journal
        self.recordInGit = recordInGit
        self.historyShown = historyShown
        self.onAttempt = onAttempt
    }

    /// Reads the artifact file, then runs on its content.
    public func run(client: any ModelClient) async throws -> AutoresearchResult {
        guard let original = try? String(contentsOf: spec.fileURL, encoding: .utf8) else {
            throw AutoresearchError.unreadableFile(spec.fileURL.path)
        }
        return try await run(original: original, client: client)
    }

    /// Runs on `original`, the artifact's content as the caller read it (and hashed it for the
    /// run's identity), so the run and its audit never see two versions of the file.
    public func run(original: String, client: any ModelClient) async throws -> AutoresearchResult {
        let log = AttemptLog(url: logURL)
        try log.reset()
        var attempts: [Attempt] = []
        func record(_ attempt: Attempt) throws {
            attempts.append(attempt)
            try log.append(attempt)
            onAttempt?(attempt)
        }

        var baseline: [Double] = []
        for index in 0..<spec.baselineRepeats {
            let outcome = try await experiment(content: original, name: "experiment/baseline-\(index)")
            guard let metric = outcome.metric else {
                try record(Attempt(number: 0, metric: nil, status: .crash, description: "baseline run \(index + 1): \(outcome.failure ?? "no metric")"))
                throw AutoresearchError.baselineFailed(run: index, reason: outcome.failure ?? "no metric")
            }
            baseline.append(metric)
            try record(Attempt(number: 0, metric: metric, status: .keep, description: "baseline run \(index + 1) of \(spec.baselineRepeats)"))
        }
        let mean = baseline.reduce(0, +) / Double(baseline.count)
        let noise = Self.sampleStandardDeviation(baseline)
        let threshold = max(2 * noise, spec.minDelta)

        let git = recordInGit ? GitBranchRecorder.detect(directory: spec.directory, file: spec.file, run: runID) : nil
        var incumbent = original
        var best = mean
        var commits: [String] = []
        for number in 1...spec.maxAttempts {
            let prompt = AutoresearchPrompt.build(spec: spec, content: incumbent, best: best, threshold: threshold, history: attempts.suffix(historyShown))
            let response = try await client.complete(ChatRequest(model: model, messages: [.user(prompt)]))
            let candidate: String
            do {
                candidate = try ArtifactEdit.newContent(from: response.text, current: incumbent)
            } catch {
                try record(Attempt(number: number, metric: nil, status: .discard, description: "no usable edit: \(error)"))
                continue
            }
            guard candidate != incumbent else {
                try record(Attempt(number: number, metric: nil, status: .discard, description: "the edit changes nothing"))
                continue
            }
            let summary = Self.summary(of: response.text)
            let outcome = try await experiment(content: candidate, name: "experiment/attempt-\(number)")
            guard let metric = outcome.metric else {
                try record(Attempt(number: number, metric: nil, status: .crash, description: "\(outcome.failure ?? "no metric"); reverted. \(summary)"))
                continue
            }
            if spec.direction.improves(metric, on: best, by: threshold) {
                incumbent = candidate
                best = metric
                if let git {
                    commits.append(try git.commit(content: candidate, message: "improve \(runID) attempt \(number): \(spec.metricName) \(metric)\n\n\(summary)"))
                }
                try record(Attempt(number: number, metric: metric, status: .keep, description: summary))
            } else {
                try record(Attempt(number: number, metric: metric, status: .discard, description: "not better than \(best) by more than \(threshold). \(summary)"))
            }
        }
        return AutoresearchResult(
            attempts: attempts, baselineMetric: mean, noise: noise, threshold: threshold, bestMetric: best, bestContent: incumbent,
            keptDiff: UnifiedDiff.make(old: original, new: incumbent, oldName: "a/\(spec.file)", newName: "b/\(spec.file)"), commits: commits, branch: git?.branch)
    }

    /// Runs the experiment on `content` (or replays the journaled record).
    private func experiment(content: String, name: String) async throws -> ExperimentRecord {
        let spec = self.spec
        let body: @Sendable () async throws -> StepOutput<ExperimentRecord> = {
            StepOutput(try await Self.runExperiment(spec: spec, content: content))
        }
        guard let journal else { return try await body().value }
        let signature = JSONValue.object([
            "command": .string(spec.command), "file": .string(spec.file),
            "content": .string(ContentHash.sha256(content)), "timeoutSeconds": .number(spec.timeoutSeconds),
        ])
        return try await journal.step(.experiment, name: name, signature: signature, as: ExperimentRecord.self, body: body)
    }

    static func runExperiment(spec: ArtifactSpec, content: String) async throws -> ExperimentRecord {
        let scratch = try ScratchCopy.make(of: spec.directory, file: spec.file, content: content)
        defer { scratch.remove() }
        let result = try await TimedProcess.run([spec.command], in: scratch.root, timeout: spec.timeoutSeconds)
        if result.timedOut {
            return ExperimentRecord(metric: nil, failure: "timed out after \(spec.timeoutSeconds) s")
        }
        guard result.exitCode == 0 else {
            let tail = result.stderrText.split(separator: "\n").suffix(3).joined(separator: " | ")
            return ExperimentRecord(metric: nil, failure: "exit code \(result.exitCode)" + (tail.isEmpty ? "" : ": \(tail)"))
        }
        switch MetricReader.read(spec.metric, stdout: result.stdoutText, directory: scratch.root) {
        case .success(let value): return ExperimentRecord(metric: value, failure: nil)
        case .failure(let error): return ExperimentRecord(metric: nil, failure: error.message)
        }
    }

    /// The sample standard deviation (n − 1), 0 for fewer than two values: the baseline noise.
    public static func sampleStandardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return variance.squareRoot()
    }

    /// The model's own words before its edit, shortened, as the attempt's description.
    static func summary(of reply: String) -> String {
        let prose = reply.split(separator: "\n").prefix { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("```") && !$0.hasPrefix("@@") && !$0.hasPrefix("---") }
        let text = prose.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "model edit" : String(text.prefix(160))
    }
}

extension ArtifactSpec {
    /// How the metric is named in messages.
    var metricName: String {
        switch metric {
        case .regex: return "metric"
        case .jsonField(_, let field): return field
        }
    }
}
