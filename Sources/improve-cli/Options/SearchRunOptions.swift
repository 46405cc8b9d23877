import ArgumentParser
import ImproveCore

/// What bounds and names a search run: budget, seed and dedupe window. Shared by `run` and `evolve`.
struct SearchRunOptions: ParsableArguments {
    @Option(name: .long, help: "Budget in metric calls (scored candidate × item pairs); overrides policy.yaml.")
    var budget: Int?

    @Option(name: .long, help: "Seed of the run; overrides policy.yaml search.seed.")
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp(
        "Join a run with the same inputs only within this UTC window: day, hour or none (always join).",
        discussion: "With day, a cron entry firing twice in one night pays once, and the next night starts a new run even when nothing changed."))
    var dedupeWindow: DedupeWindow = .none

    func validate() throws {
        if let budget, budget < 1 { throw ValidationError("--budget must be at least 1") }
    }

    /// `--budget` as a budget, or nil for the policy's.
    var budgetOverride: Budget? { budget.map { Budget(metricCalls: $0) } }
}
