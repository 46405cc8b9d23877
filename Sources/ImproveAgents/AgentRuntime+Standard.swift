import Foundation
import ImproveCore

extension AgentRuntime {
    /// The runtime `improve-cli` uses: a model gateway on 127.0.0.1 for the run, and the exec or
    /// HTTP driver the profile's `agent:` block names. The driver owns the gateway: its
    /// ``AgentDriver/close()`` stops the lanes, then the gateway.
    public static var standard: AgentRuntime {
        AgentRuntime { context in
            let gateway = try await ModelGateway.start(context)
            do {
                switch context.spec.kind {
                case .exec(let exec):
                    return try await ExecAgentDriver.start(context, exec: exec, gateway: gateway)
                case .http(let http):
                    return try HTTPAgentDriver(context, http: http, gateway: gateway)
                }
            } catch {
                await gateway.stop()
                throw error
            }
        }
    }
}
