import Crypto
import Foundation

/// SHA-256 identities over canonical JSON.
public enum ContentHash {
    /// Lower-case hex SHA-256 of raw bytes.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Lower-case hex SHA-256 of a string's UTF-8 bytes.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }

    /// Lower-case hex SHA-256 of a value's canonical JSON.
    public static func of(_ value: JSONValue) throws -> String {
        sha256(try CanonicalJSON.encode(value))
    }

    /// Lower-case hex SHA-256 of an `Encodable` value's canonical JSON.
    public static func of(_ value: some Encodable) throws -> String {
        sha256(try CanonicalJSON.encode(value))
    }

    /// Lower-case hex HMAC-SHA256 of `data` under `key`.
    public static func hmacSHA256(_ data: Data, key: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key))
        return Data(mac).map { String(format: "%02x", $0) }.joined()
    }
}
