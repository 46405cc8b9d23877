import Foundation
import ImproveCore

/// The result of verifying an audit file.
public struct VerificationReport: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        /// Intact; signed records had their signature checked.
        case valid
        /// Tampered, malformed or inconsistent.
        case invalid
        /// Intact as far as the digest and the recomputation go, but the record is signed and
        /// no key was available to check the signature.
        case signatureUnverified
    }

    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var status: CheckStatus
        public var detail: String
    }

    public var file: String
    public var outcome: Outcome
    public var checks: [Check]

    /// The first failing check's sentence, or a summary.
    public var summary: String {
        if let failed = checks.first(where: { $0.status == .fail }) { return "\(failed.name): \(failed.detail)" }
        switch outcome {
        case .valid: return "the audit record is intact"
        case .signatureUnverified: return "the digest and the recomputed lift match, but the signature could not be checked: set \(AuditSigner.keyVariable)"
        case .invalid: return "the audit record is invalid"
        }
    }
}

/// Checks an audit file: canonical form, schema, digest, signature, and the lift recomputed
/// from the stored holdout scores with the same paired rule and settings.
public enum AuditVerifier {
    public static func verify(fileURL: URL, key: Data?) -> VerificationReport {
        var checks: [VerificationReport.Check] = []
        func add(_ name: String, _ status: CheckStatus, _ detail: String) {
            checks.append(.init(name: name, status: status, detail: detail))
        }
        func finish() -> VerificationReport {
            let outcome: VerificationReport.Outcome
            if checks.contains(where: { $0.status == .fail }) {
                outcome = .invalid
            } else if checks.contains(where: { $0.name == "signature" && $0.status == .notEvaluated }) {
                outcome = .signatureUnverified
            } else {
                outcome = .valid
            }
            return VerificationReport(file: fileURL.path, outcome: outcome, checks: checks)
        }

        guard let bytes = try? Data(contentsOf: fileURL) else {
            add("read", .fail, "cannot read \(fileURL.path)")
            return finish()
        }
        guard let tree = try? JSONDecoder().decode(JSONValue.self, from: bytes) else {
            add("json", .fail, "the file is not valid JSON")
            return finish()
        }
        guard let canonical = try? CanonicalJSON.encode(tree), canonical + Data("\n".utf8) == bytes else {
            add("canonicalForm", .fail, "the file is not the canonical JSON the tool writes (it was edited or reformatted)")
            return finish()
        }
        add("canonicalForm", .pass, "the bytes are the canonical encoding of their content")
        if tree["kind"]?.stringValue == ArtifactAuditRecord.kindName {
            guard let record = decodeRecord(tree, as: ArtifactAuditRecord.self, named: "artifact audit record", add: add),
                  checkIntegrity(record, key: key, add: add)
            else { return finish() }
            checkArtifactDecision(record, add: add)
        } else {
            guard let record = decodeRecord(tree, as: AuditRecord.self, named: "audit record", add: add),
                  checkIntegrity(record, key: key, add: add)
            else { return finish() }
            checkRecomputation(record, add: add)
        }
        return finish()
    }

    /// The record the content encodes exactly (no field missing, renamed or added), in the
    /// format this version reads; nil after a failed "schema" check.
    private static func decodeRecord<Record: VersionedRecord>(
        _ tree: JSONValue, as type: Record.Type, named name: String, add: (String, CheckStatus, String) -> Void
    ) -> Record? {
        guard let record = try? tree.decode(as: Record.self), (try? JSONValue(encoding: record)) == tree else {
            add("schema", .fail, "the content is not an \(name) of format \(Record.currentFormat) (fields missing, renamed or added)")
            return nil
        }
        guard record.format == Record.currentFormat else {
            add("schema", .fail, "format \(record.format) is not the supported \(Record.currentFormat)")
            return nil
        }
        add("schema", .pass, "\(name) format \(record.format)")
        return record
    }

    /// Digest and signature; false when the record cannot be checked any further.
    private static func checkIntegrity<Record: SealableRecord>(_ record: Record, key: Data?, add: (String, CheckStatus, String) -> Void) -> Bool {
        guard let integrity = record.integrity, integrity.keyVariable == AuditSigner.keyVariable else {
            add("digest", .fail, "the record has no integrity block (or names an unknown key variable)")
            return false
        }
        guard let signed = try? AuditSigner.signedBytes(record) else {
            add("digest", .fail, "the record cannot be re-encoded")
            return false
        }
        let digest = ContentHash.sha256(signed)
        if digest == integrity.digest {
            add("digest", .pass, "sha256 \(digest.prefix(16))… matches")
        } else {
            add("digest", .fail, "the stored digest does not match the content: the record was changed after it was written")
        }
        checkSignature(integrity, signed: signed, key: key, add: add)
        return true
    }

    /// Recomputes the noise threshold and the verdict of an autoresearch run from its attempts.
    private static func checkArtifactDecision(_ record: ArtifactAuditRecord, add: (String, CheckStatus, String) -> Void) {
        let decision = ArtifactDecision.decide(attempts: record.attempts, direction: record.direction, minDelta: record.minDelta)
        let close = { (a: Double, b: Double) in abs(a - b) <= 1e-9 }
        let same = close(decision.baselineMetric, record.baselineMetric) && close(decision.threshold, record.threshold)
            && close(decision.bestMetric, record.bestMetric) && decision.verdict == record.verdict
        if same {
            add("lift", .pass, "recomputed from \(record.attempts.count) attempts: baseline \(decision.baselineMetric), threshold \(decision.threshold), best \(decision.bestMetric), verdict \(decision.verdict.rawValue)")
        } else {
            add("lift", .fail, "recomputing from the attempts gives baseline \(decision.baselineMetric), threshold \(decision.threshold), best \(decision.bestMetric), verdict \(decision.verdict.rawValue); the record says \(record.baselineMetric), \(record.threshold), \(record.bestMetric), \(record.verdict.rawValue)")
        }
    }

