import Foundation

/// Reads `agent:` and `tools:` of `profile.yaml`, checking everything that can be checked
/// before a run opens its store: the program exists and is executable, the URL parses, header
/// values name environment variables, the settings file parses, tool schemas are objects.
enum AgentSpecLoader {
    static let agentKeys = ["exec", "http", "timeoutSeconds", "config"]
    static let execKeys = ["command", "env"]
    static let httpKeys = ["url", "headers"]
    static let toolKeys = ["name", "description", "parameters"]
    /// Set by improve for every exec agent to reach the gateway; a profile may not override them.
    static let gatewayVariables: Set<String> = ["OPENAI_BASE_URL", "OPENAI_API_KEY"]

    /// Parses `agent:`; `directory` is the profile directory (the agent's working directory).
    static func parseAgent(_ node: ConfigNode, directory: URL) throws -> AgentSpec {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(agentKeys)
        let kind: AgentSpec.Kind
        switch (fields.optional("exec"), fields.optional("http")) {
        case (let exec?, nil):
            kind = .exec(try parseExec(exec, directory: directory))
        case (nil, let http?):
            kind = .http(try parseHTTP(http))
        case (.some, .some):
            throw node.error("has both exec and http", hint: "keep one: exec runs a program, http posts each unit to a service")
        case (nil, nil):
            throw node.error(
                "names neither exec nor http",
                hint: "add exec: {command: [python3, agent.py]} to run a program, or http: {url: http://127.0.0.1:8088/agent}")
        }
        var timeout = AgentSpec.defaultTimeoutSeconds
        if let timeoutNode = fields.optional("timeoutSeconds") {
            timeout = try timeoutNode.double()
            guard timeout > 0 else {
                let shown = timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
                throw timeoutNode.error("\(shown) is not a time limit", hint: "seconds one unit may take, above 0; the default is \(Int(AgentSpec.defaultTimeoutSeconds))")
            }
        }
        var config: String?
        if let configNode = fields.optional("config") {
            config = try parseConfig(configNode, directory: directory)
        }
        return AgentSpec(kind: kind, timeoutSeconds: timeout, config: config)
    }

    static func parseExec(_ node: ConfigNode, directory: URL) throws -> AgentSpec.ExecAgent {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(execKeys)
        let commandNode = try fields.required("command", hint: "the program and its arguments as a list, e.g. [python3, agent.py]")
        if let line = try? commandNode.string() {
            // No shell runs the command, so a string would be one program name with spaces in it.
            let words = line.split(separator: " ").map(String.init)
            throw commandNode.error(
                "is a string, but no shell runs the command",
                hint: "write the argv as a list: command: [\(words.joined(separator: ", "))]")
        }
        let command = try commandNode.list().map { try $0.nonEmptyString() }
        guard let program = command.first else {
            throw commandNode.error("is empty", hint: "give the program and its arguments, e.g. [python3, agent.py]")
        }
        try checkProgram(program, at: commandNode, directory: directory)
        var environment: [String: String] = [:]
        if let envNode = fields.optional("env") {
            for (name, value) in try envNode.mapping().members {
                // Located at `env` with the name in the text: `OPENAI_API_KEY: …` as a field path
                // would read as a credential to the CLI's redactor and be blanked.
                guard isVariableName(name, upperOnly: false) else {
                    throw located(value, in: envNode, "\"\(name)\" is not an environment variable name", hint: "letters, digits and _, not starting with a digit")
                }
                guard !gatewayVariables.contains(name) else {
                    throw located(value, in: envNode, "\(name) is set by improve", hint: "it points the agent at the run's model gateway; remove it from env")
                }
                environment[name] = try value.string()
            }
        }
        return AgentSpec.ExecAgent(command: command, environment: environment)
    }

    /// The program must be runnable as the exec driver will run it: looked up on PATH for a
    /// bare name, else a path relative to the profile directory (the working directory).
    static func checkProgram(_ program: String, at node: ConfigNode, directory: URL) throws {
        let result = ProgramLookup.find(program, directory: directory, path: ProcessInfo.processInfo.environment["PATH"] ?? "")
        switch result {
        case .found:
            return
        case .notExecutable(let file) where program.contains("/"):
            throw node.error("\(program) is not executable", hint: "chmod +x \(file), or run it through its interpreter, e.g. [python3, \(program)]")
        case .missing, .notAFile, .notExecutable:
            if program.contains("/") {
                throw node.error("\(program) is not a file", hint: "a path with / is taken relative to the profile directory \(directory.path)")
            }
            throw node.error(
                "the program \"\(program)\" is not found on PATH",
                hint: "install it or fix the name; a program in the profile directory is written ./\(program)")
        }
    }

