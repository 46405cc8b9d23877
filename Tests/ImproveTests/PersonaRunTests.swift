import Evals
import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing
@testable import Improve

/// `improve()` on persona and judge suites, offline: the agent helps only once its system
/// prompt holds a fact, and reflection (a scripted model) adds it.
@Suite struct PersonaRunTests {
    func run(_ directory: URL, models: ModelAccess, store: String? = nil) async throws -> ImproveOutcome {
        let bundle = try ProfileBundle.load(directory: directory)
        return try await improve(
            try ImproveInputs(bundle: bundle), surface: .prompt, generator: "reflective", options: ImproveOptions(),
            store: try SQLiteRunStore(path: store ?? directory.appendingPathComponent("store.sqlite").path), models: models)
    }

    @Test func aPersonaRunShipsTheFactAndPassHatKRises() async throws {
        let directory = try HelpDesk.directory()
        let model = HelpDesk.scripted()
        let outcome = try await run(directory, models: ModelAccess(isStubOrReplay: true) { _ in model })

        #expect(outcome.verdict == .ship, "\(outcome.reasons)")
        let written = try ProfileLoader.load(contentsOf: URL(fileURLWithPath: try #require(outcome.writtenProfile)))
        #expect(written.systemPrompt.contains(HelpDesk.fact))
        // pass^k per persona, both splits: 0 for the baseline, 1 for the winner.
        let personas = try #require(outcome.personas)
        let holdout = personas.filter { $0.split == "holdout" }
        #expect(holdout.map(\.personaID) == HelpDesk.holdoutPersonas)
        #expect(holdout.allSatisfy { $0.baseline.passHatK == [0, 0] && $0.winner?.passHatK == [1, 1] })
        #expect(personas.contains { $0.split == "search" })
        #expect(outcome.excludedTrials == 0)
        // The gate paired 8 holdout (persona, trial) units; the persona dimension was checked.
        let audit = try JSONDecoder().decode(AuditRecord.self, from: Data(contentsOf: URL(fileURLWithPath: outcome.auditRecord)))
        #expect(audit.gate.winner?.statistics?.pairs == 8)
        #expect(audit.gate.dimensionDeltas["persona"] == 1)
        #expect(audit.gate.check(.excludedTrials)?.status == .pass)
        #expect(audit.personas == outcome.personas)
        #expect(AuditVerifier.verify(fileURL: URL(fileURLWithPath: outcome.auditRecord), key: nil).outcome == .valid)
        let report = try String(contentsOfFile: outcome.report, encoding: .utf8)
        #expect(report.contains("## Personas") && report.contains("| p5 | holdout | 0.00 / 0.00 | 1.00 / 1.00 |"))

        // Every role was called, and the simulator and judge through the run's journal.
        let byModel = Dictionary(grouping: model.calls, by: \.model.id).mapValues(\.count)
        #expect(byModel["sim", default: 0] > 0 && byModel["judge", default: 0] > 0 && byModel["reflect", default: 0] > 0)
        // No holdout persona, transcript or score ever reached the generator.
        let reflections = model.calls.filter { $0.model.id == "reflect" }.map { $0.messages.map(\.content).joined() }
        #expect(reflections.contains { text in HelpDesk.searchPersonas.contains { text.contains("User \($0)") } })
        for persona in HelpDesk.holdoutPersonas {
            #expect(!reflections.contains { $0.contains("User \(persona)") || $0.contains("\(persona)#") || $0.contains("(\(persona))") })
        }

        // The same command again joins the finished run and pays nothing.
        let calls = model.callCount
        let again = try await run(directory, models: ModelAccess(isStubOrReplay: true) { _ in model })
        #expect(again.joinedExistingRun && again.runID == outcome.runID)
        #expect(model.callCount == calls)
    }

    @Test func aJudgeScorerOnItemsWorksInARun() async throws {
        let directory = try HelpDesk.directory(judgeItems: true)
        let model = HelpDesk.scripted()
        let outcome = try await run(directory, models: ModelAccess(isStubOrReplay: true) { _ in model })
        #expect(outcome.verdict == .ship, "\(outcome.reasons)")
        #expect(abs((outcome.baselineHoldoutMean ?? 0) - 0.15) < 1e-9)
        #expect(abs((outcome.winnerHoldoutMean ?? 0) - 0.85) < 1e-9)
        #expect(outcome.personas == nil)
        #expect(model.calls.contains { $0.model.id == "judge" })
    }

    @Test func aCommandScorerRunsInTheSuiteDirectory() async throws {
        // The scorer reads a file that exists only in the suite's directory.
        let directory = try HelpDesk.directory(judgeItems: true)
        try Fixtures.edit(
            directory.appendingPathComponent("suite.yaml"),
            replacing: "  - type: judge\n    name: address\n    rubric: The answer gives the help desk's email address.",
            with: "  - type: command\n    name: file\n    command: cat verdict.json")
        try #"{"score": 1, "passed": true, "feedback": "read from the suite directory"}"#.write(
            to: directory.appendingPathComponent("verdict.json"), atomically: true, encoding: .utf8)
        #expect(FileManager.default.currentDirectoryPath != directory.path)
        let outcome = try await run(directory, models: ModelAccess(isStubOrReplay: true) { _ in HelpDesk.scripted() })
        #expect(outcome.baselineSearchMean == 1)
        #expect(outcome.baselineHoldoutMean == 1)
    }

    @Test func simulatorFailuresAreExcludedCountedAndTooManyHold() async throws {
        // The simulated user of holdout persona p8 fails on its second trial (seed 101), on both arms.
        let failing = ScriptedModelClient { request in
            let system = request.messages.first?.content ?? ""
            if request.model.id == "sim", request.model.seed == 101, system.contains("User p8") {
                throw ModelError.timeout(provider: "local", seconds: 30)
            }
            return HelpDesk.answer(model: request.model.id, messages: request.messages)
        }
        let directory = try HelpDesk.directory()
        let outcome = try await run(directory, models: ModelAccess(isStubOrReplay: true) { _ in failing })
        #expect(outcome.verdict == .ship, "\(outcome.reasons)")
        #expect(outcome.excludedTrials == 1)
        let audit = try JSONDecoder().decode(AuditRecord.self, from: Data(contentsOf: URL(fileURLWithPath: outcome.auditRecord)))
        #expect(audit.excludedTrials?.excluded == ["p8#1"])
        #expect(audit.excludedTrials?.simulatorErrors == 2)
        #expect(audit.gate.winner?.statistics?.pairs == 7)
        let p8 = try #require(outcome.personas?.first { $0.personaID == "p8" })
        #expect(p8.baseline.simulatorErrors == 1 && p8.baseline.trials == 1)

        // One excluded trial in eight is too many under a 10% limit: the run holds, by name.
        let strict = try HelpDesk.directory(policyGate: "  maxExcludedFraction: 0.1")
        let held = try await run(strict, models: ModelAccess(isStubOrReplay: true) { _ in failing })
        #expect(held.verdict == .hold)
        let heldAudit = try JSONDecoder().decode(AuditRecord.self, from: Data(contentsOf: URL(fileURLWithPath: held.auditRecord)))
        #expect(heldAudit.gate.check(.excludedTrials)?.status == .fail)
        #expect(held.reasons.contains { $0.contains("excludedTrials") })
    }

    @Test func aKilledPersonaRunResumesWithoutRequestingACompletedTurnAgain() async throws {
        let reference = try await HelpDesk.stub()
        defer { Task { await reference.stop() } }
        _ = try await run(try HelpDesk.directory(concurrency: 1), models: ModelAccess { _ in reference.client() })
        let directory = try HelpDesk.directory(concurrency: 1)
        let total = reference.completionRequests.count

        // The first attempt dies after half the calls, before sending the next one.
        let stub = try await HelpDesk.stub()
        defer { Task { await stub.stop() } }
        let killAfter = total / 2
        let dying = ScriptedModelClient { _ in "" }
        let interrupting = InterruptingClient(inner: stub.client(), after: killAfter, counter: dying)
        await #expect(throws: StoreError.self) {
            _ = try await run(directory, models: ModelAccess { _ in interrupting })
        }
        #expect(stub.completionRequests.count == killAfter)
        let resumed = try await run(directory, models: ModelAccess { _ in stub.client() })
        #expect(resumed.verdict == .ship)
        // Every distinct request of the reference run, none more often than there: no completed
        // turn, simulator or judge call was paid twice. (Fewer is possible: a judge verdict replayed
        // whole skips its inner model call, so an identical later request replays that answer.)
        let counts = stub.countsByBodyHash, referenceCounts = reference.countsByBodyHash
        #expect(Set(counts.keys) == Set(referenceCounts.keys))
        #expect(counts.allSatisfy { $0.value <= referenceCounts[$0.key, default: 0] })
        #expect(stub.completionRequests.count <= total && stub.completionRequests.count >= total - 2)
    }