    private static func checkSignature(_ integrity: AuditIntegrity, signed: Data, key: Data?, add: (String, CheckStatus, String) -> Void) {
        switch (integrity.status, integrity.signature, key) {
        case (.signed, .some(let signature), .some(let key)):
            let expected = ContentHash.hmacSHA256(signed, key: key)
            if constantTimeEqual(expected, signature) {
                add("signature", .pass, "HMAC-SHA256 under \(AuditSigner.keyVariable) matches")
            } else {
                add("signature", .fail, "the HMAC-SHA256 signature does not match (record altered, or a different key in \(AuditSigner.keyVariable))")
            }
        case (.signed, .some, nil):
            add("signature", .notEvaluated, "the record is signed but \(AuditSigner.keyVariable) is not set, so the signature cannot be checked")
        case (.unsigned, nil, nil):
            add("signature", .skipped, "the record is unsigned (no key was set when it was written); the digest guards against accidents only")
        case (.unsigned, nil, .some):
            add("signature", .fail, "the record is unsigned although a key is set: its origin cannot be proven")
        default:
            add("signature", .fail, "the integrity block is inconsistent (status \(integrity.status.rawValue) with\(integrity.signature == nil ? "out" : "") a signature)")
        }
    }

    private static func checkRecomputation(_ record: AuditRecord, add: (String, CheckStatus, String) -> Void) {
        let gate = record.gate
        guard record.verdict == gate.decision else {
            add("verdict", .fail, "the record's verdict \(record.verdict.rawValue) differs from the gate's \(gate.decision.rawValue)")
            return
        }
        guard let winner = gate.winner else {
            let ok = record.holdout.winner.isEmpty && gate.decision != .ship
            add("lift", ok ? .pass : .fail, ok ? "no winner reached the holdout; nothing to recompute" : "a verdict without a winner cannot ship or carry winner scores")
            return
        }
        let toResults = { (items: [ScoredItem]) in items.map { ItemResult(itemID: $0.itemID, score: $0.score) } }
        var recomputed = PairedComparison.compare(baseline: toResults(record.holdout.baseline), candidate: toResults(record.holdout.winner), candidateID: winner.candidateID, settings: gate.settings).statistics
        if recomputed != nil, let index = gate.comparisons.firstIndex(where: { $0.candidateID == winner.candidateID }) {
            let adjusted = HolmBonferroni.adjust(gate.comparisons.enumerated().map { $0.offset == index ? (recomputed?.pValue ?? 1) : ($0.element.statistics?.pValue ?? 1) })
            recomputed?.adjustedPValue = adjusted[index]
        }
        guard let stored = winner.statistics else {
            let ok = recomputed == nil && gate.decision != .ship
            add("lift", ok ? .pass : .fail, ok ? "the stored holdout gives no paired statistics, as recorded" : "the stored holdout scores give statistics the record does not contain")
            return
        }
        guard let recomputed else {
            add("lift", .fail, "the stored holdout scores do not pair up, yet the record has statistics")
            return
        }
        let close = { (a: Double, b: Double) in abs(a - b) <= 1e-9 }
        let same = recomputed.method == stored.method && recomputed.pairs == stored.pairs && close(recomputed.lift, stored.lift)
            && close(recomputed.interval.lower, stored.interval.lower) && close(recomputed.interval.upper, stored.interval.upper)
            && close(recomputed.pValue, stored.pValue) && close(recomputed.adjustedPValue, stored.adjustedPValue)
            && close(recomputed.meanBaseline, stored.meanBaseline) && close(recomputed.meanCandidate, stored.meanCandidate)
        if same {
            add("lift", .pass, "recomputed from \(recomputed.pairs) holdout pairs: lift \(GateText.fmt(recomputed.lift)), interval [\(GateText.fmt(recomputed.interval.lower)), \(GateText.fmt(recomputed.interval.upper))], p \(GateText.pValue(recomputed.pValue)) (\(recomputed.method.rawValue), seed \(recomputed.seed))")
        } else {
            add("lift", .fail, "recomputing from the holdout scores gives lift \(GateText.fmt(recomputed.lift)) [\(GateText.fmt(recomputed.interval.lower)), \(GateText.fmt(recomputed.interval.upper))] p \(GateText.pValue(recomputed.pValue)), the record says \(GateText.fmt(stored.lift)) [\(GateText.fmt(stored.interval.lower)), \(GateText.fmt(stored.interval.upper))] p \(GateText.pValue(stored.pValue))")
        }
        let shipsNow = recomputed.interval.lower > gate.settings.minLift && !recomputed.interval.hasZeroWidth && recomputed.adjustedPValue < 1 - gate.settings.confidence
        if gate.decision == .ship && !shipsNow {
            add("verdict", .fail, "the record says ship but the recomputed statistics do not clear the gate")
        }
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A sealed record with a format number, so the verifier can refuse formats it does not read.
protocol VersionedRecord: SealableRecord {
    static var currentFormat: Int { get }
    var format: Int { get }
}

extension AuditRecord: VersionedRecord {}
extension ArtifactAuditRecord: VersionedRecord {}
