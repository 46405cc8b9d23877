/// The kinds of progress event a run appends to the store's `events` table.
///
/// The raw values are the strings stored in `events.kind`, unchanged, so existing stores,
/// `improve-cli show` and reports read old and new runs alike.
public enum RunEventKind: String, Codable, Sendable, CaseIterable {
    /// The seed candidate was scored on the search split.
    case baseline
    /// A generator proposed a child (kept or dropped).
    case proposal
    /// The search loop stopped (budget, failures, no more proposals).
    case searchStopped = "search-stopped"
    /// The promotion gate's verdict.
    case gate
    /// Strategy evolution finished authoring.
    case authoringFinished = "authoring-finished"
    /// Strategy evolution drew its holdout slice.
    case holdoutDrawn = "holdout-drawn"
    /// One evolve attempt's lineage entry.
    case lineage
    /// One evolve generation's statistics.
    case generation
    /// A CLI session (spend-ceiling accounting) began.
    case session
}

extension RunEventKind {
    /// The kind a backend read back, or ``StoreError/unusableDatabase(path:reason:)`` for a value
    /// this version does not know (a store written by a newer improve), like steps' kinds.
    package static func stored(_ text: String, in location: String) throws -> RunEventKind {
        guard let kind = RunEventKind(rawValue: text) else {
            throw StoreError.unusableDatabase(path: location, reason: "it holds an event of unknown kind '\(text)' (written by a newer version of improve?); upgrade improve-cli")
        }
        return kind
    }
}
