import Evals
import Foundation
import ImproveCore

/// Scores a profile as it is, on one split of its suite and its personas, without changing it.
///
/// Every role's model is checked against the policy before the first call. With a `store`, the
/// eval is a run of its own (named by ``RunIdentity/evalKey(profileHash:suiteHash:split:limit:trials:)``):
/// every model and judge call is a journaled step, so evaluating the same profile again replays
/// every answer and pays for nothing, and the policy's spend ceiling applies. Without a store,
/// calls are made directly and nothing is recorded.
///
/// - Throws: `ModelError.notAllowed` for a role outside the policy (before any call);
///   ``SpendCeilingReached`` or `StoreError.cancelled` when stopped (resumable).
public func evaluate(_ session: EvalSession, store: (any RunStore)?, models: ModelAccess, options: EvaluateOptions = EvaluateOptions()) async throws -> EvalOutcome {
    try session.preflight()
    try Preflight.checkAgentRuntime(session.bundle.profile, runtime: options.agents)
    guard let store else {
        // No store, no journal: an agent's units and gateway calls go through one that keeps nothing.
        let agents = AgentDrivers()
        var session = session
        session.agent = try await agents.taskClient(
            for: EvalRun.agentInputs(session, options), journal: TransientJournal(), allowed: session.bundle.policy.allowedModels, models: models)
        let report = try await agents.closing { try await session.run(clients: models.makeClient) }
        let markdown = try options.reportDirectory.map { try EvalReportFiles.write(report, profileVersion: session.bundle.profile.version, runID: nil, to: $0) }
        return EvalOutcome(report: report, runID: nil, markdown: markdown)
    }
    return try await RunSession(store: store, models: models, workerID: options.workerID, spendGate: options.spendGate)
        .execute(EvalRun(session: session, options: options))
}

/// Options of one ``evaluate(_:store:models:options:)`` call.
public struct EvaluateOptions: Sendable {
    /// Where report.md, report.html and report.json go; nil: `<profile>/runs/<run id>/` with a
    /// store, no files without one.
    public var reportDirectory: URL?
    /// Names this process in step leases.
    public var workerID: String
    /// The spend gate every paid call passes; nil: one made from the policy's `spendCeiling`.
    public var spendGate: SpendGate?
    /// Starts the agent of a profile with an `agent:` block (see ``ImproveOptions/agents``).
    public var agents: AgentRuntime?

    /// Options; every argument has the default of `improve-cli eval`.
    public init(reportDirectory: URL? = nil, workerID: String = "eval-\(ProcessInfo.processInfo.processIdentifier)", spendGate: SpendGate? = nil, agents: AgentRuntime? = nil) {
        self.reportDirectory = reportDirectory
        self.workerID = workerID
        self.spendGate = spendGate
        self.agents = agents
    }
}

/// What one ``evaluate(_:store:models:options:)`` produced.
public struct EvalOutcome: Sendable {
    /// Scores per item and persona, the overall mean and pass^k.
    public var report: EvalReport
    /// The eval's run in the store (nil without a store).
    public var runID: String?
    /// report.md, beside report.html and report.json (nil when no report was written).
    public var markdown: URL?
}

/// The body of an eval in its ``RunSession``. A finished eval is never reused as stored: its body
/// runs again and every answer replays from the journal, so the report is rebuilt for free.
struct EvalRun: RunBody {
    let session: EvalSession
    let options: EvaluateOptions

    var policy: Policy { session.bundle.policy }

    func spec() throws -> RunSpec {
        let bundle = session.bundle
        let key = RunIdentity.evalKey(
            profileHash: bundle.profile.contentHash, suiteHash: try bundle.suite.contentHash(), split: session.split.rawValue, limit: session.limit, trials: session.trials)
        return RunSpec(
            dedupeKey: key, seed: bundle.suite.split.seed, profileName: bundle.profile.name, profileHash: bundle.profile.contentHash,
            surface: "eval", generator: "none", config: try RunConfiguration(split: session.split.rawValue).json(), policy: try JSONValue(encoding: bundle.policy))
    }

    func reuse(_ stored: JSONValue) throws -> EvalOutcome? { nil }

    /// What starting the profile's agent needs (used only when it has an `agent:` block).
    static func agentInputs(_ session: EvalSession, _ options: EvaluateOptions) -> AgentInputs {
        let bundle = session.bundle
        return AgentInputs(
            profile: bundle.profile, directory: bundle.directory, runtime: options.agents, concurrency: bundle.policy.search.concurrency,
            seed: bundle.suite.split.seed)
    }

    func stored(_ outcome: EvalOutcome) throws -> JSONValue {
        var result: [String: JSONValue] = ["mean": .number(outcome.report.overall?.value ?? 0), "items": .number(Double(outcome.report.items.count))]
        if let markdown = outcome.markdown { result["report"] = .string(markdown.path) }
        return .object(result)
    }

    func execute(in run: ActiveRun) async throws -> EvalOutcome {
        var session = self.session
        session.journal = run.journal
        session.agent = try await run.agents.taskClient(for: Self.agentInputs(session, options), in: run)
        let report = try await session.run(clients: run.models.makeClient)
        let directory = options.reportDirectory ?? session.bundle.directory.appendingPathComponent("runs").appendingPathComponent(run.id)
        let markdown = try EvalReportFiles.write(report, profileVersion: session.bundle.profile.version, runID: run.id, to: directory)
        return EvalOutcome(report: report, runID: run.id, markdown: markdown)
    }
}
