import Foundation
import Yams

/// A YAML node that remembers where it came from, with typed accessors that fail with a
/// ``ConfigError`` naming the file, line and field path.
public struct ConfigNode {
    let node: Node
    /// The file this node was read from.
    public let file: String
    /// The dotted field path of this node inside the file.
    public let path: String

    /// 1-based line of this node in its file.
    public var line: Int? { node.mark.map { $0.line } }

    /// Parses `text` (the contents of `file`) into its root node, within `limits` (alias count,
    /// expanded size, nesting depth; see ``YAMLGuard``).
    public static func parse(_ text: String, file: String, limits: InputLimits = .current) throws -> ConfigNode {
        do {
            if text.utf8.count > limits.maxConfigFileBytes {
                throw ConfigError(file: file, line: nil, field: "", problem: "is \(text.utf8.count) bytes, over the limit", hint: InputLimits.hint(\.maxConfigFileBytes, in: limits, unit: "bytes"))
            }
            try YAMLGuard.scan(text, file: file, limits: limits)
            guard let root = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, line: nil, field: "", problem: "the file is empty")
            }
            try YAMLGuard.measure(root, file: file, limits: limits)
            return ConfigNode(node: root, file: file, path: "")
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, let context) = error {
                throw ConfigError(
                    file: file, line: context.mark.line, field: "", problem: "the key \"\(duplicates.first ?? "?")\" appears twice in one mapping",
                    hint: "YAML keeps only one of them; remove or rename the other")
            }
            throw ConfigError(file: file, line: Self.line(of: error), field: "", problem: "not valid YAML: \(Self.summary(of: error))")
        } catch {
            throw ConfigError(file: file, line: nil, field: "", problem: "not valid YAML: \(error)")
        }
    }

    /// Reads and parses a YAML file: at most `limits.maxConfigFileBytes`, UTF-8 only.
    public static func load(contentsOf url: URL, limits: InputLimits = .current) throws -> ConfigNode {
        let text = try InputFile.text(url, maxBytes: limits.maxConfigFileBytes, limit: \.maxConfigFileBytes, limits: limits)
        return try parse(text, file: url.path, limits: limits)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    /// The problem Yams names, without the copy of the file it appends (which could be
    /// megabytes, and is the user's own text anyway).
    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        case .reader(let problem, _, _, _):
            return problem
        default:
            return String(String(describing: error).prefix(300))
        }
    }

    /// An error located at this node.
    public func error(_ problem: String, hint: String? = nil) -> ConfigError {
        ConfigError(file: file, line: line, field: path, problem: problem, hint: hint)
    }

    private func child(_ node: Node, _ suffix: String) -> ConfigNode {
        ConfigNode(node: node, file: file, path: path.isEmpty ? suffix : (suffix.hasPrefix("[") ? path + suffix : path + "." + suffix))
    }

    private var kindName: String {
        switch node {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// True for an explicit YAML null (`~`, `null`, or an empty value).
    public var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The node as text. Plain numbers and booleans are accepted as their spelling.
    public func string() throws -> String {
        guard case .scalar(let scalar) = node, !isNull else {
            throw error("expected text, found \(isNull ? "nothing" : kindName)")
        }
        return scalar.string
    }

    /// The node as a non-empty text.
    public func nonEmptyString() throws -> String {
        let text = try string()
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw error("must not be empty") }
        return text
    }

    /// The node as an integer.
    public func int() throws -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            throw error("expected a whole number, found \(describe())")
        }
        return value
    }

    /// The node as a number.
    public func double() throws -> Double {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string), value.isFinite else {
            throw error("expected a number, found \(describe())")
        }
        return value
    }

    /// The node as a boolean: exactly `true` or `false`. YAML 1.1's `yes`, `no`, `on`, `off`
    /// are refused rather than guessed, since YAML 1.2 tools read them as text.
    public func bool() throws -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            throw error("expected true or false, found \(describe())")
        }
        switch scalar.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            if ["yes", "no", "on", "off", "y", "n"].contains(scalar.string.lowercased()) {
                throw error("\"\(scalar.string)\" is ambiguous (YAML 1.1 reads it as a boolean, YAML 1.2 as text)", hint: "write true or false")
            }
            throw error("expected true or false, found \(describe())")
        }
    }

    /// The node as a number within `range`.
    public func double(in range: ClosedRange<Double>) throws -> Double {
        let value = try double()
        guard range.contains(value) else {
            throw error("\(value) is out of range", hint: "use a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// The node as an integer within `range`.
    public func int(in range: ClosedRange<Int>) throws -> Int {
        let value = try int()
        guard range.contains(value) else {
            throw error("\(value) is out of range", hint: "use a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// The node as one of a fixed set of words.
    public func oneOf(_ allowed: [String]) throws -> String {
        let value = try string()
        guard allowed.contains(value) else {
            throw error("unknown value \"\(value)\"", hint: "use one of: \(allowed.joined(separator: ", "))")
        }
        return value
    }

    /// The node's elements when it is a list.
    public func list() throws -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(kindName)") }
        return sequence.enumerated().map { child($1, "[\($0)]") }
    }

    /// The node as a list of strings.
    public func stringList() throws -> [String] {
        try list().map { try $0.string() }
    }

    /// The node's members when it is a mapping.
    public func mapping() throws -> ConfigMapping {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of fields, found \(kindName)") }
        var members: [(key: String, value: ConfigNode)] = []
        var seen = Set<String>()
        for (keyNode, valueNode) in mapping {
            let key = keyNode.scalar?.string ?? ""
            let located = child(valueNode, key)
            guard seen.insert(key).inserted else {
                throw ConfigError(file: file, line: keyNode.mark?.line, field: located.path, problem: "the key \"\(key)\" appears twice")
            }
            members.append((key, located))
        }
        return ConfigMapping(owner: self, members: members)
    }

    /// The node as free-form JSON (for metadata and structured strategy fields).
    public func json() throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if isNull { return .null }
            if scalar.style == .plain {
                if let value = Int(scalar.string) { return .number(Double(value)) }
                if let value = Double(scalar.string), value.isFinite { return .number(value) }
                if ["true", "false"].contains(scalar.string) { return .bool(scalar.string == "true") }
            }
            return .string(scalar.string)
        case .sequence:
            return .array(try list().map { try $0.json() })
        case .mapping:
            var object: [String: JSONValue] = [:]
            for (key, value) in try mapping().members { object[key] = try value.json() }
            return .object(object)
        case .alias:
            throw error("YAML aliases are not supported here", hint: "write the value out")
        }
    }

    private func describe() -> String {
        if case .scalar(let scalar) = node { return isNull ? "nothing" : "\"\(scalar.string)\"" }
        return kindName
    }
}

/// The members of a YAML mapping, in file order.
public struct ConfigMapping {
    /// The mapping node itself, for errors about missing keys.
    public let owner: ConfigNode
    /// Key and value pairs in the order the file gives them.
    public let members: [(key: String, value: ConfigNode)]

    /// The keys present.
    public var keys: [String] { members.map(\.key) }

    /// The value for `key`, or nil when absent or explicitly null.
    public func optional(_ key: String) -> ConfigNode? {
        guard let value = members.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    /// The value for `key`; a missing key is an error naming it.
    public func required(_ key: String, hint: String? = nil) throws -> ConfigNode {
        guard let value = optional(key) else {
            let field = owner.path.isEmpty ? key : "\(owner.path).\(key)"
            throw ConfigError(file: owner.file, line: owner.line, field: field, problem: "is required but missing", hint: hint)
        }
        return value
    }

    /// Fails on the first key not in `allowed`, naming the keys that are.
    public func rejectUnknownKeys(_ allowed: [String]) throws {
        for (key, value) in members where !allowed.contains(key) {
            let suggestion = allowed.min(by: { editDistance($0, key) < editDistance($1, key) })
            var hint = "allowed keys: \(allowed.joined(separator: ", "))"
            if let suggestion, editDistance(suggestion, key) <= 2 { hint = "did you mean \"\(suggestion)\"? " + hint }
            throw ConfigError(file: value.file, line: value.line, field: value.path, problem: "unknown key \"\(key)\"", hint: hint)
        }
    }
}

/// Levenshtein distance, for "did you mean" hints on short keys.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
