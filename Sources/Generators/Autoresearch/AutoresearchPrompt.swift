import Foundation

/// The prompt asking for one edit of the artifact.
enum AutoresearchPrompt {
    static func build(spec: ArtifactSpec, content: String, best: Double, threshold: Double, history: ArraySlice<Attempt>) -> String {
        var sections = [
            "You improve the file \(spec.file) so that the experiment `\(spec.command)` gives a \(spec.direction == .minimise ? "lower" : "higher") metric.",
            "Best metric so far: \(best) (a change must beat it by more than \(threshold)).",
            "Current \(spec.file):\n```\n\(content)\n```",
        ]
        let tried = history.filter { $0.number > 0 }
        if !tried.isEmpty {
            sections.append("Earlier attempts:\n" + tried.map { "- attempt \($0.number): \($0.status.rawValue), metric \($0.metric.map { String($0) } ?? "none"): \($0.description.prefix(160))" }.joined(separator: "\n"))
        }
        sections.append("Describe your change in one sentence, then give either the whole new file in one ``` fence or a unified diff (@@ hunks) in a ```diff fence.")
        return sections.joined(separator: "\n\n")
    }
}
