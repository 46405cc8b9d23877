import ArgumentParser

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli run` is not built yet")
    }
}
