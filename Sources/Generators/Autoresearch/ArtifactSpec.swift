import Foundation
import ImproveCore

/// What autoresearch may change and how it measures a change: `artifact.yaml`.
///
/// ```yaml
/// file: config.json            # the one file the model edits, relative to this directory
/// command: python3 compress.py # run in a scratch copy of this directory
/// metric:
///   regex: "size: ([0-9.]+)"  # first capture group of the first match in stdout
///   # or: jsonFile: result.json  and  jsonField: score   (dotted path)
/// direction: minimise          # or maximise
/// timeoutSeconds: 60
/// baselineRepeats: 3           # runs of the unchanged file, to measure noise
/// maxAttempts: 10
/// minDelta: 0                  # a kept change must also beat the incumbent by this much
/// space: {level: {int: [1, 9]}} # optional, JSON/YAML/TOML files: see ``SearchSpace``
/// sampler: tpe                 # or random: how proposals are drawn from the space
/// modelShare: 0.25             # share of attempts that ask the model when there is a space
/// modelFailureLimit: 3         # failed model calls in a row that end the run (provider down)
/// ```
public struct ArtifactSpec: Sendable, Equatable, Codable {
    public enum Metric: Sendable, Equatable, Codable {
        case regex(String)
        case jsonField(file: String, field: String)
    }

    public enum Direction: String, Sendable, Equatable, Codable {
        case minimise, maximise

        /// True when `candidate` is better than `incumbent` by more than `margin`.
        public func improves(_ candidate: Double, on incumbent: Double, by margin: Double) -> Bool {
            switch self {
            case .minimise: return incumbent - candidate > margin
            case .maximise: return candidate - incumbent > margin
            }
        }
    }

    /// Directory holding `artifact.yaml`; the experiment runs in a scratch copy of it.
    public var directory: URL
    /// The edited file, relative to ``directory``.
    public var file: String
    public var command: String
    public var metric: Metric
    public var direction: Direction
    public var timeoutSeconds: Double
    public var baselineRepeats: Int
    public var maxAttempts: Int
    public var minDelta: Double
    /// The declared search space (nil: inferred from the file when its format is structured).
    public var space: SearchSpace?
    public var sampler: SearchSpace.Sampler
    /// The share of attempts that ask the model when proposals can come from a space; nil
    /// for the default (0.25 with a space, every attempt without one).
    public var modelShare: Double?
    /// Failed model calls in a row after which the provider counts as down and the run ends.
    public var modelFailureLimit: Int

    public init(
        directory: URL, file: String, command: String, metric: Metric, direction: Direction, timeoutSeconds: Double = 60, baselineRepeats: Int = 3, maxAttempts: Int = 10,
        minDelta: Double = 0, space: SearchSpace? = nil, sampler: SearchSpace.Sampler = .tpe, modelShare: Double? = nil, modelFailureLimit: Int = 3
    ) {
        self.directory = directory
        self.file = file
        self.command = command
        self.metric = metric
        self.direction = direction
        self.timeoutSeconds = timeoutSeconds
        self.baselineRepeats = baselineRepeats
        self.maxAttempts = maxAttempts
        self.minDelta = minDelta
        self.space = space
        self.sampler = sampler
        self.modelShare = modelShare
        self.modelFailureLimit = modelFailureLimit
    }

    /// The edited file's full location.
    public var fileURL: URL { directory.appendingPathComponent(file) }
}

/// Reads `artifact.yaml`.
public enum ArtifactSpecLoader {
    static let topKeys = ["file", "command", "metric", "direction", "timeoutSeconds", "baselineRepeats", "maxAttempts", "minDelta", "space", "sampler", "modelShare", "modelFailureLimit"]

    /// Loads and checks the spec; the edited file must exist and lie inside the directory.
    public static func load(contentsOf url: URL) throws -> ArtifactSpec {
        try parse(ConfigNode.load(contentsOf: url), directory: url.deletingLastPathComponent())
    }

    /// Parses spec text; `file` names it in errors, `directory` is where it lives.
    public static func parse(_ text: String, file: String, directory: URL) throws -> ArtifactSpec {
        try parse(ConfigNode.parse(text, file: file), directory: directory)
    }

