import Foundation
import ImproveCore

/// `show`'s readable candidate list: one line per stored candidate with its id, generator,
/// parent, mean search score, whether the search kept it, and the start of its rationale.
enum CandidateLines {
    /// A table of `candidates`; what became of each is read from the run's `events` (baseline,
    /// proposal and lineage events), and `winnerID` marks the winner.
    static func table(_ candidates: [CandidateSummary], events: [RunSummary.Event], winnerID: String?) -> String {
        let fates = fates(events)
        var rows = [["ID", "GENERATOR", "PARENT", "SEARCH", "STATUS", "RATIONALE"]]
        for entry in candidates {
            let parents = entry.candidate.parents.map { String($0.prefix(12)) }.joined(separator: "+")
            let score = entry.searchScore.map { String(format: "%.3f (%d items)", $0, entry.searchItems) } ?? "–"
            var status = fates[entry.id] ?? "–"
            if entry.id == winnerID { status += ", winner" }
            rows.append([
                String(entry.id.prefix(12)), entry.candidate.generator.isEmpty ? "–" : entry.candidate.generator, parents.isEmpty ? "–" : parents,
                score, status, entry.candidate.rationale.isEmpty ? "–" : RunText.preview(entry.candidate.rationale, limit: 60),
            ])
        }
        return StoreAccess.table(rows)
    }

    /// Candidate id to what became of it: the baseline is the seed; a proposal's child was kept
    /// or dropped by the search; an evolve attempt improved on its parent or did not.
    private static func fates(_ events: [RunSummary.Event]) -> [String: String] {
        var fates: [String: String] = [:]
        for event in events {
            switch event.kind {
            case .baseline:
                if let id = event.payload["candidate"]?.stringValue { fates[id] = "seed" }
            case .proposal:
                if let id = event.payload["child"]?.stringValue, fates[id] != "kept" {
                    fates[id] = event.payload["accepted"]?.boolValue == true ? "kept" : "dropped"
                }
            case .lineage:
                guard let id = event.payload["candidateID"]?.stringValue, let status = event.payload["status"]?.stringValue else { continue }
                fates[id] = ["seed": "seed", "improved": "kept (improved)", "notBetter": "dropped (not better)"][status] ?? status
            default:
                continue
            }
        }
        return fates
    }
}
