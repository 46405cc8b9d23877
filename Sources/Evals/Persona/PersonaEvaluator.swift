import Foundation
import ImproveCore

/// Per-persona outcome over repeated trials.
public struct PersonaSummary: Codable, Sendable, Equatable {
    public var personaID: String
    /// Trials that ran to an outcome (infrastructure failures excluded).
    public var trials: Int
    public var successes: Int
    public var simulatorErrors: Int
    /// Agent model calls or the judge failing for infrastructure reasons.
    public var infraErrors: Int
    /// pass^k for k = 1...trials: element `k - 1` is pass^k.
    public var passHatK: [Double]
}

/// Runs every persona `settings.trials` times against a profile and grades each dialogue:
/// it succeeds when the simulator ended it, every deterministic check passes and, when the
/// persona has a rubric and a judge is configured, the judge passes it.
public struct PersonaEvaluator: Sendable {
    let dialogue: PersonaDialogue
    let settings: SimulationSettings
    let environment: ScorerEnvironment
    let concurrency: Int

    /// The `source` of a persona trial's trace.
    public static let traceSource: ResponseSource = .persona

    public init(dialogue: PersonaDialogue, settings: SimulationSettings, environment: ScorerEnvironment = ScorerEnvironment(), concurrency: Int = 2) {
        self.dialogue = dialogue
        self.settings = settings
        self.environment = environment
        self.concurrency = max(1, concurrency)
    }

    /// One result per (persona, trial), persona-major, with ids `<persona>#<trial>`.
    public func evaluate(_ profile: AgentProfile, personas: [PersonaCard]) async throws -> [ItemResult] {
        let jobs = personas.flatMap { persona in (0..<settings.trials).map { (persona, $0) } }
        var results = [ItemResult?](repeating: nil, count: jobs.count)
        try await withThrowingTaskGroup(of: (Int, ItemResult).self) { group in
            var next = 0
            func launch() {
                let index = next, (persona, trial) = jobs[index]
                next += 1
                group.addTask { (index, try await grade(persona, profile: profile, trial: trial)) }
            }
            while next < min(concurrency, jobs.count) { launch() }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < jobs.count { launch() }
            }
        }
        return results.compactMap { $0 }
    }

    func grade(_ persona: PersonaCard, profile: AgentProfile, trial: Int) async throws -> ItemResult {
        let transcript = try await dialogue.run(persona, profile: profile, trial: trial)
        let id = "\(persona.id)#\(trial)"
        let trace = RolloutTrace(
            messages: transcript.messages, output: transcript.agentText, usage: transcript.agentUsage + transcript.simulatorUsage,
            servedModel: profile.model.id, latencyMs: 0, source: Self.traceSource)
        switch transcript.end {
        case .agentFailure:
            // The user's agent program failed the turn: its own doing, so a 0 that counts.
            return ItemResult(
                itemID: id, score: 0, passed: false, feedback: "The agent failed during the dialogue: \(transcript.error ?? "unknown error")", trace: trace,
                error: transcript.error ?? "agent: unknown error", failure: .agent)
        case .simulatorError, .agentError:
            let simulator = transcript.end == .simulatorError
            let who = simulator ? "simulator" : "agent"
            // The agent's model call failing is the provider's doing, not the agent's: infrastructure.
            return ItemResult(
                itemID: id, score: 0, feedback: "The \(who) model call failed; the dialogue was not graded.", trace: trace,
                error: "\(who): \(transcript.error ?? "unknown error")", failure: simulator ? .simulator : .infrastructure)
        case .stopToken, .turnCeiling:
            break
        }
        var dimensions: [String: Double] = [Dimension.completed: transcript.end == .stopToken ? 1 : 0]
        var problems: [String] = []
        if transcript.end == .turnCeiling {
            problems.append("The user had not finished after \(settings.maxTurns) agent replies; resolve the request sooner.")
        }
        let agentText = transcript.agentText.lowercased()
        let missing = persona.mustContain.filter { !agentText.contains($0.lowercased()) }
        let forbidden = persona.mustNotContain.filter { agentText.contains($0.lowercased()) }
        if !persona.mustContain.isEmpty || !persona.mustNotContain.isEmpty {
            dimensions[Dimension.checks] = (missing.isEmpty && forbidden.isEmpty) ? 1 : 0
        }
        if !missing.isEmpty { problems.append("The agent never said: \(missing.map { "\"\($0)\"" }.joined(separator: ", ")).") }
        if !forbidden.isEmpty { problems.append("The agent must not say: \(forbidden.map { "\"\($0)\"" }.joined(separator: ", ")).") }
        var judged: ScoreResult?
        if let rubric = persona.rubric, environment.judge != nil {
            let judge = JudgeScorer(name: "judge", rubric: rubric, passThreshold: 0.7, environment: environment)
            let item = EvalItem(id: id, fields: ["goal": persona.goal, "persona": persona.description], expected: nil)
            do {
                judged = try await judge.score(output: transcript.rendered, item: item)
            } catch let error as CancellationError {
                throw error
            } catch let error as StoreError {
                throw error
            } catch {
                if let error = error as? ModelError, case .notAllowed = error { throw error }
                return ItemResult(itemID: id, score: 0, feedback: "The judge could not grade the dialogue.", dimensions: dimensions, trace: trace, error: "judge: \(error)", failure: .infrastructure)
            }
            if let judged {
                dimensions[Dimension.judge] = judged.score
                if judged.passed == false { problems.append(judged.feedback) }
            }
        }
        // The rule: a trial passes (score 1) only when the simulated user ended the dialogue,
        // every must/must-not check holds and the judge passes the rubric; otherwise it scores 0.
        let passed = problems.isEmpty
        dimensions[Dimension.persona] = passed ? 1 : 0
        let feedback = PersonaFeedback.text(persona: persona, transcript: transcript, problems: problems, passed: passed)
        return ItemResult(itemID: id, score: passed ? 1 : 0, passed: passed, feedback: feedback, dimensions: dimensions, trace: trace)
    }

    /// Dimension names of a persona trial, apart from item scorers' names by their prefix, so the
    /// gate's per-dimension no-regression check covers the persona dimension of a mixed suite.
    public enum Dimension {
        /// 1 when the trial passed, else 0.
        public static let persona = "persona"
        /// 1 when the simulated user ended the dialogue with the stop token.
        public static let completed = "persona.completed"
        /// 1 when every must/must-not check held.
        public static let checks = "persona.checks"
        /// The judge's rubric score in [0, 1].
        public static let judge = "persona.judge"
    }

    /// Per-persona counts and pass^k from results returned by ``evaluate(_:personas:)``.
    public static func summarise(_ results: [ItemResult], personas: [PersonaCard]) -> [PersonaSummary] {
        summarise(results, personaIDs: personas.map(\.id))
    }

    /// Per-persona counts and pass^k from persona-trial results (ids `<persona>#<trial>`).
    public static func summarise(_ results: [ItemResult], personaIDs: [String]) -> [PersonaSummary] {
        personaIDs.map { personaID in
            let mine = results.filter { $0.itemID.hasPrefix(personaID + "#") }
            let graded = mine.filter { !$0.isExcluded }
            let successes = graded.filter { $0.passed == true }.count
            let passHatK = graded.isEmpty ? [] : (1...graded.count).compactMap { PassHatK.estimate(trials: graded.count, successes: successes, k: $0) }
            return PersonaSummary(
                personaID: personaID, trials: graded.count, successes: successes,
                simulatorErrors: mine.filter { $0.failure == .simulator }.count,
                infraErrors: mine.filter { $0.failure == .infrastructure }.count, passHatK: passHatK)
        }
    }
}
