import Foundation
import Generators
import ImproveCore

/// Improves an artifact — a file with an experiment command and a metric — by autoresearch,
/// the `artifact` surface's generator.
///
/// Preflight first (the editing model must be allowed; the generator, if named, must be
/// `autoresearch`), so a breach writes nothing. Then the run is opened or joined by its dedupe
/// key, every model call goes through the guard and the step journal and every experiment is a
/// journaled step, so a rerun after a crash replays finished work. The promotion rule is the
/// noise rule of ``ArtifactDecision``; on ship the best content is written beside the original
/// as `<name>.v<N>.<ext>` (the original changes only with `inPlace`). An audit record and a
/// report are written either way.
public func improveArtifact(
    _ inputs: ArtifactInputs, options: ImproveOptions, store: any RunStore, models: ModelAccess,
    progress: (@Sendable (ImproveProgress) -> Void)? = nil
) async throws -> ImproveOutcome {
    try inputs.preflight(options)
    return try await RunSession(store: store, models: models, options: options).execute(
        ArtifactRun(inputs: inputs, options: options, progress: progress), onJoinedFinished: { progress?(.joined(runID: $0)) })
}

extension ArtifactInputs {
    /// The checks `improveArtifact` makes before writing anything: the generator, if named, is
    /// `autoresearch`; the editing model is allowed; the artifact parses and holds every
    /// `space:` field (also checked when `artifact.yaml` is loaded, with its line numbers; this
    /// covers inputs a library caller assembled by hand). Touches no file and sends nothing.
    /// - Throws: `SurfaceError`, ``PolicyViolation`` or a `ConfigError` naming the field.
    public func preflight(_ options: ImproveOptions) throws {
        if let generator = options.generator, generator != ArtifactRun.generatorName {
            throw SurfaceError.generatorDoesNotFit(generator: generator, surface: .artifact)
        }
        try Preflight.checkModels([(.task, profile.model)], policy: policy, policyFile: policyFile)
        if let space = spec.space {
            try SpaceFieldCheck.check(space, content: original, file: spec.file, directory: spec.directory, specFile: Self.specFileName)
        }
    }
}

/// The body of autoresearch in its ``RunSession``: the model edits the artifact, every edit is an
/// experiment (a journaled step), and the noise rule of ``ArtifactDecision`` decides.
struct ArtifactRun: RunBody {
    static let generatorName = "autoresearch"

    let inputs: ArtifactInputs
    let options: ImproveOptions
    let progress: (@Sendable (ImproveProgress) -> Void)?

    var policy: Policy { inputs.policy }
    private var seed: UInt64 { options.seed ?? inputs.policy.search.seed }

    func spec() throws -> RunSpec {
        let key = try RunIdentity.windowed(options.dedupeKey ?? RunIdentity.artifactKey(inputsHash: try inputs.contentHash(), seed: seed), window: options.dedupeWindow)
        let config = try RunConfiguration(
            profileDirectory: inputs.directory.path, surface: .artifact, generator: Self.generatorName, seed: seed,
            inPlace: options.inPlace, artifactFile: inputs.spec.file
        ).json()
        return RunSpec(
            dedupeKey: key, seed: seed, profileName: inputs.profile.name, profileHash: inputs.profile.contentHash,
            surface: SurfaceKind.artifact.rawValue, generator: Self.generatorName, config: config, policy: try JSONValue(encoding: inputs.policy))
    }

    func execute(in run: ActiveRun) async throws -> ImproveOutcome {
        progress?(.startedArtifact(runID: run.id, file: inputs.spec.file, attempts: inputs.spec.maxAttempts))
        let counting = UsageCountingModelClient(try run.client(inputs.profile.model, role: .task))
        let directory = options.outputDirectory ?? inputs.directory.appendingPathComponent("runs").appendingPathComponent(run.id)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let progress = self.progress
        let total = inputs.spec.maxAttempts
        let runner = AutoresearchRunner(
            spec: inputs.spec, model: inputs.profile.model, runID: run.id, logURL: directory.appendingPathComponent("attempts.tsv"), journal: run.journal,
            seed: seed, onAttempt: { attempt in progress?(.artifactAttempt(attempt, of: total)) })
        let result = try await runner.run(original: inputs.original, client: counting)
        return try write(result, runID: run.id, joined: run.joined, directory: directory, client: counting, isStubOrReplay: run.isStubOrReplay)
    }

