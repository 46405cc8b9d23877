import ArgumentParser
import Evals
import Foundation
import Improve
import ImproveCore

/// The body shared by `run` and `resume`: load, preflight, open the store, run with progress
/// and signal handling, print the outcome, map it to an exit code.
struct RunExecution {
    let profileDirectory: String
    var options: ImproveOptions
    let execution: ExecutionOptions
    var expectedProfileHash: String? = nil

    func perform() async -> Int32 {
        do {
            var options = self.options
            options.outputDirectory = execution.out.map { URL(fileURLWithPath: $0) }
            options.auditKey = AuditSigner.keyFromEnvironment()
            let progress = ProgressLine(enabled: !execution.json)
            // Preflight before the store is even opened: a breach must leave no file behind.
            let prepared = options.surface == .artifact ? try prepareArtifact(options) : try prepareProfile(options)
            let store = try Self.openStore(execution)

            let monitor = InterruptionMonitor()
            let task = Task {
                try await prepared.start(store) { note in Self.show(note, on: progress) }
            }
            monitor.install { task.cancel() }
            let outcome = try await task.value
            progress.finish()
            try print(outcome)
            switch outcome.verdict {
            case .ship: return ExitStatus.shipped.rawValue
            case .hold: return ExitStatus.held.rawValue
            case .reject: return ExitStatus.rejected.rawValue
            }
        } catch {
            return Self.exitStatus(reporting: error)
        }
    }

    /// The store of `execution`, created if missing.
    static func openStore(_ execution: ExecutionOptions) throws -> SQLiteRunStore {
        // A killed worker keeps its claims until their lease ends; a short lease makes a
        // resumed run reclaim them sooner (the journal renews leases of live workers).
        let lease = ProcessInfo.processInfo.environment["IMPROVE_STEP_LEASE_SECONDS"].flatMap(Double.init) ?? 30
        return try SQLiteRunStore(path: execution.store, leaseDuration: lease)
    }

    /// Prints `error` (redacted) and returns its exit code: the mapping every command that runs
    /// a search shares.
    static func exitStatus(reporting error: any Error) -> Int32 {
        let redactor = Redactor.fromEnvironment()
        do {
            throw error
        } catch let error as PolicyViolation {
            Terminal.error(redactor.redact(error.description))
            return ExitStatus.policyViolation.rawValue
        } catch let error as ModelError {
            if case .notAllowed = error {
                Terminal.error(redactor.redact(error.description))
                return ExitStatus.policyViolation.rawValue
            }
            Terminal.error(redactor.redact(error.description))
            return ExitStatus.error.rawValue
        } catch let error as StoreError {
            Terminal.note("")
            Terminal.error(redactor.redact(error.description))
            if case .cancelled = error { return ExitStatus.interrupted.rawValue }
            return ExitStatus.error.rawValue
        } catch {
            Terminal.error(redactor.redact(String(describing: error)))
            return ExitStatus.error.rawValue
        }
    }

    /// A run that passed preflight and only waits for its store.
    private struct PreparedRun {
        var start: (_ store: SQLiteRunStore, _ progress: @escaping @Sendable (ImproveProgress) -> Void) async throws -> ImproveOutcome
    }

    private func prepareProfile(_ options: ImproveOptions) throws -> PreparedRun {
        let bundle = try ProfileBundle.load(directory: URL(fileURLWithPath: profileDirectory))
        if let expected = expectedProfileHash, expected != bundle.profile.contentHash {
            throw PreflightError(problem: "\(bundle.profileFile.path) changed since the run started (hash \(bundle.profile.contentHash.prefix(12)) ≠ \(expected.prefix(12))); start a new run instead")
        }
        let inputs = ImproveInputs(bundle: bundle)
        // Preflight only; the run repeats it and reports its warnings through progress.
        _ = try ImprovePlan(inputs, options: options)
        let models = try ModelAccessFactory.make(providersFile: bundle.providersFile, execution: execution)
        return PreparedRun { store, progress in
            try await improve(inputs, surface: options.surface, options: options, store: store, models: models, progress: progress)
        }
    }

    private func prepareArtifact(_ options: ImproveOptions) throws -> PreparedRun {
        let directory = URL(fileURLWithPath: profileDirectory)
        let inputs = try ArtifactInputs.load(directory: directory)
        if let expected = expectedProfileHash, expected != inputs.profile.contentHash {
            throw PreflightError(problem: "\(inputs.profileFile.path) changed since the run started; start a new run instead")
        }
        try inputs.preflight(options)
        let providers = directory.appendingPathComponent("providers.yaml")
        let models = try ModelAccessFactory.make(providersFile: FileManager.default.fileExists(atPath: providers.path) ? providers : nil, execution: execution)
        return PreparedRun { store, progress in
            try await improveArtifact(inputs, options: options, store: store, models: models, progress: progress)
        }
    }

    private func print(_ outcome: ImproveOutcome) throws {
        if execution.json {
            try Terminal.printJSON(outcome)
            return
        }
        Swift.print(Self.summary(outcome))
    }

    /// The outcome for people: verdict, reasons, figures and where the files are.
    static func summary(_ outcome: ImproveOutcome) -> String {
        func pct(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var lines = [
            "run \(outcome.runID)\(outcome.joinedExistingRun ? " (joined an existing run with the same inputs)" : "")",
            "verdict: \(outcome.verdict.rawValue.uppercased())",
        ]
        lines += outcome.reasons.map { "  - \($0)" }
        if let metric = outcome.artifactMetric {
            let number = { (value: Double) in value == value.rounded() ? String(Int(value)) : String(format: "%.4g", value) }
            lines.append("metric (\(metric)): baseline \(number(outcome.baselineSearchMean)) → best \(number(outcome.winnerSearchMean))")
        } else {
            lines.append("search (validation): baseline \(pct(outcome.baselineSearchMean)) → winner \(pct(outcome.winnerSearchMean))")
            lines.append("holdout:             baseline \(pct(outcome.baselineHoldoutMean)) → winner \(pct(outcome.winnerHoldoutMean))")
        }
        lines.append("\(outcome.proposals) proposals, \(outcome.candidates) candidates, \(outcome.metricCalls) metric calls, \(outcome.usage.totalTokens) tokens, $\(String(format: "%.4f", outcome.usage.cost)); stopped: \(outcome.stopReason)")
        if let written = outcome.writtenProfile { lines.append("\(outcome.artifactMetric == nil ? "new profile" : "new version"): \(written)") }
        lines.append("audit:       \(outcome.auditRecord)")
        lines.append("report:      \(outcome.report)")
        return lines.joined(separator: "\n")
    }

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
            Terminal.note("warning: \(text)")
        }
    }
}
