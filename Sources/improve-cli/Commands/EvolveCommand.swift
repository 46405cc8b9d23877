import ArgumentParser
import Foundation
import Improve
import ImproveCore

struct EvolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolve",
        abstract: "Evolve a profile's strategy over generations; ship the cost-aware champion only through the promotion gate.",
        discussion: """
            Generation 0 is the profile as given. Each later generation keeps the elites and fills the population with children written by the policy's `author` model (checked against allowedModels like every role) from a parent drawn from the per-item Pareto frontier of every candidate so far, shown the search items the parent lost and the attempts that did not help. Every child is scored on the whole search split. The champion is the best search mean, with means within tieTolerance counted as tied and the cheaper candidate (tokens or dollars per item) winning the tie. After the last author call a holdout slice is drawn; champion and baseline are scored on it and the promotion gate of `run` decides.

            Settings come from the `evolution:` block of policy.yaml (population, generations, elites, tieTolerance, lossesShown, holdoutSize, authorTemperature); the options below override them.

            Writes audit.json (with the lineage), report.md, generations.csv, generations.json and lineage.json in the run directory; on ship also profile.v<N>.yaml. `--seeds 1,2,3` runs one replicate per seed (each its own run) and writes replicates.csv and replicates.json with the mean and a 95% interval across seeds.

            Running the same command again joins the run; after a kill it finishes it, replaying every completed model call (`improve-cli resume <run-id>` does the same).

            Examples:
              improve-cli evolve Profiles/travel-destination
              improve-cli evolve Profiles/travel-destination --generations 2 --population 3 --json
              improve-cli evolve Profiles/travel-destination --seeds 1,2,3
              improve-cli evolve Profiles/sentiment --surface prompt

            Unattended operation is that of `run`: one process per profile and store (a second exits 7, or waits with --wait), --spend-ceiling, --metrics-file, --log-format json, --dedupe-window, and a session record for `improve-cli runs --since`.

            Exit codes: 0 shipped (with --seeds: every replicate finished), 1 error, 2 policy violation, 3 held, 4 rejected, 5 interrupted or stopped by the spend ceiling (resumable), 7 the profile is locked by another process.
            """)

    @Argument(help: "Profile directory holding profile.yaml, suite.yaml and policy.yaml.")
    var profile: String

    @Option(name: .long, help: "The text surface to evolve: strategy (default), prompt or skills.")
    var surface: SurfaceKind = .strategy

    @Option(name: .long, help: "Candidates per generation, elites included; overrides evolution.population.")
    var population: Int?

    @Option(name: .long, help: "Generations after the seed; overrides evolution.generations.")
    var generations: Int?

    @Option(name: .long, help: "Best members carried into the next generation; overrides evolution.elites.")
    var elites: Int?

    @Option(name: .long, help: "Holdout items drawn for the gate; overrides evolution.holdoutSize (default: the whole holdout split).")
    var holdoutSize: Int?

    @OptionGroup var search: SearchRunOptions

    @Option(name: .long, help: "Comma-separated seeds: one replicate run per seed, and a summary across them.")
    var seeds: String?

    @OptionGroup var execution: ExecutionOptions

    @OptionGroup(title: "Unattended runs") var operation: OperationOptions

    func validate() throws {
        for (name, value) in [("--population", population), ("--generations", generations), ("--holdout-size", holdoutSize)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        if let elites, elites < 0 { throw ValidationError("--elites must be 0 or more") }
        if seeds != nil, search.seed != nil { throw ValidationError("give --seed or --seeds, not both") }
        _ = try parsedSeeds()
    }

    func parsedSeeds() throws -> [UInt64]? {
        guard let seeds else { return nil }
        let parts = seeds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap { UInt64($0) }
        guard !parts.isEmpty, values.count == parts.count, Set(values).count == values.count else {
            throw ValidationError("--seeds takes distinct whole numbers separated by commas, e.g. --seeds 1,2,3 (got \"\(seeds)\")")
        }
        return values
    }

    func run() async throws {
        var run = ImproveOptions(surface: surface, budget: search.budgetOverride, seed: search.seed, inPlace: execution.inPlace)
        run.dedupeWindow = try search.dedupeWindow.bucketNow()
        let request = EvolutionRequest(
            options: EvolveOptions(run: run, population: population, generations: generations, elites: elites, holdoutSize: holdoutSize), seeds: try parsedSeeds())
        let status = await RunExecution(profileDirectory: profile, options: run, execution: execution, operation: operation, evolution: request).perform()
        throw ExitCode(status)
    }
}
