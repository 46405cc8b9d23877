import Evals
import ImproveCore

/// Persona suites in a report: pass^k per persona and the transcripts of failed trials.
public struct PersonaSection: Codable, Sendable, Equatable {
    /// One row per persona, in the order personas first appear.
    public var rows: [PersonaRow]
    /// Trials the agent failed or that errored, with their dialogue.
    public var failedTrials: [TrialTranscript]

    /// A section from rows and transcripts already made.
    public init(rows: [PersonaRow], failedTrials: [TrialTranscript]) {
        self.rows = rows
        self.failedTrials = failedTrials
    }

    /// The section for results whose trace came from a persona dialogue (ids `<persona>#<trial>`),
    /// or nil when there are none: plain suites have no persona section. With `reference` (the
    /// baseline's results in a run) each row also carries the baseline's pass^k.
    public init?(results: [ItemResult], reference: [ItemResult] = [], summaries: [PersonaSummary] = []) {
        let trials = results.filter { $0.trace?.source == "persona" }
        guard !trials.isEmpty || !summaries.isEmpty else { return nil }
        if summaries.isEmpty {
            let baseline = Dictionary(Self.rows(reference.filter { $0.trace?.source == "persona" }).map { ($0.personaID, $0.passHatK) }, uniquingKeysWith: { first, _ in first })
            rows = Self.rows(trials).map { row in
                var row = row
                row.referencePassHatK = baseline[row.personaID]
                return row
            }
        } else {
            rows = summaries.map { PersonaRow(personaID: $0.personaID, trials: $0.trials, successes: $0.successes, errors: $0.simulatorErrors + $0.infraErrors, passHatK: $0.passHatK) }
        }
        failedTrials = trials.filter { $0.error != nil || !($0.passed ?? ($0.score >= 1)) }.map(TrialTranscript.init)
    }

    /// One row per persona, in order of first appearance: graded trials, successes, pass^k.
    static func rows(_ trials: [ItemResult]) -> [PersonaRow] {
        var order: [String] = []
        var byPersona: [String: [ItemResult]] = [:]
        for result in trials {
            let persona = personaID(of: result.itemID)
            if byPersona[persona] == nil { order.append(persona) }
            byPersona[persona, default: []].append(result)
        }
        return order.map { persona in
            let all = byPersona[persona] ?? []
            let graded = all.filter { !$0.isExcluded }
            let successes = graded.filter { $0.passed ?? ($0.score >= 1) }.count
            let passHatK = graded.isEmpty ? [] : (1...graded.count).compactMap { PassHatK.estimate(trials: graded.count, successes: successes, k: $0) }
            return PersonaRow(personaID: persona, trials: graded.count, successes: successes, errors: all.count - graded.count, passHatK: passHatK)
        }
    }

    static func personaID(of itemID: String) -> String {
        itemID.split(separator: "#", maxSplits: 1).first.map(String.init) ?? itemID
    }
}

/// One persona over its trials.
public struct PersonaRow: Codable, Sendable, Equatable {
    /// The persona card's id.
    public var personaID: String
    /// Trials graded (simulator and infrastructure failures excluded).
    public var trials: Int
    /// Graded trials the agent passed.
    public var successes: Int
    /// Trials that failed for reasons other than the agent (simulator, infrastructure).
    public var errors: Int
    /// Element `k - 1` is pass^k.
    public var passHatK: [Double]
    /// The baseline's pass^k, when the report compares two arms (nil otherwise).
    public var referencePassHatK: [Double]?

    /// A row from its counts.
    public init(personaID: String, trials: Int, successes: Int, errors: Int, passHatK: [Double]) {
        self.personaID = personaID
        self.trials = trials
        self.successes = successes
        self.errors = errors
        self.passHatK = passHatK
        self.referencePassHatK = nil
    }
}

/// A failed trial's dialogue.
public struct TrialTranscript: Codable, Sendable, Equatable {
    /// The result's item id, `<persona>#<trial>`.
    public var trialID: String
    /// The persona card's id.
    public var personaID: String
    /// The trial's score in [0, 1].
    public var score: Double
    /// Why it failed, as the graders wrote it.
    public var feedback: String
    /// The simulator or infrastructure failure, when that is why.
    public var error: String?
    /// The dialogue, in order.
    public var turns: [Turn]

    /// One message: `user` (the simulated person), `assistant` (the agent) or `system`.
    public struct Turn: Codable, Sendable, Equatable {
        /// Who spoke.
        public var role: String
        /// What was said.
        public var text: String

        /// A message.
        public init(role: String, text: String) {
            self.role = role
            self.text = text
        }
    }

    /// A transcript from its parts.
    public init(trialID: String, personaID: String, score: Double, feedback: String, error: String?, turns: [Turn]) {
        self.trialID = trialID
        self.personaID = personaID
        self.score = score
        self.feedback = feedback
        self.error = error
        self.turns = turns
    }

    /// The transcript of a persona result, from its trace.
    public init(_ result: ItemResult) {
        self.init(
            trialID: result.itemID, personaID: PersonaSection.personaID(of: result.itemID), score: result.score, feedback: result.feedback,
            error: result.error, turns: (result.trace?.messages ?? []).map { Turn(role: $0.role.rawValue, text: $0.content) })
    }
}
