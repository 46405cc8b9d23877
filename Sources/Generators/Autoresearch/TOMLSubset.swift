import Foundation
import ImproveCore

/// The part of TOML that configuration files use: `[table]` headers, `key = value` lines with
/// bare, quoted or dotted keys, strings (basic and literal, one line), integers, floats,
/// booleans, arrays (which may span lines) and inline tables, and `#` comments.
///
/// The mirror's TOML package pulls in a test dependency that is not available, so this small
/// reader stands in. A document beyond the subset (arrays of tables, multi-line strings, dates)
/// is reported as not parsing, naming the line, so an autoresearch run on such a file says
/// why its edits are refused instead of running them blind.
enum TOMLSubset {
    static func parse(_ text: String) throws -> JSONValue {
        var root = JSONValue.object([:])
        var table: [String] = []
        var pending = ""
        var pendingLine = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if pending.isEmpty, line.isEmpty { continue }
            if pending.isEmpty, line.hasPrefix("[") {
                guard !line.hasPrefix("[["), line.hasSuffix("]") else { throw failure(index + 1, "arrays of tables and unclosed headers are not supported") }
                var scanner = Scanner(String(line.dropFirst().dropLast()), line: index + 1)
                table = try scanner.key()
                guard scanner.atEnd else { throw failure(index + 1, "unexpected text after the table name") }
                if root.value(at: table) == nil { root = root.setting(table, to: .object([:])) }
                continue
            }
            if pending.isEmpty { pendingLine = index + 1 }
            pending += (pending.isEmpty ? "" : "\n") + line
            guard balanced(pending) else { continue }
            var scanner = Scanner(pending, line: pendingLine)
            let key = try scanner.key()
            try scanner.expect("=")
            let value = try scanner.value()
            guard scanner.atEnd else { throw failure(pendingLine, "unexpected text after the value") }
            guard root.value(at: table + key) == nil else { throw failure(pendingLine, "the key \((table + key).joined(separator: ".")) is defined twice") }
            root = root.setting(table + key, to: value)
            pending = ""
        }
        guard pending.isEmpty else { throw failure(pendingLine, "an array or inline table is never closed") }
        return root
    }

    static func render(_ value: JSONValue) throws -> String {
        guard case .object = value else { throw StructuredFormatError(format: .toml, problem: "a TOML document is a table at the top") }
        var out: [String] = []
        try write(value, path: [], into: &out)
        return out.joined(separator: "\n") + "\n"
    }

    private static func write(_ value: JSONValue, path: [String], into out: inout [String]) throws {
        guard case .object(let members) = value else { return }
        let keys = members.keys.sorted()
        let tables = keys.filter { if case .object = members[$0] { return true } else { return false } }
        if !path.isEmpty {
            if !out.isEmpty { out.append("") }
            out.append("[\(path.map(quotedKey).joined(separator: "."))]")
        }
        for key in keys where !tables.contains(key) {
            out.append("\(quotedKey(key)) = \(try inline(members[key] ?? .null))")
        }
        for key in tables { try write(members[key] ?? .null, path: path + [key], into: &out) }
    }

    private static func inline(_ value: JSONValue) throws -> String {
        switch value {
        case .null: throw StructuredFormatError(format: .toml, problem: "TOML has no null value")
        case .array(let items): return "[" + (try items.map(inline)).joined(separator: ", ") + "]"
        case .object(let members): return "{ " + (try members.keys.sorted().map { "\(quotedKey($0)) = \(try inline(members[$0] ?? .null))" }).joined(separator: ", ") + " }"
        default: return try CanonicalJSON.string(value)
        }
    }

    private static func quotedKey(_ key: String) -> String {
        key.range(of: "^[A-Za-z0-9_-]+$", options: .regularExpression) != nil ? key : ((try? CanonicalJSON.string(.string(key))) ?? key)
    }

    private static func failure(_ line: Int, _ problem: String) -> StructuredFormatError {
        StructuredFormatError(format: .toml, problem: "line \(line): \(problem)")
    }

    /// The line without a `#` comment that lies outside strings.
    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var escaped = false
        for (offset, char) in line.enumerated() {
            if let open = quote {
                if escaped { escaped = false } else if char == "\\", open == "\"" { escaped = true } else if char == open { quote = nil }
            } else if char == "\"" || char == "'" {
                quote = char
            } else if char == "#" {
                return String(line.prefix(offset))
            }
        }
        return line
    }

    /// True when every bracket and brace outside strings is closed.
    private static func balanced(_ text: String) -> Bool {
        var depth = 0
        var quote: Character?
        var escaped = false
        for char in text {
            if let open = quote {
                if escaped { escaped = false } else if char == "\\", open == "\"" { escaped = true } else if char == open { quote = nil }
            } else if char == "\"" || char == "'" {
                quote = char
            } else if char == "[" || char == "{" {
                depth += 1
            } else if char == "]" || char == "}" {
                depth -= 1
            }
        }
        return depth <= 0
    }

    /// Reads keys and values from one statement.
    private struct Scanner {
        var chars: [Character]
        var position = 0
        let line: Int

        init(_ text: String, line: Int) {
            chars = Array(text)
            self.line = line
        }

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return position >= chars.count
            }
        }

        mutating func skipSpace() {
            while position < chars.count, chars[position].isWhitespace { position += 1 }
        }

        mutating func expect(_ char: Character) throws {
            skipSpace()
            guard position < chars.count, chars[position] == char else { throw TOMLSubset.failure(line, "expected \"\(char)\"") }
            position += 1
        }

        mutating func key() throws -> [String] {
            var parts: [String] = []
            repeat {
                skipSpace()
                if position < chars.count, chars[position] == "\"" || chars[position] == "'" {
                    parts.append(try string())
                } else {
                    let start = position
                    while position < chars.count, chars[position].isLetter || chars[position].isNumber || "_-".contains(chars[position]) { position += 1 }
                    guard position > start else { throw TOMLSubset.failure(line, "expected a key") }
                    parts.append(String(chars[start..<position]))
                }
                skipSpace()
            } while position < chars.count && chars[position] == "." && { position += 1; return true }()
            return parts
        }

        mutating func value() throws -> JSONValue {
            skipSpace()
            guard position < chars.count else { throw TOMLSubset.failure(line, "a key has no value") }
            switch chars[position] {
            case "\"", "'":
                return .string(try string())
            case "[":
                position += 1
                var items: [JSONValue] = []
                while true {
                    skipSpace()
                    if position < chars.count, chars[position] == "]" { position += 1; return .array(items) }
                    items.append(try value())
                    skipSpace()
                    if position < chars.count, chars[position] == "," { position += 1 } else { try expect("]"); return .array(items) }
                }
            case "{":
                position += 1
                var table = JSONValue.object([:])
                skipSpace()
                if position < chars.count, chars[position] == "}" { position += 1; return table }
                while true {
                    let name = try key()
                    try expect("=")
                    table = table.setting(name, to: try value())
                    skipSpace()
                    if position < chars.count, chars[position] == "," { position += 1 } else { try expect("}"); return table }
                }
            default:
                let start = position
                while position < chars.count, !",]}".contains(chars[position]), !chars[position].isWhitespace { position += 1 }
                let token = String(chars[start..<position])
                if token == "true" || token == "false" { return .bool(token == "true") }
                let digits = token.replacingOccurrences(of: "_", with: "")
                if let int = Int(digits) { return .number(Double(int)) }
                if let double = Double(digits), double.isFinite, digits.contains(where: { ".eE".contains($0) }) { return .number(double) }
                throw TOMLSubset.failure(line, "\"\(token)\" is not a value this reader knows (string, number, boolean, array or inline table)")
            }
        }

        mutating func string() throws -> String {
            let quote = chars[position]
            position += 1
            var out = ""
            while position < chars.count {
                let char = chars[position]
                position += 1
                if char == quote { return out }
                if char == "\n" { break }
                if quote == "\"", char == "\\", position < chars.count {
                    let escape = chars[position]
                    position += 1
                    switch escape {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\"": out.append("\"")
                    case "\\": out.append("\\")
                    default: throw TOMLSubset.failure(line, "unsupported escape \\\(escape)")
                    }
                } else {
                    out.append(char)
                }
            }
            throw TOMLSubset.failure(line, "a string is never closed")
        }
    }
}