    @Test func theGuardWrapsTheJournalForEveryRole() async throws {
        // Answers recorded while the policy allowed local/*, each served by a model the
        // stricter policy below does not allow.
        let directory = try HelpDesk.directory()
        let bundle = try ProfileBundle.load(directory: directory)
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("store.sqlite").path)
        let (run, _) = try await store.openRun(RunSpec(dedupeKey: "order", seed: 1, profileName: "p", profileHash: "h", surface: "prompt", generator: "g", config: [:], policy: [:]), workerID: "w")
        let served = ServedByOtherClient()
        let roles: [(ModelRole, ModelSpec)] = [(.task, ModelSpec(provider: "local", id: "agent")), (.judge, ModelSpec(provider: "local", id: "judge")), (.simulator, ModelSpec(provider: "local", id: "sim")), (.reflection, ModelSpec(provider: "local", id: "reflect"))]
        func clients(_ policy: Policy, _ raw: any ModelClient) async throws -> [ModelRole: any ModelClient] {
            let journal = try await store.journal(runID: run.id, workerID: "w")
            let setup = EvaluationSetup(suite: bundle.suite, policy: policy)
            let evaluation = try setup.clients(task: roles[0].1, roles: Array(roles.prefix(3)), raw: { _ in raw }, journal: journal)
            // The reflection client as a run makes it (`ActiveRun.client`): the one wrapping order.
            let reflection = RoleClient.wrap(raw, role: ModelRole.reflection.rawValue, allowed: policy.allowedModels, journal: journal)
            return [.task: evaluation.task, .judge: try #require(evaluation.judge), .simulator: try #require(evaluation.simulator), .reflection: reflection]
        }
        var lenient = bundle.policy
        lenient.allowedModels = AllowedModels(["local/*"])
        for (role, client) in try await clients(lenient, served) {
            _ = try await client.complete(ChatRequest(model: roles.first { $0.0 == role }?.1 ?? roles[0].1, messages: [.user(role.rawValue)]))
        }
        #expect(served.callCount == 4)

        // The policy now allows only the requested models: each replayed answer is refused.
        var strict = bundle.policy
        strict.allowedModels = AllowedModels(roles.map { $0.1.qualifiedName })
        let unused = ServedByOtherClient()
        for (role, client) in try await clients(strict, unused) {
            await #expect(throws: ModelError.self, "role \(role)") {
                _ = try await client.complete(ChatRequest(model: roles.first { $0.0 == role }?.1 ?? roles[0].1, messages: [.user(role.rawValue)]))
            }
        }
        #expect(unused.callCount == 0)
    }
}

/// Forwards to `inner` until `after` calls were made, then fails every call with a
/// cancellation before sending it, as a killed process would stop sending.
struct InterruptingClient: ModelClient {
    let inner: any ModelClient
    let after: Int
    let counter: ScriptedModelClient

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        guard counter.callCount < after else { throw CancellationError() }
        _ = try counter.answer(request)
        return try await inner.complete(request)
    }
}

/// Answers every request as if a model of provider `other` had served it.
final class ServedByOtherClient: ModelClient, @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    var callCount: Int { lock.withLock { calls } }

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        lock.withLock { calls += 1 }
        return ChatResponse(text: "ok", finishReason: "stop", usage: .zero, servedModel: "elsewhere", latencyMs: 0, source: "stub")
    }
}
