import Foundation
import ImproveCore
import ImproveTestSupport
@testable import Evals

/// Writes files into a fresh directory and loads suites from it.
struct SuiteFixture {
    let directory: URL

    init() throws {
        directory = try Fixtures.temporaryDirectory("evals-suite")
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func load(_ suite: String) throws -> Suite {
        try SuiteLoader.load(contentsOf: write("suite.yaml", suite))
    }

    /// The ConfigError a suite raises (fails the test when it loads).
    func error(_ suite: String) throws -> ConfigError {
        do {
            _ = try load(suite)
        } catch let error as ConfigError {
            return error
        }
        throw TestFailure("the suite loaded but should not have")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

let taskModel = ModelSpec(provider: "local", id: "smollm2-135m-instruct", temperature: 0, maxTokens: 16, seed: 1)

func profile(_ system: String = "Classify the sentiment.", template: String = "{{input}}") -> AgentProfile {
    AgentProfile(name: "test", model: taskModel, systemPrompt: system, userTemplate: template)
}

func item(_ id: String, _ input: String = "text", expected: String? = nil) -> EvalItem {
    EvalItem(id: id, input: input, expected: expected)
}
