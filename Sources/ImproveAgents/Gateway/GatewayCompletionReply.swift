import Foundation
import ImproveCore

/// A ``ChatResponse`` in OpenAI's `chat.completion` shape, as an agent's OpenAI SDK reads it.
enum GatewayCompletionReply {
    /// The JSON body. `created` is 0: nothing in an answer depends on the clock, so a replayed
    /// call answers byte for byte as the paid one did.
    static func encode(_ response: ChatResponse, id: String) -> Data {
        var message: [String: JSONValue] = ["role": "assistant", "content": .string(response.text)]
        if let toolCalls = response.toolCalls {
            message["tool_calls"] = toolCalls
            // OpenAI's own shape for a turn that only calls tools.
            if response.text.isEmpty { message["content"] = .null }
        }
        let body: JSONValue = [
            "id": .string(id),
            "object": "chat.completion",
            "created": 0,
            "model": .string(response.servedModel),
            "choices": [["index": 0, "message": .object(message), "finish_reason": .string(response.finishReason)]],
            "usage": [
                "prompt_tokens": .number(Double(response.usage.inputTokens)),
                "completion_tokens": .number(Double(response.usage.outputTokens)),
                "total_tokens": .number(Double(response.usage.totalTokens)),
            ],
        ]
        return (try? CanonicalJSON.encode(body)) ?? Data()
    }

    /// `GET /v1/models`: the policy's allowed patterns (`provider/id`, `provider/*` or `*`),
    /// the models an agent may ask for.
    static func models(_ allowed: AllowedModels) -> Data {
        let data = allowed.patterns.map { pattern -> JSONValue in ["id": .string(pattern), "object": "model", "created": 0, "owned_by": "improve-policy"] }
        return (try? CanonicalJSON.encode(["object": "list", "data": .array(data)] as JSONValue)) ?? Data()
    }
}
