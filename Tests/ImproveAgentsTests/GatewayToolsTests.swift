import Foundation
import ImproveAgents
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing

@Suite("Model gateway: tools through the OpenAI wire format")
struct GatewayToolsTests {
    static let tools: JSONValue = [[
        "type": "function",
        "function": [
            "name": "search_faq", "description": "Search the FAQ.",
            "parameters": ["type": "object", "properties": ["query": ["type": "string"]], "required": ["query"]],
        ],
    ]]
    static let toolCalls: JSONValue = [["id": "call_1", "type": "function", "function": ["name": "search_faq", "arguments": "{\"query\":\"refund\"}"]]]

    @Test func toolsReachTheProviderAndToolCallsComeBack() async throws {
        let stub = try await StubModelServer.start { request in
            .json([
                "id": "x", "object": "chat.completion", "created": 1, "model": .string(request.model ?? "smollm2"),
                "choices": [["index": 0, "message": ["role": "assistant", "content": .null, "tool_calls": Self.toolCalls], "finish_reason": "tool_calls"]],
                "usage": ["prompt_tokens": 11, "completion_tokens": 6, "total_tokens": 17],
            ])
        }
        let harness = try await GatewayHarness(provider: stub.client())
        let gateway = try await harness.startGateway()
        let token = gateway.makeToken()
        gateway.open(.init(id: "item-1"), token: token)

        let body: JSONValue = [
            "model": "local/smollm2", "tools": Self.tools, "tool_choice": "auto", "response_format": ["type": "text"],
            "messages": [
                ["role": "user", "content": "How do refunds work?"],
                ["role": "assistant", "content": .null, "tool_calls": Self.toolCalls],
                ["role": "tool", "tool_call_id": "call_1", "content": "Refunds take 5 days."],
            ],
        ]
        let answer = try await post(body, to: gateway, token: token)
        #expect(answer.status == 200)
        let message = try #require(answer.json["choices"]?.arrayValue?.first?["message"])
        #expect(message["tool_calls"] == Self.toolCalls)
        #expect(message["content"] == .null)
        #expect(answer.json["choices"]?.arrayValue?.first?["finish_reason"] == "tool_calls")
        #expect(answer.json["usage"] == ["prompt_tokens": 11, "completion_tokens": 6, "total_tokens": 17])

        let sent = try #require(stub.completionRequests.first?.json)
        #expect(sent["tools"] == Self.tools)
        #expect(sent["tool_choice"] == "auto")
        #expect(sent["response_format"] == ["type": "text"])
        let messages = try #require(sent["messages"]?.arrayValue)
        #expect(messages.count == 3)
        #expect(messages[1]["tool_calls"] == Self.toolCalls)
        #expect(messages[1]["content"] == .null)
        #expect(messages[2]["role"] == "tool")
        #expect(messages[2]["tool_call_id"] == "call_1")
        // The gateway's token is not what the provider sees.
        #expect(stub.completionRequests.first?.headers["authorization"]?.contains(token) != true)

        let report = gateway.close(token: token)
        #expect(report.calls == 1 && report.usage.inputTokens == 11 && report.usage.outputTokens == 6)
        await gateway.stop()
        await stub.stop()
    }

    @Test func theAnthropicWireFormatRefusesToolsBeforeSendingAnything() async throws {
        let stub = try await StubModelServer.start()
        let client = AnthropicClient(config: ProviderConfig(name: "anthropic", kind: .anthropic, baseURL: stub.baseURL), baseURL: stub.baseURL)
        let request = ChatRequest(model: ModelSpec(provider: "anthropic", id: "claude"), messages: [.user("hi")], tools: Self.tools)
        await #expect {
            _ = try await client.complete(request)
        } throws: { error in
            guard case .badRequest(_, _, let detail)? = error as? ModelError else { return false }
            return detail.contains("nothing was sent") && detail.contains("kind openai")
        }
        #expect(stub.requestCount == 0)
        await stub.stop()
    }

    @Test func aPlainRequestIsSentAsBeforeTools() async throws {
        let stub = try await StubModelServer.start()
        let request = ChatRequest(model: ModelSpec(provider: "local", id: "m", maxTokens: 8), messages: [.system("Classify."), .user("great")])
        _ = try await stub.client().complete(request)
        let sent = try #require(stub.completionRequests.first?.json)
        #expect(sent == [
            "model": "m", "temperature": 0, "max_tokens": 8,
            "messages": [["role": "system", "content": "Classify."], ["role": "user", "content": "great"]],
        ])
        await stub.stop()
    }
}

@Suite("Chat types: tool fields leave plain requests' encoding unchanged")
struct ChatTypesEncodingTests {
    @Test func aPlainRequestEncodesByteForByteAsBefore() throws {
        let request = ChatRequest(model: ModelSpec(provider: "local", id: "m", maxTokens: 8), messages: [.system("Classify."), .user("great")], stop: ["\n"])
        // The journal's signature of this request before the tool fields existed.
        let expected = #"{"request":{"messages":[{"content":"Classify.","role":"system"},{"content":"great","role":"user"}],"model":{"id":"m","maxTokens":8,"provider":"local","temperature":0},"stop":["\n"]},"scheme":1}"#
        #expect(try CanonicalJSON.string(JournaledModelClient.signature(of: request)) == expected)
        #expect(try CanonicalJSON.string(JSONValue(encoding: ChatMessage.user("hi"))) == #"{"content":"hi","role":"user"}"#)
    }

    @Test func aStoredAnswerWithoutToolCallsStillDecodes() throws {
        let stored = #"{"text":"ok","finishReason":"stop","usage":{"inputTokens":1,"outputTokens":1,"cost":0},"servedModel":"m","latencyMs":0,"source":"live"}"#
        let response = try JSONDecoder().decode(ChatResponse.self, from: Data(stored.utf8))
        #expect(response.toolCalls == nil)
        #expect(try CanonicalJSON.string(JSONValue(encoding: response)) == CanonicalJSON.string(JSONValue(encoding: ChatResponse(text: "ok", usage: Usage(inputTokens: 1, outputTokens: 1), servedModel: "m"))))
    }

    @Test func toolFieldsAreEncodedWhenSet() throws {
        let request = ChatRequest(
            model: ModelSpec(provider: "local", id: "m"), messages: [ChatMessage(role: .tool, content: "r", toolCallID: "c1")], tools: [], toolChoice: "none")
        let json = try JSONValue(encoding: request)
        #expect(json["tools"] == [])
        #expect(json["toolChoice"] == "none")
        #expect(json["messages"]?.arrayValue?.first?["toolCallID"] == "c1")
        #expect(json["responseFormat"] == nil)
    }
}
