import Foundation
import Generators
import ImproveCore
import Synchronization

/// The agent drivers a run started, closed when the session ends however it ends (their exec
/// agents' process groups killed, their gateways stopped).
final class AgentDrivers: Sendable {
    private let started = Mutex<[any AgentDriver]>([])

    /// The task client of `inputs.profile`: its agent, started for this run, when the profile
    /// has an `agent:` block; nil for the built-in agent (one chat completion).
    /// - Parameters:
    ///   - journal: the run's journal (units and gateway calls are steps of it).
    ///   - allowed: the policy's allowed models, for the gateway and the guard.
    ///   - models: raw provider clients behind the run's spend gate.
    func taskClient(for inputs: AgentInputs, journal: any StepJournal, allowed: AllowedModels, models: ModelAccess) async throws -> (any ModelClient)? {
        guard let spec = inputs.profile.agent else { return nil }
        guard let runtime = inputs.runtime else { throw AgentRuntimeMissing(profile: inputs.profile.name) }
        let config = try Self.config(spec, directory: inputs.directory)
        let context = AgentRunContext(
            spec: spec, directory: inputs.directory, journal: journal, allowed: allowed, concurrency: inputs.concurrency,
            taskModel: inputs.profile.model, makeClient: models.makeClient)
        let driver = try await runtime.start(context)
        started.withLock { $0.append(driver) }
        let client = AgentTaskClient(driver: driver, journal: journal, config: config, seed: inputs.seed)
        // The guard outside, as for every role: a replayed unit whose stored answer names a model
        // the policy no longer allows is refused too.
        return GuardedModelClient(client, allowed: allowed, role: ModelRole.task.rawValue)
    }

    /// The task client of `inputs.profile` in `run` (see ``taskClient(for:journal:allowed:models:)``).
    func taskClient(for inputs: AgentInputs, in run: ActiveRun) async throws -> (any ModelClient)? {
        try await taskClient(for: inputs, journal: run.journal, allowed: run.allowed, models: run.models)
    }

    /// Runs `body`, then stops every driver started, whether `body` returned or threw.
    func closing<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        let value: Value
        do {
            value = try await body()
        } catch {
            await closeAll()
            throw error
        }
        await closeAll()
        return value
    }

    /// Stops every driver started.
    func closeAll() async {
        let drivers = started.withLock { drivers in
            defer { drivers = [] }
            return drivers
        }
        for driver in drivers { await driver.close() }
    }

    /// The parsed `agent.config` file (JSON, YAML or TOML), or nil when the spec names none.
    static func config(_ spec: AgentSpec, directory: URL) throws -> JSONValue? {
        guard let name = spec.config else { return nil }
        let url = directory.appendingPathComponent(name)
        guard let format = StructuredFormat(fileName: name), let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw PreflightError(problem: "\(url.path) (agent.config) cannot be read as JSON, YAML or TOML; name a settings file in the profile directory")
        }
        return try format.parseLocated(text, file: url.path, hint: "the agent's settings are sent to it as profile.config, so the file must parse")
    }
}

/// What starting a profile's agent needs besides the run.
struct AgentInputs: Sendable {
    var profile: AgentProfile
    /// The profile directory: the exec agent's working directory, where `agent.config` lives.
    var directory: URL
    var runtime: AgentRuntime?
    var concurrency: Int
    var seed: UInt64
}

/// A profile with an `agent:` block run without an agent runtime.
public struct AgentRuntimeMissing: Error, CustomStringConvertible, Sendable {
    /// The profile's name.
    public var profile: String
    public var description: String {
        "profile \(profile) has an agent: block, but this caller passed no agent runtime; pass ImproveOptions.agents (AgentRuntime.standard from ImproveAgents)"
    }
}
