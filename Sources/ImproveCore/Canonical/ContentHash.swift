import Crypto
import Foundation

/// SHA-256 identities over canonical JSON.
public enum ContentHash {
    /// Lower-case hex SHA-256 of raw bytes.
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
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
        return hex(mac)
    }

    /// Lower-case hex of bytes. Not `String(format:)`: hashing is on the journal's hot path,
    /// where formatting each byte through Foundation cost more than the SHA-256 itself.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
