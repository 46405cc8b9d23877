import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import PropertyBased
import Testing
@testable import Evals

/// Mutated copies of the repository's own input files, fed to every loader: each must load or
/// throw a ``ConfigError`` (never crash, hang, or throw anything untyped). Bounded: see ``FuzzHarness``.
@Suite("Fuzzing the loaders") struct LoaderFuzzTests {
    static let profiles = Fixtures.repositoryRoot.appendingPathComponent("Profiles")

    static func seeds(_ name: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: profiles.path)) ?? []
        return names.sorted().compactMap { try? String(contentsOf: profiles.appendingPathComponent($0).appendingPathComponent(name), encoding: .utf8) }
    }

    @Test func profileLoader() {
        let seeds = Self.seeds("profile.yaml")
        #expect(seeds.count >= 3)
        let ran = FuzzHarness.run("profile", generator: Mutations.of(seeds)) { text in
            try FuzzHarness.typedOnly { _ = try ProfileLoader.parse(text, file: "profile.yaml") }
        }
        #expect(ran > 0)
    }

    /// Documents built from anchors, aliases, flow and block collections and explicit keys:
    /// the YAML guard must stop every expansion and key form Yams would choke on.
    @Test func yamlAliasesAndNesting() {
        FuzzHarness.run("yaml-aliases", cases: 2000, generator: YAMLShapes.document) { text in
            try FuzzHarness.typedOnly { _ = try ConfigNode.parse(text, file: "shapes.yaml") }
        }
    }

    @Test func policyLoader() {
        FuzzHarness.run("policy", generator: Mutations.of(Self.seeds("policy.yaml"))) { text in
            try FuzzHarness.typedOnly { _ = try PolicyLoader.parse(text, file: "policy.yaml") }
        }
    }

    @Test func providersLoader() {
        FuzzHarness.run("providers", generator: Mutations.of([SampleInputs.providersYAML])) { text in
            try FuzzHarness.typedOnly { _ = try ProviderConfigLoader.parse(text, file: "providers.yaml") }
        }
    }

    @Test func suiteLoader() {
        let directory = Self.profiles.appendingPathComponent("support")
        FuzzHarness.run("suite", cases: 800, generator: Mutations.of(Self.seeds("suite.yaml"))) { text in
            try FuzzHarness.typedOnly { _ = try SuiteLoader.parse(text, file: "suite.yaml", directory: directory) }
        }
    }

    @Test func jsonlAndCSVReaders() throws {
        let jsonl = try String(contentsOf: Self.profiles.appendingPathComponent("support/faq.jsonl"), encoding: .utf8)
        let sst2 = try String(contentsOf: Self.profiles.appendingPathComponent("sentiment/sst2.jsonl"), encoding: .utf8)
            .split(separator: "\n").prefix(6).joined(separator: "\n")
        FuzzHarness.run("jsonl", generator: Mutations.of([jsonl, sst2])) { text in
            try FuzzHarness.typedOnly { _ = try DatasetReader.jsonl(text, file: "d.jsonl", mapping: .init()) }
        }
        let csv = "id,input,expected,lang\nc1,\"fine, really\",positive,en\nc2,\"said \"\"no\"\"\",negative,en\r\nc3,\"two\nlines\",positive,fr\n"
        FuzzHarness.run("csv", generator: Mutations.of([csv])) { text in
            try FuzzHarness.typedOnly { _ = try DatasetReader.csv(text, file: "d.csv", mapping: .init()) }
        }
    }

    /// Random JSON trees: canonical encoding is a fixed point (decode, re-encode: same bytes),
    /// and only non-finite numbers are refused, with their own error type.
    @Test func canonicalJSON() {
        FuzzHarness.run("canonical-json", generator: JSONTrees.value(depth: 4)) { value in
            do {
                let bytes = try CanonicalJSON.encode(value)
                let decoded = try JSONDecoder().decode(JSONValue.self, from: bytes)
                guard try CanonicalJSON.encode(decoded) == bytes else {
                    throw FuzzHarness.Finding(description: "not a fixed point: \(String(decoding: bytes, as: UTF8.self).prefix(300))")
                }
            } catch is CanonicalJSON.NonFiniteNumber {
                guard JSONTrees.hasNonFinite(value) else { throw FuzzHarness.Finding(description: "NonFiniteNumber without one") }
            }
        }
        let texts = Mutations.of(["{\"b\": [1, 2.5, -0, 1e21, \"\\u00e9\\n\"], \"a\": {\"x\": null, \"y\": true}}", "[\"\\ud83d\\ude00\", 1e-7]"])
        FuzzHarness.run("canonical-json-text", generator: texts) { text in
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return }
            let bytes = try CanonicalJSON.encode(value)
            guard try CanonicalJSON.encode(JSONDecoder().decode(JSONValue.self, from: bytes)) == bytes else {
                throw FuzzHarness.Finding(description: "not a fixed point")
            }
        }
    }
}

