import Foundation

/// The largest inputs the loaders accept, so a broken or hostile file fails at once with an
/// error naming the limit, instead of being sent to a model, filling memory or hanging.
///
/// Every limit can be raised (or lowered) from the environment, for every command at once:
/// `IMPROVE_LIMIT_<NAME>` with the name in upper snake case, e.g.
/// `IMPROVE_LIMIT_MAX_INPUT_CHARS=500000`. The environment is the one place that reaches all
/// files, including `policy.yaml` itself, before any of them is read.
public struct InputLimits: Sendable, Equatable {
    /// Bytes of one YAML file (profile, suite, policy, providers, persona, artifact).
    public var maxConfigFileBytes: Int
    /// Bytes of one JSONL or CSV data file.
    public var maxDataFileBytes: Int
    /// Items in one suite (inline and from data files together).
    public var maxItems: Int
    /// Characters of one item's input (and of any other field a template may use).
    public var maxInputChars: Int
    /// Characters of one item's expected value.
    public var maxExpectedChars: Int
    /// YAML aliases (`*name`) in one file.
    public var maxAliases: Int
    /// YAML nodes in one file once every alias is expanded (what an alias bomb inflates).
    public var maxYAMLNodes: Int
    /// Nesting depth of lists and mappings in one YAML file.
    public var maxDepth: Int

    /// The built-in limits: generous for real suites, small enough to fail fast.
    public static let defaults = InputLimits(
        maxConfigFileBytes: 4 << 20, maxDataFileBytes: 256 << 20, maxItems: 100_000, maxInputChars: 200_000,
        maxExpectedChars: 20_000, maxAliases: 200, maxYAMLNodes: 200_000, maxDepth: 64)

    /// Limits with every value given (tests use small ones; see ``defaults`` and ``fromEnvironment(_:)``).
    public init(
        maxConfigFileBytes: Int, maxDataFileBytes: Int, maxItems: Int, maxInputChars: Int, maxExpectedChars: Int,
        maxAliases: Int, maxYAMLNodes: Int, maxDepth: Int
    ) {
        self.maxConfigFileBytes = maxConfigFileBytes
        self.maxDataFileBytes = maxDataFileBytes
        self.maxItems = maxItems
        self.maxInputChars = maxInputChars
        self.maxExpectedChars = maxExpectedChars
        self.maxAliases = maxAliases
        self.maxYAMLNodes = maxYAMLNodes
        self.maxDepth = maxDepth
    }

    /// Each limit with the environment variable that overrides it.
    static var variables: [(name: String, keyPath: WritableKeyPath<InputLimits, Int>)] {
        [
        ("IMPROVE_LIMIT_MAX_CONFIG_FILE_BYTES", \.maxConfigFileBytes),
        ("IMPROVE_LIMIT_MAX_DATA_FILE_BYTES", \.maxDataFileBytes),
        ("IMPROVE_LIMIT_MAX_ITEMS", \.maxItems),
        ("IMPROVE_LIMIT_MAX_INPUT_CHARS", \.maxInputChars),
        ("IMPROVE_LIMIT_MAX_EXPECTED_CHARS", \.maxExpectedChars),
        ("IMPROVE_LIMIT_MAX_ALIASES", \.maxAliases),
        ("IMPROVE_LIMIT_MAX_YAML_NODES", \.maxYAMLNodes),
        ("IMPROVE_LIMIT_MAX_DEPTH", \.maxDepth),
        ]
    }

    /// The defaults with every `IMPROVE_LIMIT_*` variable applied; a value that is not a
    /// positive whole number is ignored (the default stays), so a typo never disables a limit.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> InputLimits {
        var limits = defaults
        for (name, keyPath) in variables {
            guard let text = environment[name], let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0 else { continue }
            limits[keyPath: keyPath] = value
        }
        return limits
    }

    /// The limits in force for this process (read once from the environment).
    public static let current = fromEnvironment()

    /// The variable that raises the limit at `keyPath`, for error hints.
    public static func variable(for keyPath: WritableKeyPath<InputLimits, Int>) -> String {
        variables.first { $0.keyPath == keyPath }?.name ?? "IMPROVE_LIMIT_*"
    }

    /// "at most N (raise with VARIABLE=...)": the hint every limit error carries.
    public static func hint(_ keyPath: WritableKeyPath<InputLimits, Int>, in limits: InputLimits, unit: String) -> String {
        let value = limits[keyPath: keyPath]
        return "the limit is \(value) \(unit); raise it with \(variable(for: keyPath))=\(value * 4) if the input is meant to be this large"
    }
}
