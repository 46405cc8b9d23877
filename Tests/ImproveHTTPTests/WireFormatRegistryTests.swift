import Foundation
import ImproveCore
import ImproveHTTP
import Testing

/// A wire format declared in a test target alone: one type, one `adding` call.
private struct EchoWireFormat: ProviderWireFormat {
    var kind: ProviderConfig.Kind { "echo" }

    func client(for endpoint: ProviderEndpoint) -> any ModelClient { EchoClient(endpoint: endpoint) }

    /// Answers with the provider name, URL and last message, so the test sees what the
    /// registry resolved.
    struct EchoClient: ModelClient {
        let endpoint: ProviderEndpoint

        func complete(_ request: ChatRequest) async throws -> ChatResponse {
            let text = "\(endpoint.config.name) \(endpoint.baseURL.absoluteString) \(request.messages.last?.content ?? "")"
            return ChatResponse(text: text, servedModel: request.model.id)
        }
    }
}

@Suite("Provider wire-format registry")
struct WireFormatRegistryTests {
    static let formats = ProviderWireFormats.builtIn.adding(EchoWireFormat())

    @Test("the built-in list holds openai and anthropic, in the order errors name them")
    func builtIns() {
        #expect(ProviderWireFormats.builtIn.kinds == ["openai", "anthropic"])
    }

    @Test("a format registered by a test is accepted in providers.yaml and makes the provider's clients")
    func registeredFormat() async throws {
        let yaml = "providers:\n  mirror:\n    kind: echo\n    baseURL: http://127.0.0.1:9/v1\n"
        let providers = try ProviderConfigLoader.parse(yaml, file: "providers.yaml", wireFormats: Self.formats)
        let registry = ProviderRegistry(providers: providers, environment: [:], wireFormats: Self.formats)
        let client = try registry.client(for: ModelSpec(provider: "mirror", id: "m"))
        let reply = try await client.complete(ChatRequest(model: ModelSpec(provider: "mirror", id: "m"), messages: [.user("hello")]))
        #expect(reply.text == "mirror http://127.0.0.1:9/v1 hello")
    }

    @Test("without the registration the same file fails at the kind's line, listing the known kinds")
    func unregisteredFormat() throws {
        let yaml = "providers:\n  mirror:\n    kind: echo\n    baseURL: http://127.0.0.1:9/v1\n"
        let error = try #require(throws: ConfigError.self) { try ProviderConfigLoader.parse(yaml, file: "providers.yaml") }
        #expect(error.line == 3 && error.field == "providers.mirror.kind")
        #expect(error.description.contains("use one of: openai, anthropic"))
        let extended = try #require(throws: ConfigError.self) {
            try ProviderConfigLoader.parse("providers:\n  x:\n    baseURL: http://h/v1\n", file: "providers.yaml", wireFormats: Self.formats)
        }
        #expect(extended.description.contains("openai, anthropic or echo"))
    }

    @Test("a provider built in code with an unknown kind fails when a client is asked for, naming the kinds")
    func unknownKindInCode() {
        let config = ProviderConfig(name: "odd", kind: "grpc", baseURL: URL(string: "http://127.0.0.1:9/v1"))
        let registry = ProviderRegistry(providers: ["odd": config], environment: [:])
        #expect(throws: ProviderError.unknownWireFormat(provider: "odd", kind: "grpc", known: ["openai", "anthropic"])) {
            _ = try registry.client(for: ModelSpec(provider: "odd", id: "m"))
        }
    }
}
