import Foundation

/// A canonical JSON serialisation: one byte sequence per value, so hashes are identities.
///
/// Foundation's `JSONEncoder` promises no canonical form (key order, number spelling and
/// escaping vary across platforms and releases), so content hashes use this encoder instead.
/// The rules, pinned by test vectors:
/// - object keys sorted by their UTF-8 bytes; no whitespace anywhere;
/// - integral numbers with magnitude below 10^16 written as integers (`-0` as `0`); other finite
///   numbers in the shortest round-trip form with a lower-case exponent without padding
///   (`1e-7`, `1.5e+300`); NaN and infinities refused;
/// - strings escape `"` and `\`, use `\b \f \n \r \t` and `\u00XX` (lower-case hex) for the
///   other control characters, and write everything else, `/` and non-ASCII included, as UTF-8.
public enum CanonicalJSON {
    /// Raised for values JSON cannot represent.
    public struct NonFiniteNumber: Error, CustomStringConvertible, Equatable {
        public let value: Double
        public var description: String { "canonical JSON cannot represent the number \(value)" }
    }

    /// The canonical bytes of a JSON value.
    public static func encode(_ value: JSONValue) throws -> Data {
        var out = String()
        out.reserveCapacity(256)
        try write(value, into: &out)
        return Data(out.utf8)
    }

    /// The canonical bytes of any `Encodable` value.
    public static func encode(_ value: some Encodable) throws -> Data {
        try encode(JSONValue(encoding: value))
    }

    /// The canonical text of a JSON value.
    public static func string(_ value: JSONValue) throws -> String {
        var out = String()
        try write(value, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout String) throws {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += try format(number)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                try write(element, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                // The key comes from `members.keys`, so the lookup cannot miss.
                try write(members[key] ?? .null, into: &out)
            }
            out += "}"
        }
    }

    /// Formats a finite number by the rules in the type's documentation.
    public static func format(_ number: Double) throws -> String {
        guard number.isFinite else { throw NonFiniteNumber(value: number) }
        // Below 10^16 every integral Double is exact as an Int64. Swift's own description
        // switches between "9007199254740992.0" and "9.999999999999998e+15" inside that range,
        // so the integer spelling is forced up to where the exponent form takes over.
        if number == number.rounded(), abs(number) < 1e16 {
            return String(Int64(number))
        }
        var text = "\(number)"
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let mantissa = text[..<e]
            var exponent = text[text.index(after: e)...]
            var sign = "+"
            if exponent.first == "-" || exponent.first == "+" {
                sign = String(exponent.removeFirst())
            }
            let digits = exponent.drop(while: { $0 == "0" })
            text = "\(mantissa)e\(sign)\(digits.isEmpty ? "0" : String(digits))"
        }
        return text
    }

    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
