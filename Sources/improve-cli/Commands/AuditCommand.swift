import ArgumentParser

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("`improve-cli audit` is not built yet")
    }
}
