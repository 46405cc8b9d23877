import Foundation
import ImproveCore

extension AgentRuntime {
    /// The runtime `improve-cli` uses: a model gateway on 127.0.0.1 for the run, and the exec or
    /// HTTP driver the profile's `agent:` block names.
    public static var standard: AgentRuntime {
        AgentRuntime { context in
            throw AgentFailure(problem: "the agent runtime is not built yet")
        }
    }
}