    static func parse(_ root: ConfigNode, directory: URL) throws -> ArtifactSpec {
        let top = try root.mapping()
        try top.rejectUnknownKeys(topKeys)
        let fileNode = try top.required("file", hint: "the one file the model may edit, relative to this directory")
        let file = try fileNode.nonEmptyString()
        if file.hasPrefix("/") || file.split(separator: "/").contains("..") {
            throw fileNode.error("\"\(file)\" leaves the artifact directory", hint: "give a relative path inside it")
        }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) else {
            throw fileNode.error("\"\(file)\" does not exist in \(directory.path)")
        }
        let command = try top.required("command", hint: "the experiment, e.g. python3 train.py").nonEmptyString()
        let metricNode = try top.required("metric", hint: "regex: \"score: ([0-9.]+)\", or jsonFile: and jsonField:")
        let metricFields = try metricNode.mapping()
        try metricFields.rejectUnknownKeys(["regex", "jsonFile", "jsonField"])
        let metric: ArtifactSpec.Metric
        if let regexNode = metricFields.optional("regex") {
            let pattern = try regexNode.nonEmptyString()
            guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                throw regexNode.error("\"\(pattern)\" is not a valid regular expression")
            }
            guard metricFields.optional("jsonFile") == nil else {
                throw metricNode.error("gives both regex and jsonFile", hint: "use one way to read the metric")
            }
            metric = .regex(pattern)
        } else if let jsonNode = metricFields.optional("jsonFile") {
            metric = .jsonField(file: try jsonNode.nonEmptyString(), field: try metricFields.required("jsonField", hint: "a dotted path such as metrics.loss").nonEmptyString())
        } else {
            throw metricNode.error("gives no way to read the metric", hint: "set regex, or jsonFile and jsonField")
        }
        let direction = ArtifactSpec.Direction(rawValue: try top.required("direction", hint: "minimise or maximise").oneOf(["minimise", "maximise"])) ?? .minimise
        let spec = ArtifactSpec(
            directory: directory, file: file, command: command, metric: metric, direction: direction,
            timeoutSeconds: try top.optional("timeoutSeconds")?.double(in: 0.1...86_400) ?? 60,
            baselineRepeats: try top.optional("baselineRepeats")?.int(in: 1...100) ?? 3,
            maxAttempts: try top.optional("maxAttempts")?.int(in: 1...10_000) ?? 10,
            minDelta: try top.optional("minDelta")?.double(in: 0...1e12) ?? 0,
            space: try spaceField(top, file: file),
            sampler: SearchSpace.Sampler(rawValue: try top.optional("sampler")?.oneOf(SearchSpace.Sampler.allCases.map(\.rawValue)) ?? "tpe") ?? .tpe,
            modelShare: try top.optional("modelShare")?.double(in: 0...1),
            modelFailureLimit: try top.optional("modelFailureLimit")?.int(in: 1...100) ?? 3)
        try checkSpace(of: spec, declaredAt: top.optional("space"))
        return spec
    }

    /// `space:` is read only for a file whose format autoresearch can edit field by field.
    private static func spaceField(_ top: ConfigMapping, file: String) throws -> SearchSpace? {
        guard let node = top.optional("space") else { return nil }
        guard StructuredFormat(fileName: file) != nil else {
            throw node.error("applies only to .json, .yaml, .yml or .toml files, and \(file) is none of them", hint: "remove space:, or point file: at a structured config")
        }
        return try SearchSpaceLoader.parse(node)
    }

    /// The space against the file it edits, checked here, where each field's line in
    /// artifact.yaml is known: a misspelt field or a file that does not parse then fails before
    /// a run stores anything. A file that is not UTF-8 text is left to the caller that reads it
    /// for the run, which says so.
    private static func checkSpace(of spec: ArtifactSpec, declaredAt node: ConfigNode?) throws {
        guard let space = spec.space, let node, let content = try? String(contentsOf: spec.fileURL, encoding: .utf8) else { return }
        var lines: [String: Int] = [:]
        for (path, value) in try node.mapping().members { lines[path] = value.line }
        try SpaceFieldCheck.check(space, content: content, file: spec.file, directory: spec.directory, specFile: node.file, lines: lines)
    }
}
