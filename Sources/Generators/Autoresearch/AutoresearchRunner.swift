import Foundation
import ImproveCore
import ImproveProcess

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
    /// Where model-free proposals came from: `declared (tpe)`, `declared (random)`,
    /// `inferred`, or nil when the artifact is free text and every proposal is the model's.
    public var space: String?
}

/// Errors that stop an autoresearch run before it can search.
public enum AutoresearchError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadableFile(String)
    case baselineFailed(run: Int, reason: String)
    /// The model failed this many attempts in a row (after the provider's own retries).
    case providerDown(failures: Int, last: String)

    public var description: String {
        switch self {
        case .providerDown(let failures, let last):
            return "provider down: \(failures) model calls in a row failed (last: \(last)); raise modelFailureLimit in artifact.yaml or check the provider, then resume"
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
    /// Seeds the model-free proposals (the run's seed, so a rerun draws the same ones).
    public let seed: UInt64

    public init(
        spec: ArtifactSpec, model: ModelSpec, runID: String, logURL: URL, journal: (any StepJournal)? = nil, recordInGit: Bool = true,
        historyShown: Int = 6, seed: UInt64 = 0, onAttempt: (@Sendable (Attempt) -> Void)? = nil
    ) {
        self.seed = seed
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

        let git = recordInGit ? await GitBranchRecorder.detect(directory: spec.directory, file: spec.file, run: runID) : nil
        let format = StructuredFormat(fileName: spec.file)
        let proposer = format.flatMap { format in
            (try? format.parse(original)).map { _ in SpaceProposer(format: format, space: spec.space, sampler: spec.sampler, direction: spec.direction, seed: seed) }
        }
        var incumbent = original
        var best = mean
        var commits: [String] = []
        var tried: [(content: String, metric: Double?)] = [(original, mean)]
        var failuresInARow = 0
        for number in 1...spec.maxAttempts {
            let fromSpace = proposer != nil && !Self.asksModel(attempt: number, share: spec.modelShare ?? (proposer == nil ? 1 : 0.25))
            let proposal = try await propose(
                attempt: number, fromSpace: fromSpace ? proposer : nil, incumbent: incumbent, best: best, threshold: threshold, history: attempts, tried: tried, client: client)
            if let failure = proposal.failure {
                failuresInARow += 1
                try record(Attempt(number: number, metric: nil, status: .failed, description: "model call failed: \(failure)", source: proposal.source))
                if failuresInARow >= spec.modelFailureLimit {
                    throw AutoresearchError.providerDown(failures: failuresInARow, last: failure)
                }
                continue
            }
            if proposal.source == .model { failuresInARow = 0 }
            guard let candidate = proposal.content else {
                try record(Attempt(number: number, metric: nil, status: .discard, description: proposal.summary, source: proposal.source))
                continue
            }
            guard candidate != incumbent else {
                try record(Attempt(number: number, metric: nil, status: .discard, description: "the edit changes nothing", source: proposal.source))
                continue
            }
            if let format {
                do {
                    _ = try format.parse(candidate)
                } catch {
                    try record(Attempt(number: number, metric: nil, status: .invalid, description: "\(error); no experiment run. \(proposal.summary)", source: proposal.source))
                    continue
                }
            }
            let summary = proposal.summary
            let outcome = try await experiment(content: candidate, name: "experiment/attempt-\(number)")
            tried.append((candidate, outcome.metric))
            guard let metric = outcome.metric else {
                try record(Attempt(number: number, metric: nil, status: .crash, description: "\(outcome.failure ?? "no metric"); reverted. \(summary)", source: proposal.source))
                continue
            }
            if spec.direction.improves(metric, on: best, by: threshold) {
                incumbent = candidate
                best = metric
                if let git {
                    commits.append(try await git.commit(content: candidate, message: "improve \(runID) attempt \(number): \(spec.metricName) \(metric)\n\n\(summary)"))
                }
                try record(Attempt(number: number, metric: metric, status: .keep, description: summary, source: proposal.source))
            } else {
                try record(Attempt(number: number, metric: metric, status: .discard, description: "not better than \(best) by more than \(threshold). \(summary)", source: proposal.source))
            }
        }
        return AutoresearchResult(
            attempts: attempts, baselineMetric: mean, noise: noise, threshold: threshold, bestMetric: best, bestContent: incumbent,
            keptDiff: UnifiedDiff.make(old: original, new: incumbent, oldName: "a/\(spec.file)", newName: "b/\(spec.file)"), commits: commits, branch: git?.branch,
            space: proposer.map { $0.space == nil ? "inferred" : "declared (\($0.sampler.rawValue))" })
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

    /// Whether attempt `attempt` asks the model: spread evenly, `share` of all attempts.
    static func asksModel(attempt: Int, share: Double) -> Bool {
        share >= 1 || (Double(attempt) * share).rounded(.down) > (Double(attempt - 1) * share).rounded(.down)
    }

    /// One attempt's proposal, journaled as `proposal/attempt-<n>`: drawn from the space when
    /// `fromSpace` is given (falling back to the model when the space has nothing new), else
    /// the model's edit. A model call that fails or times out is recorded, not thrown, so it
    /// costs one attempt; errors that no retry can mend (policy, credentials) still throw.
    private func propose(
        attempt: Int, fromSpace: SpaceProposer?, incumbent: String, best: Double, threshold: Double, history: [Attempt], tried: [(content: String, metric: Double?)],
        client: any ModelClient
    ) async throws -> ArtifactProposal {
        let spec = self.spec, model = self.model
        let drawn = fromSpace?.propose(attempt: attempt, incumbent: incumbent, tried: tried)
        let prompt = AutoresearchPrompt.build(spec: spec, content: incumbent, best: best, threshold: threshold, history: history.suffix(historyShown))
        let body: @Sendable () async throws -> StepOutput<ArtifactProposal> = {
            if let drawn { return StepOutput(drawn) }
            return StepOutput(try await Self.modelProposal(prompt: prompt, model: model, incumbent: incumbent, client: client))
        }
        guard let journal else { return try await body().value }
        let signature: JSONValue = [
            "incumbent": .string(ContentHash.sha256(incumbent)), "tried": .number(Double(tried.count)),
            "source": .string(drawn?.source.rawValue ?? ProposalSource.model.rawValue),
        ]
        return try await journal.step(.proposal, name: "proposal/attempt-\(attempt)", signature: signature, as: ArtifactProposal.self, body: body)
    }

    private static func modelProposal(prompt: String, model: ModelSpec, incumbent: String, client: any ModelClient) async throws -> ArtifactProposal {
        let response: ChatResponse
        do {
            response = try await client.complete(ChatRequest(model: model, messages: [.user(prompt)]))
        } catch let error as ModelError {
            switch error {
            case .timeout, .exhausted, .malformedResponse:
                return ArtifactProposal(source: .model, content: nil, summary: "", failure: error.description)
            default:
                throw error
            }
        }
        do {
            let content = try ArtifactEdit.newContent(from: response.text, current: incumbent)
            return ArtifactProposal(source: .model, content: content, summary: summary(of: response.text), failure: nil)
        } catch {
            return ArtifactProposal(source: .model, content: nil, summary: "no usable edit: \(error)", failure: nil)
        }
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
