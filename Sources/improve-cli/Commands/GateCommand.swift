import ArgumentParser

struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gate", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli gate` is not built yet")
    }
}
