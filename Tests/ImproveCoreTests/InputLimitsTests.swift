import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing

/// Bad YAML and bad bytes: every case fails fast with a ``ConfigError`` naming the file, the line
/// and the limit (and the variable that raises it), never a hang, a crash or a guess.
@Suite("Input limits, YAML guard and encodings")
struct InputLimitsTests {
    static let small = InputLimits(
        maxConfigFileBytes: 10_000, maxDataFileBytes: 10_000, maxItems: 10, maxInputChars: 100, maxExpectedChars: 20,
        maxAliases: 20, maxYAMLNodes: 1_000, maxDepth: 8)

    /// Runs `body` and returns the ConfigError it throws.
    static func configError(_ body: () throws -> Void) throws -> ConfigError {
        do {
            try body()
        } catch let error as ConfigError {
            return error
        }
        throw NothingThrown()
    }

    struct NothingThrown: Error {}

    /// Nine levels of nine aliases each: 9^9 (387 million) nodes once expanded.
    static func billionLaughs(asKey: Bool = false) -> String {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(refs)]")
        }
        lines.append(asKey ? "? *a9\n: boom" : "bomb: *a9")
        return lines.joined(separator: "\n")
    }

    @Test("an alias bomb in a value fails on the expanded size within a second")
    func aliasBombInValue() throws {
        let started = ContinuousClock.now
        let error = try Self.configError { _ = try ConfigNode.parse(Self.billionLaughs(), file: "policy.yaml", limits: .defaults) }
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(error.file == "policy.yaml")
        #expect(error.line != nil)
        #expect(error.problem.contains("expands to more than \(InputLimits.defaults.maxYAMLNodes) YAML nodes"))
        #expect(error.hint?.contains("IMPROVE_LIMIT_MAX_YAML_NODES") == true)
    }

    @Test("an alias bomb used as a key is refused before Yams hashes it")
    func aliasBombAsKey() throws {
        let started = ContinuousClock.now
        let explicit = try Self.configError { _ = try ConfigNode.parse(Self.billionLaughs(asKey: true), file: "p.yaml", limits: .defaults) }
        #expect(explicit.problem.contains("explicit key"))
        #expect(explicit.line == 11)
        let implicit = try Self.configError { _ = try ConfigNode.parse("a: &a [x, y]\nb: {*a : 1}\n", file: "p.yaml", limits: .defaults) }
        #expect(implicit.problem.contains("alias as a mapping key"))
        #expect(implicit.line == 2)
        let flowKey = try Self.configError { _ = try ConfigNode.parse("a: &a [x]\n[*a, *a]: 1\n", file: "p.yaml", limits: .defaults) }
        #expect(flowKey.problem.contains("list or mapping as a mapping key"))
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test("too many aliases, too deep a nesting (flow and block) fail with the line and the limit")
    func aliasCountAndDepth() throws {
        let many = "a: &x 1\nlist:\n" + (0..<30).map { _ in "  - *x" }.joined(separator: "\n")
        let aliases = try Self.configError { _ = try ConfigNode.parse(many, file: "s.yaml", limits: Self.small) }
        #expect(aliases.problem.contains("30 YAML aliases"))
        #expect(aliases.hint?.contains("IMPROVE_LIMIT_MAX_ALIASES") == true)

        let flow = "x: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepFlow = try Self.configError { _ = try ConfigNode.parse(flow, file: "s.yaml", limits: .defaults) }
        #expect(deepFlow.problem.contains("levels deep"))
        #expect(deepFlow.line == 1)

        let block = "x:\n" + (1...12).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " end"
        let deepBlock = try Self.configError { _ = try ConfigNode.parse(block, file: "s.yaml", limits: Self.small) }
        #expect(deepBlock.problem.contains("more than 8 levels deep"))
        #expect(deepBlock.field.hasPrefix("x.k1.k2"))

        let dashes = "x: " + String(repeating: "- ", count: 5_000) + "end"
        let dashError = try Self.configError { _ = try ConfigNode.parse(dashes, file: "s.yaml", limits: .defaults) }
        #expect(dashError.file == "s.yaml")
    }

    @Test("ordinary anchors and aliases still work, and markdown stars in text are not aliases")
    func legitimateAliases() throws {
        let yaml = """
            allowedModels: [local/m]
            roles:
              reflection: &model {provider: local, id: m}
              judge: *model
            notes: |
              **bold** and *emphasis* * list
            quoted: "*not an alias"
            """
        let root = try ConfigNode.parse(yaml, file: "p.yaml", limits: Self.small)
        let judge = try root.mapping().required("roles").mapping().required("judge").mapping()
        #expect(try judge.required("id").string() == "m")
        #expect(try root.mapping().required("notes").string().contains("*emphasis*"))
    }

    @Test("yes/no/on/off are not guessed as booleans; duplicate keys name their line")
    func ambiguousYAML() throws {
        let yes = try Self.configError {
            _ = try ProviderConfigLoader.parse("providers:\n  local:\n    allowServedModelMismatch: yes\n", file: "providers.yaml")
        }
        #expect(yes.field == "providers.local.allowServedModelMismatch")
        #expect(yes.line == 3)
        #expect(yes.problem.contains("ambiguous"))
        #expect(yes.hint == "write true or false")
        let duplicate = try Self.configError { _ = try ConfigNode.parse("name: a\nversion: 1\nname: b\n", file: "profile.yaml") }
        #expect(duplicate.problem.contains("\"name\" appears twice"))
        #expect(duplicate.line == 1 || duplicate.line == 3)
    }

    @Test("files over the size limit are refused before they are read, naming the variable")
    func fileSize() throws {
        let directory = try Fixtures.temporaryDirectory("limits")
        let file = directory.appendingPathComponent("profile.yaml")
        try Data(repeating: UInt8(ascii: "#"), count: 20_000).write(to: file)
        let error = try Self.configError { _ = try ConfigNode.load(contentsOf: file, limits: Self.small) }
        #expect(error.file == file.path)
        #expect(error.problem.contains("20000 bytes"))
        #expect(error.hint?.contains("IMPROVE_LIMIT_MAX_CONFIG_FILE_BYTES") == true)
    }

    @Test("non-UTF-8 files say so, with the line; UTF-16 is named; a UTF-8 BOM is accepted")
    func encodings() throws {
        let directory = try Fixtures.temporaryDirectory("encodings")
        let latin1 = directory.appendingPathComponent("policy.yaml")
        try Data("allowedModels: [local/m]\n# caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: latin1)
        let error = try Self.configError { _ = try PolicyLoader.load(contentsOf: latin1) }
        #expect(error.file == latin1.path)
        #expect(error.line == 2)
        #expect(error.problem.contains("not UTF-8"))
        #expect(error.problem.contains("0xE9"))

        let utf16 = directory.appendingPathComponent("suite.yaml")
        try Data([0xFF, 0xFE] + Array("name: x".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: utf16)
        #expect(try Self.configError { _ = try ConfigNode.load(contentsOf: utf16) }.problem.contains("UTF-16"))

        let bom = directory.appendingPathComponent("bom.yaml")
        try Data([0xEF, 0xBB, 0xBF] + Array("allowedModels: [local/m]\n".utf8)).write(to: bom)
        #expect(try PolicyLoader.load(contentsOf: bom).allowedModels.patterns == ["local/m"])

        let binary = directory.appendingPathComponent("binary.yaml")
        try Data([0x61, 0x00, 0x62]).write(to: binary)
        #expect(try Self.configError { _ = try ConfigNode.load(contentsOf: binary) }.problem.contains("NUL"))
    }

    @Test("limits come from IMPROVE_LIMIT_* variables; a malformed value keeps the default")
    func environment() {
        let limits = InputLimits.fromEnvironment(["IMPROVE_LIMIT_MAX_ITEMS": "7", "IMPROVE_LIMIT_MAX_DEPTH": "-3", "IMPROVE_LIMIT_MAX_ALIASES": "many"])
        #expect(limits.maxItems == 7)
        #expect(limits.maxDepth == InputLimits.defaults.maxDepth)
        #expect(limits.maxAliases == InputLimits.defaults.maxAliases)
    }
}
