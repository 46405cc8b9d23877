import Foundation
import ImproveCore

/// What a driver needs of the model gateway: tokens that attribute an agent's model calls to
/// the unit it is answering. The runtime passes ``ModelGateway``; tests pass stand-ins, so the
/// drivers are tested without a provider behind them.
protocol UnitGateway: Sendable {
    /// The OpenAI-compatible base URL the agent calls (`http://127.0.0.1:<port>/v1`).
    var baseURL: URL { get }
    /// A fresh bearer token (never a provider's key).
    func makeToken() -> String
    /// From now on, calls made with `token` belong to `unit`.
    func open(_ unit: AgentUnitRequest.Unit, token: String)
    /// Detaches `token` from its unit and returns what the unit's calls came to.
    func close(token: String) -> GatewayUnitReport
    /// Stops serving.
    func stop() async
}

extension ModelGateway: UnitGateway {}

extension UnitGateway {
    /// Closes the unit's token and combines the agent's answer with what the gateway saw.
    ///
    /// A breach or an infrastructure failure outranks the agent's own result: an agent refused a
    /// model, or left without an answer by its provider, typically fails next, and that failure
    /// is the gateway's doing, not the agent's. So the unit comes back as an outcome carrying the
    /// breach (the run stops) or the infrastructure error (the unit is excluded), with an empty
    /// reply when the agent failed; only a failure the gateway did not cause is thrown.
    /// - Throws: ``AgentFailure`` when the agent failed on its own.
    func finish(_ answer: Result<AgentReply, AgentFailure>, token: String) throws(AgentFailure) -> AgentUnitOutcome {
        let seen = close(token: token)
        switch answer {
        case .success(let reply):
            return AgentUnitOutcome(reply: reply, usage: seen.usage, calls: seen.calls, infrastructureError: seen.infrastructureError, breach: seen.breach)
        case .failure(let failure):
            guard seen.breach != nil || seen.infrastructureError != nil else { throw failure }
            let infrastructure = seen.infrastructureError.map { "\($0) (the agent then failed: \(failure.problem))" }
            return AgentUnitOutcome(
                reply: AgentReply(reply: ""), usage: seen.usage, calls: seen.calls, infrastructureError: infrastructure, breach: seen.breach)
        }
    }
}
