import Foundation
import ImproveCore

/// A record sealed with a digest and, when a key is set, an HMAC signature: the run audit
/// (``AuditRecord``) and the artifact audit (``ArtifactAuditRecord``).
public protocol SealableRecord: Codable, Equatable, Sendable {
    /// Digest and signature; nil until ``AuditSigner/seal(_:key:)`` fills it.
    var integrity: AuditIntegrity? { get set }
}

extension AuditRecord: SealableRecord {}

/// Seals and writes audit records.
///
/// The file holds exactly the canonical JSON of the sealed record plus one newline. The
/// digest is SHA-256 over the canonical JSON of the record without `integrity`, the signature
/// an HMAC-SHA256 of the same bytes. Because the file must equal the canonical re-encoding of
/// what it decodes to, no byte can change without the verifier noticing: either the bytes stop
/// being canonical, or they decode to a different record and the digest no longer matches.
public enum AuditSigner {
    /// The environment variable holding the HMAC key.
    public static let keyVariable = "IMPROVE_AUDIT_KEY"

    /// The key from the environment (nil when unset or empty).
    public static func keyFromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Data? {
        guard let value = environment[keyVariable], !value.isEmpty else { return nil }
        return Data(value.utf8)
    }

    /// The canonical bytes the digest and signature cover: the record without `integrity`.
    public static func signedBytes<Record: SealableRecord>(_ record: Record) throws -> Data {
        var unsealed = record
        unsealed.integrity = nil
        return try CanonicalJSON.encode(unsealed)
    }

    /// The record with its integrity block filled: signed when `key` is given, unsigned otherwise.
    public static func seal<Record: SealableRecord>(_ record: Record, key: Data?) throws -> Record {
        let bytes = try signedBytes(record)
        // JSON numbers are doubles: a seed above 2^53 or a similar value would come back
        // different and the record would later fail verification for no fault of its reader.
        var unsealed = record
        unsealed.integrity = nil
        guard (try? JSONValue(encoding: unsealed).decode(as: Record.self)) == unsealed else {
            throw AuditRecordNotRepresentable()
        }
        var sealed = record
        sealed.integrity = AuditIntegrity(
            digest: ContentHash.sha256(bytes),
            status: key == nil ? .unsigned : .signed,
            signature: key.map { ContentHash.hmacSHA256(bytes, key: $0) },
            keyVariable: keyVariable)
        return sealed
    }

    /// The bytes of the audit file for a sealed record.
    public static func fileBytes<Record: SealableRecord>(_ sealed: Record) throws -> Data {
        try CanonicalJSON.encode(sealed) + Data("\n".utf8)
    }

    /// Seals `record` and writes it atomically to `url`; returns the sealed record.
    @discardableResult
    public static func write<Record: SealableRecord>(_ record: Record, to url: URL, key: Data?) throws -> Record {
        let sealed = try seal(record, key: key)
        try fileBytes(sealed).write(to: url, options: .atomic)
        return sealed
    }
}

/// The record holds a value JSON cannot carry exactly (typically an integer above 2^53).
public struct AuditRecordNotRepresentable: Error, CustomStringConvertible {
    public var description: String {
        "the audit record does not survive a JSON round trip (an integer above 2^53, such as a seed, is the usual cause); use a smaller seed"
    }
}
