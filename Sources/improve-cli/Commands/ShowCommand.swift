import ArgumentParser

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli show` is not built yet")
    }
}
