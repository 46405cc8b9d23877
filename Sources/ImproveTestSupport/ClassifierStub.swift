import Foundation
import ImproveCore

/// A stub "small model" for end-to-end tests over HTTP: it classifies correctly only when the
/// system prompt states the answer format, like SmolLM2 does on SST-2 (DESIGN §10).
public enum ClassifierStub {
    /// `labels` maps an item's input text to its expected label.
    public static func formatSensitive(labels: [String: String], delay: Duration = .zero) -> StubModelServer.Responder {
        { request in
            let messages = request.json?["messages"]?.arrayValue ?? []
            let system = messages.first { $0["role"]?.stringValue == "system" }?["content"]?.stringValue ?? ""
            let user = request.lastMessageContent ?? ""
            let constrained = system.contains("one word") || system.contains("only the label")
            let label = constrained ? labels.first { user.contains($0.key) }?.value : nil
            return .openAI(text: label ?? "This text expresses a feeling about a movie.", model: request.model ?? "stub-model", delay: delay)
        }
    }

    /// Input → expected label for every row of a JSONL file of `{"id","input","expected"}`.
    public static func labels(fromJSONL url: URL) throws -> [String: String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var labels: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            if let input = value["input"]?.stringValue, let expected = value["expected"]?.stringValue { labels[input] = expected }
        }
        return labels
    }
}
