import Foundation

/// One chat message.
public struct ChatMessage: Codable, Sendable, Hashable {
    public enum Role: String, Codable, Sendable, Hashable { case system, user, assistant }
    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
}

/// A chat completion request: everything that determines the answer, and nothing else
/// (so its canonical JSON is a sound cache and journal key).
public struct ChatRequest: Codable, Sendable, Hashable {
    public var model: ModelSpec
    public var messages: [ChatMessage]
    public var stop: [String]

    public init(model: ModelSpec, messages: [ChatMessage], stop: [String] = []) {
        self.model = model
        self.messages = messages
        self.stop = stop
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

    public init(text: String, finishReason: String = "stop", usage: Usage = .zero, servedModel: String, latencyMs: Double = 0, source: ResponseSource = .live) {
        self.text = text
        self.finishReason = finishReason
        self.usage = usage
        self.servedModel = servedModel
        self.latencyMs = latencyMs
        self.source = source
    }

    /// True when the model stopped because it ran out of tokens.
    public var wasTruncated: Bool { finishReason == "length" || finishReason == "max_tokens" }
}

/// Anything that answers chat requests: HTTP providers, cassettes, scripted test clients,
/// and the decorators (guard, journal) that wrap them.
public protocol ModelClient: Sendable {
    func complete(_ request: ChatRequest) async throws -> ChatResponse
}
