import ImproveCore

/// A persona trial as a scored unit: one ``EvalItem`` per (persona, trial), id `<persona>#<trial>`.
///
/// Units travel through the same machinery as single-turn items — the search/holdout split, the
/// search's score cache and budget, the gate's pairing by id — so baseline and candidate are
/// paired per (persona, trial), with the same simulator seed on both arms.
public enum PersonaUnit {
    /// Field holding the persona id (a reserved field name).
    public static let personaField = "persona.id"
    /// Field holding the 0-based trial number.
    public static let trialField = "persona.trial"

    /// The unit id of `trial` of `persona`.
    public static func id(persona: String, trial: Int) -> String {
        "\(persona)#\(trial)"
    }

    /// `trials` units per persona, persona-major. Besides the reference fields, a unit shows
    /// the persona and its goal, which is what a reflection model reads as the unit's input.
    public static func items(_ personas: [PersonaCard], trials: Int) -> [EvalItem] {
        personas.flatMap { persona in
            (0..<max(1, trials)).map { trial in
                EvalItem(
                    id: id(persona: persona.id, trial: trial),
                    fields: [personaField: persona.id, trialField: String(trial), "persona": persona.description, "goal": persona.goal],
                    tags: persona.tags)
            }
        }
    }

    /// The persona id and trial of a unit; nil for a single-turn item.
    public static func reference(_ item: EvalItem) -> (personaID: String, trial: Int)? {
        guard let persona = item.fields[personaField], let trial = item.fields[trialField].flatMap(Int.init) else { return nil }
        return (persona, trial)
    }

    /// Whether `item` is a persona trial.
    public static func isUnit(_ item: EvalItem) -> Bool {
        reference(item) != nil
    }

    /// Metric calls a finished result cost: the agent replies of a persona trial (at least 1),
    /// 1 for anything else. The unit of every budget: one metric call is one agent reply.
    public static func metricCalls(spentOn result: ItemResult) -> Int {
        guard let trace = result.trace, trace.source == PersonaEvaluator.traceSource else { return 1 }
        return max(1, trace.messages.filter { $0.role == .assistant }.count)
    }
}
