import ArgumentParser

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli models` is not built yet")
    }
}
