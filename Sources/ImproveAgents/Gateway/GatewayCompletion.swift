import Foundation
import ImproveCore

/// Serves one `POST /v1/chat/completions`: the token names the unit, the policy allows the
/// model, the journal answers a call already paid for, and the unit's report counts it.
struct GatewayCompletion: Sendable {
    /// The journal signature's layout version; raise it if what a signature means changes.
    static let signatureScheme = 1
    /// The role the policy's refusals name for calls made inside the user's agent.
    static let role = "agent"

    let context: AgentRunContext
    let units: GatewayUnits

    /// The answer to `request`: a `chat.completion` or an OpenAI-shaped error.
    func respond(to request: GatewayHTTPRequest) async -> GatewayHTTPResponse {
        do {
            return try await complete(request)
        } catch {
            return error.response
        }
    }

    private func complete(_ http: GatewayHTTPRequest) async throws(GatewayRefusal) -> GatewayHTTPResponse {
        let token = try GatewayAuthorization.token(in: http.headers)
        guard let unit = units.unit(for: token) else { throw GatewayAuthorization.notOpen }
        let body = try GatewayChatBody(http.body, taskModel: context.taskModel)

        // Checked here as well as by the guard below, so a refused call reaches neither the
        // journal nor the provider.
        do {
            try context.allowed.check(body.request.model, role: Self.role)
        } catch {
            throw refuse(error, token: token)
        }
        let response: ChatResponse
        do {
            let signature: JSONValue = [
                "scheme": .number(Double(Self.signatureScheme)),
                "agentCall": ["unit": .string(unit.id), "trial": .number(Double(unit.trial)), "turn": .number(Double(unit.turn)), "request": body.canonical],
            ]
            let raw = try context.makeClient(body.request.model)
            // The guard outside the journal, as for improve's own roles: a replayed answer's
            // served model is checked against today's policy too.
            let client = GuardedModelClient(AgentCallClient(inner: raw, journal: context.journal, signature: signature), allowed: context.allowed, role: Self.role)
            response = try await client.complete(body.request)
        } catch {
            throw refuse(error, token: token)
        }
        units.answered(token: token, usage: response.usage)
        return GatewayHTTPResponse(status: 200, body: GatewayCompletionReply.encode(response, id: Self.replyID(body.canonical, unit: unit)))
    }

    /// The refusal for a failed call, recorded in the unit's report when it is the policy's
    /// or the provider's.
    private func refuse(_ error: any Error, token: String) -> GatewayRefusal {
        let redactor = Redactor.fromEnvironment()
        switch error {
        case let error as ModelError:
            switch error {
            case .notAllowed(let model, let allowed, _):
                units.breached(token: token, error)
                return .forbidden(
                    "model \(model) is not allowed by the policy (allowed: \(allowed.isEmpty ? "none" : allowed.joined(separator: ", "))); ask for the profile's model \(context.taskModel.qualifiedName) or another allowed one, or add \(model) to allowedModels in policy.yaml. The run stops and ships nothing.")
            case .badRequest(_, _, let detail):
                // The provider refused what the agent asked for (bad tool schema, context too
                // long): the agent's mistake, answered as one, not an infrastructure failure.
                return .badRequest(redactor.redact("the provider refused the request: \(detail)"))
            case .unknownProvider(let name, let known):
                return .badRequest("no provider named \(name) is configured (known: \(known.joined(separator: ", "))); ask for provider/id with a configured provider, or the bare id of the profile's model")
            default:
                let reason = redactor.redact(error.description)
                units.failed(token: token, reason: reason)
                return .upstream(reason)
            }
        case is CancellationError:
            return .stopping
        case let error as StoreError:
            let reason = redactor.redact(error.description)
            units.failed(token: token, reason: reason)
            return .internalError("the run's journal failed: \(reason)")
        default:
            let reason = redactor.redact(String(describing: error))
            units.failed(token: token, reason: reason)
            return .upstream(reason)
        }
    }

    /// A completion id without clock or randomness: the same call gets the same id on replay.
    private static func replyID(_ canonical: JSONValue, unit: AgentUnitRequest.Unit) -> String {
        let key: JSONValue = ["unit": .string(unit.id), "trial": .number(Double(unit.trial)), "turn": .number(Double(unit.turn)), "request": canonical]
        return "chatcmpl-improve-" + ((try? ContentHash.of(key)).map { String($0.prefix(24)) } ?? "0")
    }
}

/// The provider's client run as one journaled step under the agent call's signature: a call
/// already completed (by this run before it was killed, or by the same command before) is
/// answered from the store, and a new one is charged to the ledger once.
private struct AgentCallClient: ModelClient {
    let inner: any ModelClient
    let journal: any StepJournal
    let signature: JSONValue

    func complete(_ request: ChatRequest) async throws -> ChatResponse {
        let inner = inner
        return try await journal.step(.agentCall, signature: signature, as: ChatResponse.self) {
            let response = try await inner.complete(request)
            let charge = LedgerCharge(
                model: request.model.qualifiedName, inputTokens: response.usage.inputTokens,
                outputTokens: response.usage.outputTokens, cost: response.usage.cost)
            return StepOutput(response, charge: charge)
        }
    }
}
