import ArgumentParser

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli runs` is not built yet")
    }
}
