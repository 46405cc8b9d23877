import ArgumentParser

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli report` is not built yet")
    }
}
