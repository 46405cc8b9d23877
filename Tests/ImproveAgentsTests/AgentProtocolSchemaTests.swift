import Foundation
import ImproveCore
import ImproveProcess
import ImproveTestSupport
import Testing
@testable import ImproveAgents

@Suite("Agent protocol schema")
struct AgentProtocolSchemaTests {
    static let schemaURL = Fixtures.repositoryRoot.appendingPathComponent("docs/agent-protocol.schema.json")

    /// A request as a driver sends it: every optional field set, and the models block filled in.
    static var fullRequest: AgentUnitRequest {
        var request = AgentFixture.request()
        request.models = .init(baseURL: "http://127.0.0.1:4000/v1", apiKey: "token", model: "local/smollm2")
        return request
    }

    /// The same with every optional field absent (a dialogue turn of a profile without strategy or config).
    static var sparseRequest: AgentUnitRequest {
        var request = fullRequest
        request.profile.strategy = nil
        request.profile.config = nil
        request.input.text = nil
        return request
    }

    @Test("the schema's properties and required fields are the Swift types' keys")
    func schemaMatchesTheTypes() throws {
        let schema = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: Self.schemaURL))
        let definitions = try #require(schema["$defs"])
        let full = try JSONValue(encoding: Self.fullRequest), sparse = try JSONValue(encoding: Self.sparseRequest)
        let objects: [(definition: String, path: [String])] = [("request", []), ("unit", ["unit"]), ("profile", ["profile"]), ("input", ["input"]), ("models", ["models"])]
        for (definition, path) in objects {
            let all = try #require(path.reduce(Optional(full)) { $0?[$1] }?.objectValue).keys
            let present = try #require(path.reduce(Optional(sparse)) { $0?[$1] }?.objectValue).keys
            let properties = try #require(definitions[definition]?["properties"]?.objectValue).keys
            let required = try #require(definitions[definition]?["required"]?.arrayValue).compactMap(\.stringValue)
            #expect(Set(properties) == Set(all), "\(definition): properties")
            #expect(Set(required) == Set(present), "\(definition): required")
        }
        let reply = try JSONValue(encoding: AgentReply(reply: "hi", trace: ["steps": []], usage: Usage(inputTokens: 1, outputTokens: 2, cost: 0)))
        let bare = try JSONValue(encoding: AgentReply(reply: "hi"))
        #expect(Set(try #require(definitions["reply"]?["properties"]?.objectValue).keys) == Set(try #require(reply.objectValue).keys))
        #expect(Set(try #require(definitions["reply"]?["required"]?.arrayValue).compactMap(\.stringValue)) == Set(try #require(bare.objectValue).keys))
        #expect(Set(try #require(definitions["usage"]?["properties"]?.objectValue).keys) == Set(try #require(reply["usage"]?.objectValue).keys))
        #expect(definitions["request"]?["properties"]?["protocol"]?["const"] == .number(Double(AgentProtocol.version)))
    }

    @Test("a real request and reply validate against the schema (with Python's jsonschema, when installed)", .timeLimit(.minutes(1)))
    func requestValidates() async throws {
        let probe = try await TimedProcess.run(["python3", "-c", "import jsonschema"], timeout: 30)
        guard probe.exitCode == 0 else { return }  // Not a dependency: checked where it is installed.
        let line = try ExecAgentDriver.line(Self.fullRequest) + "\n" + ExecAgentDriver.line(Self.sparseRequest) + "\n"
            + #"{"reply": "ok", "trace": {"steps": []}, "usage": {"inputTokens": 3, "outputTokens": 1}, "extra": true}"# + "\n"
        let check = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            lines = sys.stdin.read().splitlines()
            for name, line in zip(["request", "request", "reply"], lines):
                jsonschema.validate(json.loads(line), {**schema, "$ref": "#/$defs/" + name, "anyOf": [{}]})
            try:
                jsonschema.validate({"answer": "x"}, {**schema, "$ref": "#/$defs/reply", "anyOf": [{}]})
            except jsonschema.ValidationError:
                print("refused")
            """
        let result = try await TimedProcess.run(["python3", "-c", check, Self.schemaURL.path], input: Data(line.utf8), timeout: 30)
        #expect(result.exitCode == 0, "\(result.stderrText)")
        #expect(result.stdoutText == "refused\n")
    }
}
