import ImproveCore

/// What a reflection model reads about one persona trial: the goal, what went wrong (failed
/// checks, the judge's rationale), then the dialogue trimmed to fit, all within a length cap.
///
/// The verdict and the reasons come first, so a reader that truncates the text further still
/// sees why the trial failed.
public enum PersonaFeedback {
    /// Longest feedback text, in characters.
    public static let maxLength = 1200
    /// Longest single message of the transcript excerpt, in characters.
    public static let messageLength = 160
    /// Most recent messages shown.
    public static let messagesShown = 6

    static func text(persona: PersonaCard, transcript: PersonaTranscript, problems: [String], passed: Bool) -> String {
        var text = "Persona \(persona.id) (goal: \(persona.goal)): "
        text += passed
            ? "the goal was reached in \(transcript.agentTurns) agent replies."
            : problems.joined(separator: " ")
        let shown = transcript.messages.suffix(messagesShown).map { message in
            let line = message.content.count <= messageLength ? message.content : String(message.content.prefix(messageLength)) + "…"
            return "\(message.role == .user ? "User" : "Agent"): \(line)"
        }
        if !shown.isEmpty {
            let skipped = transcript.messages.count - shown.count
            text += "\nTranscript\(skipped > 0 ? " (last \(shown.count) of \(transcript.messages.count) messages)" : ""):\n" + shown.joined(separator: "\n")
        }
        return text.count <= maxLength ? text : String(text.prefix(maxLength - 1)) + "…"
    }
}
