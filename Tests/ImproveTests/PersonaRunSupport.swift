import Foundation
import ImproveCore
import ImproveTestSupport

/// A profile directory whose agent can only help once its system prompt holds one fact, with
/// scripted models for every role: the persona-run tests share it.
enum HelpDesk {
    static let fact = "help@acme.example"
    static let seedPrompt = "You are the help desk of Acme. Be brief."
    static let searchPersonas = ["p1", "p2", "p3", "p4"]
    static let holdoutPersonas = ["p5", "p6", "p7", "p8"]

    /// Writes profile.yaml, suite.yaml and policy.yaml into a fresh directory.
    /// - Parameters:
    ///   - judgeItems: a suite of single-turn items graded by a `judge` scorer instead of personas.
    ///   - policyGate: extra lines under `gate:`.
    static func directory(judgeItems: Bool = false, concurrency: Int = 2, policyGate: String = "") throws -> URL {
        let directory = try Fixtures.temporaryDirectory("help-desk")
        let profile = """
            name: help-desk
            version: 1
            model:
              provider: local
              id: agent
              temperature: 0
              maxTokens: 40
              seed: 1
            systemPrompt: "\(seedPrompt)"
            userTemplate: "{{input}}"

            """
        let ids = searchPersonas + holdoutPersonas
        let suite: String
        if judgeItems {
            let items = (1...16).map { "q\($0)" }
            suite = """
                name: help-desk-items
                items:
                \(items.map { "  - id: \($0)\n    input: \"Where do I write for help? (\($0))\"" }.joined(separator: "\n"))
                scorers:
                  - type: judge
                    name: address
                    rubric: The answer gives the help desk's email address.
                split:
                  search: [\(items.prefix(8).joined(separator: ", "))]
                  holdout: [\(items.suffix(8).joined(separator: ", "))]

                """
        } else {
            suite = """
                name: help-desk
                simulation:
                  maxTurns: 2
                  stopToken: "###STOP###"
                  trials: 2
                personas:
                \(ids.map { "  - id: \($0)\n    description: User \($0), locked out.\n    goal: learn where to write for help (\($0)).\n    firstTurns: [\"Where do I write for help?\"]\n    rubric: The agent gives the help desk's email address.\n    mustContain: [\"\(fact)\"]" }.joined(separator: "\n"))
                split:
                  search: [\(searchPersonas.joined(separator: ", "))]
                  holdout: [\(holdoutPersonas.joined(separator: ", "))]

                """
        }
        let policy = """
            allowedModels:
              - local/*
            roles:
              reflection:
                provider: local
                id: reflect
                temperature: 0
                maxTokens: 200
              judge:
                provider: local
                id: judge
                temperature: 0
                maxTokens: 40
              simulator:
                provider: local
                id: sim
                temperature: 0.7
                maxTokens: 40
                seed: 100
            budget:
              metricCalls: 60
            gate:
              minPairs: 5
            \(policyGate)
            search:
              seed: 1
              concurrency: \(concurrency)

            """
        for (name, text) in [("profile.yaml", profile), ("suite.yaml", suite), ("policy.yaml", policy)] {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// The answer of each role to a request, by the model's id: the agent states the fact only
    /// when its system prompt holds it; the simulated user stops after the first reply; the judge
    /// passes a reply with the fact; reflection adds the fact to the system prompt.
    static func answer(model: String, messages: [ChatMessage]) -> String {
        let system = messages.first { $0.role == .system }?.content ?? ""
        let last = messages.last?.content ?? ""
        switch model {
        case "agent":
            return system.contains(fact) ? "Write to \(fact) and we will help." : "I am not sure, sorry."
        case "sim":
            return "Thanks. ###STOP###"
        case "judge":
            // Scores vary a little with the item's number, as a real judge's would.
            let odd = (last.range(of: #"\([pq]\d*[13579]\)"#, options: .regularExpression) != nil)
            return last.contains(fact) ? "SCORE: \(odd ? 9 : 8)\nThe address is given." : "SCORE: \(odd ? 1 : 2)\nNo address is given."
        case "reflect":
            return last.contains("component \"systemPrompt\"")
                ? "```\n\(seedPrompt) Write to \(fact) for help.\n```"
                : "```\n{{input}}\n```"
        default:
            return "unknown model \(model)"
        }
    }

    /// Every role answered in process by ``answer(model:messages:)``, counting calls per model.
    static func scripted() -> ScriptedModelClient {
        ScriptedModelClient { request in answer(model: request.model.id, messages: request.messages) }
    }

    /// The same answers from a loopback HTTP server.
    static func stub() async throws -> StubModelServer {
        try await StubModelServer.start { request in
            let messages = (request.json?["messages"]?.arrayValue ?? []).map { message in
                ChatMessage(role: ChatMessage.Role(rawValue: message["role"]?.stringValue ?? "") ?? .user, content: message["content"]?.stringValue ?? "")
            }
            return .openAI(text: answer(model: request.model ?? "", messages: messages), model: request.model ?? "")
        }
    }
}
