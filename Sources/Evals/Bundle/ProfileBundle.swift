import Foundation
import ImproveCore

/// A profile directory loaded and validated: `profile.yaml`, `suite.yaml`, `policy.yaml`,
/// optionally `providers.yaml` and a `skills/` directory. `improve-cli run <dir>` needs nothing else.
public struct ProfileBundle: Sendable {
    /// The profile directory, standardised.
    public var directory: URL
    /// The profile, with any skills from `skills/` appended after those in `profile.yaml`.
    public var profile: AgentProfile
    /// Its `profile.yaml`.
    public var profileFile: URL
    /// The suite (`suite.yaml`, or the file `improve-cli eval --suite` named).
    public var suite: Suite
    /// The policy (`policy.yaml`).
    public var policy: Policy
    /// Its `policy.yaml`, named in policy-violation messages.
    public var policyFile: URL
    /// `providers.yaml` in the directory, when present.
    public var providersFile: URL?
    /// Values that are valid but probably not meant (each names its file, line and field);
    /// `improve-cli --strict` refuses to run while there are any.
    public var warnings: [ConfigError] = []
    /// The scorer types the suite was read with; evaluations build its scorers from them.
    public var scorers: ScorerRegistry = .builtIn

    /// Loads `directory`; `suiteFile` replaces `suite.yaml` (e.g. `improve-cli eval --suite`);
    /// `scorers` are the scorer types the suite may name (extend ``ScorerRegistry/builtIn`` to add one).
    public static func load(directory: URL, suiteFile: URL? = nil, scorers: ScorerRegistry = .builtIn) throws -> ProfileBundle {
        let directory = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(file: directory.path, line: nil, field: "", problem: "is not a profile directory", hint: "pass a directory holding profile.yaml, suite.yaml and policy.yaml, e.g. Profiles/sentiment")
        }
        let profileFile = directory.appendingPathComponent("profile.yaml")
        let suiteFile = suiteFile ?? directory.appendingPathComponent("suite.yaml")
        let policyFile = directory.appendingPathComponent("policy.yaml")
        let needs: [(URL, String)] = [
            (profileFile, "the agent profile (name, model, systemPrompt, userTemplate)"),
            (suiteFile, "the eval suite (items, scorers, split)"),
            (policyFile, "the policy, at least `allowedModels: [provider/model]` listing every model any role may call, e.g. allowedModels: [local/smollm2-135m-instruct]"),
        ]
        for (file, what) in needs where !FileManager.default.fileExists(atPath: file.path) {
            throw ConfigError(file: file.path, line: nil, field: "", problem: "is missing", hint: "write \(file.lastPathComponent) with \(what); see Profiles/sentiment for an example")
        }
        var profile = try ProfileLoader.load(contentsOf: profileFile)
        profile.skills += try SkillDirectoryLoader.load(directory.appendingPathComponent("skills"), existing: profile.skills.map(\.name))
        let providers = directory.appendingPathComponent("providers.yaml")
        let (suite, suiteWarnings) = try SuiteLoader.loadChecked(contentsOf: suiteFile, scorers: scorers)
        let policy = try PolicyLoader.load(contentsOf: policyFile)
        let warnings = try suiteWarnings + BundleChecks.check(profile: profile, profileFile: profileFile, suite: suite)
        return ProfileBundle(
            directory: directory, profile: profile, profileFile: profileFile, suite: suite, policy: policy, policyFile: policyFile,
            providersFile: FileManager.default.fileExists(atPath: providers.path) ? providers : nil, warnings: warnings, scorers: scorers)
    }
}
