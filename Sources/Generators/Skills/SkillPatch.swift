import Foundation
import ImproveCore

/// A bounded patch to a skill body: operations anchored on existing lines.
///
/// The reflection model writes it in either of two forms.
///
/// Text, one operation per block (`+ ` lines carry the new text):
/// ```
/// ADD AFTER: <anchor line>
/// + first new line
/// + second new line
/// DELETE: <anchor line>
/// REPLACE: <anchor line>
/// + replacement line
/// ```
///
/// JSON: `{"operations": [{"op": "add_after" | "delete" | "replace", "anchor": "...", "text": "..."}]}`.
///
/// An anchor matches a body line whose text, with surrounding whitespace trimmed, equals
/// the anchor trimmed the same way; it must match exactly one line.
public struct SkillPatch: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, Equatable {
        case addAfter = "add_after"
        case delete
        case replace
    }

    /// One anchored operation.
    public struct Operation: Sendable, Equatable, Codable {
        public var kind: Kind
        public var anchor: String
        /// The lines to add or put in place of the anchor (empty for delete).
        public var text: String

        public init(kind: Kind, anchor: String, text: String = "") {
            self.kind = kind
            self.anchor = anchor
            self.text = text
        }

        /// A one-line summary for prompts and rationales.
        public var summary: String {
            switch kind {
            case .addAfter: return "add after \"\(anchor)\": \"\(text)\""
            case .delete: return "delete \"\(anchor)\""
            case .replace: return "replace \"\(anchor)\" with \"\(text)\""
            }
        }
    }

    public var operations: [Operation]

    public init(operations: [Operation]) {
        self.operations = operations
    }

    /// The format description shown to the reflection model.
    public static let formatHelp = """
        Reply with a patch, one operation per block, anchors copied exactly from existing lines:
        ADD AFTER: <an existing line>
        + <new line>
        DELETE: <an existing line>
        REPLACE: <an existing line>
        + <the line that replaces it>
        """

    /// Parses a reply in the text or JSON form (either may sit in a code fence).
    public static func parse(_ reply: String) throws -> SkillPatch {
        let body = unfenced(reply)
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") { return try parseJSON(trimmed) }
        return try parseText(body)
    }

    private static func unfenced(_ reply: String) -> String {
        let lines = reply.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let open = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") }) else { return reply }
        let rest = lines[(open + 1)...]
        let close = rest.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") } ?? rest.endIndex
        return rest[rest.startIndex..<close].joined(separator: "\n")
    }

    private struct JSONPatch: Decodable {
        struct Op: Decodable {
            var op: String
            var anchor: String
            var text: String?
        }
        var operations: [Op]
    }

    static func parseJSON(_ text: String) throws -> SkillPatch {
        let decoded: JSONPatch
        do {
            decoded = try JSONDecoder().decode(JSONPatch.self, from: Data(text.utf8))
        } catch {
            throw SkillPatchError.malformed(line: 1, text: String(text.prefix(80)), problem: "not a JSON patch of the form {\"operations\": [{\"op\", \"anchor\", \"text\"}]}")
        }
        let operations = try decoded.operations.enumerated().map { index, op in
            guard let kind = Kind(rawValue: op.op) else {
                throw SkillPatchError.malformed(line: 1, text: op.op, problem: "operation \(index + 1) has unknown op \"\(op.op)\" (use add_after, delete or replace)")
            }
            if kind != .delete, (op.text ?? "").isEmpty {
                throw SkillPatchError.malformed(line: 1, text: op.anchor, problem: "operation \(index + 1) (\(kind.rawValue)) has no text")
            }
            return Operation(kind: kind, anchor: op.anchor, text: kind == .delete ? "" : (op.text ?? ""))
        }
        guard !operations.isEmpty else { throw SkillPatchError.empty }
        return SkillPatch(operations: operations)
    }

    static func parseText(_ text: String) throws -> SkillPatch {
        var operations: [Operation] = []
        var current: (kind: Kind, anchor: String, lines: [String], line: Int)?

        func finish() throws {
            guard let open = current else { return }
            if open.kind != .delete, open.lines.isEmpty {
                throw SkillPatchError.malformed(line: open.line, text: open.anchor, problem: "\(open.kind == .addAfter ? "ADD AFTER" : "REPLACE") needs at least one `+ ` line after it")
            }
            if open.kind == .delete, !open.lines.isEmpty {
                throw SkillPatchError.malformed(line: open.line, text: open.anchor, problem: "DELETE takes no `+ ` lines")
            }
            operations.append(Operation(kind: open.kind, anchor: open.anchor, text: open.lines.joined(separator: "\n")))
            current = nil
        }

        let directives: [(String, Kind)] = [("ADD AFTER:", .addAfter), ("DELETE:", .delete), ("REPLACE:", .replace)]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let (prefix, kind) = directives.first(where: { trimmed.uppercased().hasPrefix($0.0) }) {
                try finish()
                let anchor = String(trimmed.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
                guard !anchor.isEmpty else {
                    throw SkillPatchError.malformed(line: index + 1, text: line, problem: "the operation names no anchor line")
                }
                current = (kind, anchor, [], index + 1)
            } else if trimmed.hasPrefix("+") {
                guard current != nil else {
                    throw SkillPatchError.malformed(line: index + 1, text: line, problem: "a `+ ` line outside any operation")
                }
                var added = trimmed.dropFirst()
                if added.hasPrefix(" ") { added = added.dropFirst() }
                current?.lines.append(String(added))
            } else if !trimmed.isEmpty, current != nil {
                // Prose after an operation ends it; models like to explain themselves.
                try finish()
            }
        }
        try finish()
        guard !operations.isEmpty else { throw SkillPatchError.empty }
        return SkillPatch(operations: operations)
    }
}

/// Why a patch reply could not be read at all.
public enum SkillPatchError: Error, CustomStringConvertible, Equatable, Sendable {
    case empty
    case malformed(line: Int, text: String, problem: String)

    public var description: String {
        switch self {
        case .empty:
            return "the reply holds no patch operation (ADD AFTER:, DELETE:, REPLACE: or a JSON operations list)"
        case .malformed(let line, let text, let problem):
            return "patch line \(line) (\"\(text)\"): \(problem)"
        }
    }
}
