import Foundation
import ImproveCore

/// Where an attempt's candidate came from, as the TSV description and the audit label it.
public enum ProposalSource: String, Sendable, Codable, Equatable {
    /// The model edited the file.
    case model
    /// Drawn from the `space:` declared in `artifact.yaml`.
    case declaredSpace = "space"
    /// A one-field change from the space inferred from the file (see ``InferredSpace``).
    case inferredSpace = "inferred"
}

/// What one attempt proposed; journaled as a `.proposal` step so a resumed run neither asks
/// the model again nor draws a different configuration.
public struct ArtifactProposal: Sendable, Codable, Equatable {
    public var source: ProposalSource
    /// The candidate content; nil when there is none (see ``failure`` and ``summary``).
    public var content: String?
    /// The change in a line: the model's own words, or the fields set.
    public var summary: String
    /// Set when the model call failed or timed out: one failed attempt.
    public var failure: String?
}

/// Model-free proposals for a structured artifact: from the declared space (seeded random or
/// TPE, see ``SpaceSampler``) or, without one, one-field moves from ``InferredSpace``. A
/// proposal never repeats content already tried in the run.
struct SpaceProposer: Sendable {
    let format: StructuredFormat
    let space: SearchSpace?
    let sampler: SearchSpace.Sampler
    let direction: ArtifactSpec.Direction
    let seed: UInt64

    var source: ProposalSource { space == nil ? .inferredSpace : .declaredSpace }

    /// A new candidate from `incumbent`, or nil when the space has nothing untried left.
    /// `tried` holds every content experimented on so far with its metric (nil: crashed).
    func propose(attempt: Int, incumbent: String, tried: [(content: String, metric: Double?)]) -> ArtifactProposal? {
        guard let document = try? format.parse(incumbent) else { return nil }
        var rng = SeededRandom.derived(seed: seed, label: "autoresearch/space/attempt-\(attempt)")
        let seen = Set(tried.map { ContentHash.sha256($0.content) })
        func fresh(_ candidate: String?) -> String? {
            guard let candidate, candidate != incumbent, !seen.contains(ContentHash.sha256(candidate)) else { return nil }
            return candidate
        }
        guard let space else {
            for move in rng.shuffled(InferredSpace.moves(of: document)) {
                if let content = fresh(try? format.render(document.setting(move.path, to: move.value))) {
                    return ArtifactProposal(source: .inferredSpace, content: content, summary: "inferred space: \(move.description)", failure: nil)
                }
            }
            return nil
        }
        let observations = tried.compactMap { observation(of: $0.content, metric: $0.metric, space: space) }
        // A repeated draw is drawn again; after a few, uniform draws widen the net.
        for round in 0..<32 {
            let drawer = SpaceSampler(space: space, sampler: round < 8 ? sampler : .random)
            let configuration = drawer.propose(observations: observations, rng: &rng)
            let updated = space.parameters.reduce(document) { $0.setting($1.keys, to: configuration[$1.path]) }
            if let content = fresh(try? format.render(updated)) {
                let fields = space.parameters.map { "\($0.path)=\((configuration[$0.path]).map(Self.show) ?? "-")" }.joined(separator: ", ")
                let how = observations.count >= drawer.startup && drawer.sampler == .tpe ? "tpe" : "random"
                return ArtifactProposal(source: .declaredSpace, content: content, summary: "space (\(how)): \(fields)", failure: nil)
            }
        }
        return nil
    }

    /// The space's fields as `content` sets them, with the loss the sampler minimises.
    private func observation(of content: String, metric: Double?, space: SearchSpace) -> SpaceObservation? {
        guard let document = try? format.parse(content) else { return nil }
        var values: [String: JSONValue] = [:]
        for parameter in space.parameters {
            if let value = document.value(at: parameter.keys), parameter.domain.contains(value) { values[parameter.path] = value }
        }
        let loss = metric.map { direction == .minimise ? $0 : -$0 } ?? .infinity
        return SpaceObservation(values: values, loss: loss)
    }

    private static func show(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return (try? CanonicalJSON.string(value)) ?? "?"
    }
}
