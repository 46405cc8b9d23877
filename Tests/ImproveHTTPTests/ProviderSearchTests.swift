import Foundation
import ImproveCore
import ImproveHTTP
import Testing

@Suite("Provider search")
struct ProviderSearchTests {
    /// A temporary tree with a providers.yaml in each place the search looks, each adding a
    /// provider named after its place.
    final class Places: Sendable {
        let root: URL
        var explicit: URL { root.appendingPathComponent("flag/chosen.yaml") }
        var profile: URL { root.appendingPathComponent("profile") }
        var work: URL { root.appendingPathComponent("work") }
        var xdg: URL { root.appendingPathComponent("xdg") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("provider-search-\(UUID().uuidString)")
            try Self.write("flag", to: explicit)
            try Self.write("profile", to: profile.appendingPathComponent("providers.yaml"))
            try Self.write("work", to: work.appendingPathComponent("providers.yaml"))
            try Self.write("xdg", to: xdg.appendingPathComponent("improve/providers.yaml"))
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        static func write(_ provider: String, to file: URL) throws {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("providers:\n  \(provider):\n    kind: openai\n    baseURL: http://127.0.0.1:9/v1\n".utf8).write(to: file)
        }

        func search(explicit: Bool = true, environment: [String: String]? = nil) -> ProviderSearch {
            ProviderSearch(
                explicitFile: explicit ? self.explicit : nil, profileDirectory: profile, workingDirectory: work,
                environment: environment ?? ["XDG_CONFIG_HOME": xdg.path])
        }

        func remove(_ file: URL) throws { try FileManager.default.removeItem(at: file) }
    }

    /// The provider the search's registry added beside the built-ins.
    static func found(_ search: ProviderSearch) throws -> String? {
        let registry = try search.registry()
        return Set(registry.providers.keys).subtracting(ProviderConfig.builtIns.keys).sorted().first
    }

    @Test("the flag, then the profile directory, the working directory, the user config directory, then built-ins")
    func documentedOrder() throws {
        let places = try Places()
        #expect(try Self.found(places.search()) == "flag")
        #expect(try Self.found(places.search(explicit: false)) == "profile")
        try places.remove(places.profile.appendingPathComponent("providers.yaml"))
        #expect(try Self.found(places.search(explicit: false)) == "work")
        try places.remove(places.work.appendingPathComponent("providers.yaml"))
        #expect(try Self.found(places.search(explicit: false)) == "xdg")
        #expect(try places.search(explicit: false).registry().sourceFile?.path == places.xdg.appendingPathComponent("improve/providers.yaml").path)
        try places.remove(places.xdg.appendingPathComponent("improve/providers.yaml"))
        let builtIns = try places.search(explicit: false).registry()
        #expect(builtIns.providers == ProviderConfig.builtIns)
        #expect(builtIns.sourceFile == nil)
    }

    @Test("the user config directory is read only when every earlier place has no file")
    func userConfigIsTheLastResort() throws {
        let places = try Places()
        #expect(try Self.found(places.search(explicit: false)) == "profile")
        try places.remove(places.profile.appendingPathComponent("providers.yaml"))
        #expect(try Self.found(places.search(explicit: false)) == "work")
    }

    @Test("without XDG_CONFIG_HOME (or with a relative one) the user config directory is $HOME/.config")
    func homeConfig() {
        let home = URL(fileURLWithPath: "/home/someone")
        let expected = home.appendingPathComponent(".config/improve/providers.yaml").path
        #expect(ProviderSearch(environment: ["HOME": home.path]).userConfigFile.path == expected)
        #expect(ProviderSearch(environment: ["HOME": home.path, "XDG_CONFIG_HOME": "relative/dir"]).userConfigFile.path == expected)
        #expect(ProviderSearch(environment: ["HOME": home.path, "XDG_CONFIG_HOME": "/etc/xdg"]).userConfigFile.path == "/etc/xdg/improve/providers.yaml")
    }

    @Test("a --providers file that does not exist is refused, not skipped")
    func missingExplicitFile() throws {
        let places = try Places()
        var search = places.search()
        search.explicitFile = places.root.appendingPathComponent("typo.yaml")
        let error = try #require(throws: ConfigError.self) { try search.registry() }
        #expect(error.description.hasSuffix(": no such file (pass the path of a providers.yaml)"), "\(error)")
    }

    @Test("keys come from the search's environment")
    func environmentReachesTheRegistry() throws {
        let places = try Places()
        let search = ProviderSearch(workingDirectory: places.root, environment: ["XDG_CONFIG_HOME": places.root.path, "OPENAI_API_KEY": "sk-test-1234"])
        #expect(throws: Never.self) { _ = try search.registry().client(for: ModelSpec(provider: "openai", id: "gpt-4o-mini")) }
        let keyless = ProviderSearch(workingDirectory: places.root, environment: ["XDG_CONFIG_HOME": places.root.path])
        #expect(throws: ModelError.self) { _ = try keyless.registry().client(for: ModelSpec(provider: "openai", id: "gpt-4o-mini")) }
    }
}
