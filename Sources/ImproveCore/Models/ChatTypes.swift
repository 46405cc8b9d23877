import Foundation

/// One chat message.
///
/// The tool fields are optional and left out of the encoding when nil, so a plain message
/// encodes exactly as it did before tools existed: journal signatures (the encoded request)
/// of existing stores keep their checkpoint names.
public struct ChatMessage: Codable, Sendable, Hashable {
    /// Who wrote the message. `tool` carries a tool's result back to the model (an agent's
    /// calls through the model gateway); improve's own roles never send it.
    public enum Role: String, Codable, Sendable, Hashable { case system, user, assistant, tool }
    public var role: Role
    /// The text (empty for an assistant message that only calls tools).
    public var content: String
    /// For a `tool` message: the id of the assistant's tool call this answers.
    public var toolCallID: String?
    /// For an assistant message: the tool calls it made, in OpenAI's `tool_calls` shape
    /// (`[{id, type: "function", function: {name, arguments}}]`), kept as sent.
    public var toolCalls: JSONValue?

    public init(role: Role, content: String, toolCallID: String? = nil, toolCalls: JSONValue? = nil) {
        self.role = role
        self.content = content
        self.toolCallID = toolCallID
        self.toolCalls = toolCalls
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
}

/// A chat completion request: everything that determines the answer, and nothing else
/// (so its canonical JSON is a sound cache and journal key).
///
/// `tools`, `toolChoice` and `responseFormat` are passed through in OpenAI's shapes for the
/// model calls of a user's agent; they are omitted from the encoding when nil, so a plain
/// request encodes byte for byte as before and existing journals keep matching.
public struct ChatRequest: Codable, Sendable, Hashable {
    public var model: ModelSpec
    public var messages: [ChatMessage]
    public var stop: [String]
    /// OpenAI `tools`: the functions the model may call.
    public var tools: JSONValue?
    /// OpenAI `tool_choice`: `"auto"`, `"none"`, `"required"` or a named function.
    public var toolChoice: JSONValue?
    /// OpenAI `response_format`, such as `{"type": "json_object"}` or a JSON schema.
    public var responseFormat: JSONValue?

    public init(
        model: ModelSpec, messages: [ChatMessage], stop: [String] = [], tools: JSONValue? = nil, toolChoice: JSONValue? = nil,
        responseFormat: JSONValue? = nil
    ) {
        self.model = model
        self.messages = messages
        self.stop = stop
        self.tools = tools
        self.toolChoice = toolChoice
        self.responseFormat = responseFormat
    }

    /// True when the request uses any tool-calling or structured-output feature.
    public var usesTools: Bool {
        tools != nil || toolChoice != nil || responseFormat != nil || messages.contains { $0.role == .tool || $0.toolCalls != nil }
    }
}

/// Token usage and cost of one call.
public struct Usage: Codable, Sendable, Hashable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// Cost in US dollars from the provider's price table (0 when no price is configured).
    public var cost: Double

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cost: Double = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cost = cost
    }

    public static let zero = Usage()

    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        Usage(inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens, cost: lhs.cost + rhs.cost)
    }

    public var totalTokens: Int { inputTokens + outputTokens }
}

/// The answer to a ``ChatRequest``.
public struct ChatResponse: Codable, Sendable, Hashable {
    public var text: String
    /// `stop`, `length`, ... as the provider reported it.
    public var finishReason: String
    public var usage: Usage
    /// The model id the server says it used.
    public var servedModel: String
    public var latencyMs: Double
    /// Where the answer came from: ``ResponseSource/live``, ``ResponseSource/replay`` (cassette) or ``ResponseSource/stub`` (scripted).
    public var source: ResponseSource
    /// The tool calls the model made, in OpenAI's `tool_calls` shape; nil when it made none
    /// (and then left out of the encoding, so stored answers keep their form).
    public var toolCalls: JSONValue?
    /// The trace an agent program or service returned with its reply (steps, tool calls with
    /// arguments and results); nil for a model's answer, and then left out of the encoding.
    public var agentTrace: JSONValue?

