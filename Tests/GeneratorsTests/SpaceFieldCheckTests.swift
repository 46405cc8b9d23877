import Foundation
import ImproveCore
import Testing
@testable import Generators

/// The space in `artifact.yaml` checked against the file it edits, at load time: a field the
/// file lacks and a file that does not parse fail with the line, the fix and a "did you mean".
@Suite("Space field check")
struct SpaceFieldCheckTests {
    static let compressorConfig = "{\n  \"codec\": \"zlib\",\n  \"level\": 1,\n  \"chunkSize\": 512,\n  \"strategy\": \"huffman\"\n}\n"

    /// Loads an `artifact.yaml` whose `space:` is `space` (its first field on line 6) for a file
    /// `name` holding `content`.
    static func load(space: String, file name: String = "config.json", content: String = compressorConfig) throws -> ArtifactSpec {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("space-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try content.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        let yaml = "file: \(name)\ncommand: python3 run.py\nmetric: {regex: \"size: ([0-9]+)\"}\ndirection: minimise\nspace:\n" + space
        return try ArtifactSpecLoader.parse(yaml, file: "artifact.yaml", directory: directory)
    }

    /// The error `load` raises.
    static func error(space: String, file name: String = "config.json", content: String = compressorConfig) -> ConfigError? {
        do {
            _ = try load(space: space, file: name, content: content)
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    @Test func aSpaceWhoseFieldsAreInTheFileLoads() throws {
        let spec = try Self.load(space: "  codec: {choices: [zlib, lzma, bz2]}\n  level: {int: [1, 9]}\n  chunkSize: {int: [256, 65536], log: true}\n  strategy: {choices: [default, huffman]}\n")
        #expect(spec.space?.parameters.count == 4)
    }

    @Test func aMisspeltFieldNamesTheLineAndSuggestsTheKey() throws {
        let error = try #require(Self.error(space: "  level: {int: [1, 9]}\n  codek: {choices: [zlib, lzma]}\n"))
        #expect(error.file == "artifact.yaml")
        #expect(error.line == 7)
        #expect(error.field == "space.codek")
        #expect(error.problem == "config.json has no field \"codek\"")
        #expect(error.hint?.hasPrefix("did you mean \"codec\"? config.json has chunkSize, codec, level, strategy;") == true)
        #expect(error.description.hasPrefix("artifact.yaml:7: space.codek: config.json has no field \"codek\" (did you mean \"codec\"?"))
    }

    @Test func aFieldFarFromEveryKeyGetsNoSuggestion() throws {
        let error = try #require(Self.error(space: "  window: {int: [1, 9]}\n"))
        #expect(error.hint?.contains("did you mean") == false)
        #expect(error.hint?.contains("add the field to config.json") == true)
    }

    @Test func invalidJSONNamesTheFileLineAndColumn() throws {
        let broken = "{\n  \"codec\": \"zlib\",\n  \"level\": one\n}\n"
        let error = try #require(Self.error(space: "  level: {int: [1, 9]}\n", content: broken))
        #expect(error.file.hasSuffix("/config.json"))
        #expect(error.line == 3)
        #expect(error.problem.hasPrefix("not valid JSON at column 12: "))
        #expect(error.hint?.contains("must parse") == true)
    }

    @Test func nestedPathsAreFollowedAndSuggestedWhole() throws {
        let nested = "{\"train\": {\"lr\": 0.01, \"epochs\": 3}, \"seed\": 1}"
        #expect(try Self.load(space: "  train.lr: {float: [0.0001, 0.1], log: true}\n", content: nested).space?.parameters.first?.path == "train.lr")
        let inner = try #require(Self.error(space: "  train.lt: {float: [0.0001, 0.1]}\n", content: nested))
        #expect(inner.problem == "config.json has no field \"train.lt\"")
        #expect(inner.hint?.hasPrefix("did you mean \"train.lr\"? \"train\" in config.json has epochs, lr;") == true)
        let outer = try #require(Self.error(space: "  trian.lr: {float: [0.0001, 0.1]}\n", content: nested))
        #expect(outer.problem == "config.json has no field \"trian\"")
        #expect(outer.hint?.hasPrefix("did you mean \"train.lr\"?") == true)
        let scalar = try #require(Self.error(space: "  seed.low: {int: [1, 9]}\n", content: nested))
        #expect(scalar.problem.contains("\"seed\" in config.json is a number (1), not an object"))
        let whole = try #require(Self.error(space: "  train: {int: [1, 9]}\n", content: nested))
        #expect(whole.problem.contains("is an object"))
        #expect(whole.hint?.contains("\"train.epochs\"") == true)
    }

    @Test func aValueOfAnotherKindThanTheDomainIsRefused() throws {
        let text = try #require(Self.error(space: "  codec: {int: [1, 9]}\n"))
        #expect(text.problem == "\"codec\" in config.json is text (\"zlib\"), but its range gives numbers")
        let number = try #require(Self.error(space: "  level: {choices: [fast, best]}\n"))
        #expect(number.problem == "\"level\" in config.json is a number (1), and none of its choices is")
        // Null is a default the space may fill; a choice of the same kind among others is enough.
        _ = try Self.load(space: "  level: {choices: [auto, 1, 9]}\n")
        _ = try Self.load(space: "  level: {int: [1, 9]}\n", content: "{\"level\": null}")
    }

    @Test func yamlAndTOMLArtifactsAreCheckedToo() throws {
        let yaml = try #require(Self.error(space: "  model.lr: {float: [0.001, 0.1]}\n", file: "params.yaml", content: "model:\n  rate: 0.01\n"))
        #expect(yaml.problem == "params.yaml has no field \"model.lr\"")
        let badYAML = try #require(Self.error(space: "  lr: {float: [0.001, 0.1]}\n", file: "params.yaml", content: "lr: 0.01\n  depth: [1, 2\n"))
        #expect(badYAML.file.hasSuffix("/params.yaml"))
        #expect(badYAML.line != nil)
        #expect(badYAML.problem.hasPrefix("not valid YAML"))
        let toml = try #require(Self.error(space: "  train.lr: {float: [0.001, 0.1]}\n", file: "params.toml", content: "[train]\nlearning_rate = 0.01\n"))
        #expect(toml.problem == "params.toml has no field \"train.lr\"")
        let badTOML = try #require(Self.error(space: "  lr: {float: [0.001, 0.1]}\n", file: "params.toml", content: "lr = 0.01\ndepth = \"open\n"))
        #expect(badTOML.line == 2)
        #expect(badTOML.problem.hasPrefix("not valid TOML: "))
    }

    @Test func jsonPositionsCountCharactersAfterTheLastNewline() {
        let place = JSONErrorPlace("{\"é\": \"é\", \n \"b\": x}")
        #expect(place.line == 2 && place.column == 7)
        #expect(JSONErrorPlace.position(ofByte: 0, in: "x").column == 1)
        #expect(JSONErrorPlace("{\"a\": 1}").message == nil)
    }

    @Test func keySuggestionIsWithinTwoEdits() {
        #expect(KeySuggestion.closest(to: "codek", among: ["level", "codec"]) == "codec")
        #expect(KeySuggestion.closest(to: "chunk_size", among: ["chunkSize"]) == "chunkSize")
        #expect(KeySuggestion.closest(to: "window", among: ["level", "codec"]) == nil)
    }
}
