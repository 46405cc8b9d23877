import Foundation
import ImproveCore

/// An answer the gateway gives instead of a completion, in OpenAI's error shape
/// (`{"error": {"message", "type"}}`) so an agent's OpenAI SDK raises it with the message intact.
/// Every message names the fix, and passes through the redactor: it may quote a provider's
/// error, which may quote a key.
struct GatewayRefusal: Error, Sendable {
    /// The HTTP status.
    var status: Int
    /// OpenAI's error type (`invalid_request_error`, `authentication_error`, ...).
    var type: String
    /// What went wrong and how to fix it.
    var message: String

    /// The response carrying this refusal.
    var response: GatewayHTTPResponse {
        let text = Redactor.fromEnvironment().redact(message)
        let body: JSONValue = ["error": ["message": .string(text), "type": .string(type)]]
        return GatewayHTTPResponse(status: status, body: (try? CanonicalJSON.encode(body)) ?? Data())
    }

    /// 400: the request cannot be served as written.
    static func badRequest(_ message: String) -> GatewayRefusal {
        GatewayRefusal(status: 400, type: "invalid_request_error", message: message)
    }

    /// 401: no token, or one that is not open for a unit.
    static func unauthorized(_ message: String) -> GatewayRefusal {
        GatewayRefusal(status: 401, type: "authentication_error", message: message)
    }

    /// 403: the policy does not allow the model.
    static func forbidden(_ message: String) -> GatewayRefusal {
        GatewayRefusal(status: 403, type: "permission_error", message: message)
    }

    /// 404: no such route.
    static func notFound(method: String, path: String) -> GatewayRefusal {
        GatewayRefusal(
            status: 404, type: "not_found_error",
            message: "the improve model gateway has no route \(method) \(path); it serves POST /v1/chat/completions and GET /v1/models (is the base URL the one improve gave, ending in /v1?)")
    }

    /// 413: the body is over the limit.
    static func tooLarge(limit: Int) -> GatewayRefusal {
        GatewayRefusal(
            status: 413, type: "invalid_request_error",
            message: "the request body is larger than the improve gateway's limit of \(limit / (1024 * 1024)) MB; send a shorter conversation")
    }

    /// 502: the provider failed (after its client's retries).
    static func upstream(_ message: String) -> GatewayRefusal {
        GatewayRefusal(status: 502, type: "api_error", message: message)
    }

    /// 500: the gateway itself failed (the run's store, say).
    static func internalError(_ message: String) -> GatewayRefusal {
        GatewayRefusal(status: 500, type: "server_error", message: message)
    }

    /// 503: the run is stopping.
    static var stopping: GatewayRefusal {
        GatewayRefusal(status: 503, type: "api_error", message: "the improve run is stopping; this call was not made")
    }
}
