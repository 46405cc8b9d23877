import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing

@Suite("Provider config")
struct ProviderConfigTests {
    @Test("a providers.yaml adds providers and changes only the given fields of built-ins")
    func merge() throws {
        let providers = try ProviderConfigLoader.parse(SampleInputs.providersYAML, file: "providers.yaml")
        let vllm = try #require(providers["vllm"])
        #expect(vllm.baseURL?.absoluteString == "http://gpu-box:8000/v1")
        #expect(vllm.concurrency == 8 && vllm.apiKeyEnv == "VLLM_API_KEY")
        #expect(vllm.prices["qwen"] == ModelPrice(inputPerMillion: 0.1, outputPerMillion: 0.2))
        #expect(providers["openai"]?.concurrency == 2)
        #expect(providers["openai"]?.apiKeyEnv == "OPENAI_API_KEY")
        #expect(providers["local"] == ProviderConfig.builtIns["local"])
    }

    @Test("config errors name file, line and field", arguments: [
        ("providers:\n  x:\n    kind: openai\n    baseURL: http://h/v1\n    concurency: 2\n", 5, "providers.x.concurency", "did you mean \"concurrency\""),
        ("providers:\n  x:\n    baseURL: http://h/v1\n", 3, "providers.x.kind", "is required"),
        ("providers:\n  x:\n    kind: grpc\n    baseURL: http://h/v1\n", 3, "providers.x.kind", "use one of: openai, anthropic"),
        ("providers:\n  x:\n    kind: openai\n    baseURL: not a url\n", 4, "providers.x.baseURL", "not an http(s) URL"),
        ("providers:\n  openai:\n    maxRetries: 99\n", 3, "providers.openai.maxRetries", "out of range"),
        ("providers:\n  openai:\n    prices:\n      gpt: { inputPerMillion: 1 }\n", 4, "providers.openai.prices.gpt.outputPerMillion", "is required"),
        ("provider: {}\n", 1, "provider", "unknown key"),
    ])
    func errors(yaml: String, line: Int, field: String, fragment: String) throws {
        let error = try #require(throws: ConfigError.self) { try ProviderConfigLoader.parse(yaml, file: "providers.yaml") }
        #expect(error.line == line, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(error.description.contains(fragment), "\(error)")
    }

    @Test("a key pasted into apiKeyEnv is refused without echoing it")
    func keyInsteadOfVariable() throws {
        let secret = "sk-proj-abcdef0123456789"
        let error = try #require(throws: ConfigError.self) {
            try ProviderConfigLoader.parse("providers:\n  openai:\n    apiKeyEnv: \(secret)\n", file: "providers.yaml")
        }
        #expect(error.field == "providers.openai.apiKeyEnv")
        #expect(!error.description.contains(secret))
    }

    @Test("a missing key names the variable, not a value, and no client is made")
    func missingKey() throws {
        let registry = ProviderRegistry(environment: [:])
        #expect(throws: ModelError.missingKey(provider: "openai", variable: "OPENAI_API_KEY")) {
            _ = try registry.client(for: ModelSpec(provider: "openai", id: "gpt-4o-mini"))
        }
        #expect(throws: ModelError.unknownProvider("nope", known: ["anthropic", "local", "openai", "openrouter"])) {
            _ = try registry.client(for: ModelSpec(provider: "nope", id: "m"))
        }
    }

    @Test("local resolves from IMPROVE_BASE_URL, then the state file, else says how to start it")
    func localResolution() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("improve-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: cache) }
        let local = try #require(ProviderConfig.builtIns["local"])

        let fromEnv = ProviderRegistry(environment: ["IMPROVE_BASE_URL": "http://127.0.0.1:9/v1", "IMPROVE_CACHE": cache.path])
        #expect(try fromEnv.baseURL(for: local).absoluteString == "http://127.0.0.1:9/v1")

        let missing = ProviderRegistry(environment: ["IMPROVE_CACHE": cache.path])
        let error = try #require(throws: ProviderError.self) { try missing.baseURL(for: local) }
        #expect(error.description.contains("scripts/local-model start"))

        try Data("PID=123\nPORT=4567\n".utf8).write(to: cache.appendingPathComponent("local-model.state"))
        #expect(try missing.baseURL(for: local).absoluteString == "http://127.0.0.1:4567/v1")

        let overridden = ProviderRegistry(environment: ["IMPROVE_CACHE": cache.path, "IMPROVE_PROVIDER_LOCAL_BASE_URL": "http://10.0.0.2:80/v1"])
        #expect(try overridden.baseURL(for: local).absoluteString == "http://10.0.0.2:80/v1")
    }

    @Test("load picks the first existing providers.yaml and reports it")
    func loadSearch() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("providers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("providers.yaml")
        try Data("providers:\n  mine:\n    kind: anthropic\n    baseURL: https://example.test/v1\n".utf8).write(to: file)
        let registry = try ProviderRegistry.load(searching: [directory.appendingPathComponent("absent.yaml"), directory], environment: [:])
        #expect(registry.sourceFile?.path == file.path)
        #expect(registry.providers["mine"]?.kind == .anthropic)
        #expect(try ProviderRegistry.load(searching: [], environment: [:]).providers == ProviderConfig.builtIns)
    }
}
