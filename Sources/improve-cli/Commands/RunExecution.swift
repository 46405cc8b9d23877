import ArgumentParser
import Evals
import Foundation
import Improve
import ImproveCore
import ImprovePostgres
import ImproveSQLite

/// The body shared by `run`, `evolve` and `resume`: load, preflight, take the profile lock, open
/// the store, run with progress, signal handling and the spend ceiling, print the outcome, record
/// the session, map it to an exit code.
struct RunExecution {
    let profileDirectory: String
    var options: ImproveOptions
    let execution: ExecutionOptions
    var operation = OperationOptions()
    var expectedProfileHash: String? = nil
    /// Set for `evolve` (and the resumption of an evolve run): what is evolved instead of searched.
    var evolution: EvolutionRequest? = nil

    /// Runs, then records the session and writes the metrics file, and returns the exit status.
    func perform() async -> Int32 {
        LogOutput.bootstrap(operation.logFormat)
        let session = SessionRecord()
        let status = await execute(session)
        await session.finish(status: status, metricsFile: operation.metricsFile)
        return status
    }

    private func execute(_ session: SessionRecord) async -> Int32 {
        do {
            // The wall clock is read once, here, for the start of the spend window (and once in
            // `DedupeWindow.bucketNow` for the dedupe window's bucket); the run only ever sees the values.
            let now = try WallClock.now()
            var options = self.options
            options.outputDirectory = execution.out.map { URL(fileURLWithPath: $0) }
            options.auditKey = AuditSigner.keyFromEnvironment()
            let gate = SpendGate()
            session.gate = gate
            let progress = ProgressLine(enabled: !execution.json)
            // Preflight before the store is even opened: a breach must leave no file behind.
            let prepared: PreparedRun
            if let evolution {
                prepared = try prepareEvolution(evolution, options, gate: gate, line: progress)
            } else {
                prepared = options.surface == .artifact ? try prepareArtifact(options, gate: gate) : try prepareProfile(options, gate: gate)
            }
            gate.configure(operation.spendCeiling(policy: prepared.policy.spendCeiling), now: now)

            let lock = try await ProfileLock.acquire(profileDirectory: profileDirectory, storePath: StoreLocator.lockAnchor(execution.store), wait: operation.lockWait, now: Date.init)
            session.profileLock = lock
            Terminal.note("improving \(profileDirectory) (store \(execution.store))")
            if let stale = lock.staleHolder {
                Terminal.note("took over the lock of \(stale.profile) left by pid \(stale.pid) on \(stale.host) (run \(stale.runID ?? "not opened")), which is no longer running")
            }
            // Only the lock holder uses this id, so a successor after a kill -9 reclaims the dead
            // holder's claimed steps at once rather than after their leases lapse.
            options.workerID = lock.workerID
            let store = try await Self.openStore(execution)
            session.store = store
            gate.attach(store)
            // A distributed run's calls are sent by workers: the gate stands before each dispatch.
            (store as? PostgresRunStore)?.gateDispatches { call in try await gate.around(call) }

            let monitor = InterruptionMonitor()
            let runOptions = options
            let task = Task {
                try await prepared.start(store, runOptions) { note in
                    session.observe(note)
                    Self.show(note, on: progress)
                }
            }
            monitor.install { task.cancel() }
            gate.whenStopped { task.cancel() }
            let finished: PreparedRun.Finished
            do {
                finished = try await task.value
            } catch StoreError.cancelled(let runID) where gate.stopped != nil {
                progress.finish()
                let stop = gate.stopped.map(String.init(describing:)) ?? "spend ceiling reached"
                // Name the stop in the store: `runs` and `show` say why the run is interrupted.
                try? await store.finishRun(id: runID, state: .interrupted, result: nil, failure: stop)
                session.stopReason = stop
                Terminal.error("\(stop); run \(runID) is resumable: run the same command again (or `improve-cli resume \(runID)`) once the window has room or with a higher --spend-ceiling")
                return ExitStatus.interrupted.rawValue
            }
            progress.finish()
            let outcome: ImproveOutcome
            switch finished {
            case .outcome(let single):
                outcome = single
            case .replicates(let summary):
                try print(summary)
                return ExitStatus.shipped.rawValue
            }
            session.stopReason = outcome.stopReason
            try print(outcome, session: session)
            switch outcome.verdict {
            case .ship: return ExitStatus.shipped.rawValue
            case .hold: return ExitStatus.held.rawValue
            case .reject: return ExitStatus.rejected.rawValue
            }
        } catch {
            return Self.exitStatus(reporting: error) { runID in
                session.runID = session.runID ?? runID
                session.stopReason = "interrupted by a signal"
            }
        }
    }

    /// The store of `execution`, created if missing.
    static func openStore(_ execution: ExecutionOptions) async throws -> any RunStore {
        // A killed worker keeps its claims until their lease ends; a short lease makes a
        // resumed run reclaim them sooner (the journal renews leases of live workers).
        let lease = ProcessInfo.processInfo.environment["IMPROVE_STEP_LEASE_SECONDS"].flatMap(Double.init) ?? 30
        return try await StoreLocator.open(execution.store, leaseDuration: lease, distributed: execution.distributed)
    }

