import Foundation
import Yams

/// Writes profiles as readable YAML (multi-line prompts as literal blocks) and atomically.
public enum ProfileWriter {
    /// The YAML text for a profile; ``ProfileLoader`` reads it back to an equal value.
    public static func yaml(_ profile: AgentProfile) throws -> String {
        var pairs: [(Node, Node)] = [
            ("name", text(profile.name)),
            ("version", Node(String(profile.version))),
            ("model", model(profile.model)),
            ("systemPrompt", text(profile.systemPrompt)),
            ("userTemplate", text(profile.userTemplate)),
        ]
        if !profile.skills.isEmpty {
            pairs.append(("skills", Node(profile.skills.map { skill in
                Node.mapping(Node.Mapping([("name", text(skill.name)), ("description", text(skill.description)), ("body", text(skill.body))]))
            })))
        }
        if let strategy = profile.strategy { pairs.append(("strategy", text(strategy))) }
        if !profile.metadata.isEmpty {
            let sorted = profile.metadata.keys.sorted().map { (Node($0), json(profile.metadata[$0] ?? .null)) }
            pairs.append(("metadata", Node.mapping(Node.Mapping(sorted))))
        }
        if let spec = profile.agent { pairs.append(("agent", agent(spec))) }
        if !profile.tools.isEmpty {
            pairs.append(("tools", Node(profile.tools.map { tool in
                Node.mapping(Node.Mapping([("name", text(tool.name)), ("description", text(tool.description)), ("parameters", json(tool.parameters))]))
            })))
        }
        return try Yams.serialize(node: Node.mapping(Node.Mapping(pairs)), width: -1, allowUnicode: true)
    }

    /// `agent:` as ``ProfileLoader`` reads it (`env`, not `environment`; sorted maps).
    private static func agent(_ spec: AgentSpec) -> Node {
        func sorted(_ map: [String: String]) -> Node {
            Node.mapping(Node.Mapping(map.keys.sorted().map { (text($0), text(map[$0] ?? "")) }))
        }
        var kind: [(Node, Node)]
        switch spec.kind {
        case .exec(let exec):
            kind = [("command", Node(exec.command.map(text)))]
            if !exec.environment.isEmpty { kind.append(("env", sorted(exec.environment))) }
            return block(("exec", Node.mapping(Node.Mapping(kind))), spec)
        case .http(let http):
            kind = [("url", text(http.url))]
            if !http.headers.isEmpty { kind.append(("headers", sorted(http.headers))) }
            return block(("http", Node.mapping(Node.Mapping(kind))), spec)
        }
    }

    private static func block(_ kind: (Node, Node), _ spec: AgentSpec) -> Node {
        var pairs = [kind, ("timeoutSeconds", Node((try? CanonicalJSON.format(spec.timeoutSeconds)) ?? "60"))]
        if let config = spec.config { pairs.append(("config", text(config))) }
        return Node.mapping(Node.Mapping(pairs))
    }

    /// Writes `profile` to `url` atomically (temporary file + rename), never leaving a half-written file.
    public static func write(_ profile: AgentProfile, to url: URL) throws {
        try AtomicFile.write(Data(try yaml(profile).utf8), to: url)
    }

    private static func model(_ spec: ModelSpec) -> Node {
        var pairs: [(Node, Node)] = [
            ("provider", text(spec.provider)), ("id", text(spec.id)),
            ("temperature", Node((try? CanonicalJSON.format(spec.temperature)) ?? "0")),
            ("maxTokens", Node(String(spec.maxTokens))),
        ]
        if let seed = spec.seed { pairs.append(("seed", Node(String(seed)))) }
        return Node.mapping(Node.Mapping(pairs))
    }

    /// A string node whose style keeps the exact text: literal blocks for multi-line text,
    /// double quotes when a plain scalar would be read back as something else.
    static func text(_ value: String) -> Node {
        if value.contains("\n") && !value.hasSuffix(" ") && !value.contains("\r") && !value.hasPrefix(" ") {
            return Node(value, Tag(.str), .literal)
        }
        return Node(value, Tag(.str), .doubleQuoted)
    }

    private static func json(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null")
        case .bool(let flag): return Node(flag ? "true" : "false")
        case .number(let number): return Node((try? CanonicalJSON.format(number)) ?? "0")
        case .string(let string): return text(string)
        case .array(let elements): return Node(elements.map(json))
        case .object(let members):
            return Node.mapping(Node.Mapping(members.keys.sorted().map { (Node($0), json(members[$0] ?? .null)) }))
        }
    }
}

/// Atomic file replacement: write to a sibling temporary file, fsync, rename over the target.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UInt64.random(in: 0...UInt64.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
