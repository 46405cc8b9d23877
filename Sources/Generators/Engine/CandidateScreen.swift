import Foundation
import ImproveCore

/// Checks a proposed child before any metric call is spent on it.
struct CandidateScreen {
    let surface: any Surface
    let base: AgentProfile
    let maxLength: Int

    /// Nil when the child may be scored; otherwise why it is rejected.
    func problem(with child: Candidate, parent: Candidate, seen: Set<String>, rejected: [RejectedEdit]) -> String? {
        let changed = changedComponents(child, from: parent)
        if let unknown = child.components.keys.sorted().first(where: { parent.components[$0] == nil }) {
            return "unknown component \"\(unknown)\""
        }
        if changed.isEmpty { return "identical to its parent" }
        for name in changed {
            let text = child.components[name] ?? ""
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "component \(name) is empty" }
            if text.count > maxLength { return "component \(name) has \(text.count) characters, over the cap of \(maxLength)" }
            // A repeat of a rejected edit is refused when it is the only change. An edit
            // that changes several components together is a new hypothesis even when each
            // part failed alone (issue 10: format constraint and answer cue each tie at 0
            // and only together make a small model answer), so only its id must be new.
            if changed.count == 1, rejected.contains(where: { $0.component == name && $0.text == text }) {
                return "component \(name) repeats an edit already rejected"
            }
        }
        if seen.contains(child.id) { return "already proposed (candidate \(child.id.prefix(12)))" }
        do {
            _ = try surface.apply(child.components, to: base)
        } catch {
            return "the surface refused it: \(error)"
        }
        return nil
    }
}

/// Names of the components whose text differs from `parent`'s, sorted.
func changedComponents(_ child: Candidate, from parent: Candidate) -> [String] {
    child.components.keys.filter { child.components[$0] != parent.components[$0] }.sorted()
}
