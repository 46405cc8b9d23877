import Foundation
import ImproveCore

/// A generator written in any language: a subprocess that reads one JSON context message per
/// line on stdin and answers one JSON message per line on stdout (protocol:
/// docs/external-generator.md; example: scripts/example-generator.py).
///
/// One process serves the whole run; if it dies it is restarted once. Malformed output, a
/// second crash or a timeout are ``ExternalGeneratorError``s naming the command and the line.
/// Each proposal carries a seed drawn from the run's generator, so a deterministic process
/// proposes the same candidates on a resumed run.
public struct ExternalGenerator: CandidateGenerator {
    public let name: String
    let session: ExternalProcessSession

    /// - Parameters:
    ///   - command: the executable and its arguments (looked up on PATH), e.g. `["python3", "gen.py"]`.
    ///   - directory: its working directory (default: this process's).
    ///   - timeout: seconds to wait for each answer before killing it.
    public init(command: [String], directory: URL? = nil, timeout: Double = 120, name: String = "external") {
        self.name = name
        session = ExternalProcessSession(arguments: command, directory: directory, timeout: timeout)
    }

    public func propose(_ context: ProposalContext, model: any ModelClient, rng: inout SeededRandom) async throws -> Proposal {
        let message = ContextMessage(context: context, generator: name, seed: rng.next())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = String(decoding: try encoder.encode(message), as: UTF8.self)
        let answer = try await session.exchange(line)
        switch ReplyMessage.decode(answer) {
        case .failure(let problem):
            throw ExternalGeneratorError.malformedOutput(command: session.commandText, line: answer, problem: problem.text)
        case .success(.nothing(let reason)):
            return .nothing(reason: reason)
        case .success(.exhausted(let reason)):
            return .exhausted(reason: reason)
        case .success(.error(let text)):
            throw ExternalGeneratorError.reportedError(command: session.commandText, message: text)
        case .success(.candidates(let proposed)):
            guard !proposed.isEmpty else { return .nothing(reason: "the external generator sent an empty candidates list") }
            return .candidates(proposed.map { item in
                // Components not named keep the parent's text, so a process may send only what it changed.
                let components = context.parent.candidate.components.merging(item.components) { $1 }
                return Candidate(components: components, parents: [context.parent.id], generator: name, rationale: item.rationale ?? "")
            })
        }
    }

    /// Ends the process (also ended when the generator is released).
    public func shutdown() async {
        await session.shutdown()
    }
}
