import Foundation
import ImproveCore

/// Checks a declared ``SearchSpace`` against the file it edits, before a run writes anything.
///
/// The sampler sets fields by path and creates what is missing, so without this check a
/// misspelt field (`codek:` for `codec:`) is added to the file as a new key and the run goes on
/// without ever trying the field meant; and a file that does not parse is found only when its
/// baseline experiment crashes, after the run was stored.
public enum SpaceFieldCheck {
    /// Parses `content` and checks that every field of `space` is in it, holding one value (not
    /// an object or a list) of a kind the field's domain gives.
    /// - Parameters:
    ///   - file: the artifact as `artifact.yaml` names it (`config.json`); its format comes from
    ///     the extension, and a file of no structured format has nothing to check.
    ///   - directory: where `file` lives, for the path a parse error names.
    ///   - specFile: `artifact.yaml`'s path, as errors about a field name it.
    ///   - lines: the line in `specFile` of each space field, by path (an error leaves the line
    ///     out when it is not here).
    /// - Throws: `ConfigError`: naming `file` with the line and column where it stops parsing,
    ///   or naming `specFile`, the line and the space field that does not fit, with a "did you
    ///   mean" when a field of the file is a likely typo away.
    public static func check(_ space: SearchSpace, content: String, file: String, directory: URL, specFile: String, lines: [String: Int] = [:]) throws {
        guard let format = StructuredFormat(fileName: file) else { return }
        let document = try format.parseLocated(
            content, file: directory.appendingPathComponent(file).path,
            hint: "autoresearch sets the space: fields of \((specFile as NSString).lastPathComponent) in this file, so it must parse; fix it and run again")
        for parameter in space.parameters {
            let fail = { (problem: String, hint: String) in
                ConfigError(file: specFile, line: lines[parameter.path], field: "space.\(parameter.path)", problem: problem, hint: hint)
            }
            let value = try field(parameter.keys, of: document, file: file, fail: fail)
            try checkKind(of: value, at: parameter, file: file, fail: fail)
        }
    }

    /// The value at `keys`, or the error that says which key is missing and what is there.
    private static func field(_ keys: [String], of document: JSONValue, file: String, fail: (String, String) -> ConfigError) throws -> JSONValue {
        var value = document
        for (depth, key) in keys.enumerated() {
            let parent = keys.prefix(depth).joined(separator: ".")
            guard case .object(let members) = value else {
                if parent.isEmpty {
                    throw fail("\(file) holds \(kind(of: value)) at the top, not an object with fields", "space: names fields of a top-level object; remove space: to let the model edit this file")
                }
                throw fail("\"\(parent)\" in \(file) is \(kind(of: value)), not an object, so it has no field \"\(key)\"", "a dotted path steps into nested objects; name \"\(parent)\" itself, or a field of an object")
            }
            guard let child = members[key] else {
                let present = members.keys.sorted()
                var hint = ""
                if let near = KeySuggestion.closest(to: key, among: present) {
                    hint = "did you mean \"\((keys.prefix(depth) + [near] + keys.dropFirst(depth + 1)).joined(separator: "."))\"? "
                }
                let owner = parent.isEmpty ? file : "\"\(parent)\" in \(file)"
                hint += present.isEmpty ? "\(owner) has no fields; " : "\(owner) has \(list(present)); "
                hint += "space: only sets fields the file already has, so correct the name in space: or add the field to \(file)"
                throw fail("\(file) has no field \"\((keys.prefix(depth) + [key]).joined(separator: "."))\"", hint)
            }
            value = child
        }
        return value
    }

    /// The field must hold one value the domain could replace without changing its kind: a
    /// number for a range, the kind of one of the choices for choices. Null passes (a default).
    private static func checkKind(of value: JSONValue, at parameter: SearchSpace.Parameter, file: String, fail: (String, String) -> ConfigError) throws {
        let name = "\"\(parameter.path)\" in \(file)"
        switch value {
        case .null:
            return
        case .object(let members):
            let inside = members.keys.sorted().first.map { "name a field inside it, such as \"\(parameter.path).\($0)\"" } ?? "name a field that holds one value"
            throw fail("\(name) is an object, which space: would replace by a single value", inside)
        case .array:
            throw fail("\(name) is a list, which space: would replace by a single value", "space: sets text, numbers and booleans; remove this field from space:")
        case .bool, .number, .string:
            break
        }
        switch parameter.domain {
        case .integer, .real:
            if case .number = value { return }
            throw fail("\(name) is \(kind(of: value)), but its range gives numbers", "write a number in \(file), or list the values under choices:")
        case .choices(let options):
            guard !options.contains(where: { sameKind($0, value) }) else { return }
            throw fail("\(name) is \(kind(of: value)), and none of its choices is", "write the choices as \(file) holds the value: quote a number to make it text, unquote it to make it a number")
        }
    }

    private static func sameKind(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.bool, .bool), (.number, .number), (.string, .string): return true
        default: return false
        }
    }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "a boolean (\(flag))"
        case .number: return "a number (\((try? CanonicalJSON.string(value)) ?? "?"))"
        case .string(let text): return "text (\((try? CanonicalJSON.string(.string(String(text.prefix(40))))) ?? "?"))"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// Up to ten keys, for a hint that fits on a line.
    private static func list(_ keys: [String]) -> String {
        keys.count <= 10 ? keys.joined(separator: ", ") : keys.prefix(10).joined(separator: ", ") + " and \(keys.count - 10) more"
    }
}
