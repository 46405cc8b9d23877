import ArgumentParser
import Foundation
import Improve
import ImproveCore

/// `improve-cli show <run-id>`: what one run did and spent.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: steps by kind and state, spend by model, candidates (id, generator, parent, search score, kept or dropped, rationale), recent events.",
        discussion: "Read-only: a missing store is reported, never created.")

    @Argument(help: "The run id, as listed by `improve-cli runs`.")
    var runID: String

    @Option(help: "The store file (default: .improve/improve.sqlite under the current directory).")
    var store: String?

    @Option(help: "How many of the latest events to show.")
    var events: Int = 10

    @Flag(help: "Print the run's record as JSON (result, event payloads and candidates with their components raw) instead of text.")
    var json = false

    func run() async throws {
        let store = try await StoreSchemes.cli.openReadOnly(store ?? StoreSchemes.defaultReadAddress)
        let summary = try await store.summary(runID: runID, lastEvents: max(0, events))
        let candidates = try await store.candidates(runID: runID)
        if json {
            print(try StoreAccess.json(ShownRun(summary: summary, candidateList: candidates)))
            return
        }
        let run = summary.run
        print("run \(run.id)  \(run.state.rawValue)")
        print("  profile    \(run.spec.profileName) (\(run.spec.profileHash.prefix(12)))")
        print("  surface    \(run.spec.surface), generator \(run.spec.generator), seed \(run.spec.seed)")
        print("  created    \(StoreAccess.timestamp(run.createdAt)), updated \(StoreAccess.timestamp(run.updatedAt))")
        if let failure = run.failure { print("  failure    \(failure)") }
        if let result = run.result {
            print("\nresult")
            for line in RunText.result(result) { print("  \(line)") }
        }

        print("\nsteps")
        if summary.steps.isEmpty {
            print("  (none)")
        } else {
            print(indent(StoreAccess.table([["KIND", "STATE", "COUNT"]] + summary.steps.map { [$0.kind.rawValue, $0.state.rawValue, String($0.count)] })))
        }
        print("\nspend (\(run.paidSteps) paid steps)")
        if summary.ledgerByModel.isEmpty {
            print("  (nothing paid)")
        } else {
            var rows = [["MODEL", "INPUT TOKENS", "OUTPUT TOKENS", "COST"]]
            for (model, usage) in summary.ledgerByModel.sorted(by: { $0.key < $1.key }) {
                rows.append([model, String(usage.inputTokens), String(usage.outputTokens), StoreAccess.cost(usage.cost)])
            }
            rows.append(["total", String(run.spent.inputTokens), String(run.spent.outputTokens), StoreAccess.cost(run.spent.cost)])
            print(indent(StoreAccess.table(rows)))
        }
        if summary.reattemptedPaidSteps > 0 {
            print("  \(summary.reattemptedPaidSteps) paid steps were claimed more than once (after a crash, lapsed lease or failure);")
            print("  an attempt cut short in flight may have been charged by the provider without a ledger row.")
        }
        print("\ncandidates \(summary.candidates), evaluations \(summary.evaluations)")
        if !candidates.isEmpty {
            // Every event, not only the last few shown: each candidate's fate is in one of them.
            let allEvents = try await store.summary(runID: runID, lastEvents: Int(Int32.max)).lastEvents
            print(indent(CandidateLines.table(candidates, events: allEvents, winnerID: run.result?["winnerID"]?.stringValue)))
        }
        if !summary.lastEvents.isEmpty {
            print("\nlast events")
            let width = summary.lastEvents.map { String($0.sequence).count }.max() ?? 1
            for event in summary.lastEvents {
                let number = "#\(event.sequence)".padding(toLength: width + 1, withPad: " ", startingAt: 0)
                print("  \(number)  \(StoreAccess.timestamp(event.at))  \(RunText.event(kind: event.kind, payload: event.payload))")
            }
        }
    }

    /// `show --json`: the run summary's fields and the candidates beside them.
    private struct ShownRun: Encodable {
        let summary: RunSummary
        let candidateList: [CandidateSummary]

        private enum Key: String, CodingKey { case candidateList }

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(candidateList, forKey: .candidateList)
        }
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
