/// An agent that cannot be started: reported when the run starts the agent, before any unit.
public enum AgentStartError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `agent.exec.command` is an empty list.
    case emptyCommand
    /// The program is neither a file (relative to the profile directory) nor on `PATH`.
    case commandNotFound(command: String, searched: String)
    /// The program exists but may not be executed.
    case notExecutable(path: String)
    /// The program was found but the process could not be started.
    case launchFailed(command: String, reason: String)
    /// `agent.http.url` is not an absolute http(s) URL.
    case badURL(String)
    /// A header's value comes from an environment variable that is not set.
    case missingHeaderVariable(header: String, variable: String)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .emptyCommand:
            return "agent.exec.command is empty; give the program and its arguments as a list, e.g. [python3, agent.py]"
        case .commandNotFound(let command, let searched):
            return "agent command `\(command)` was not found (looked in \(searched)); give a path relative to the profile directory or a program on PATH"
        case .notExecutable(let path):
            return "agent command \(path) is not executable; chmod +x it, or name its interpreter first (e.g. [python3, agent.py])"
        case .launchFailed(let command, let reason):
            return "agent command `\(command)` could not be started: \(reason)"
        case .badURL(let url):
            return "agent.http.url `\(url)` is not an absolute http:// or https:// URL"
        case .missingHeaderVariable(let header, let variable):
            return "agent.http.headers: header \(header) takes its value from the environment variable \(variable), which is not set"
        }
    }
}
