import ArgumentParser

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli resume` is not built yet")
    }
}
