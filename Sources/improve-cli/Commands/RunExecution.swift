import ArgumentParser
import Evals
import Foundation
import Improve
import ImproveAgents
import ImproveCore

/// The shell shared by `run`, `evolve` and `resume`: load and preflight, take the profile lock,
/// open the store, run the library's body with progress, signal handling and the spend gate,
/// print the outcome, record the session, map it to an exit code. What a run *is* lives in the
/// library (``RunSession`` and its bodies); this type only connects it to a terminal and cron.
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
        let progress = ProgressLine(enabled: !execution.json)
        do {
            // The wall clock is read once, here, for the start of the spend window (and once in
            // `DedupeWindow.bucketNow` for the dedupe window's bucket); the run only ever sees the values.
            let now = try WallClock.now()
            var options = self.options
            options.outputDirectory = execution.out.map { URL(fileURLWithPath: $0) }
            options.auditKey = AuditSigner.keyFromEnvironment()
            // A profile with an `agent:` block is driven through a loopback model gateway.
            options.agents = .standard
            // Preflight before the store is even opened: a breach must leave no file behind.
            let prepared = try prepare(options, line: progress)
            let gate = SpendGate()
            gate.configure(operation.spendCeiling(policy: prepared.policy.spendCeiling), now: now)
            session.gate = gate
            options.spendGate = gate

            let lock = try await ProfileLock.acquire(profileDirectory: profileDirectory, storePath: try StoreSchemes.cli.lockAnchor(for: execution.store), wait: operation.lockWait, now: Date.init)
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

            let monitor = InterruptionMonitor()
            let runOptions = options
            let task = Task {
                try await prepared.start(store, runOptions) { note in
                    session.observe(note)
                    ProgressNotes.show(note, on: progress)
                }
            }
            monitor.install { task.cancel() }
            let finished = try await task.value
            progress.finish()
            switch finished {
            case .outcome(let outcome):
                session.stopReason = outcome.stopReason
                try OutcomeText.print(outcome, json: execution.json, paidCalls: gate.paidCalls)
                return ExitStatus.of(outcome.verdict).rawValue
            case .replicates(let summary):
                try OutcomeText.print(summary, json: execution.json)
                return ExitStatus.shipped.rawValue
            }
        } catch {
            progress.finish()
            return ExitStatus.reporting(error) { runID, reason in
                session.runID = session.runID ?? runID
                session.stopReason = reason
            }.rawValue
        }
    }

    /// The store of `execution`, created if missing.
    static func openStore(_ execution: ExecutionOptions) async throws -> any RunStore {
        // A killed worker keeps its claims until their lease ends; a short lease makes a
        // resumed run reclaim them sooner (the journal renews leases of live workers).
        let lease = ProcessInfo.processInfo.environment["IMPROVE_STEP_LEASE_SECONDS"].flatMap(Double.init) ?? 30
        return try await StoreSchemes.cli.openForWriting(execution.store, options: StoreOpenOptions(leaseDuration: lease, distributed: execution.distributed))
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

    /// The preparation of the kind of run asked for.
    private func prepare(_ options: ImproveOptions, line: ProgressLine) throws -> PreparedRun {
        if let evolution { return try prepareEvolution(evolution, options, line: line) }
        return options.surface == .artifact ? try prepareArtifact(options) : try prepareProfile(options)
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

    /// A distributed run hands model calls to workers; an agent program's calls go through the
    /// coordinator's own gateway, which does not queue them yet. Refused before anything is made.
    static func refuseDistributedAgent(_ bundle: ProfileBundle, distributed: Bool) throws {
        guard distributed, bundle.profile.agent != nil else { return }
        throw PreflightError(
            problem: "\(bundle.profileFile.path) has an agent: block; distributed runs of an agent wait (its model calls go through this process's gateway, not the workers' queue): run it without --distributed")
    }

    /// Refuses under `--strict` when preflight warned (before the store exists).
    func refuseWarnings(_ warnings: [String], policyFile: String) throws {
        guard execution.strict, !warnings.isEmpty else { return }
        for warning in warnings { Terminal.note("warning: \(policyFile): gate: \(warning)") }
        throw InputWarnings.StrictRefusal(count: warnings.count)
    }

    private func prepareProfile(_ options: ImproveOptions) throws -> PreparedRun {
        let bundle = try loadBundle()
        try Self.refuseDistributedAgent(bundle, distributed: execution.distributed)
        // Preflight once, here: the plan is what the library runs.
        let plan = try ImprovePlan(try ImproveInputs(bundle: bundle), options: options)
        try refuseWarnings(plan.warnings, policyFile: bundle.policyFile.path)
        let models = try ModelAccessFactory.make(
            profileDirectory: bundle.directory, sources: execution.models, models: plan.roles.map(\.model) + bundle.policy.roles.values.sorted { $0.qualifiedName < $1.qualifiedName })
        return PreparedRun(policy: bundle.policy) { store, options, progress in
            // The lock holder's worker id and the spend gate are known only now.
            .outcome(try await improve(plan.executing(workerID: options.workerID, spendGate: options.spendGate), store: store, models: models, progress: progress))
        }
    }

    private func prepareArtifact(_ options: ImproveOptions) throws -> PreparedRun {
        let directory = URL(fileURLWithPath: profileDirectory)
        let inputs = try ArtifactInputs.load(directory: directory)
        if let expected = expectedProfileHash, expected != inputs.profile.contentHash {
            throw PreflightError(problem: "\(inputs.profileFile.path) changed since the run started; start a new run instead")
        }
        try inputs.preflight(options)
        let models = try ModelAccessFactory.make(profileDirectory: directory, sources: execution.models)
        return PreparedRun(policy: inputs.policy) { store, options, progress in
            .outcome(try await improveArtifact(inputs, options: options, store: store, models: models, progress: progress))
        }
    }
}

extension ExitStatus {
    /// The exit status of a finished run's verdict.
    static func of(_ verdict: GateDecision) -> ExitCode {
        switch verdict {
        case .ship: return shipped
        case .hold: return held
        case .reject: return rejected
        }
    }
}
