import Foundation
import ImproveCore

/// An LLM judge grading an output against a rubric.
///
/// The judge must answer with a line `SCORE: <0-10>`; a reply without a parseable score is a
/// ``ScorerError`` carrying the raw reply, never a silent zero, so a confused judge shows up
/// as an error rather than as a bad candidate.
public struct JudgeScorer: Scorer {
    public let name: String
    public let rubric: String
    /// Normalised score at or above which the item passes.
    public let passThreshold: Double
    let environment: ScorerEnvironment

    public init(name: String = "judge", rubric: String, passThreshold: Double = 0.7, environment: ScorerEnvironment) {
        self.name = name
        self.rubric = rubric
        self.passThreshold = passThreshold
        self.environment = environment
    }

    /// The messages sent to the judge.
    public func messages(output: String, item: EvalItem) -> [ChatMessage] {
        var user = "Rubric:\n\(rubric)\n\n"
        let inputs = item.fields.keys.sorted().map { "\($0): \(item.fields[$0] ?? "")" }.joined(separator: "\n")
        user += "Input:\n\(inputs)\n\n"
        if let expected = item.expected { user += "Reference answer:\n\(expected)\n\n" }
        user += "Response to grade:\n\(output)\n\nReply with one line `SCORE: <0-10>` followed by one sentence explaining the score."
        return [.system("You are a strict, fair grader. Grade only against the rubric."), .user(user)]
    }

    public func score(output: String, item: EvalItem) async throws -> ScoreResult {
        guard let client = environment.judge, let model = environment.judgeModel else {
            throw ScorerError(scorer: name, problem: "no judge model is configured", raw: nil)
        }
        let request = ChatRequest(model: model, messages: messages(output: output, item: item))
        let name = name, threshold = passThreshold
        return try await environment.scored(scorer: name, input: ["request": try JSONValue(encoding: request), "threshold": .number(threshold)]) {
            let reply = try await client.complete(request).text
            guard let value = Self.parseScore(reply) else {
                throw ScorerError(scorer: name, problem: "the judge reply has no parseable SCORE: <0-10>", raw: reply)
            }
            let passed = value >= threshold
            let reason = TextNormal.preview(reply, limit: 300)
            return ScoreResult(score: value, passed: passed, feedback: "Judge score \(String(format: "%.2f", value)) (pass at \(threshold)): \(reason)")
        }
    }

    /// The judge's score normalised to [0, 1]: `SCORE: 7`, `Score = 7/10`, `score: 0.7` (a value
    /// at most 1 with a decimal point is read as already normalised), or a reply that is just a number.
    public static func parseScore(_ reply: String) -> Double? {
        let patterns = [#"(?i)score\s*[:=]?\s*\**\s*(-?\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?))?"#, #"^\s*(-?\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?))?\s*$"#]
        for pattern in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                  let match = regex.firstMatch(in: reply, range: NSRange(reply.startIndex..., in: reply)),
                  let valueRange = Range(match.range(at: 1), in: reply), let value = Double(reply[valueRange])
            else { continue }
            var scale = 10.0
            if let scaleRange = Range(match.range(at: 2), in: reply), let given = Double(reply[scaleRange]), given > 0 {
                scale = given
            } else if value <= 1, reply[valueRange].contains(".") {
                scale = 1
            }
            let normalised = value / scale
            guard (0...1).contains(normalised) else { return nil }
            return normalised
        }
        return nil
    }
}
