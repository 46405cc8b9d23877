import Foundation
import Improve
import ImproveCore

/// A run's progress notes on standard error: notes for events, one redrawn line for progress.
enum ProgressNotes {
    static func show(_ note: ImproveProgress, on line: ProgressLine) {
        switch note {
        case .joined(let runID):
            Terminal.note("joined run \(runID): it already finished; nothing is spent again")
        case .started(let runID, let search, let holdout):
            Terminal.note("run \(runID): \(search) search items, \(holdout) holdout items")
        case .startedArtifact(let runID, let file, let attempts):
            Terminal.note("run \(runID): autoresearch on \(file), up to \(attempts) attempts")
        case .artifactAttempt(let attempt, let total):
            let metric = attempt.metric.map { String(format: "%.6g", $0) } ?? "–"
            let which = attempt.number == 0 ? "baseline" : "attempt \(attempt.number)/\(total)"
            Terminal.note("\(which): \(attempt.status.rawValue), metric \(metric): \(attempt.description.prefix(120))")
        case .search(let progress, let budget):
            let limit = budget.metricCalls.map { "/\($0)" } ?? ""
            let fraction = budget.metricCalls.map { Double(progress.spend.metricCalls) / Double(max($0, 1)) }
            line.update(String(format: "search: %d%@ metric calls, iteration %d, best %.1f%%, %d candidates", progress.spend.metricCalls, limit, progress.iteration, progress.bestValidationMean * 100, progress.poolSize), fraction: fraction)
        case .holdout(let done, let total):
            line.update("holdout: \(done)/\(total) rollouts", fraction: nil)
        case .warning(let text):
            LogOutput.logger.warning("\(text)")
        }
    }

    static func show(_ note: EvolveProgress, on line: ProgressLine) {
        switch note {
        case .run(let inner):
            show(inner, on: line)
        case .attempt(let entry):
            let score = entry.searchScore.map { String(format: "%.1f%%", $0 * 100) } ?? "not scored"
            line.update("generation \(entry.generation), child \(entry.slot + 1): \(entry.status.rawValue), \(score)", fraction: nil)
        case .generation(let row):
            line.update("", fraction: nil)
            let figures = String(
                format: "%d members, best %.1f%%, mean %.1f%%, spread %.1f%%, %.0f tokens/item", row.members.count, row.best * 100, row.mean * 100,
                row.spread * 100, row.tokensPerItem)
            Terminal.note("generation \(row.generation): \(figures), champion \(row.championID.prefix(12)) (\(String(format: "%.1f%%", row.championScore * 100)))")
        }
    }
}
