import ArgumentParser

/// Where model answers come from: the providers file and an optional cassette. Shared by every
/// command that calls models (`run`, `resume`, `evolve`, `eval`).
struct ModelSourceOptions: ParsableArguments {
    @Option(name: .long, help: "providers.yaml to use (default: <profile>/providers.yaml, then ./providers.yaml, then the user's improve/providers.yaml, then built-ins).")
    var providers: String?

    @Option(name: .long, help: "Record model calls to, or replay them from, this JSONL cassette.")
    var cassette: String?

    @Option(name: .long, help: "Cassette mode: record, replay (a miss is an error) or record-missing.")
    var cassetteMode: CassetteModeArgument = .recordMissing
}

/// `--cassette-mode`.
enum CassetteModeArgument: String, ExpressibleByArgument, CaseIterable {
    case record, replay, recordMissing = "record-missing"
}