    /// Prints `error` (redacted) and returns its exit code: the mapping every command that runs
    /// a search shares (`run`, `resume`, `evolve`). `interrupted` hears the id of a run a signal stopped.
    static func exitStatus(reporting error: any Error, interrupted: (String) -> Void = { _ in }) -> Int32 {
        let redactor = Redactor.fromEnvironment()
        do {
            throw error
        } catch let error as ProfileLock.Busy {
            Terminal.error(error.description)
            return ExitStatus.locked.rawValue
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
            if Terminal.stderrIsTTY { Terminal.note("") }
            Terminal.error(redactor.redact(error.description))
            if case .cancelled(let runID) = error {
                interrupted(runID)
                return ExitStatus.interrupted.rawValue
            }
            return ExitStatus.error.rawValue
        } catch {
            Terminal.error(redactor.redact(String(describing: error)))
            return ExitStatus.error.rawValue
        }
    }

    /// A run that passed preflight and only waits for its store.
    struct PreparedRun {
        /// What a prepared run ends with.
        enum Finished: Sendable {
            /// One run's outcome (`run`, `resume`, `evolve`).
            case outcome(ImproveOutcome)
            /// The summary of `evolve --seeds`: one run per seed.
            case replicates(ReplicateSummary)
        }

        var policy: Policy
        var start: (_ store: any RunStore, _ options: ImproveOptions, _ progress: @escaping @Sendable (ImproveProgress) -> Void) async throws -> Finished
    }

    /// The profile directory's bundle, refused when `--strict` finds warnings or when a resumed
    /// run's profile changed since it started.
    func loadBundle() throws -> ProfileBundle {
        let bundle = try ProfileBundle.load(directory: URL(fileURLWithPath: profileDirectory))
        try InputWarnings.report(bundle.warnings, strict: execution.strict)
        if let expected = expectedProfileHash, expected != bundle.profile.contentHash {
            throw PreflightError(problem: "\(bundle.profileFile.path) changed since the run started (hash \(bundle.profile.contentHash.prefix(12)) ≠ \(expected.prefix(12))); start a new run instead")
        }
        return bundle
    }

    private func prepareProfile(_ options: ImproveOptions, gate: SpendGate) throws -> PreparedRun {
        let bundle = try loadBundle()
        let inputs = try ImproveInputs(bundle: bundle)
        // Preflight only; the run repeats it and reports its warnings through progress, but
        // --strict must refuse on them before the store exists.
        let plan = try ImprovePlan(inputs, options: options)
        if execution.strict, !plan.warnings.isEmpty {
            for warning in plan.warnings { Terminal.note("warning: \(bundle.policyFile.path): gate: \(warning)") }
            throw InputWarnings.StrictRefusal(count: plan.warnings.count)
        }
        let models = gate.guarding(try ModelAccessFactory.make(
            providersFile: bundle.providersFile, execution: execution, models: [bundle.profile.model] + bundle.policy.roles.values.sorted { $0.qualifiedName < $1.qualifiedName }))
        return PreparedRun(policy: inputs.policy) { store, options, progress in
            .outcome(try await improve(inputs, surface: options.surface, options: options, store: store, models: models, progress: progress))
        }
    }

    private func prepareArtifact(_ options: ImproveOptions, gate: SpendGate) throws -> PreparedRun {
        let directory = URL(fileURLWithPath: profileDirectory)
        let inputs = try ArtifactInputs.load(directory: directory)
        if let expected = expectedProfileHash, expected != inputs.profile.contentHash {
            throw PreflightError(problem: "\(inputs.profileFile.path) changed since the run started; start a new run instead")
        }
        try inputs.preflight(options)
        let providers = directory.appendingPathComponent("providers.yaml")
        let models = gate.guarding(
            try ModelAccessFactory.make(providersFile: FileManager.default.fileExists(atPath: providers.path) ? providers : nil, execution: execution))
        return PreparedRun(policy: inputs.policy) { store, options, progress in
            .outcome(try await improveArtifact(inputs, options: options, store: store, models: models, progress: progress))
        }
    }

    private func print(_ outcome: ImproveOutcome, session: SessionRecord) throws {
        if execution.json {
            try Terminal.printJSON(outcome)
            return
        }
        guard Terminal.stdoutIsTTY else {
            // A pipe, a file or cron mail: one line that says everything.
            Swift.print(SummaryLine.text(outcome, paidCalls: session.gate?.paidCalls ?? 0))
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
            if let personas = outcome.personas?.filter({ $0.split == "holdout" }), !personas.isEmpty {
                let passes = personas.map { "\($0.personaID) \(pct($0.baseline.passHatK.first)) → \(pct($0.winner?.passHatK.first))" }
                lines.append("holdout personas pass^1: " + passes.joined(separator: ", ") + " (\(outcome.excludedTrials ?? 0) trials excluded)")
            }
        }
        lines.append("\(outcome.proposals) proposals, \(outcome.candidates) candidates, \(outcome.metricCalls) metric calls, \(outcome.usage.totalTokens) tokens, $\(String(format: "%.4f", outcome.usage.cost)); stopped: \(outcome.stopReason)")
        if let written = outcome.writtenProfile { lines.append("\(outcome.artifactMetric == nil ? "new profile" : "new version"): \(written)") }
        lines.append("audit:       \(outcome.auditRecord)")
        lines.append("report:      \(outcome.report)")
        let page = ReportFiles.page(besideMarkdown: outcome.report)
        if FileManager.default.fileExists(atPath: page.path) { lines.append("html report: \(page.path)") }
        if let evolution = outcome.evolution { lines += Self.evolutionLines(evolution) }
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
            LogOutput.logger.warning("\(text)")
        }
    }
}
