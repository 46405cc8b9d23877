import Foundation

/// `agent:` in `profile.yaml`: the program or service that answers each unit instead of one chat
/// completion improve makes itself. Every model call it makes goes through the run's model
/// gateway, so the allowed-models guard, the journal and the budget hold inside it too.
public struct AgentSpec: Codable, Sendable, Hashable {
    /// How improve reaches the agent.
    public enum Kind: Codable, Sendable, Hashable {
        /// A program started by improve (no shell), one long-lived process per lane speaking
        /// JSON lines on standard input and output.
        case exec(ExecAgent)
        /// A service improve POSTs each unit to.
        case http(HTTPAgent)
    }

    /// `agent.exec`: the program.
    public struct ExecAgent: Codable, Sendable, Hashable {
        /// The argv list; the first element is looked up on `PATH` (no shell). Runs in the
        /// profile directory.
        public var command: [String]
        /// Extra environment variables (values written in the file, so never secrets; the
        /// provider's keys are never passed on).
        public var environment: [String: String]

        public init(command: [String], environment: [String: String] = [:]) {
            self.command = command
            self.environment = environment
        }
    }

    /// `agent.http`: the service.
    public struct HTTPAgent: Codable, Sendable, Hashable {
        /// The URL each unit is POSTed to.
        public var url: String
        /// Header name → the environment variable holding its value (the value never sits in
        /// the file, and is redacted from every message).
        public var headers: [String: String]

        public init(url: String, headers: [String: String] = [:]) {
            self.url = url
            self.headers = headers
        }
    }

    /// Exec or HTTP.
    public var kind: Kind
    /// The most one unit (an item, or one agent turn of a dialogue) may take; past it the
    /// unit is an agent failure and an exec agent's process group is killed.
    public var timeoutSeconds: Double
    /// The agent's own settings file, relative to the profile directory (JSON, YAML or TOML),
    /// sent with every unit as `profile.config`.
    public var config: String?

    /// The default time limit of one unit.
    public static let defaultTimeoutSeconds: Double = 60

    public init(kind: Kind, timeoutSeconds: Double = AgentSpec.defaultTimeoutSeconds, config: String? = nil) {
        self.kind = kind
        self.timeoutSeconds = timeoutSeconds
        self.config = config
    }
}

/// One tool in `profile.yaml`'s `tools:`: sent to the agent with the profile; the agent
/// implements it. Names and parameter schemas stay fixed; descriptions are profile text.
public struct ToolSpec: Codable, Sendable, Hashable {
    /// The tool's name, as the model calls it.
    public var name: String
    /// When and how to use it (what a model reads).
    public var description: String
    /// The JSON Schema of its arguments (an object schema).
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: JSONValue = ["type": "object", "properties": [:]]) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}
