import Foundation
import ImproveCore

/// The run's model gateway: an OpenAI-compatible chat-completions endpoint on 127.0.0.1 that
/// every model call of a user's agent goes through, so the allowed-models guard, the
/// exactly-once journal and the budget hold inside the agent as they do for improve's own calls.
///
/// One per run. The driver makes a token per unit, ``open(_:token:)``s it before sending the
/// unit, hands the agent ``baseURL`` and the token (never a provider's key), and
/// ``close(token:)``s it when the agent has answered, to learn what the unit's calls came to.
///
/// Each `POST /v1/chat/completions`:
/// - needs `Authorization: Bearer <token>` of an open unit (401 otherwise);
/// - is refused (403) for a model outside the policy, before anything is sent or journaled,
///   and the unit's report carries the breach: the run then stops with exit 2;
/// - is a journaled model-call step keyed by the unit, trial, turn and the canonical request
///   body (and the journal's occurrence count), so a resumed run, or the same command run
///   again, replays completed calls without paying, and a new call is charged to the ledger;
/// - passes `tools`, `tool_choice` and `response_format` through and returns `tool_calls`;
/// - refuses `stream: true` (400): journaled answers are replayed whole, so the gateway does
///   not stream; agents send `stream: false`;
/// - answers a provider failure (after its client's retries) with 502, and the unit is an
///   infrastructure failure, excluded from both arms.
///
/// `GET /v1/models` lists the policy's allowed patterns.
public final class ModelGateway: Sendable {
    /// `http://127.0.0.1:<port>/v1`: what an agent's OpenAI SDK takes as its base URL.
    public let baseURL: URL
    private let server: GatewayHTTPServer
    private let units: GatewayUnits

    private init(server: GatewayHTTPServer, units: GatewayUnits) {
        self.server = server
        self.units = units
        // A loopback address with a numeric port always parses.
        self.baseURL = URL(string: "http://127.0.0.1:\(server.port)/v1") ?? URL(fileURLWithPath: "/")
    }

    /// Starts the gateway of a run on a free loopback port.
    /// - Throws: ``GatewayStartError`` or the socket's error when it cannot listen.
    public static func start(_ context: AgentRunContext) async throws -> ModelGateway {
        let units = GatewayUnits()
        let completion = GatewayCompletion(context: context, units: units)
        let allowed = context.allowed
        let server = try await GatewayHTTPServer.start { request in
            switch (request.method, request.path) {
            case ("POST", "/v1/chat/completions"):
                return await completion.respond(to: request)
            case ("GET", "/v1/models"):
                do throws(GatewayRefusal) {
                    _ = try GatewayAuthorization.token(in: request.headers)
                    return GatewayHTTPResponse(status: 200, body: GatewayCompletionReply.models(allowed))
                } catch {
                    return error.response
                }
            default:
                return GatewayRefusal.notFound(method: request.method, path: request.path).response
            }
        }
        return ModelGateway(server: server, units: units)
    }

    /// A fresh bearer token: 32 random bytes from the system's secure generator, as hex.
    /// It authorizes nothing until ``open(_:token:)``.
    public func makeToken() -> String {
        GatewayAuthorization.makeToken()
    }

    /// Calls carrying `token` belong to `unit` from now on, counted from zero.
    public func open(_ unit: AgentUnitRequest.Unit, token: String) {
        units.open(unit, token: token)
    }

    /// Stops accepting `token` (its next call gets 401) and returns what its unit's calls came to.
    public func close(token: String) -> GatewayUnitReport {
        units.close(token: token)
    }

    /// Stops listening; calls in flight are cancelled and their connections closed.
    public func stop() async {
        await server.stop()
    }
}