    public init(
        text: String, finishReason: String = "stop", usage: Usage = .zero, servedModel: String, latencyMs: Double = 0, source: ResponseSource = .live,
        toolCalls: JSONValue? = nil, agentTrace: JSONValue? = nil
    ) {
        self.agentTrace = agentTrace
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.servedModel = servedModel
        self.latencyMs = latencyMs
        self.source = source
        self.toolCalls = toolCalls
    }

    /// True when the model stopped because it ran out of tokens.
    public var wasTruncated: Bool { finishReason == "length" || finishReason == "max_tokens" }
}

/// Anything that answers chat requests: HTTP providers, cassettes, scripted test clients,
/// and the decorators (guard, journal) that wrap them.
///
/// A client made for a run (by `ModelAccess`, or a provider wire format) is the *raw* client:
/// the run wraps it with ``RoleClient/wrap(_:role:allowed:journal:)`` — the allowed-models
/// guard outside the step journal — before anything calls it.
public protocol ModelClient: Sendable {
    /// Answers `request`: one completion from the model `request.model` names.
    ///
    /// - **Answer or throw.** Return only a real answer of the model: it is journaled under the
    ///   request and replayed, never asked again, by every resumption of the run. Fill
    ///   ``ChatResponse/usage`` (the ledger, the token and cost budgets and the spend ceiling
    ///   count it), ``ChatResponse/finishReason`` (`length` marks a truncated reply, which
    ///   reflection never adopts) and ``ChatResponse/servedModel`` (the guard checks it against
    ///   the policy when it differs from the requested id). When there is no answer — the
    ///   server is unreachable, times out, refuses or sends something unreadable — throw,
    ///   preferably a ``ModelError`` (never a failure dressed up as text), after the client's
    ///   own retries: HTTP clients retry 429, 5xx, timeouts and connection errors per their
    ///   `RetryPolicy`; nothing above the client retries within the run.
    /// - **What callers do with a throw.** The journal marks the step failed (its redacted
    ///   message kept), stores no answer, and rethrows; resuming the run calls again. An
    ///   evaluation turns a failed task call into a failed item (score 0, `ItemResult.error`,
    ///   counted apart from low scores; on the holdout the gate then holds), except
    ///   ``ModelError/notAllowed(model:allowed:role:)``, a `StoreError` or a
    ///   `CancellationError`, which end the run. A failed simulator or judge call fails that
    ///   persona trial. A failed reflection call is the generator's to handle: the reflective
    ///   generator turns ``ModelError/badRequest(provider:status:detail:)`` into "no proposal"
    ///   and lets every other error end the run (resumable).
    /// - **Determinism.** Send what the request says (temperature, seed, max tokens, stop
    ///   sequences) and add nothing that varies — no clock or random value in what is sent or
    ///   in the answer's identity; only ``ChatResponse/latencyMs`` is measured. A client need
    ///   not be deterministic itself (a model at temperature > 0 is not): the journal makes a
    ///   run reproducible by replaying the stored answer.
    /// - **Concurrency.** Called concurrently — up to `search.concurrency` rollouts, persona
    ///   dialogues and judge calls at once, from many tasks — so it must be safe to share; cap
    ///   what a server can take inside the client (HTTP clients share one
    ///   `ConcurrencyLimiter` per provider). Honour task cancellation: throw
    ///   `CancellationError` promptly so Ctrl-C stops the run at a step boundary.
    /// - **Idempotency.** The same request may be sent more than once: identical requests in
    ///   one run are distinct steps (each asked once), and a call in flight when a process was
    ///   killed is asked again by the run that resumes it (the provider may have charged both).
    func complete(_ request: ChatRequest) async throws -> ChatResponse
}
