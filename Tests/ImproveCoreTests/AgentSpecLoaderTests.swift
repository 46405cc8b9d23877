import Foundation
import ImproveCore
import Testing

/// `agent:` and `tools:` in `profile.yaml`: a good block loads and round-trips; every bad input
/// fails with a ConfigError naming file, line, field and the fix; a profile without them is
/// encoded exactly as before.
@Suite("Agent spec loading")
struct AgentSpecLoaderTests {
    /// A profile directory with an executable script, a non-executable file and settings files.
    final class Directory {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("agent-spec-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try write("run.sh", "#!/bin/sh\necho\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.appendingPathComponent("run.sh").path)
            try write("plain.py", "print(1)\n")
            try write("config.json", "{\"top_k\": 3, \"use_tools\": false}\n")
            try write("config.yaml", "top_k: 3\n")
            try write("config.toml", "top_k = 3\n")
            try write("broken.json", "{\n  \"top_k\": 3,\n  oops\n}\n")
            try write("broken.yaml", "top_k: [1, 2\n")
            try write("list.json", "[1, 2]\n")
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: url.appendingPathComponent(name))
        }

        /// Parses a profile whose tail (after name and model) is `tail`, as `<dir>/profile.yaml`.
        func load(_ tail: String) throws -> AgentProfile {
            let text = "name: x\nmodel:\n  provider: local\n  id: m\n" + tail
            return try ProfileLoader.parse(text, file: url.appendingPathComponent("profile.yaml").path)
        }

