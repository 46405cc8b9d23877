import Foundation
import ImproveCore

/// The `{"type":"context"}` message sent for each proposal (schema: docs/external-generator.md).
struct ContextMessage: Encodable {
    struct Parent: Encodable {
        var id: String
        var components: [String: String]
        var meanScore: Double
    }
    struct Result: Encodable {
        var itemID: String
        var input: String?
        var expected: String?
        var output: String?
        var score: Double
        var passed: Bool?
        var feedback: String
        var error: String?
    }
    var type = "context"
    var protocolVersion = 1
    var generator: String
    var iteration: Int
    var component: String
    var parent: Parent
    var minibatch: [Result]
    var labels: [String]
    var rejected: [RejectedEdit]
    var metricCallsLeft: Int?
    var maxComponentLength: Int
    var seed: UInt64

    init(context: ProposalContext, generator: String, seed: UInt64) {
        self.generator = generator
        iteration = context.iteration
        component = context.component
        parent = Parent(id: context.parent.id, components: context.parent.candidate.components, meanScore: context.parent.meanScore)
        minibatch = context.minibatch.map { result in
            let item = context.search.items.first { $0.id == result.itemID }
            return Result(itemID: result.itemID, input: item?.input, expected: item?.expected, output: result.trace?.output, score: result.score, passed: result.passed, feedback: result.feedback, error: result.error)
        }
        labels = context.search.labels
        rejected = context.rejected
        metricCallsLeft = context.metricCallsLeft
        maxComponentLength = context.settings.maxComponentLength
        self.seed = seed
    }
}

/// A reply from the process.
enum ReplyMessage: Equatable {
    struct Proposed: Decodable, Equatable {
        var components: [String: String]
        var rationale: String?
    }
    case candidates([Proposed])
    case nothing(String)
    case exhausted(String)
    case error(String)

    private struct Envelope: Decodable {
        var type: String
        var candidates: [Proposed]?
        var reason: String?
        var message: String?
    }

    /// Decodes one line; the problem string says what is wrong with it.
    static func decode(_ line: String) -> Swift.Result<ReplyMessage, ReplyProblem> {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(line.utf8)) else {
            return .failure(ReplyProblem(text: "not a JSON object with a string \"type\" (and, for candidates, a list of {\"components\": {name: text}, \"rationale\": text})"))
        }
        switch envelope.type {
        case "candidates":
            guard let candidates = envelope.candidates else { return .failure(ReplyProblem(text: "a candidates message needs a \"candidates\" list")) }
            return .success(.candidates(candidates))
        case "nothing": return .success(.nothing(envelope.reason ?? "no reason given"))
        case "exhausted": return .success(.exhausted(envelope.reason ?? "no reason given"))
        case "error": return .success(.error(envelope.message ?? "no message given"))
        default: return .failure(ReplyProblem(text: "unknown message type \"\(envelope.type)\" (use candidates, nothing, exhausted or error)"))
        }
    }
}

struct ReplyProblem: Error, Equatable {
    var text: String
}
