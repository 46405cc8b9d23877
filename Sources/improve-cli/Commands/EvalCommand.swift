import ArgumentParser

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli eval` is not built yet")
    }
}