    static func parseHTTP(_ node: ConfigNode) throws -> AgentSpec.HTTPAgent {
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(httpKeys)
        let urlNode = try fields.required("url", hint: "where each unit is POSTed, e.g. http://127.0.0.1:8088/agent")
        let url = try urlNode.nonEmptyString()
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = parsed.host, !host.isEmpty
        else {
            throw urlNode.error("\"\(url)\" is not an http or https URL", hint: "e.g. http://127.0.0.1:8088/agent")
        }
        var headers: [String: String] = [:]
        if let headersNode = fields.optional("headers") {
            for (name, value) in try headersNode.mapping().members {
                // Located at `headers` with the header named in the text: `Authorization: …` in a
                // message would be blanked by the CLI's redactor, whatever follows it.
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                    throw located(value, in: headersNode, "\"\(name)\" is not a header name", hint: "letters, digits, - and _")
                }
                let variable = try value.nonEmptyString()
                // The value is not echoed: a user who pasted a token here must not see it in logs.
                guard isVariableName(variable, upperOnly: true) else {
                    throw located(
                        value, in: headersNode, "header \(name) must map to the name of an environment variable, not to the value",
                        hint: "values come from the environment: name a variable such as AGENT_TOKEN here and export it before the run")
                }
                headers[name] = variable
            }
        }
        return AgentSpec.HTTPAgent(url: url, headers: headers)
    }

    /// The settings file must sit in the profile directory and parse (TOML: exist and be text;
    /// see ``AgentConfigFile``). A problem inside the file is reported at the file's own line.
    static func parseConfig(_ node: ConfigNode, directory: URL) throws -> String {
        let path = try node.nonEmptyString()
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw node.error("\(path) is outside the profile directory", hint: "keep the agent's settings in the profile directory and name it relative to it, e.g. config.json")
        }
        guard AgentConfigFile.format(of: path) != nil else {
            throw node.error("\(path) has no known settings format", hint: "name it .json, .yaml, .yml or .toml")
        }
        let url = directory.appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw node.error("\(path) does not exist in the profile directory \(directory.path)", hint: "write the agent's settings there, or remove config:")
        }
        _ = try AgentConfigFile.load(url)
        return path
    }

    /// Parses `tools:`: unique names, a description, an object schema of parameters.
    static func parseTools(_ node: ConfigNode) throws -> [ToolSpec] {
        var tools: [ToolSpec] = []
        for element in try node.list() {
            let fields = try element.mapping()
            try fields.rejectUnknownKeys(toolKeys)
            let nameNode = try fields.required("name", hint: "the name the model calls it by, e.g. faq_search")
            let name = try nameNode.nonEmptyString()
            guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw nameNode.error("\"\(name)\" is not a tool name", hint: "letters, digits, _ and -, at most 64 characters (what chat-completion APIs accept)")
            }
            guard !tools.contains(where: { $0.name == name }) else {
                throw nameNode.error("two tools are named \"\(name)\"", hint: "tool names must be unique")
            }
            let description = try fields.required("description", hint: "when and how to use the tool; the model reads it").nonEmptyString()
            var parameters: JSONValue = ["type": "object", "properties": [:]]
            if let parametersNode = fields.optional("parameters") {
                parameters = try parametersNode.json()
                try checkObjectSchema(parameters, at: parametersNode)
            }
            tools.append(ToolSpec(name: name, description: description, parameters: parameters))
        }
        return tools
    }

    /// A tool's parameters must be a JSON Schema of an object, as chat-completion APIs require.
    static func checkObjectSchema(_ schema: JSONValue, at node: ConfigNode) throws {
        let example = "e.g. {type: object, properties: {query: {type: string}}, required: [query]}"
        guard case .object(let members) = schema, members["type"] == .string("object") else {
            throw node.error("is not an object schema", hint: "a JSON Schema with type: object, \(example)")
        }
        var names: Set<String> = []
        if let properties = members["properties"] {
            guard case .object(let fields) = properties, fields.values.allSatisfy({ if case .object = $0 { true } else { false } }) else {
                throw node.error("properties must map each argument name to its schema", hint: example)
            }
            names = Set(fields.keys)
        }
        if let required = members["required"] {
            guard case .array(let elements) = required else {
                throw node.error("required must be a list of argument names", hint: example)
            }
            for element in elements {
                guard case .string(let name) = element else {
                    throw node.error("required must be a list of argument names", hint: example)
                }
                guard names.contains(name) else {
                    throw node.error("required names \"\(name)\", which is not under properties", hint: example)
                }
            }
        }
    }

    /// An error on the line of `value`, under the field path of its mapping `parent`.
    static func located(_ value: ConfigNode, in parent: ConfigNode, _ problem: String, hint: String) -> ConfigError {
        ConfigError(file: value.file, line: value.line, field: parent.path, problem: problem, hint: hint)
    }

    /// `[A-Z_][A-Z0-9_]*` (header values), or the same with lower-case letters (env keys).
    static func isVariableName(_ name: String, upperOnly: Bool) -> Bool {
        guard let first = name.first, !first.isNumber else { return false }
        return name.allSatisfy { character in
            guard character.isASCII else { return false }
            if character == "_" || character.isNumber { return true }
            return character.isLetter && (character.isUppercase || !upperOnly)
        }
    }
}
