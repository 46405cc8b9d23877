import ImproveCore

/// Turns a profile and an item into the chat messages the task model sees.
public enum PromptRenderer {
    /// System prompt, user message from `userTemplate` with the item's fields (and `id`).
    public static func messages(for profile: AgentProfile, item: EvalItem) -> [ChatMessage] {
        var fields = item.fields
        fields["id"] = item.id
        let user = Template.render(profile.userTemplate, fields)
        let system = systemPrompt(for: profile)
        return (system.isEmpty ? [] : [.system(system)]) + [.user(user)]
    }

    /// The system prompt with each skill appended as a section, then the strategy.
    public static func systemPrompt(for profile: AgentProfile) -> String {
        var system = profile.systemPrompt
        for skill in profile.skills {
            system += "\n\n## Skill: \(skill.name)\n\(skill.description)\n\n\(skill.body)"
        }
        if let strategy = profile.strategy, !strategy.isEmpty {
            system += "\n\n## Strategy\n\(strategy)"
        }
        return system.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
