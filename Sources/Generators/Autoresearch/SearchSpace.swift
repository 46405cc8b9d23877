import Foundation
import ImproveCore

/// The fields of a structured artifact that autoresearch may set without asking a model, and
/// the values each may take: `space:` in `artifact.yaml`.
///
/// ```yaml
/// space:
///   codec: {choices: [zlib, lzma, bz2]}
///   level: {int: [1, 9]}
///   chunkSize: {int: [256, 65536], log: true}
///   train.lr: {float: [1.0e-5, 0.1], log: true}   # a dotted path into nested tables
/// sampler: tpe          # or random (default tpe)
/// modelShare: 0.25      # the share of attempts that ask the model (default 0.25 with a space)
/// ```
public struct SearchSpace: Sendable, Equatable, Codable {
    /// One field and its domain.
    public struct Parameter: Sendable, Equatable, Codable {
        /// The dotted path of the field (`train.lr`).
        public var path: String
        public var domain: Domain

        public init(path: String, domain: Domain) {
            self.path = path
            self.domain = domain
        }

        /// The path split at dots.
        public var keys: [String] { path.split(separator: ".").map(String.init) }
    }

    /// The values a field may take.
    public enum Domain: Sendable, Equatable, Codable {
        /// One of these values (strings, numbers, booleans).
        case choices([JSONValue])
        /// An integer in `low...high`, drawn uniformly or, with `log`, log-uniformly.
        case integer(low: Int, high: Int, log: Bool)
        /// A real number in `low...high`, drawn uniformly or, with `log`, log-uniformly.
        case real(low: Double, high: Double, log: Bool)

        /// True when `value` lies in the domain.
        public func contains(_ value: JSONValue) -> Bool {
            switch self {
            case .choices(let options): return options.contains(value)
            case .integer(let low, let high, _):
                guard case .number(let number) = value, number == number.rounded() else { return false }
                return Double(low) <= number && number <= Double(high)
            case .real(let low, let high, _):
                guard case .number(let number) = value else { return false }
                return low <= number && number <= high
            }
        }
    }

    /// How proposals are drawn from a declared space.
    public enum Sampler: String, Sendable, Equatable, Codable, CaseIterable {
        /// Seeded uniform (log-uniform where asked) draws.
        case random
        /// Tree-structured Parzen estimator: after a few random draws, each field's value is
        /// the one most likely under the good experiments and least under the rest.
        case tpe
    }

    public var parameters: [Parameter]

    public init(parameters: [Parameter]) {
        self.parameters = parameters
    }
}

/// Reads `space:` from `artifact.yaml`.
enum SearchSpaceLoader {
    static func parse(_ node: ConfigNode) throws -> SearchSpace {
        let fields = try node.mapping()
        guard !fields.members.isEmpty else { throw node.error("declares no field", hint: "map each field to {choices: [...]}, {int: [low, high]} or {float: [low, high]}") }
        return SearchSpace(parameters: try fields.members.map { path, value in
            if path.isEmpty || path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                throw value.error("\"\(path)\" is not a dotted field path", hint: "write a key such as level or train.lr")
            }
            return SearchSpace.Parameter(path: path, domain: try domain(value))
        })
    }

    private static func domain(_ node: ConfigNode) throws -> SearchSpace.Domain {
        let hint = "give exactly one of choices: [...], int: [low, high] or float: [low, high], and optionally log: true"
        let fields = try node.mapping()
        try fields.rejectUnknownKeys(["choices", "int", "float", "log"])
        let log = try fields.optional("log")?.bool() ?? false
        switch (fields.optional("choices"), fields.optional("int"), fields.optional("float")) {
        case (let choices?, nil, nil):
            let values = try choices.list().map { try $0.json() }
            guard values.count >= 2 else { throw choices.error("needs at least two values", hint: hint) }
            if let container = values.first(where: { if case .array = $0 { return true }; if case .object = $0 { return true }; return false }) {
                throw choices.error("holds \(container), not a scalar", hint: "choices are strings, numbers or booleans")
            }
            guard !log else { throw node.error("log applies to int and float ranges only", hint: hint) }
            return .choices(values)
        case (nil, let range?, nil):
            let bounds = try range.list().map { try $0.int() }
            guard bounds.count == 2, bounds[0] < bounds[1] else { throw range.error("must be [low, high] with low < high", hint: hint) }
            if log, bounds[0] <= 0 { throw range.error("a log range must start above 0", hint: "raise low to at least 1") }
            return .integer(low: bounds[0], high: bounds[1], log: log)
        case (nil, nil, let range?):
            let bounds = try range.list().map { try $0.double() }
            guard bounds.count == 2, bounds[0] < bounds[1] else { throw range.error("must be [low, high] with low < high", hint: hint) }
            if log, bounds[0] <= 0 { throw range.error("a log range must start above 0", hint: "raise low above 0") }
            return .real(low: bounds[0], high: bounds[1], log: log)
        default:
            throw node.error("does not say what values the field takes", hint: hint)
        }
    }
}
