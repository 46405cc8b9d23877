import Foundation
import ImproveCore

/// `type: command` — a child process grades the output (``CommandScorer``).
public struct CommandScorerKind: ScorerKind {
    /// Creates the kind.
    public init() {}
    /// `command`.
    public var type: String { "command" }
    /// `command` and `timeout`.
    public var parameterKeys: [String] { ["command", "timeout"] }

    /// A ``CommandScorer``; `command` is a shell line or a list of arguments, `timeout` in
    /// seconds (default 30).
    public func make(_ config: ScorerConfig, environment: ScorerEnvironment) throws -> any Scorer {
        let p = config.params
        let arguments: [String]
        if let text = p["command"]?.stringValue, !text.isEmpty {
            arguments = [text]
        } else if let list = p["command"]?.arrayValue?.compactMap(\.stringValue), !list.isEmpty {
            arguments = list
        } else {
            throw ScorerError(scorer: config.name, problem: "a command scorer needs command: a shell line or a list of arguments")
        }
        let timeout = p["timeout"]?.doubleValue ?? 30
        guard timeout > 0 else { throw ScorerError(scorer: config.name, problem: "timeout must be positive (seconds)") }
        return CommandScorer(name: config.name, arguments: arguments, timeoutSeconds: timeout, environment: environment)
    }
}
