import Foundation
import ImproveCore
import Testing
@testable import Improve

@Suite struct AuditTests {
    let key = Data("test-audit-key".utf8)

    func sampleRecord(items: Int = 10) -> AuditRecord {
        let pairs = binaryPairs(improved: items * 6 / 10, regressed: 0, bothPass: items * 2 / 10, bothFail: items - items * 8 / 10)
        let settings = GateSettings(minPairs: 5)
        let base = results(pairs.baseline)
        let cand = results(pairs.candidate)
        let verdict = PromotionGate.evaluate(baseline: base, finalists: [GateFinalist(id: "c1", holdout: cand)], settings: settings)
        return AuditRecord(
            runID: "run-1", toolVersion: "0.1.0", profileName: "sentiment", baselineHash: "aa", winnerHash: "bb",
            diff: UnifiedDiff.make(old: "a\nb\n", new: "a\nc\n", oldName: "baseline", newName: "winner"),
            candidates: [AuditCandidate(id: "c1", parents: ["seed"], generator: "reflective", rationale: "say positive", searchMean: 0.7, scoredItems: 8, searchItems: 8)],
            proposals: ProposalSummary(proposed: 3, accepted: 1, rejected: 2, rejectionReasons: ["duplicate": 2]),
            gate: verdict, holdout: HoldoutScores(baseline: base, winner: cand), modelsServed: ["m", "m"],
            usage: PhaseUsage(search: Usage(inputTokens: 10, outputTokens: 5, cost: 0.01)), timings: ["total": 1.5], usedStubOrReplay: true)
    }

    func write(_ record: AuditRecord, key: Data?) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).json")
        try AuditSigner.write(record, to: url, key: key)
        return url
    }

    @Test func signedRecordVerifies() throws {
        let record = sampleRecord()
        #expect(record.gate.decision == .ship)
        let url = try write(record, key: key)
        defer { try? FileManager.default.removeItem(at: url) }
        let report = AuditVerifier.verify(fileURL: url, key: key)
        #expect(report.outcome == .valid, "\(report.checks)")
        #expect(report.checks.first { $0.name == "lift" }?.status == .pass)
        #expect(AuditVerifier.verify(fileURL: url, key: nil).outcome == .signatureUnverified)
        #expect(AuditVerifier.verify(fileURL: url, key: Data("other".utf8)).outcome == .invalid)
        let decoded = try JSONDecoder().decode(AuditRecord.self, from: Data(contentsOf: url))
        #expect(decoded.modelsServed == ["m"])
        #expect(decoded.integrity?.status == .signed)
    }

    @Test func unsignedRecordVerifiesOnlyWithoutAKey() throws {
        let url = try write(sampleRecord(), key: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(AuditVerifier.verify(fileURL: url, key: nil).outcome == .valid)
        #expect(AuditVerifier.verify(fileURL: url, key: key).outcome == .invalid)
    }

    @Test func changingAnyByteFailsVerification() throws {
        let url = try write(sampleRecord(), key: key)
        defer { try? FileManager.default.removeItem(at: url) }
        let original = try Data(contentsOf: url)
        let tampered = FileManager.default.temporaryDirectory.appendingPathComponent("audit-flip-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: tampered) }
        // Every byte of the integrity block, the first and last 64 bytes, and every 4th byte
        // elsewhere (a full sweep takes minutes in a debug build); the mask varies by position
        // so digits, letters, quotes and structure all get changed.
        let integrity = try #require(original.range(of: Data("\"integrity\"".utf8)))
        let positions = original.indices.filter { $0 % 4 == 0 || $0 < 64 || $0 >= original.count - 64 || (integrity.lowerBound..<integrity.lowerBound + 260).contains($0) }
        var accepted: [Int] = []
        for position in positions {
            for mask: UInt8 in [[0x01, 0x02, 0x20, 0x04][position % 4]] {
                var bytes = original
                bytes[position] ^= mask
                try bytes.write(to: tampered)
                if AuditVerifier.verify(fileURL: tampered, key: key).outcome != .invalid { accepted.append(position) }
            }
        }
        #expect(original.count > 1000)
        #expect(accepted.isEmpty, "flips accepted at \(accepted.prefix(10))")
    }

    @Test func resealedEditIsCaughtByTheRecomputation() throws {
        var record = sampleRecord()
        // An edit that rewrites the digest too: claim the winner passed an item it failed.
        record.holdout.winner[9].score = 1
        let url = try write(record, key: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let report = AuditVerifier.verify(fileURL: url, key: nil)
        #expect(report.outcome == .invalid)
        #expect(report.checks.first { $0.name == "lift" }?.status == .fail)
    }

    @Test func reformattedFileIsNotCanonical() throws {
        let sealed = try AuditSigner.seal(sampleRecord(), key: key)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("audit-pretty-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try encoder.encode(sealed).write(to: url)
        let report = AuditVerifier.verify(fileURL: url, key: key)
        #expect(report.outcome == .invalid)
        #expect(report.checks.first?.name == "canonicalForm")
    }

    @Test func hugeSeedIsRefusedAtWriteTime() {
        var record = sampleRecord()
        record.gate.settings.seed = UInt64.max - 1
        #expect(throws: AuditRecordNotRepresentable.self) { try AuditSigner.seal(record, key: nil) }
    }

    @Test func keyComesFromTheEnvironmentVariable() {
        #expect(AuditSigner.keyFromEnvironment(["IMPROVE_AUDIT_KEY": "k"]) == Data("k".utf8))
        #expect(AuditSigner.keyFromEnvironment(["IMPROVE_AUDIT_KEY": ""]) == nil)
        #expect(AuditSigner.keyFromEnvironment([:]) == nil)
    }
}

@Suite struct UnifiedDiffTests {
    @Test func singleChangeWithContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        let expected = """
            --- a
            +++ b
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +line five
             line 6
             line 7
             line 8

            """
        #expect(UnifiedDiff.make(old: old, new: new, oldName: "a", newName: "b") == expected)
    }

    @Test func equalTextsGiveNoDiff() {
        #expect(UnifiedDiff.make(old: "x\n", new: "x\n", oldName: "a", newName: "b") == "")
    }

    @Test func insertionsIntoEmptyAndMissingNewline() {
        #expect(UnifiedDiff.make(old: "", new: "a\nb\n", oldName: "a", newName: "b") == "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n")
        #expect(UnifiedDiff.make(old: "a", new: "a\n", oldName: "a", newName: "b") == "--- a\n+++ b\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n")
    }

    @Test func separateChangesGetSeparateHunks() {
        let old = (1...20).map(String.init).joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "\n2\n", with: "\ntwo\n").replacingOccurrences(of: "\n18\n", with: "\n")
        let diff = UnifiedDiff.make(old: old, new: new, oldName: "a", newName: "b")
        #expect(diff.components(separatedBy: "@@ -").count - 1 == 2)
        #expect(diff.contains("@@ -15,6 +15,5 @@\n 15\n 16\n 17\n-18\n 19\n 20\n"))
        #expect(diff.contains("-2\n+two\n"))
    }
}
