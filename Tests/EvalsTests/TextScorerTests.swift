import Foundation
import ImproveCore
import Testing
@testable import Evals

@Suite struct TextScorerTests {
    func run(_ scorer: any Scorer, _ output: String, expected: String? = nil) async throws -> ScoreResult {
        try await scorer.score(output: output, item: item("i", expected: expected))
    }

    @Test func labelMatchTakesTheFirstLabelAndRejectsHedging() async throws {
        let scorer = LabelMatchScorer(labels: ["positive", "negative"])
        #expect(try await run(scorer, "Positive.", expected: "positive").passed == true)
        #expect(try await run(scorer, "Sentiment: NEGATIVE", expected: "negative").passed == true)
        let hedge = try await run(scorer, "positive or negative", expected: "positive")
        #expect(hedge.passed == false)
        #expect(hedge.feedback.contains("also \"negative\""))
        let wrong = try await run(scorer, "negative", expected: "positive")
        #expect(wrong.passed == false)
        #expect(wrong.feedback.contains("Expected \"positive\""))
        let none = try await run(scorer, "The sentiment is good", expected: "positive")
        #expect(none.passed == false)
        #expect(none.feedback.contains("named none of the labels"))
        // Whole words only: "positively" is not the label.
        #expect(try await run(scorer, "positively", expected: "positive").passed == false)
        let lenient = LabelMatchScorer(labels: ["positive", "negative"], exclusive: false)
        #expect(try await run(lenient, "positive, not negative", expected: "positive").passed == true)
        await #expect(throws: ScorerError.self) { try await run(scorer, "positive") }
    }

    @Test func labelsWithPunctuationMatchTheirSpokenForm() async throws {
        let scorer = LabelMatchScorer(labels: ["World", "Sports", "Business", "Sci/Tech"])
        #expect(try await run(scorer, "Sci/Tech", expected: "Sci/Tech").passed == true)
        #expect(try await run(scorer, "sci tech news", expected: "Sci/Tech").passed == true)
        #expect(try await run(scorer, "Sports", expected: "Sci/Tech").passed == false)
    }

    @Test func exactAndNormalisedEquality() async throws {
        let exact = EqualityScorer(name: "exact", normalised: false)
        #expect(try await run(exact, "  Paris\n", expected: "Paris").passed == true)
        #expect(try await run(exact, "paris", expected: "Paris").passed == false)
        let normal = EqualityScorer(name: "n", normalised: true)
        #expect(try await run(normal, "PARIS!", expected: "paris").passed == true)
        #expect(try await run(normal, "Paris, France", expected: "paris").passed == false)
        let fixed = EqualityScorer(name: "f", value: "ok", normalised: false)
        #expect(try await run(fixed, "ok").passed == true)
        await #expect(throws: ScorerError.self) { try await run(exact, "x") }
    }

    @Test func containsWithCaseAndNegation() async throws {
        #expect(try await run(ContainsScorer(name: "c", caseInsensitive: false), "a Refund", expected: "refund").passed == false)
        #expect(try await run(ContainsScorer(name: "c", caseInsensitive: true), "a Refund", expected: "refund").passed == true)
        let negated = ContainsScorer(name: "c", value: "sorry", caseInsensitive: true, negate: true)
        let failed = try await run(negated, "Sorry about that")
        #expect(failed.passed == false)
        #expect(failed.feedback.contains("must not contain \"sorry\""))
        #expect(try await run(negated, "Done.").passed == true)
    }

    @Test func regexWithNegation() async throws {
        let digits = try RegexScorer(name: "r", pattern: #"^\d{3}$"#)
        #expect(try await run(digits, "123").passed == true)
        #expect(try await run(digits, "1234").passed == false)
        let noURL = try RegexScorer(name: "r", pattern: "https?://", negate: true)
        #expect(try await run(noURL, "see http://x").passed == false)
        #expect(throws: (any Error).self) { try RegexScorer(name: "r", pattern: "([") }
    }

    @Test func jsonValidityAndPathEquality() async throws {
        let valid = JSONScorer(name: "j", path: nil)
        #expect(try await run(valid, "```json\n{\"a\": 1}\n```").passed == true)
        #expect(try await run(valid, "{a: 1}").passed == false)
        let path = JSONScorer(name: "j", path: "answer.items[1].label")
        let doc = #"{"answer": {"items": [{"label": "x"}, {"label": "spam"}]}}"#
        #expect(try await run(path, doc, expected: "spam").passed == true)
        #expect(try await run(path, doc, expected: "ham").passed == false)
        let missing = try await run(JSONScorer(name: "j", path: "answer.items[5].label"), doc, expected: "spam")
        #expect(missing.passed == false)
        #expect(missing.feedback.contains("no value at"))
        #expect(try await run(JSONScorer(name: "j", path: "n"), #"{"n": 3}"#, expected: "3").passed == true)
    }

    @Test func numericTolerance() async throws {
        let scorer = NumericScorer(name: "n", tolerance: 0.05)
        #expect(try await run(scorer, "The answer is 3.14", expected: "3.1416").passed == true)
        #expect(try await run(scorer, "about 3.3", expected: "3.1416").passed == false)
        #expect(try await run(scorer, "-2", expected: "-2.0").passed == true)
        #expect(try await run(scorer, "no idea", expected: "1").passed == false)
        await #expect(throws: ScorerError.self) { try await run(scorer, "1", expected: "one") }
    }

    @Test func lengthBoundsGivePartialCredit() async throws {
        let scorer = LengthScorer(name: "len", min: 4, max: 10)
        #expect(try await run(scorer, "abcdef").score == 1)
        let short = try await run(scorer, "ab")
        #expect(short.passed == false)
        #expect(short.score == 0.5)
        let long = try await run(scorer, String(repeating: "x", count: 20))
        #expect(long.score == 0.5)
        #expect(long.feedback.contains("more than the maximum 10"))
    }

    @Test func compositeWeighsNamedDimensionsAndPassesOnlyWhenAllPass() async throws {
        let composite = try CompositeScorer(configs: [
            ScorerConfig(type: "icontains", name: "mentions", weight: 3, params: ["value": "refund"]),
            ScorerConfig(type: "length", name: "brief", weight: 1, params: ["max": 10]),
        ])
        let (result, dimensions) = try await composite.score(output: "A refund is on its way to you", item: item("i"))
        #expect(dimensions == ["mentions": 1, "brief": 10.0 / 29.0])
        #expect(abs(result.score - (3 + 10.0 / 29.0) / 4) < 1e-12)
        #expect(result.passed == false)
        #expect(result.feedback.hasPrefix("[brief]"))
    }
}