/// Small YAML documents assembled from the constructs that make aliases dangerous: anchored
/// collections, aliases in values and in keys (implicit, explicit, inside flow keys), repeated
/// references, deep flow and block nesting.
enum YAMLShapes {
    static let pieces = [
        "&a [x, y, z]", "&b [*a, *a, *a, *a]", "&c {k: *b, l: *b}", "*a", "*b", "*c", "[*c, *c, *c]", "{*a : 1}", "[*b, *b]: 2",
        "? *c\n: 3", "{? *a : 4}", "!!str *a", "&d !!seq [*c, *c]", "*d", "[[[[[[[[*a]]]]]]]]", "- - - - - *b", "|\n  *a text",
        "\"*a quoted\"", "'*a single'", "<<: *c", "&e *a", "[&f [*d, *d], *f, *f]", "{a: &g [*d, *d, *d]}", "[*g, *g, *g, *g]",
    ]
    static let document = zip(Gen<String?>.element(of: pieces).map { $0 ?? "" }.array(of: 1...12), Gen.int(in: 0...3)).map { parts, style in
        parts.enumerated().map { index, part in
            switch style {
            case 0: return "k\(index): \(part)"
            case 1: return "- \(part)"
            case 2: return String(repeating: "  ", count: index % 5) + "k\(index): \(part)"
            default: return "k\(index): [\(part), \(part)]"
            }
        }.joined(separator: "\n")
    }
}

/// Generators of arbitrary ``JSONValue`` trees, strings with escapes and awkward numbers included.
enum JSONTrees {
    static let numbers: [Double] = [0, -0.0, 1, -1, 0.1, 1e21, 1e-7, 123_456_789_012_345_680, 9_007_199_254_740_992, .pi, -2.5e-300, .infinity, .nan]
    static let strings = ["", "a", "é", "\u{0}", "\u{1F}", "\"\\", "👍🏽", "\u{2028}", "line\nbreak", "\u{FFFF}", "key"]

    static let scalar = Gen<JSONValue>.frequency(
        (1, Gen<JSONValue>.always(JSONValue.null)),
        (1, Gen<Bool>.bool.map { JSONValue.bool($0) }),
        (2, Gen<Double?>.element(of: numbers).map { JSONValue.number($0 ?? 0) }),
        (2, Gen.int(in: -1_000_000...1_000_000).map { JSONValue.number(Double($0)) }),
        (3, Gen<String?>.element(of: strings).map { JSONValue.string($0 ?? "") }),
        (2, Gen.letterOrNumber.string(of: 0...12).map { JSONValue.string($0) }))

    static func value(depth: Int) -> Generator<JSONValue, AnySequence<Any>> {
        guard depth > 0 else { return scalar.eraseToAny() }
        let inner = value(depth: depth - 1)
        return Gen<JSONValue>.frequency(
            (3, scalar.eraseToAny()),
            (1, inner.array(of: 0...4).map { JSONValue.array($0) }.eraseToAny()),
            (1, zip(Gen<String?>.element(of: strings).map { $0 ?? "" }, inner).array(of: 0...4)
                .map { JSONValue.object(Dictionary($0, uniquingKeysWith: { first, _ in first })) }.eraseToAny()))
            .eraseToAny()
    }

    static func hasNonFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): return !number.isFinite
        case .array(let elements): return elements.contains(where: hasNonFinite)
        case .object(let members): return members.values.contains(where: hasNonFinite)
        default: return false
        }
    }
}
