import Foundation
import GRDB

/// Conversions between stored columns and values, shared by the store's files.
enum StoreCoding {
    /// Seconds since 1970 as stored in `*_at` columns. Timestamps are records, never inputs to
    /// control flow, except a step's lease expiry.
    static func now() -> Double { Date().timeIntervalSince1970 }

    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    /// Canonical text of a JSON value: stable bytes for equal values.
    static func text(_ value: JSONValue) throws -> String { try CanonicalJSON.string(value) }

    static func json(_ text: String?) throws -> JSONValue? {
        guard let text else { return nil }
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// Bytes of a step's result. Sorted keys keep equal values byte-equal in the file.
    static func encodeResult<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    static func decodeResult<Value: Decodable>(_ data: Data, as type: Value.Type) throws -> Value {
        try JSONDecoder().decode(Value.self, from: data)
    }
}
