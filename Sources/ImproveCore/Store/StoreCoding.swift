import Foundation

/// Conversions between stored columns and values, shared by the store's semantics and its backends.
package enum StoreCoding {
    /// Seconds since 1970 as stored in `*_at` columns. Timestamps are records, never inputs to
    /// control flow, except a step's lease expiry.
    package static func now() -> Double { Date().timeIntervalSince1970 }

    /// A stored timestamp as a date.
    package static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    /// Canonical text of a JSON value: stable bytes for equal values.
    package static func text(_ value: JSONValue) throws -> String { try CanonicalJSON.string(value) }

    /// A nullable JSON column.
    package static func json(_ text: String?) throws -> JSONValue? {
        guard let text else { return nil }
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// A JSON column.
    package static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// Bytes of a step's result. Sorted keys keep equal values byte-equal in the store.
    package static func encodeResult<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    /// A step's result from its bytes.
    package static func decodeResult<Value: Decodable>(_ data: Data, as type: Value.Type) throws -> Value {
        try JSONDecoder().decode(Value.self, from: data)
    }
}
