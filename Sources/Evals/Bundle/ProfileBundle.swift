import Foundation
import ImproveCore

/// A profile directory loaded and validated: `profile.yaml`, `suite.yaml`, `policy.yaml`,
/// and optionally `providers.yaml`. `improve-cli run <dir>` needs nothing else.
public struct ProfileBundle: Sendable {
    public var directory: URL
    public var profile: AgentProfile
    public var profileFile: URL
    public var suite: Suite
    public var policy: Policy
    public var policyFile: URL
    /// `providers.yaml` in the directory, when present.
    public var providersFile: URL?

    public static func load(directory: URL) throws -> ProfileBundle {
        let directory = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(file: directory.path, line: nil, field: "", problem: "is not a profile directory", hint: "pass a directory holding profile.yaml, suite.yaml and policy.yaml, e.g. Profiles/sentiment")
        }
        let profileFile = directory.appendingPathComponent("profile.yaml")
        let suiteFile = directory.appendingPathComponent("suite.yaml")
        let policyFile = directory.appendingPathComponent("policy.yaml")
        for (file, what) in [(profileFile, "the agent profile"), (suiteFile, "the eval suite"), (policyFile, "the policy (allowedModels, budget, gate)")] {
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw ConfigError(file: file.path, line: nil, field: "", problem: "is missing", hint: "a profile directory needs \(file.lastPathComponent) with \(what); see Profiles/sentiment for an example")
            }
        }
        let providers = directory.appendingPathComponent("providers.yaml")
        return ProfileBundle(
            directory: directory, profile: try ProfileLoader.load(contentsOf: profileFile), profileFile: profileFile,
            suite: try SuiteLoader.load(contentsOf: suiteFile), policy: try PolicyLoader.load(contentsOf: policyFile), policyFile: policyFile,
            providersFile: FileManager.default.fileExists(atPath: providers.path) ? providers : nil)
    }
}
