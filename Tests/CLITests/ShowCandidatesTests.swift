import Foundation
import ImproveCore
import ImproveSQLite
import ImproveTestSupport
import Testing

/// `improve-cli show` lists a run's candidates as readable lines, and their raw JSON only with
/// `--json`. The store is written directly (a real SQLite file), then read by a real child process.
@Suite struct ShowCandidatesTests {
    @Test func showListsEachCandidateOnOneReadableLineAndJSONCarriesThemRaw() async throws {
        let work = try Fixtures.temporaryDirectory("show-candidates")
        let store = try SQLiteRunStore(path: work.appendingPathComponent("store.sqlite").path)
        let spec = RunSpec(
            dedupeKey: "show", seed: 1, profileName: "sentiment", profileHash: "abc", surface: "prompt", generator: "reflective", config: [:], policy: [:])
        let run = try await store.openRun(spec, workerID: "w").run
        let seed = Candidate(components: ["systemPrompt": "Classify."], generator: "seed")
        let kept = Candidate(
            components: ["systemPrompt": "Classify the sentiment as positive or negative."], parents: [seed.id], generator: "reflective",
            rationale: "The prompt never named the labels,\nso answers drifted.")
        let dropped = Candidate(components: ["systemPrompt": "Answer."], parents: [seed.id], generator: "random-edit", rationale: "shorter")
        for (candidate, scores) in [(seed, [1.0, 0.0]), (kept, [1.0, 1.0]), (dropped, [0.0, 0.0])] {
            try await store.recordCandidate(runID: run.id, candidate)
            try await store.recordEvaluations(runID: run.id, scores.enumerated().map {
                EvaluationRecord(candidateID: candidate.id, itemID: "item-\($0.offset)", split: .search, score: $0.element, passed: $0.element > 0, feedback: "")
            })
        }
        try await store.recordEvent(runID: run.id, key: "b", kind: .baseline, payload: ["candidate": .string(seed.id), "mean": 0.5])
        try await store.recordEvent(runID: run.id, key: "p1", kind: .proposal, payload: ["iteration": 1, "child": .string(kept.id), "accepted": true])
        try await store.recordEvent(runID: run.id, key: "p2", kind: .proposal, payload: ["iteration": 2, "child": .string(dropped.id), "accepted": false])
        try await store.finishRun(id: run.id, state: .completed, result: ["verdict": "ship", "winnerID": .string(kept.id)], failure: nil)

        let shown = try await CLIProcess.run(["show", run.id, "--store", "store.sqlite", "--events", "0"], in: work)
        #expect(shown.status == 0, "\(shown.stderr)")
        // The candidate table follows the counts line (the result above it names the winner's id too).
        let lines = shown.stdout.split(separator: "\n").map(String.init).drop { !$0.hasPrefix("candidates 3, evaluations 6") }
        func line(_ candidate: Candidate) -> String { lines.first { $0.hasPrefix("  " + candidate.id.prefix(12)) } ?? "" }
        #expect(line(seed).contains("seed") && line(seed).contains("0.500 (2 items)"), "\(shown.stdout)")
        #expect(line(kept).contains("reflective") && line(kept).contains(String(seed.id.prefix(12))) && line(kept).contains("1.000 (2 items)"))
        #expect(line(kept).contains("kept, winner") && line(kept).contains("The prompt never named the labels, so answers drifted."), "\(shown.stdout)")
        #expect(line(dropped).contains("random-edit") && line(dropped).contains("dropped") && line(dropped).contains("shorter"))
        #expect(!shown.stdout.contains("{") && !shown.stdout.contains("positive or negative"), "no raw components in text: \(shown.stdout)")

        let raw = try await CLIProcess.run(["show", run.id, "--store", "store.sqlite", "--json"], in: work)
        #expect(raw.status == 0, "\(raw.stderr)")
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(raw.stdout.utf8))
        let listed = try #require(value["candidateList"]?.arrayValue)
        #expect(listed.compactMap { $0["id"]?.stringValue } == [seed.id, kept.id, dropped.id])
        #expect(listed[1]["candidate"]?["components"]?["systemPrompt"]?.stringValue == kept.components["systemPrompt"])
        #expect(value["candidates"] == 3, "the summary's own fields stay")
    }
}
