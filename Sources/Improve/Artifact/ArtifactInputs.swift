import Foundation
import Generators
import ImproveCore

/// Everything an autoresearch run reads from a profile directory: `artifact.yaml` (the file,
/// experiment command and metric), `profile.yaml` (the model that proposes edits) and
/// `policy.yaml` (allowed models, seed).
public struct ArtifactInputs: Sendable {
    public static let specFileName = "artifact.yaml"

    public var directory: URL
    public var spec: ArtifactSpec
    public var profile: AgentProfile
    public var profileFile: URL
    public var policy: Policy
    public var policyFile: String
    /// The artifact file's content, read once: the run's identity, its edits and its audit
    /// hashes all come from these bytes.
    public var original: String

    public init(directory: URL, spec: ArtifactSpec, original: String, profile: AgentProfile, profileFile: URL, policy: Policy, policyFile: String) {
        self.directory = directory
        self.spec = spec
        self.original = original
        self.profile = profile
        self.profileFile = profileFile
        self.policy = policy
        self.policyFile = policyFile
    }

    /// True when `directory` holds an `artifact.yaml` and no `suite.yaml`: its natural
    /// surface is the artifact, not the prompt.
    public static func isArtifactProfile(_ directory: URL) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: directory.appendingPathComponent(specFileName).path)
            && !fm.fileExists(atPath: directory.appendingPathComponent("suite.yaml").path)
    }

    /// Loads and checks the three files; errors name the file, line and field.
    public static func load(directory: URL) throws -> ArtifactInputs {
        let specFile = directory.appendingPathComponent(specFileName)
        guard FileManager.default.fileExists(atPath: specFile.path) else {
            throw PreflightError(problem: "\(specFile.path) is missing; the artifact surface needs file:, command:, metric: and direction: there")
        }
        let profileFile = directory.appendingPathComponent("profile.yaml")
        let policyFile = directory.appendingPathComponent("policy.yaml")
        let spec = try ArtifactSpecLoader.load(contentsOf: specFile)
        guard let original = try? String(contentsOf: spec.fileURL, encoding: .utf8) else {
            throw PreflightError(problem: "\(spec.fileURL.path) (file: in \(specFile.path)) cannot be read as UTF-8 text; name a text file inside \(directory.path)")
        }
        return ArtifactInputs(
            directory: directory, spec: spec, original: original,
            profile: try ProfileLoader.load(contentsOf: profileFile), profileFile: profileFile,
            policy: try PolicyLoader.load(contentsOf: policyFile), policyFile: policyFile.path)
    }

    /// Hash of everything that decides the run: the spec, the file's bytes, profile and policy.
    func contentHash() throws -> String {
        let fields: JSONValue = [
            "spec": try JSONValue(encoding: ArtifactSpecIdentity(spec)), "file": .string(ContentHash.sha256(Data(original.utf8))),
            "profile": .string(profile.contentHash), "policy": .string(try ContentHash.of(policy)),
        ]
        return ContentHash.sha256(try CanonicalJSON.encode(fields))
    }
}

/// The spec without its absolute directory, so a copied profile keeps its identity.
private struct ArtifactSpecIdentity: Encodable {
    let file, command: String
    let metric: ArtifactSpec.Metric
    let direction: ArtifactSpec.Direction
    let timeoutSeconds, minDelta: Double
    let baselineRepeats, maxAttempts: Int
    let space: SearchSpace?
    let sampler: SearchSpace.Sampler
    let modelShare: Double?
    let modelFailureLimit: Int

    init(_ spec: ArtifactSpec) {
        (file, command, metric, direction) = (spec.file, spec.command, spec.metric, spec.direction)
        (timeoutSeconds, minDelta, baselineRepeats, maxAttempts) = (spec.timeoutSeconds, spec.minDelta, spec.baselineRepeats, spec.maxAttempts)
        (space, sampler, modelShare, modelFailureLimit) = (spec.space, spec.sampler, spec.modelShare, spec.modelFailureLimit)
    }
}
