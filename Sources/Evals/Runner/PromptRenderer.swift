import ImproveCore

/// Turns a profile and an item into the chat messages the task model sees.
public enum PromptRenderer {
    public static func messages(for profile: AgentProfile, item: EvalItem) -> [ChatMessage] {
        var system = profile.systemPrompt
        for skill in profile.skills {
            system += "\n\n## Skill: \(skill.name)\n\(skill.description)\n\n\(skill.body)"
        }
        if let strategy = profile.strategy, !strategy.isEmpty {
            system += "\n\n## Strategy\n\(strategy)"
        }
        var fields = item.fields
        fields["id"] = item.id
        let user = Template.render(profile.userTemplate, fields)
        let trimmed = system.trimmingCharacters(in: .whitespacesAndNewlines)
        return (trimmed.isEmpty ? [] : [.system(trimmed)]) + [.user(user)]
    }
}