    private func write(_ result: AutoresearchResult, runID: String, joined: Bool, directory: URL, client: UsageCountingModelClient, isStubOrReplay: Bool) throws -> ImproveOutcome {
        let originalHash = ContentHash.sha256(Data(inputs.original.utf8))
        let winnerHash = ContentHash.sha256(Data(result.bestContent.utf8))
        let record = ArtifactAuditRecord(
            runID: runID, profileName: inputs.profile.name, spec: inputs.spec, originalHash: originalHash, winnerHash: winnerHash, result: result,
            modelsServed: client.servedModels, usage: client.usage,
            usedStubOrReplay: isStubOrReplay || client.responseSources.contains { $0 == "stub" || $0 == "replay" })

        var written: URL?
        if record.verdict == .ship {
            written = try ArtifactVersionWriter.write(result.bestContent, original: inputs.spec.fileURL, inPlace: options.inPlace)
        }
        let auditURL = directory.appendingPathComponent("audit.json")
        try AuditSigner.write(record, to: auditURL, key: options.auditKey)
        let reportURL = directory.appendingPathComponent("report.md")
        let attemptsLog = directory.appendingPathComponent("attempts.tsv").path
        let report = ArtifactReport.markdown(record, writtenFile: written?.path, attemptsLog: attemptsLog, auditPath: auditURL.path)
        let redactor = Redactor.fromEnvironment()
        try AtomicFile.write(Data(redactor.redact(report).utf8), to: reportURL)
        try ReportFiles.write(ReportModel(artifact: record, writtenFile: written?.path, attemptsLog: attemptsLog, auditPath: auditURL.path, markdownPath: reportURL.path), to: directory, redactor: redactor)

        let experiments = result.attempts.filter { $0.metric != nil || $0.status == .crash }.count
        let modelCalls = result.attempts.filter { $0.source == .model }.count
        return ImproveOutcome(
            runID: runID, joinedExistingRun: joined, verdict: record.verdict, reasons: record.reasons,
            baselineSearchMean: result.baselineMetric, winnerSearchMean: result.bestMetric, baselineHoldoutMean: nil, winnerHoldoutMean: nil,
            winnerID: winnerHash, baselineID: originalHash, writtenProfile: written?.path, auditRecord: auditURL.path, report: reportURL.path,
            candidates: 1 + result.attempts.filter { $0.number > 0 && $0.status == .keep }.count,
            proposals: result.attempts.filter { $0.number > 0 }.count, metricCalls: experiments, usage: client.usage,
            stopReason: "all \(inputs.spec.maxAttempts) attempts made (\(modelCalls) by the model)",
            artifactMetric: "\(inputs.spec.file) via `\(inputs.spec.command)`, \(inputs.spec.direction == .minimise ? "lower" : "higher") is better")
    }
}

/// Writes the best content of an artifact beside the original.
enum ArtifactVersionWriter {
    /// `config.json` → `config.v2.json` (or the next free version; a file already holding the
    /// same content is reused, so a resumed run writes nothing new). `inPlace` overwrites.
    static func write(_ content: String, original: URL, inPlace: Bool) throws -> URL {
        let data = Data(content.utf8)
        if inPlace {
            try AtomicFile.write(data, to: original)
            return original
        }
        let ext = original.pathExtension
        let stem = original.deletingPathExtension().lastPathComponent
        for version in 2...999 {
            let name = ext.isEmpty ? "\(stem).v\(version)" : "\(stem).v\(version).\(ext)"
            let candidate = original.deletingLastPathComponent().appendingPathComponent(name)
            guard let existing = FileManager.default.contents(atPath: candidate.path) else {
                try AtomicFile.write(data, to: candidate)
                return candidate
            }
            if existing == data { return candidate }
        }
        throw PreflightError(problem: "\(original.deletingLastPathComponent().path) already holds 998 versions of \(original.lastPathComponent); move some away")
    }
}
