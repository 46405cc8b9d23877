import Foundation
import ImproveCore

/// The environment an exec agent runs in: built from nothing, never inherited, so no provider
/// key, store password or `IMPROVE_*` setting of the parent reaches the agent. It gets what a
/// program needs to start (`PATH`, `HOME`, `LANG`, `TMPDIR`), the profile's own variables, and
/// the gateway in the variables OpenAI's SDKs read, so an unmodified OpenAI client calls the
/// gateway with the gateway's token.
enum ExecEnvironment {
    /// The variables passed through from the parent when it has them.
    static let passedThrough = ["PATH", "HOME", "LANG", "TMPDIR"]
    /// `PATH` when the parent has none.
    static let fallbackPath = "/usr/local/bin:/usr/bin:/bin"

    /// The `PATH` the agent gets, where its program is looked up.
    static func path(parent: [String: String], profile: [String: String]) -> String {
        [profile["PATH"], parent["PATH"]].compactMap { $0 }.first { !$0.isEmpty } ?? fallbackPath
    }

    /// The agent's whole environment.
    /// - Parameters:
    ///   - parent: this process's environment (injectable, for the secrets canary).
    ///   - profile: `agent.exec.environment`; it may override the passed-through variables,
    ///     never the gateway's.
    static func make(parent: [String: String], profile: [String: String], gatewayURL: URL, token: String) -> [String: String] {
        var environment: [String: String] = ["PATH": fallbackPath]
        for name in passedThrough {
            if let value = parent[name], !value.isEmpty { environment[name] = value }
        }
        environment.merge(profile) { _, new in new }
        environment["OPENAI_BASE_URL"] = gatewayURL.absoluteString
        environment["OPENAI_API_KEY"] = token
        environment["IMPROVE_AGENT_PROTOCOL"] = String(AgentProtocol.version)
        return environment
    }
}
