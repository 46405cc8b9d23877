import Foundation
import ImproveCore

/// What ``StubModelServer`` answers to one request: status, headers, raw body, and how long to
/// hold the answer back (on the connection's own thread, so the client sees a genuinely slow
/// server while the test itself never sleeps).
public struct StubReply: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public var delay: Duration

    public init(status: Int = 200, headers: [String: String] = ["Content-Type": "application/json"], body: Data, delay: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    /// An OpenAI-style `/v1/chat/completions` success body.
    public static func openAI(
        text: String, model: String, finishReason: String = "stop", inputTokens: Int = 7, outputTokens: Int = 3,
        delay: Duration = .zero
    ) -> StubReply {
        let body: JSONValue = [
            "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": .string(model),
            "choices": [["index": 0, "message": ["role": "assistant", "content": .string(text)], "finish_reason": .string(finishReason)]],
            "usage": [
                "prompt_tokens": .number(Double(inputTokens)), "completion_tokens": .number(Double(outputTokens)),
                "total_tokens": .number(Double(inputTokens + outputTokens)),
            ],
        ]
        return json(body, delay: delay)
    }

    /// An Anthropic-style `/v1/messages` success body.
    public static func anthropic(
        text: String, model: String, stopReason: String = "end_turn", inputTokens: Int = 7, outputTokens: Int = 3,
        delay: Duration = .zero
    ) -> StubReply {
        let body: JSONValue = [
            "id": "msg_stub", "type": "message", "role": "assistant", "model": .string(model),
            "content": [["type": "text", "text": .string(text)]], "stop_reason": .string(stopReason),
            "usage": ["input_tokens": .number(Double(inputTokens)), "output_tokens": .number(Double(outputTokens))],
        ]
        return json(body, delay: delay)
    }

    /// An error body in the OpenAI shape, optionally with a `Retry-After` header (seconds).
    public static func error(status: Int, message: String = "stub error", retryAfter: Int? = nil, delay: Duration = .zero) -> StubReply {
        var reply = json(["error": ["message": .string(message), "type": "stub_error"]], delay: delay)
        reply.status = status
        if let retryAfter { reply.headers["Retry-After"] = String(retryAfter) }
        return reply
    }

    /// Raw bytes as the body (malformed JSON, HTML error pages, ...).
    public static func raw(_ text: String, status: Int = 200, delay: Duration = .zero) -> StubReply {
        StubReply(status: status, body: Data(text.utf8), delay: delay)
    }

    /// Any JSON value as the body.
    public static func json(_ value: JSONValue, status: Int = 200, delay: Duration = .zero) -> StubReply {
        // Canonical encoding only fails on non-finite numbers, which the builders above never produce.
        let data = (try? CanonicalJSON.encode(value)) ?? Data("{}".utf8)
        return StubReply(status: status, body: data, delay: delay)
    }
}

/// One request as ``StubModelServer`` received it.
public struct StubRequest: Sendable {
    /// 0-based arrival order.
    public let index: Int
    public let method: String
    /// The path without the query, e.g. `/v1/chat/completions`.
    public let path: String
    /// Header values by lower-cased name.
    public let headers: [String: String]
    public let body: Data
    /// SHA-256 of the body's canonical JSON (of the raw bytes when the body is not JSON), so
    /// tests can count identical requests regardless of key order or whitespace.
    public let bodyHash: String
    /// When the request arrived (monotonic clock), for asserting back-off waits.
    public let receivedAt: ContinuousClock.Instant

    /// The body parsed as JSON, when it is JSON.
    public var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }

    /// The `model` field of the body, when present.
    public var model: String? { json?["model"]?.stringValue }

    /// The `content` of the last message in the body, when present.
    public var lastMessageContent: String? { json?["messages"]?.arrayValue?.last?["content"]?.stringValue }
}
