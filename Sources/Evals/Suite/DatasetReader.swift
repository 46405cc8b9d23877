import Foundation
import ImproveCore

/// An item and where it was written, so checks made after loading can point at its line.
struct LocatedItem {
    var item: EvalItem
    var file: String
    var line: Int?
}

/// Reads items from JSONL and CSV data files; every problem names the file and line.
enum DatasetReader {
    struct Mapping {
        var id = "id"
        var input = "input"
        var expected = "expected"
        var tags: [String] = []
    }

    static func read(_ url: URL, mapping: Mapping, at node: ConfigNode, limits: InputLimits = .current) throws -> [LocatedItem] {
        let kind = url.pathExtension.lowercased()
        guard ["jsonl", "ndjson", "csv"].contains(kind) else {
            throw node.error("unsupported data file type .\(url.pathExtension)", hint: "use .jsonl or .csv")
        }
        let text = try InputFile.text(url, maxBytes: limits.maxDataFileBytes, limit: \.maxDataFileBytes, limits: limits)
        return kind == "csv"
            ? try csv(text, file: url.path, mapping: mapping, limits: limits)
            : try jsonl(text, file: url.path, mapping: mapping, limits: limits)
    }

    static func jsonl(_ text: String, file: String, mapping: Mapping, limits: InputLimits = .current) throws -> [LocatedItem] {
        var items: [LocatedItem] = []
        var lines: [String: Int] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let lineNumber = index + 1
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8)), let object = value.objectValue else {
                throw ConfigError(file: file, line: lineNumber, field: "", problem: "not a JSON object", hint: "each line must be one object like {\"id\": ..., \"input\": ..., \"expected\": ...}")
            }
            var fields: [String: String] = [:]
            for (key, member) in object { fields[key] = scalarText(member) }
            let item = try item(fields, file: file, line: lineNumber, mapping: mapping)
            try checkUnique(item.id, file: file, line: lineNumber, seen: &lines)
            try ItemLimits.check(item, file: file, line: lineNumber, limits: limits, count: items.count + 1)
            items.append(LocatedItem(item: item, file: file, line: lineNumber))
        }
        return items
    }

    /// Duplicate ids inside one data file are reported at the second occurrence's line.
    private static func checkUnique(_ id: String, file: String, line: Int, seen: inout [String: Int]) throws {
        if let first = seen[id] {
            throw ConfigError(file: file, line: line, field: "", problem: "duplicate item id \"\(id)\" (first at line \(first))", hint: "ids must be unique across the suite")
        }
        seen[id] = line
    }

    static func csv(_ text: String, file: String, mapping: Mapping, limits: InputLimits = .current) throws -> [LocatedItem] {
        let rows = CSVParser.rows(text)
        guard let header = rows.first else { return [] }
        var items: [LocatedItem] = []
        var lines: [String: Int] = [:]
        for row in rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            guard row.fields.count == header.fields.count else {
                throw ConfigError(file: file, line: row.line, field: "", problem: "has \(row.fields.count) columns, the header has \(header.fields.count)", hint: "quote fields that contain commas")
            }
            let item = try item(Dictionary(zip(header.fields, row.fields), uniquingKeysWith: { first, _ in first }), file: file, line: row.line, mapping: mapping)
            try checkUnique(item.id, file: file, line: row.line, seen: &lines)
            try ItemLimits.check(item, file: file, line: row.line, limits: limits, count: items.count + 1)
            items.append(LocatedItem(item: item, file: file, line: row.line))
        }
        return items
    }

    private static func item(_ raw: [String: String], file: String, line: Int, mapping: Mapping) throws -> EvalItem {
        guard let id = raw[mapping.id], !id.isEmpty else {
            throw ConfigError(file: file, line: line, field: mapping.id, problem: "missing item id", hint: "every row needs a stable id in the \"\(mapping.id)\" field")
        }
        guard raw[mapping.input] != nil else {
            throw ConfigError(file: file, line: line, field: mapping.input, problem: "missing input field \"\(mapping.input)\"")
        }
        var fields = raw
        fields.removeValue(forKey: mapping.id)
        let expected = fields.removeValue(forKey: mapping.expected)
        if mapping.input != "input", let input = fields.removeValue(forKey: mapping.input) { fields["input"] = input }
        let tags = mapping.tags.compactMap { fields[$0] }
        return EvalItem(id: id, fields: fields, expected: expected, tags: tags)
    }

    private static func scalarText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return (try? CanonicalJSON.format(number)) ?? "\(number)"
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        default: return (try? CanonicalJSON.string(value)) ?? ""
        }
    }
}

/// RFC 4180 CSV rows with the line each row starts on.
enum CSVParser {
    struct Row {
        var fields: [String]
        var line: Int
    }

    static func rows(_ text: String) -> [Row] {
        var rows: [Row] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let char = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if char == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else {
                    if char == "\n" { line += 1 }
                    field.append(char)
                }
                continue
            }
            switch char {
            case "\"": inQuotes = true
            case ",": fields.append(field); field = ""
            case "\r\n", "\n":
                fields.append(field)
                rows.append(Row(fields: fields, line: rowLine))
                fields = []
                field = ""
                line += 1
                rowLine = line
            case "\r": break
            default: field.append(char)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(Row(fields: fields, line: rowLine))
        }
        return rows
    }
}
