import Foundation
import Generators
import ImproveCore

// Provisional seam to the promotion gate; replaced by the real gate when it lands.
enum GateBridge {
    static func decide(settings: GateSettings, baseline: ScoredCandidate, baselineHoldout: [ItemResult], finalists: [FinalistResult]) -> GateOutcome {
        guard let best = finalists.first else {
            return GateOutcome(verdict: .hold, reasons: ["no candidate beat the baseline on search"], winnerID: nil, checks: [], details: .null)
        }
        let lift = RunReport.mean(best.holdout) - RunReport.mean(baselineHoldout)
        return GateOutcome(verdict: lift > settings.minLift ? .ship : .hold, reasons: ["holdout lift \(lift)"], winnerID: best.candidate.id, checks: [], details: .null)
    }
}

enum PowerCheck {
    static func warnings(holdoutPairs: Int, gate: GateSettings) -> [String] {
        holdoutPairs < gate.minPairs ? ["the holdout has \(holdoutPairs) items, fewer than gate.minPairs \(gate.minPairs): the gate will hold"] : []
    }
}

enum AuditBridge {
    static func write(_ doc: RunDocument, to url: URL, key: Data?) throws {
        let record: JSONValue = ["runID": .string(doc.runID), "verdict": .string(doc.holdout.decision.verdict.rawValue)]
        try AtomicFile.write(try CanonicalJSON.encode(record), to: url)
    }
}
