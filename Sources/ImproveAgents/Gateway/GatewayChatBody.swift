import Foundation
import ImproveCore

/// An OpenAI chat-completions body, read into the ``ChatRequest`` improve's clients send and the
/// canonical form its journal step is keyed by.
///
/// Read: `model`, `messages` (roles `system`/`developer`/`user`/`assistant`/`tool`; `content` a
/// string, null, or a list of text parts; assistant `tool_calls`; tool `tool_call_id`),
/// `temperature`, `max_tokens` / `max_completion_tokens`, `stop`, `seed`, `tools`,
/// `tool_choice`, `response_format`. Settings left out take the profile model's values. Other
/// fields (`top_p`, `user`, ...) are not sent to the provider; `n` above 1 is refused, as
/// improve journals one answer per call.
///
/// Streaming is refused (`stream: true` → 400): a journaled call is replayed as one stored
/// answer, and a stream replayed as one chunk would only pretend to be a stream.
struct GatewayChatBody: Sendable {
    /// What the provider is sent.
    var request: ChatRequest
    /// The body as the agent sent it, without `stream`: the journal signature's `request`.
    var canonical: JSONValue

    /// Reads `body` (raw bytes) for a run whose profile model is `taskModel`.
    /// - Throws: ``GatewayRefusal`` (400) naming what is wrong.
    init(_ body: Data, taskModel: ModelSpec) throws(GatewayRefusal) {
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw .badRequest("the body is not JSON (\(body.isEmpty ? "it is empty" : "\(body.count) bytes")); send an OpenAI chat-completions request as a JSON object")
        }
        guard var object = json.objectValue else {
            throw .badRequest("the body must be a JSON object (an OpenAI chat-completions request)")
        }
        if object["stream"]?.boolValue == true {
            throw .badRequest("streaming is not supported by the improve gateway; send stream: false")
        }
        object["stream"] = nil
        if let n = object["n"]?.doubleValue, n != 1 {
            throw .badRequest("n: \(Self.text(n)) is not supported by the improve gateway (one answer per call, each journaled); send n: 1 and call again for more answers")
        }
        guard case .string(let name)? = object["model"], !name.isEmpty else {
            throw .badRequest("the body has no model; name one as provider/id (the profile's is \(taskModel.qualifiedName))")
        }
        guard case .array(let messages)? = object["messages"], !messages.isEmpty else {
            throw .badRequest("the body has no messages; send a non-empty list of {role, content}")
        }

        var model = Self.resolve(name, against: taskModel)
        if let temperature = try Self.number(object, "temperature") { model.temperature = temperature }
        // The newer name wins when both are sent, as on OpenAI.
        var maxTokens = try Self.number(object, "max_completion_tokens")
        if maxTokens == nil { maxTokens = try Self.number(object, "max_tokens") }
        if let maxTokens {
            guard maxTokens >= 1, maxTokens < 1e9, maxTokens == maxTokens.rounded() else { throw .badRequest("max_tokens must be a positive whole number") }
            model.maxTokens = Int(maxTokens)
        }
        if let seed = try Self.number(object, "seed") {
            guard seed == seed.rounded(), abs(seed) < 9e15 else { throw .badRequest("seed must be a whole number") }
            model.seed = Int(seed)
        }
        if let tools = object["tools"], tools != .null, tools.arrayValue == nil {
            throw .badRequest("tools must be a list of {type: function, function: {name, description, parameters}}")
        }
        var chat: [ChatMessage] = []
        for (index, message) in messages.enumerated() { chat.append(try Self.message(message, at: index)) }
        self.request = ChatRequest(
            model: model, messages: chat, stop: try Self.stop(object["stop"]),
            tools: Self.present(object["tools"]), toolChoice: Self.present(object["tool_choice"]),
            responseFormat: Self.present(object["response_format"]))
        self.canonical = .object(object)
    }

    /// `provider/id` as written; a bare id (or the profile model's own id, which may contain a
    /// slash, as `meta-llama/Llama-3` does) is the profile's provider's.
    static func resolve(_ name: String, against taskModel: ModelSpec) -> ModelSpec {
        var model = taskModel
        if name == taskModel.id || name == taskModel.qualifiedName {
            return model
        }
        if let slash = name.firstIndex(of: "/") {
            model.provider = String(name[..<slash])
            model.id = String(name[name.index(after: slash)...])
        } else {
            model.id = name
        }
        return model
    }

    private static func message(_ value: JSONValue, at index: Int) throws(GatewayRefusal) -> ChatMessage {
        guard let object = value.objectValue, let roleName = object["role"]?.stringValue else {
            throw .badRequest("messages[\(index)] must be an object with a role")
        }
        // OpenAI's newer name for the system role.
        let role: ChatMessage.Role
        switch roleName {
        case "developer": role = .system
        default:
            guard let known = ChatMessage.Role(rawValue: roleName) else {
                throw .badRequest("messages[\(index)].role \(roleName) is not one of system, developer, user, assistant, tool")
            }
            role = known
        }
        var toolCalls: JSONValue?
        switch object["tool_calls"] {
        case .array(let calls)? where !calls.isEmpty: toolCalls = .array(calls)
        case .array?, .null?, nil: toolCalls = nil
        default: throw .badRequest("messages[\(index)].tool_calls must be a list")
        }
        var toolCallID: String?
        switch object["tool_call_id"] {
        case .string(let id)?: toolCallID = id
        case .null?, nil: toolCallID = nil
        default: throw .badRequest("messages[\(index)].tool_call_id must be a string")
        }
        return ChatMessage(role: role, content: try content(object["content"], at: index), toolCallID: toolCallID, toolCalls: toolCalls)
    }

    /// A string, null (an assistant turn that only calls tools), or text parts joined.
    private static func content(_ value: JSONValue?, at index: Int) throws(GatewayRefusal) -> String {
        switch value {
        case .string(let text)?: return text
        case .null?, nil: return ""
        case .array(let parts)?:
            var text = ""
            for (number, part) in parts.enumerated() {
                guard part["type"]?.stringValue == "text", let piece = part["text"]?.stringValue else {
                    let kind = part["type"]?.stringValue ?? "unknown"
                    throw .badRequest("messages[\(index)].content[\(number)] is a \(kind) part; the improve gateway passes text parts only")
                }
                text += piece
            }
            return text
        default:
            throw .badRequest("messages[\(index)].content must be a string or a list of text parts")
        }
    }

    private static func stop(_ value: JSONValue?) throws(GatewayRefusal) -> [String] {
        switch value {
        case .string(let one)?: return [one]
        case .array(let many)?:
            let strings = many.compactMap(\.stringValue)
            guard strings.count == many.count else { throw .badRequest("stop must be a string or a list of strings") }
            return strings
        case .null?, nil: return []
        default: throw .badRequest("stop must be a string or a list of strings")
        }
    }

    private static func number(_ object: [String: JSONValue], _ key: String) throws(GatewayRefusal) -> Double? {
        switch object[key] {
        case .number(let value)?: return value
        case .null?, nil: return nil
        default: throw .badRequest("\(key) must be a number")
        }
    }

    /// A pass-through field, nil when absent or null (so the request encodes as a plain one).
    private static func present(_ value: JSONValue?) -> JSONValue? {
        value == .null ? nil : value
    }

    private static func text(_ number: Double) -> String {
        abs(number) < 1e15 && number == number.rounded() ? String(Int(number)) : String(number)
    }
}
