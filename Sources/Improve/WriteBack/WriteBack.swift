import Evals
import Foundation
import Generators
import ImproveCore

/// Step 7 of a run: the audit record and the report always, the new profile version on ship.
/// Idempotent, so a run resumed after a crash in the middle of writing finishes the job.
struct WriteBack {
    let inputs: ImproveInputs
    let options: ImproveOptions
    let runID: String
    let joined: Bool
    let generatorName: String
    let isStubOrReplay: Bool
    let seed: UInt64
    let budget: Budget
    let timings: [String: Double]
    /// The lineage of an evolution run, recorded in its audit (nil for `run`).
    var lineage: [LineageEntry]? = nil
    /// Markdown appended to report.md (an evolution run's generation tables), so the report is
    /// written once, whole, rather than read back and extended.
    var reportAppendix: String = ""

    func write(search: SearchResult, holdout: HoldoutOutcome, surface: any Surface) throws -> ImproveOutcome {
        let directory = options.outputDirectory
            ?? inputs.profileFile.deletingLastPathComponent().appendingPathComponent("runs").appendingPathComponent(runID)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        let decision = holdout.decision
        let winner = holdout.finalists.first { $0.candidate.id == decision.winnerID } ?? holdout.finalists.first
        let winnerProfile = try winner.map { try surface.apply($0.candidate.candidate.components, to: inputs.profile) } ?? inputs.profile

        var written: URL?
        if decision.decision == .ship, let winner {
            let next = ProfileVersionWriter.nextVersion(of: try surface.apply(winner.candidate.candidate.components, to: inputs.profile), parent: inputs.profile, runID: runID)
            written = try ProfileVersionWriter.write(next, originalFile: inputs.profileFile, inPlace: options.inPlace)
        }

        let searchUnits = search.split.validation.filter(PersonaUnit.isUnit)
        let winnerID = winner?.candidate.id
        let personas = PersonaPassRates.compare(
            units: searchUnits, split: "search", baseline: Array(holdout.baseline.results.values), winner: winner.map { Array($0.candidate.results.values) })
            + PersonaPassRates.compare(
                units: inputs.holdout, split: "holdout", baseline: holdout.allResults[holdout.baseline.id] ?? [], winner: winnerID.flatMap { holdout.allResults[$0] })
        let context = RunDocument(
            runID: runID, inputs: inputs, generator: generatorName, seed: seed, budget: budget, search: search, holdout: holdout,
            winner: winner, winnerProfile: winnerProfile, writtenProfile: written?.path, isStubOrReplay: isStubOrReplay, timings: timings, lineage: lineage,
            personas: personas)
        let auditURL = directory.appendingPathComponent("audit.json")
        let audit = try AuditBuilder.record(context)
        _ = try AuditSigner.write(audit, to: auditURL, key: options.auditKey)
        let reportURL = directory.appendingPathComponent("report.md")
        let redactor = Redactor.fromEnvironment()
        try AtomicFile.write(Data(redactor.redact(RunReport.markdown(context, auditPath: auditURL.path) + reportAppendix).utf8), to: reportURL)
        try ReportFiles.write(ReportModel(run: context, audit: audit, auditPath: auditURL.path, markdownPath: reportURL.path), to: directory, redactor: redactor)

        let holdoutResults = holdout.allResults.values.flatMap { $0 }
        let holdoutUsage = holdoutResults.reduce(Usage.zero) { $0 + ($1.trace?.usage ?? .zero) }
        let holdoutCalls = holdoutResults.reduce(0) { $0 + PersonaUnit.metricCalls(spentOn: $1) }
        return ImproveOutcome(
            runID: runID, joinedExistingRun: joined, verdict: decision.decision, reasons: decision.reasons,
            baselineSearchMean: holdout.baseline.meanScore, winnerSearchMean: winner?.candidate.meanScore ?? holdout.baseline.meanScore,
            baselineHoldoutMean: mean(holdout.baselineHoldout), winnerHoldoutMean: winner.map { mean($0.holdout) },
            winnerID: winner?.candidate.id ?? holdout.baseline.id, baselineID: holdout.baseline.id,
            writtenProfile: written?.path, auditRecord: auditURL.path, report: reportURL.path,
            candidates: search.pool.count, proposals: search.proposals.count, metricCalls: search.spend.metricCalls + holdoutCalls,
            usage: search.spend.usage + holdoutUsage, stopReason: String(describing: search.stop),
            personas: personas.isEmpty ? nil : personas, excludedTrials: holdout.excluded.trials > 0 ? holdout.excluded.excluded.count : nil)
    }

    private func mean(_ results: [ItemResult]) -> Double {
        results.isEmpty ? 0 : results.reduce(0) { $0 + $1.score } / Double(results.count)
    }
}

/// Everything the audit record and the report are made from.
struct RunDocument {
    let runID: String
    let inputs: ImproveInputs
    let generator: String
    let seed: UInt64
    let budget: Budget
    let search: SearchResult
    let holdout: HoldoutOutcome
    let winner: FinalistResult?
    let winnerProfile: AgentProfile
    let writtenProfile: String?
    let isStubOrReplay: Bool
    /// Wall-clock seconds per phase, for people; never read by control flow.
    let timings: [String: Double]
    var lineage: [LineageEntry]? = nil
    /// pass^k per persona for baseline and winner (empty for a suite without personas).
    var personas: [PersonaPassRates] = []
}
