import Foundation
import ImproveCore

/// One scripted model playing both roles of an `evolve` run on `Profiles/travel-destination`,
/// offline: the task model follows the strategy like a small model does, and the author climbs
/// a ladder of strategies. The same answers in process (``client(destinations:)``) and over
/// HTTP (``responder(destinations:)``).
public enum StrategyLadder {
    /// How every author prompt begins (see `AuthorPrompt`).
    public static let authorMark = "You write the strategy"

    /// Task: only the city when the strategy says "only the city" (except on notes about changing
    /// planes, which it misses), a sentence holding the city when it says "destination", else a
    /// sentence without it. Author: from the seed to "destination", then to "only the city", then
    /// longer variants of the best; each text carries a mark of the request's seed, so children
    /// of one parent differ and replicates with other seeds write other texts.
    public static func answer(system: String, lastMessage: String, seed: Int?, destinations: [String: String]) -> String {
        if lastMessage.hasPrefix(authorMark) {
            let current = currentText(in: lastMessage)
            let variant = (seed ?? 0) % 89
            let next: String
            if current.contains("only the city") {
                next = "Answer with only the city name of the destination, nothing else at all, please. Variant \(variant)."
            } else if current.contains("destination") {
                next = "Answer with only the city name of the destination. Variant \(variant)."
            } else {
                next = "Name the destination of the trip. Variant \(variant)."
            }
            return "Rationale: step \(variant)\n```\n\(next)\n```"
        }
        let city = destinations.first { lastMessage.contains($0.key) }?.value ?? "?"
        if system.contains("only the city") { return lastMessage.contains("changed planes") ? "Unsure" : city }
        if system.contains("destination") { return "The destination is \(city), a lovely place." }
        return "What a nice trip that will be for everyone."
    }

    /// The in-process client.
    public static func client(destinations: [String: String]) -> ScriptedModelClient {
        ScriptedModelClient { request in
            let system = request.messages.first { $0.role == .system }?.content ?? ""
            return answer(system: system, lastMessage: request.messages.last?.content ?? "", seed: request.model.seed, destinations: destinations)
        }
    }

    /// The loopback server's responder.
    public static func responder(destinations: [String: String]) -> StubModelServer.Responder {
        { request in
            let messages = request.json?["messages"]?.arrayValue ?? []
            let system = messages.first { $0["role"]?.stringValue == "system" }?["content"]?.stringValue ?? ""
            let seed = request.json?["seed"]?.doubleValue.map { Int($0) }
            let text = answer(system: system, lastMessage: request.lastMessageContent ?? "", seed: seed, destinations: destinations)
            return .openAI(text: text, model: request.model ?? "stub-model")
        }
    }

    /// The first fenced block of an author prompt: the parent's text.
    static func currentText(in prompt: String) -> String {
        let parts = prompt.components(separatedBy: "```")
        return parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }
}
