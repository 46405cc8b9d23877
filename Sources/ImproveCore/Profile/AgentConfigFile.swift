import Foundation

/// The agent's own settings file (`agent.config` in `profile.yaml`): read and parsed into the
/// JSON object every unit carries as `profile.config`.
///
/// JSON and YAML are parsed here. TOML is not: ImproveCore has no TOML reader (the one in
/// Generators cannot be reached from here), so a caller that can parse TOML passes its parser;
/// without one, a `.toml` file is only checked to exist and be UTF-8 text.
public enum AgentConfigFile {
    /// The formats a settings file may have, from its extension.
    public enum Format: String, Sendable {
        case json, yaml, toml
    }

    /// The format of `path` by its extension, or nil for any other.
    public static func format(of path: String) -> Format? {
        switch (path as NSString).pathExtension.lowercased() {
        case "json": return .json
        case "yaml", "yml": return .yaml
        case "toml": return .toml
        default: return nil
        }
    }

    /// Reads and parses the settings file at `url` (the error names that file and the line
    /// where it stops parsing). The top level must be a mapping of settings.
    ///
    /// - Parameter toml: a TOML parser; nil returns `nil` for a `.toml` file after reading it.
    /// - Throws: ``ConfigError`` for a missing, unreadable, oversized or unparsable file.
    public static func load(
        _ url: URL, toml: ((String) throws -> JSONValue)? = nil, limits: InputLimits = .current
    ) throws -> JSONValue? {
        let path = url.path
        let text = try InputFile.text(url, maxBytes: limits.maxConfigFileBytes, limit: \.maxConfigFileBytes, limits: limits)
        let value: JSONValue
        switch format(of: path) {
        case .json:
            value = try parseJSON(text, file: path)
        case .yaml:
            value = try ConfigNode.parse(text, file: path, limits: limits).json()
        case .toml:
            guard let toml else { return nil }
            do {
                value = try toml(text)
            } catch let error as ConfigError {
                throw error
            } catch {
                throw ConfigError(file: path, line: nil, field: "", problem: "not valid TOML: \(error)")
            }
        case nil:
            throw ConfigError(file: path, line: nil, field: "", problem: "has no known settings format", hint: "name it .json, .yaml, .yml or .toml")
        }
        guard case .object = value else {
            throw ConfigError(
                file: path, line: 1, field: "", problem: "must hold a mapping of settings at the top level",
                hint: "e.g. {\"top_k\": 3}; the agent reads it as request.profile.config")
        }
        return value
    }

    /// JSON text as a value; a parse error names the line Foundation reports, when it does.
    static func parseJSON(_ text: String, file: String) throws -> JSONValue {
        do {
            // JSONSerialization first: its errors say where the text breaks (JSONDecoder's wrap
            // them in a coding path that means nothing for a hand-written file).
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "it does not parse"
            throw ConfigError(file: file, line: line(in: detail), field: "", problem: "not valid JSON: \(detail)", hint: "agent.config in profile.yaml names this file")
        }
    }

    /// The line number in a Foundation parse message such as "... around line 3, column 7."
    private static func line(in detail: String) -> Int? {
        guard let range = detail.range(of: "line ") else { return nil }
        return Int(detail[range.upperBound...].prefix { $0.isNumber })
    }
}
