import Foundation
import ImproveCore
import ImproveTestSupport
import Testing
@testable import Evals

/// Suites that load but could never score fairly: each is an error naming the file, the line
/// and the field, with the fix; limits on items name the variable that raises them.
@Suite struct SuiteChecksTests {
    let labelScorer = "scorers:\n  - type: label\n    labels: [\"1.0\", \"0.0\"]\n"

    @Test func anExpectedLabelNoScorerListsIsAnErrorAtItsDataLine() throws {
        let fixture = try SuiteFixture()
        // JSON numbers lose their trailing zero: 1.0 is read as "1", which is not the label "1.0".
        try fixture.write("d.jsonl", "{\"id\": \"a\", \"input\": \"x\", \"expected\": \"1.0\"}\n{\"id\": \"b\", \"input\": \"y\", \"expected\": 1.0}\n")
        let error = try fixture.error("items:\n  - file: d.jsonl\n\(labelScorer)")
        #expect(error.file.hasSuffix("d.jsonl"))
        #expect(error.line == 2)
        #expect(error.field == "expected")
        #expect(error.problem.contains("\"1\" is not one of the labels"))
        #expect(error.hint?.contains("quote number-like labels") == true)
    }

    @Test func anItemWithoutExpectedValueIsAnErrorWhenAScorerNeedsOne() throws {
        let fixture = try SuiteFixture()
        let error = try fixture.error("items:\n  - id: a\n    input: x\n    expected: \"1.0\"\n  - id: b\n    input: y\n\(labelScorer)")
        #expect(error.line == 5)
        #expect(error.field == "expected")
        #expect(error.problem.contains("item b: has no expected value"))
        let numeric = try fixture.error("items:\n  - id: a\n    input: x\n    expected: lots\nscorers:\n  - type: numeric\n")
        #expect(numeric.problem.contains("is not a number"))
        // A scorer with its own value needs no expected value.
        _ = try fixture.load("items:\n  - id: a\n    input: x\nscorers:\n  - type: contains\n    value: hello\n")
    }

    @Test func labelsTheScorerCannotTellApartAreAnError() throws {
        let fixture = try SuiteFixture()
        let error = try fixture.error("items:\n  - id: a\n    input: x\n    expected: yes\nscorers:\n  - type: label\n    labels: [Positive, positive!]\n")
        #expect(error.field == "scorers[0]")
        #expect(error.problem.contains("the same once case and punctuation are ignored"))
    }

    @Test func anEmptyInputIsAWarningNotAnError() throws {
        let fixture = try SuiteFixture()
        let url = try fixture.write("suite.yaml", "items:\n  - id: a\n    input: \"  \"\n    expected: \"1.0\"\n\(labelScorer)")
        let (suite, warnings) = try SuiteLoader.loadChecked(contentsOf: url)
        #expect(suite.items.count == 1)
        #expect(warnings.count == 1)
        #expect(warnings.first?.line == 2)
        #expect(warnings.first?.field == "input")
    }

    @Test func anOverlongInputNamesItsLineFieldAndLimit() throws {
        let fixture = try SuiteFixture()
        let long = String(repeating: "x", count: InputLimits.current.maxInputChars + 1)
        try fixture.write("d.jsonl", "{\"id\": \"a\", \"input\": \"ok\", \"expected\": \"1.0\"}\n{\"id\": \"b\", \"input\": \"\(long)\", \"expected\": \"1.0\"}\n")
        let error = try fixture.error("items:\n  - file: d.jsonl\n\(labelScorer)")
        #expect(error.line == 2)
        #expect(error.field == "input")
        #expect(error.problem.contains("item b"))
        #expect(error.hint?.contains("IMPROVE_LIMIT_MAX_INPUT_CHARS") == true)
    }

    @Test func itemCountExpectedLengthAndDataFileSizeHaveLimits() throws {
        let limits = InputLimits(
            maxConfigFileBytes: 10_000, maxDataFileBytes: 200, maxItems: 2, maxInputChars: 100, maxExpectedChars: 5,
            maxAliases: 10, maxYAMLNodes: 1000, maxDepth: 8)
        let three = "{\"id\": \"a\", \"input\": \"x\"}\n{\"id\": \"b\", \"input\": \"x\"}\n{\"id\": \"c\", \"input\": \"x\"}\n"
        let count = try #require(throws: ConfigError.self) { _ = try DatasetReader.jsonl(three, file: "d.jsonl", mapping: .init(), limits: limits) }
        #expect(count.line == 3)
        #expect(count.hint?.contains("IMPROVE_LIMIT_MAX_ITEMS") == true)
        let expected = try #require(throws: ConfigError.self) {
            _ = try DatasetReader.csv("id,input,expected\na,x,too long by far\n", file: "d.csv", mapping: .init(), limits: limits)
        }
        #expect(expected.field == "expected")
        #expect(expected.line == 2)

        let fixture = try SuiteFixture()
        let big = try fixture.write("big.jsonl", String(repeating: "{\"id\": \"a\", \"input\": \"x\"}\n", count: 20))
        let node = try ConfigNode.parse("file: big.jsonl", file: "suite.yaml")
        let size = try #require(throws: ConfigError.self) { _ = try DatasetReader.read(big, mapping: .init(), at: node, limits: limits) }
        #expect(size.file == big.path)
        #expect(size.hint?.contains("IMPROVE_LIMIT_MAX_DATA_FILE_BYTES") == true)
    }

    @Test func aDataFileInLatin1SaysItIsNotUTF8() throws {
        let fixture = try SuiteFixture()
        let url = fixture.directory.appendingPathComponent("d.csv")
        try Data("id,input,expected\na,caf".utf8 + [0xE9] + Data(",\"1.0\"\n".utf8)).write(to: url)
        let error = try fixture.error("items:\n  - file: d.csv\n\(labelScorer)")
        #expect(error.file == url.path)
        #expect(error.line == 2)
        #expect(error.problem.contains("not UTF-8"))
    }

    @Test func aPlaceholderNoItemProvidesIsAnErrorInTheProfile() throws {
        let fixture = try SuiteFixture()
        try fixture.write("profile.yaml", "name: p\nmodel: {provider: local, id: m}\nsystemPrompt: Answer {{question}}\nuserTemplate: \"Text: {{text}}\"\n")
        try fixture.write("policy.yaml", "allowedModels: [local/m]\n")
        try fixture.write("suite.yaml", "items:\n  - id: a\n    input: x\n    expected: \"1.0\"\n\(labelScorer)")
        let error = try #require(throws: ConfigError.self) { _ = try ProfileBundle.load(directory: fixture.directory) }
        #expect(error.file.hasSuffix("profile.yaml"))
        #expect(error.line == 4)
        #expect(error.field == "userTemplate")
        #expect(error.problem.contains("{{text}}"))
        #expect(error.hint?.contains("{{input}}") == true)

        try fixture.write("profile.yaml", "name: p\nmodel: {provider: local, id: m}\nsystemPrompt: Answer {{question}}\nuserTemplate: \"Text: {{input}}\"\n")
        let bundle = try ProfileBundle.load(directory: fixture.directory)
        #expect(bundle.warnings.map(\.field) == ["systemPrompt"])
    }
}
