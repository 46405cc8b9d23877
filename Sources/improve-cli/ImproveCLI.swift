import ArgumentParser

/// `improve-cli`: policy-gated self-improvement of LLM agent profiles.
@main
struct ImproveCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "improve-cli",
        abstract: "Improve an agent profile with scored candidates, ship it only when a promotion gate says the gain is real.",
        discussion: """
            Typical use:
              improve-cli models check --profile Profiles/sentiment   one real completion
              improve-cli eval Profiles/sentiment                     score it as it is
              improve-cli run Profiles/sentiment                      search, gate, write
              improve-cli evolve Profiles/travel-destination          evolve a strategy over generations
              improve-cli runs | show <run-id> | resume <run-id>      inspect, resume
              improve-cli audit verify <audit.json>                   check an audit

            Exit codes: 0 shipped (or success), 1 error, 2 policy violation, 3 held / no improvement, 4 rejected, 5 interrupted or stopped by the spend ceiling (resumable with `improve-cli resume`), 6 audit record intact but its signature unchecked (signed, and IMPROVE_AUDIT_KEY is not set), 7 another process is improving the same profile (run, resume).
            """,
        subcommands: [
            RunCommand.self, ResumeCommand.self, EvolveCommand.self, EvalCommand.self, RunsCommand.self, ShowCommand.self,
            GateCommand.self, AuditCommand.self, ReportCommand.self, ModelsCommand.self, WorkerCommand.self,
        ]
    )
}
