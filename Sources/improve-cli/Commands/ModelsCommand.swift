import ArgumentParser
import Foundation
import ImproveCore
import ImproveHTTP

/// `improve-cli models`: look at the configured models.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Inspect and smoke-test the configured model providers.",
        subcommands: [ModelsCheckCommand.self]
    )
}

/// `improve-cli models check`: one short completion through the real client stack.
struct ModelsCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Send one short completion to a profile's model and print what came back.",
        discussion: """
            Uses the model of <dir>/profile.yaml, or local/smollm2-135m-instruct without --profile. Providers come from --providers, else the first providers.yaml in the profile directory, the current directory, or $XDG_CONFIG_HOME/improve (~/.config/improve when unset), merged over the built-ins (local, openai, anthropic, openrouter). The local provider finds the server through IMPROVE_BASE_URL or the state file written by `scripts/local-model start`. API keys are read from the environment variables the providers name and are never printed.

            Prints provider, requested and served model, latency, tokens, cost and the text. Exit status 0 on success, 1 with the error message otherwise.
            """
    )

    @Option(name: .long, help: ArgumentHelp("A profile directory containing profile.yaml.", valueName: "dir"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("A providers.yaml file to use.", valueName: "file"))
    var providers: String?

    @Option(name: .long, help: ArgumentHelp("The user message to send.", valueName: "text"))
    var prompt: String = "Reply with the single word: ready"

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        do {
            try await check()
        } catch {
            let message = Redactor.fromEnvironment().redact(String(describing: error))
            FileHandle.standardError.write(Data("error: \(message)\n".utf8))
            throw ExitStatus.error
        }
    }

    private func check() async throws {
        var spec = ModelSpec(provider: "local", id: "smollm2-135m-instruct", temperature: 0, maxTokens: 16)
        let directory = profile.map { URL(fileURLWithPath: $0) }
        if let directory {
            spec = try ProfileLoader.load(contentsOf: directory.appendingPathComponent("profile.yaml")).model
        }
        let registry = try ProviderSearch(explicitFile: providers.map { URL(fileURLWithPath: $0) }, profileDirectory: directory).registry()
        let client = try registry.client(for: spec)
        // A smoke test should answer quickly; cap the tokens whatever the profile allows.
        var checkSpec = spec
        checkSpec.maxTokens = min(spec.maxTokens, 32)
        let response = try await client.complete(ChatRequest(model: checkSpec, messages: [.user(prompt)]))
        if json {
            let document: JSONValue = [
                "provider": .string(spec.provider), "requestedModel": .string(spec.id), "servedModel": .string(response.servedModel),
                "latencyMs": .number(response.latencyMs.rounded()), "inputTokens": .number(Double(response.usage.inputTokens)),
                "outputTokens": .number(Double(response.usage.outputTokens)), "cost": .number(response.usage.cost),
                "finishReason": .string(response.finishReason), "text": .string(response.text),
                "providersFile": registry.sourceFile.map { .string($0.path) } ?? .null,
            ]
            print(try CanonicalJSON.string(document))
        } else {
            print("provider:        \(spec.provider)\(registry.sourceFile.map { " (from \($0.path))" } ?? "")")
            print("requested model: \(spec.id)")
            print("served model:    \(response.servedModel)")
            print("latency:         \(Int(response.latencyMs.rounded())) ms")
            print("tokens:          \(response.usage.inputTokens) in, \(response.usage.outputTokens) out")
            print("cost:            $\(String(format: "%.6f", response.usage.cost))")
            print("finish reason:   \(response.finishReason)")
            print("text:            \(response.text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
