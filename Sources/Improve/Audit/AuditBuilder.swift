import Foundation
import Generators
import ImproveCore

/// Assembles the audit record of a finished run from what the run produced.
enum AuditBuilder {
    static func record(_ doc: RunDocument) throws -> AuditRecord {
        let baselineText = try ProfileWriter.yaml(doc.inputs.profile)
        let winnerText = try ProfileWriter.yaml(doc.winnerProfile)
        let diff = doc.winner == nil ? "" : UnifiedDiff.make(old: baselineText, new: winnerText, oldName: "profile.yaml (baseline)", newName: "winner")
        let validationCount = doc.search.split.validation.count
        let candidates = doc.search.pool.map { AuditCandidate($0.candidate, searchMean: $0.meanScore, scoredItems: $0.results.count, searchItems: validationCount) }
        let accepted = doc.search.proposals.filter(\.accepted).count
        var reasons: [String: Int] = [:]
        for proposal in doc.search.proposals where !proposal.accepted {
            reasons[reasonKind(proposal.reason), default: 0] += 1
        }
        let baselineResults = Array(doc.holdout.baseline.results.values)
        let holdoutResults = doc.holdout.allResults.values.flatMap { $0 }
        let allResults = doc.search.pool.flatMap { Array($0.results.values) } + holdoutResults
        let reflection = doc.search.proposals.reduce(Usage.zero) { $0 + $1.reflectionUsage }
        let baselineUsage = usage(baselineResults)
        let holdoutUsage = usage(holdoutResults)
        var record = AuditRecord(
            runID: doc.runID, toolVersion: ImproveVersion.current, profileName: doc.inputs.profile.name,
            baselineHash: doc.inputs.profile.contentHash, winnerHash: doc.winner.map { _ in doc.winnerProfile.contentHash },
            diff: diff, candidates: candidates,
            proposals: ProposalSummary(proposed: doc.search.proposals.count, accepted: accepted, rejected: doc.search.proposals.count - accepted, rejectionReasons: reasons),
            gate: doc.holdout.decision,
            holdout: HoldoutScores(baseline: doc.holdout.baselineHoldout, winner: doc.winner?.holdout ?? []),
            modelsServed: allResults.compactMap { $0.trace?.servedModel },
            usage: PhaseUsage(baseline: baselineUsage, search: subtract(subtract(doc.search.spend.usage, reflection), baselineUsage), holdout: holdoutUsage, reflection: reflection),
            timings: doc.timings, usedStubOrReplay: doc.isStubOrReplay || allResults.contains { ["stub", "replay"].contains($0.trace?.source ?? "") },
            personas: doc.personas.isEmpty ? nil : doc.personas, excludedTrials: doc.holdout.excluded.trials > 0 ? doc.holdout.excluded : nil)
        record.lineage = doc.lineage
        return record
    }

    /// The first clause of a rejection reason, so the audit can count reasons by kind.
    static func reasonKind(_ reason: String) -> String {
        let head = reason.split(whereSeparator: { $0 == ":" || $0 == "(" || $0 == ";" }).first.map(String.init) ?? reason
        return head.trimmingCharacters(in: .whitespaces)
    }

    static func usage(_ results: [ItemResult]) -> Usage {
        results.reduce(Usage.zero) { $0 + ($1.trace?.usage ?? .zero) }
    }

    static func subtract(_ a: Usage, _ b: Usage) -> Usage {
        Usage(inputTokens: max(0, a.inputTokens - b.inputTokens), outputTokens: max(0, a.outputTokens - b.outputTokens), cost: max(0, a.cost - b.cost))
    }
}

/// The tool's version, recorded in every audit record.
public enum ImproveVersion {
    public static let current = "0.1.0"
}
