import Foundation
import ImproveCore

/// Where a command's providers come from: the first `providers.yaml` found, merged over the
/// built-in providers (`local`, `openai`, `anthropic`, `openrouter`).
///
/// The places are tried in this order, and only the first file found is read (files are not
/// merged with each other):
///
/// 1. ``explicitFile``, the file a command was given (`--providers`); it must exist;
/// 2. `providers.yaml` in ``profileDirectory``, the profile being run or evaluated;
/// 3. `providers.yaml` in ``workingDirectory``;
/// 4. `improve/providers.yaml` in the user's configuration directory: `$XDG_CONFIG_HOME` when it
///    is set to an absolute path, else `~/.config` (``userConfigFile``);
/// 5. none: the built-ins alone.
///
/// Every command that calls models (`run`, `resume`, `evolve`, `eval`, `models check`, `worker`)
/// searches this way. Keys and base-URL overrides are read from ``environment``, which is also
/// where `XDG_CONFIG_HOME` and `HOME` come from, so a test can point the search anywhere
/// without touching the process environment.
public struct ProviderSearch: Sendable, Equatable {
    /// The file named on the command line; nil when none was.
    public var explicitFile: URL?
    /// The profile directory, whose `providers.yaml` (if any) serves that profile.
    public var profileDirectory: URL?
    /// The directory the command runs in.
    public var workingDirectory: URL
    /// The environment: `XDG_CONFIG_HOME` and `HOME` for the search, API keys and base-URL
    /// overrides for the registry it yields.
    public var environment: [String: String]

    /// A search over the given places, in the documented order.
    public init(
        explicitFile: URL? = nil, profileDirectory: URL? = nil,
        workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.explicitFile = explicitFile
        self.profileDirectory = profileDirectory
        self.workingDirectory = workingDirectory
        self.environment = environment
    }

    /// `improve/providers.yaml` under `$XDG_CONFIG_HOME`, or under `$HOME/.config` when that is
    /// unset, empty or relative (the XDG base-directory rule); the account's home directory
    /// stands in for an unset `HOME`.
    public var userConfigFile: URL {
        let configHome: URL
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            configHome = URL(fileURLWithPath: xdg, isDirectory: true)
        } else if let home = environment["HOME"], !home.isEmpty {
            configHome = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".config", isDirectory: true)
        } else {
            configHome = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config", isDirectory: true)
        }
        return configHome.appendingPathComponent("improve", isDirectory: true).appendingPathComponent("providers.yaml")
    }

    /// The files looked at, in order (whether or not they exist).
    public var candidates: [URL] {
        var files: [URL] = []
        if let explicitFile { files.append(explicitFile) }
        if let profileDirectory { files.append(profileDirectory.appendingPathComponent("providers.yaml")) }
        files.append(workingDirectory.appendingPathComponent("providers.yaml"))
        files.append(userConfigFile)
        return files
    }

    /// The registry of the first file found (its ``ProviderRegistry/sourceFile``), or of the
    /// built-ins when there is none.
    ///
    /// - Throws: ``ConfigError`` when ``explicitFile`` does not exist (a mistyped flag must not
    ///   quietly fall back to another file) or when the file found is not a valid providers.yaml.
    public func registry(wireFormats: ProviderWireFormats = .builtIn) throws -> ProviderRegistry {
        if let explicitFile, !FileManager.default.fileExists(atPath: explicitFile.path) {
            throw ConfigError(
                file: explicitFile.relativePath, line: nil, field: "", problem: "no such file", hint: "pass the path of a providers.yaml")
        }
        return try ProviderRegistry.load(searching: candidates, environment: environment, wireFormats: wireFormats)
    }
}