        /// The ConfigError that loading `tail` throws.
        func error(_ tail: String) throws -> ConfigError {
            try #require(throws: ConfigError.self) { try self.load(tail) }
        }
    }

    static let tools = """
        tools:
          - name: faq_search
            description: Search the FAQ for entries matching a query.
            parameters: {type: object, properties: {query: {type: string}}, required: [query]}

        """

    @Test("a good exec agent with tools loads, and ProfileWriter's YAML reads back equal with the same hash")
    func goodExec() throws {
        let directory = try Directory()
        let profile = try directory.load(
            "agent:\n  exec:\n    command: [python3, agent.py]\n    env: {TOP_K: \"3\"}\n  timeoutSeconds: 30\n  config: config.json\n" + Self.tools)
        let agent = try #require(profile.agent)
        #expect(agent.kind == .exec(.init(command: ["python3", "agent.py"], environment: ["TOP_K": "3"])))
        #expect(agent.timeoutSeconds == 30)
        #expect(agent.config == "config.json")
        #expect(profile.tools.map(\.name) == ["faq_search"])
        #expect(profile.tools.first?.parameters["required"] == ["query"])
        let again = try ProfileLoader.parse(try ProfileWriter.yaml(profile), file: directory.url.appendingPathComponent("profile.v2.yaml").path)
        #expect(again == profile)
        #expect(again.contentHash == profile.contentHash)
    }

    @Test("a good http agent with env-named headers loads with the default time limit; ./ programs and YAML/TOML settings are accepted")
    func goodHTTP() throws {
        let directory = try Directory()
        let profile = try directory.load("agent:\n  http:\n    url: http://127.0.0.1:8088/agent\n    headers: {Authorization: AGENT_TOKEN}\n  config: config.yaml\n")
        #expect(profile.agent?.kind == .http(.init(url: "http://127.0.0.1:8088/agent", headers: ["Authorization": "AGENT_TOKEN"])))
        #expect(profile.agent?.timeoutSeconds == AgentSpec.defaultTimeoutSeconds)
        #expect(try ProfileLoader.parse(try ProfileWriter.yaml(profile), file: directory.url.appendingPathComponent("p.yaml").path) == profile)
        #expect(try directory.load("agent:\n  exec:\n    command: [./run.sh]\n  config: config.toml\n").agent?.config == "config.toml")
        #expect(try AgentConfigFile.load(directory.url.appendingPathComponent("config.json")) == ["top_k": 3, "use_tools": false])
    }

    @Test("a profile without agent: encodes no agent or tools key, so its content hash is unchanged")
    func withoutAgent() throws {
        let profile = try ProfileLoader.parse("name: x\nmodel:\n  provider: local\n  id: m\n", file: "profile.yaml")
        #expect(profile.agent == nil && profile.tools.isEmpty)
        let json = try #require(String(data: try CanonicalJSON.encode(profile), encoding: .utf8))
        #expect(!json.contains("\"agent\"") && !json.contains("\"tools\""))
        #expect(!(try ProfileWriter.yaml(profile)).contains("agent"))
        #expect(profile.contentHash == AgentProfile(name: "x", model: ModelSpec(provider: "local", id: "m"), systemPrompt: "").contentHash)
    }

    @Test("both kinds, or neither, are refused at agent:'s line")
    func bothOrNeither() throws {
        let directory = try Directory()
        let both = try directory.error("agent:\n  exec: {command: [python3]}\n  http: {url: http://127.0.0.1:1/}\n")
        #expect(both.field == "agent" && both.line == 6)
        #expect(both.description.contains("has both exec and http"))
        let neither = try directory.error("agent:\n  timeoutSeconds: 5\n")
        #expect(neither.description.contains("names neither exec nor http"))
        #expect(neither.description.contains("command: [python3, agent.py]"))
    }

    @Test("a command written as a string is refused with the list to write instead; an empty command too")
    func commandShape() throws {
        let directory = try Directory()
        let string = try directory.error("agent:\n  exec:\n    command: python3 agent.py --fast\n")
        #expect(string.field == "agent.exec.command" && string.line == 7)
        #expect(string.description.contains("no shell"))
        #expect(string.description.contains("command: [python3, agent.py, --fast]"))
        let empty = try directory.error("agent:\n  exec:\n    command: []\n")
        #expect(empty.description.contains("agent.exec.command: is empty"))
    }

    @Test("a program not on PATH, a path that is not a file, and a file that is not executable are refused")
    func program() throws {
        let directory = try Directory()
        let missing = try directory.error("agent:\n  exec:\n    command: [no-such-program-7f3a, x]\n")
        #expect(missing.description.contains("\"no-such-program-7f3a\" is not found on PATH"))
        let noFile = try directory.error("agent:\n  exec:\n    command: [./absent.sh]\n")
        #expect(noFile.description.contains("./absent.sh is not a file"))
        #expect(noFile.description.contains("relative to the profile directory"))
        let notExecutable = try directory.error("agent:\n  exec:\n    command: [./plain.py]\n")
        #expect(notExecutable.description.contains("./plain.py is not executable"))
        #expect(notExecutable.description.contains("[python3, ./plain.py]"))
    }

    @Test("env may not set the gateway's variables, and its keys must be variable names")
    func environment() throws {
        let directory = try Directory()
        let gateway = try directory.error("agent:\n  exec:\n    command: [python3]\n    env: {OPENAI_API_KEY: sk-123}\n")
        #expect(gateway.field == "agent.exec.env" && gateway.line == 8)
        #expect(gateway.description.contains("OPENAI_API_KEY is set by improve"))
        #expect(Redactor(secrets: []).redact(gateway.description) == gateway.description)
        let badName = try directory.error("agent:\n  exec:\n    command: [python3]\n    env: {1X: y}\n")
        #expect(badName.description.contains("\"1X\" is not an environment variable name"))
    }

    @Test("a URL that does not parse or is not http(s) is refused")
    func url() throws {
        let directory = try Directory()
        for url in ["not a url", "ftp://example.com/agent", "http://"] {
            let error = try directory.error("agent:\n  http:\n    url: \(url)\n")
            #expect(error.field == "agent.http.url" && error.line == 7)
            #expect(error.description.contains("is not an http or https URL"))
        }
    }

    @Test("a header value that is not an environment variable name is refused without echoing it")
    func headerValue() throws {
        let directory = try Directory()
        let error = try directory.error("agent:\n  http:\n    url: http://127.0.0.1:8088/\n    headers:\n      Authorization: Bearer sk-secret-42\n")
        #expect(error.field == "agent.http.headers" && error.line == 9)
        #expect(error.description.contains("header Authorization must map to the name of an environment variable"))
        // The CLI's redactor blanks whatever follows `Authorization:`; the message must survive it.
        #expect(Redactor(secrets: []).redact(error.description) == error.description)
        #expect(error.description.contains("values come from the environment"))
        #expect(!error.description.contains("sk-secret-42"))
        let lower = try directory.error("agent:\n  http:\n    url: http://127.0.0.1:8088/\n    headers: {X-Key: agent_token}\n")
        #expect(lower.description.contains("header X-Key must map to the name of an environment variable"))
    }

    @Test("timeoutSeconds must be above 0")
    func timeout() throws {
        let directory = try Directory()
        for value in ["0", "-5"] {
            let error = try directory.error("agent:\n  exec: {command: [python3]}\n  timeoutSeconds: \(value)\n")
            #expect(error.field == "agent.timeoutSeconds" && error.line == 7)
            #expect(error.description.contains("is not a time limit"))
        }
    }

    @Test("a settings file that is missing, outside the directory, unparsable or not a mapping is refused")
    func config() throws {
        let directory = try Directory()
        let missing = try directory.error("agent:\n  exec: {command: [python3]}\n  config: settings.json\n")
        #expect(missing.field == "agent.config" && missing.line == 7)
        #expect(missing.description.contains("settings.json does not exist in the profile directory"))
        let outside = try directory.error("agent:\n  exec: {command: [python3]}\n  config: ../config.json\n")
        #expect(outside.description.contains("outside the profile directory"))
        let unknown = try directory.error("agent:\n  exec: {command: [python3]}\n  config: run.sh\n")
        #expect(unknown.description.contains("no known settings format"))
        let json = try directory.error("agent:\n  exec: {command: [python3]}\n  config: broken.json\n")
        #expect(json.file.hasSuffix("broken.json"))
        #expect(json.description.contains("not valid JSON"))
        let yaml = try directory.error("agent:\n  exec: {command: [python3]}\n  config: broken.yaml\n")
        #expect(yaml.file.hasSuffix("broken.yaml"))
        #expect(yaml.description.contains("not valid YAML"))
        let list = try directory.error("agent:\n  exec: {command: [python3]}\n  config: list.json\n")
        #expect(list.description.contains("must hold a mapping of settings"))
    }

    @Test("tools with a duplicate name, no description or a non-object schema are refused; tools need an agent")
    func badTools() throws {
        let directory = try Directory()
        let agent = "agent:\n  exec: {command: [python3]}\n"
        let duplicate = try directory.error(agent + "tools:\n  - {name: a, description: d}\n  - {name: a, description: e}\n")
        #expect(duplicate.field == "tools[1].name" && duplicate.line == 9)
        #expect(duplicate.description.contains("two tools are named \"a\""))
        let empty = try directory.error(agent + "tools:\n  - {name: a, description: \"\"}\n")
        #expect(empty.field == "tools[0].description")
        #expect(empty.description.contains("must not be empty"))
        let notObject = try directory.error(agent + "tools:\n  - {name: a, description: d, parameters: {type: string}}\n")
        #expect(notObject.field == "tools[0].parameters")
        #expect(notObject.description.contains("is not an object schema"))
        let required = try directory.error(agent + "tools:\n  - {name: a, description: d, parameters: {type: object, properties: {}, required: [q]}}\n")
        #expect(required.description.contains("required names \"q\""))
        let noAgent = try directory.error("tools:\n  - {name: a, description: d}\n")
        #expect(noAgent.field == "tools")
        #expect(noAgent.description.contains("add an agent: block"))
    }

    @Test("unknown keys in agent:, exec: and tools get a did-you-mean hint")
    func unknownKeys() throws {
        let directory = try Directory()
        let exec = try directory.error("agent:\n  exec:\n    comand: [python3]\n")
        #expect(exec.field == "agent.exec.comand")
        #expect(exec.description.contains("did you mean \"command\""))
        let agent = try directory.error("agent:\n  exec: {command: [python3]}\n  confg: config.json\n")
        #expect(agent.description.contains("did you mean \"config\""))
        let tool = try directory.error("agent:\n  exec: {command: [python3]}\ntools:\n  - {name: a, descripton: d}\n")
        #expect(tool.description.contains("did you mean \"description\""))
    }
}
