import Foundation
import ImproveCore
import ImproveSQLite
import Generators
import ImproveTestSupport
import Testing
@testable import Improve

/// `improveArtifact` on the real `Profiles/compressor` example (python3 runs the experiment),
/// with a scripted model proposing the edits: ship, hold, resume and policy paths.
@Suite(.serialized) struct ArtifactRunTests {
    static let lzma = """
        Switch to lzma at its strongest preset on the whole text.
        ```json
        {
          "codec": "lzma",
          "level": 9,
          "chunkSize": 0
        }
        ```
        """

    /// Counts calls and answers from `reply`.
    final class Model: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        let reply: String
        init(reply: String) { self.reply = reply }
        var calls: Int { lock.withLock { count } }
        var access: ModelAccess {
            ModelAccess(isStubOrReplay: true) { _ in
                ScriptedModelClient { _ in
                    self.lock.withLock { self.count += 1 }
                    return self.reply
                }
            }
        }
    }

    /// Collects progress notes from whichever thread reports them.
    final class Notes: @unchecked Sendable {
        private let lock = NSLock()
        private var notes: [ImproveProgress] = []
        func append(_ note: ImproveProgress) { lock.withLock { notes.append(note) } }
        var all: [ImproveProgress] { lock.withLock { notes } }
    }

    static func setUp() throws -> (inputs: ArtifactInputs, store: SQLiteRunStore, storePath: String) {
        let profile = try Fixtures.copyOfProfile("compressor")
        let storePath = profile.deletingLastPathComponent().appendingPathComponent("store.sqlite").path
        return (try ArtifactInputs.load(directory: profile), try SQLiteRunStore(path: storePath), storePath)
    }

    @Test func aSmallerOutputShipsAsTheNextVersionWithAnAuditThatVerifies() async throws {
        let (inputs, store, _) = try Self.setUp()
        let original = try Data(contentsOf: inputs.spec.fileURL)
        let model = Model(reply: Self.lzma)
        let notes = Notes()
        let outcome = try await improveArtifact(
            inputs, options: ImproveOptions(surface: .artifact, auditKey: Data("k".utf8)), store: store, models: model.access,
            progress: { notes.append($0) })

        #expect(outcome.verdict == .ship, "\(outcome.reasons)")
        #expect(outcome.winnerSearchMean < outcome.baselineSearchMean)
        let written = try #require(outcome.writtenProfile)
        #expect(URL(fileURLWithPath: written).lastPathComponent == "config.v2.json")
        #expect(try String(contentsOfFile: written, encoding: .utf8).contains("\"lzma\""))
        #expect(try Data(contentsOf: inputs.spec.fileURL) == original)
        #expect(AuditVerifier.verify(fileURL: URL(fileURLWithPath: outcome.auditRecord), key: Data("k".utf8)).outcome == .valid)
        let report = try String(contentsOfFile: outcome.report, encoding: .utf8)
        #expect(report.contains("**Verdict: SHIP**"))
        let tsv = URL(fileURLWithPath: outcome.auditRecord).deletingLastPathComponent().appendingPathComponent("attempts.tsv")
        let rows = try String(contentsOf: tsv, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 3 + inputs.spec.maxAttempts)
        // Every logged attempt was reported as it happened, in the order of the log.
        let reported = notes.all.compactMap { note -> Attempt? in
            guard case .artifactAttempt(let attempt, let total) = note, total == inputs.spec.maxAttempts else { return nil }
            return attempt
        }
        #expect(reported.map(\.tsvLine) == rows.map(String.init))

        // The same inputs again: the finished run is joined and nothing is called or run.
        let callsBefore = model.calls
        let again = try await improveArtifact(inputs, options: ImproveOptions(surface: .artifact), store: store, models: model.access)
        #expect(again.joinedExistingRun)
        #expect(again.runID == outcome.runID)
        #expect(model.calls == callsBefore)
    }

    @Test func anEditThatDoesNotHelpHoldsAndWritesNoVersion() async throws {
        var (inputs, store, _) = try Self.setUp()
        // Every attempt asks the model: its unhelpful edit alone must hold.
        inputs.spec.modelShare = 1
        let same = try String(contentsOf: inputs.spec.fileURL, encoding: .utf8)
        let model = Model(reply: "No change.\n```json\n\(same.replacingOccurrences(of: "\"level\": 1", with: "\"level\": 0"))```")
        let outcome = try await improveArtifact(inputs, options: ImproveOptions(surface: .artifact), store: store, models: model.access)
        #expect(outcome.verdict == .hold)
        #expect(outcome.writtenProfile == nil)
        #expect(!FileManager.default.fileExists(atPath: inputs.directory.appendingPathComponent("config.v2.json").path))
        #expect(AuditVerifier.verify(fileURL: URL(fileURLWithPath: outcome.auditRecord), key: nil).outcome == .valid)
    }

    @Test func aDisallowedModelIsRefusedBeforeAnythingIsWritten() async throws {
        let profile = try Fixtures.copyOfProfile("compressor")
        try Fixtures.edit(profile.appendingPathComponent("policy.yaml"), replacing: "- local/smollm2-135m-instruct", with: "- anthropic/claude-haiku")
        let inputs = try ArtifactInputs.load(directory: profile)
        #expect(throws: PolicyViolation.self) { try inputs.preflight(ImproveOptions(surface: .artifact)) }
        #expect(throws: SurfaceError.self) { try inputs.preflight(ImproveOptions(surface: .artifact, generator: "reflective")) }
        #expect(!FileManager.default.fileExists(atPath: profile.appendingPathComponent("runs").path))
    }

    @Test func editingARecordedMetricBreaksVerification() async throws {
        let (inputs, store, _) = try Self.setUp()
        let outcome = try await improveArtifact(inputs, options: ImproveOptions(surface: .artifact), store: store, models: Model(reply: Self.lzma).access)
        let url = URL(fileURLWithPath: outcome.auditRecord)
        var record = try JSONDecoder().decode(ArtifactAuditRecord.self, from: Data(contentsOf: url))
        record.bestMetric -= 100
        // Re-sealed, so digest and canonical form hold: only the recomputation can notice.
        try AuditSigner.write(record, to: url, key: nil)
        let report = AuditVerifier.verify(fileURL: url, key: nil)
        #expect(report.outcome == .invalid)
        #expect(report.checks.contains { $0.name == "lift" && $0.status == .fail })
    }
}
