import Foundation
import ImproveCore

/// The structured formats autoresearch can check and edit field by field: an artifact whose
/// file name ends in `.json`, `.yaml`/`.yml` or `.toml`.
///
/// Every candidate of such an artifact is parsed before its experiment runs (an edit that does
/// not parse is discarded as invalid and costs no experiment), and proposals drawn from a search
/// space are written by setting fields of the parsed document and rendering it again. Rendering
/// sorts keys; comments of the original are not kept in space proposals (model edits keep the
/// model's text as it is).
public enum StructuredFormat: String, Sendable, Codable, Equatable {
    case json, yaml, toml

    /// The format of a file name, or nil when the artifact is free text.
    public init?(fileName: String) {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "json": self = .json
        case "yaml", "yml": self = .yaml
        case "toml": self = .toml
        default: return nil
        }
    }

    /// Parses `text` as this format into a JSON-like tree.
    /// - Throws: ``StructuredFormatError`` naming what does not parse.
    public func parse(_ text: String) throws -> JSONValue {
        switch self {
        case .json:
            do {
                return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            } catch {
                throw StructuredFormatError(format: self, problem: Self.firstLine(of: error))
            }
        case .yaml:
            do {
                return try ConfigNode.parse(text, file: "artifact").json()
            } catch {
                throw StructuredFormatError(format: self, problem: "\(error)")
            }
        case .toml:
            return try TOMLSubset.parse(text)
        }
    }

    /// Writes `value` in this format (keys sorted, two-space indentation, final newline).
    public func render(_ value: JSONValue) throws -> String {
        switch self {
        case .json: return try JSONPretty.render(value) + "\n"
        case .yaml: return try YAMLBlock.render(value)
        case .toml: return try TOMLSubset.render(value)
        }
    }

    private static func firstLine(of error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError.map { "\($0)" } ?? context.debugDescription).split(separator: "\n").first.map(String.init) ?? "not valid JSON"
        }
        return "not valid JSON"
    }
}

/// Why a candidate does not parse as its artifact's format.
public struct StructuredFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    public var format: StructuredFormat
    public var problem: String

    public var description: String { "not valid \(format.rawValue.uppercased()): \(problem)" }
}

/// Reading and writing fields of a parsed document by dotted path (`model.lr`).
extension JSONValue {
    /// The value at `path` (object keys only), or nil when absent.
    public func value(at path: [String]) -> JSONValue? {
        guard let key = path.first else { return self }
        guard case .object(let members) = self, let child = members[key] else { return nil }
        return child.value(at: Array(path.dropFirst()))
    }

    /// A copy with `path` set to `value`, or removed when `value` is nil. Missing parent
    /// objects are created; a non-object parent is replaced by an object.
    public func setting(_ path: [String], to value: JSONValue?) -> JSONValue {
        guard let key = path.first else { return value ?? .null }
        var members: [String: JSONValue] = [:]
        if case .object(let existing) = self { members = existing }
        if path.count == 1 {
            members[key] = value
        } else {
            members[key] = (members[key] ?? .object([:])).setting(Array(path.dropFirst()), to: value)
        }
        return .object(members)
    }
}

/// Pretty JSON with sorted keys, integral numbers written as integers.
enum JSONPretty {
    static func render(_ value: JSONValue, indent: String = "") throws -> String {
        let inner = indent + "  "
        switch value {
        case .object(let members) where !members.isEmpty:
            let lines = try members.keys.sorted().map { key in
                "\(inner)\(try CanonicalJSON.string(.string(key))): \(try render(members[key] ?? .null, indent: inner))"
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
        case .array(let items) where !items.isEmpty:
            return "[\n" + (try items.map { inner + (try render($0, indent: inner)) }).joined(separator: ",\n") + "\n\(indent)]"
        default:
            return try CanonicalJSON.string(value)
        }
    }
}

/// Block-style YAML from a tree; scalars that YAML could misread are written as JSON strings
/// (a JSON string is a valid YAML double-quoted scalar).
enum YAMLBlock {
    static func render(_ value: JSONValue) throws -> String {
        switch value {
        case .object(let members) where !members.isEmpty: return try lines(value, indent: "").joined(separator: "\n") + "\n"
        case .array(let items) where !items.isEmpty: return try lines(value, indent: "").joined(separator: "\n") + "\n"
        default: return try scalar(value) + "\n"
        }
    }

    private static func lines(_ value: JSONValue, indent: String) throws -> [String] {
        switch value {
        case .object(let members):
            return try members.keys.sorted().flatMap { key -> [String] in
                let child = members[key] ?? .null
                let name = try scalar(.string(key))
                if isContainer(child) { return ["\(indent)\(name):"] + (try lines(child, indent: indent + "  ")) }
                return ["\(indent)\(name): \(try scalar(child))"]
            }
        case .array(let items):
            return try items.flatMap { item -> [String] in
                if isContainer(item) { return ["\(indent)-"] + (try lines(item, indent: indent + "  ")) }
                return ["\(indent)- \(try scalar(item))"]
            }
        default:
            return [indent + (try scalar(value))]
        }
    }

    private static func isContainer(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): return !members.isEmpty
        case .array(let items): return !items.isEmpty
        default: return false
        }
    }

    private static func scalar(_ value: JSONValue) throws -> String {
        guard case .string(let text) = value else { return try CanonicalJSON.string(value) }
        let plain = text.range(of: "^[A-Za-z_][A-Za-z0-9_./-]*$", options: .regularExpression) != nil
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"].contains(text.lowercased())
        return plain && !reserved ? text : try CanonicalJSON.string(value)
    }
}
