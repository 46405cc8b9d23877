import Foundation

/// What a run gives the agent of its profile: where it lives, and how the model calls it makes
/// are served (guarded, journaled, behind the spend gate).
public struct AgentRunContext: Sendable {
    /// The profile's `agent:` block.
    public var spec: AgentSpec
    /// The profile directory: an exec agent's working directory, where `agent.config` lives.
    public var directory: URL
    /// The run's journal: each gateway call is a step of it, keyed by unit, trial, turn and request.
    public var journal: any StepJournal
    /// The policy's allowed models: the gateway refuses any other.
    public var allowed: AllowedModels
    /// The raw provider client of a model, already behind the run's spend gate.
    public var makeClient: @Sendable (ModelSpec) throws -> any ModelClient
    /// Units answered at once (exec agents: one process per lane).
    public var concurrency: Int
    /// The profile's model: what a request naming a bare model id (no `provider/`) resolves
    /// against, and the source of default temperature and max tokens.
    public var taskModel: ModelSpec

    public init(
        spec: AgentSpec, directory: URL, journal: any StepJournal, allowed: AllowedModels, concurrency: Int, taskModel: ModelSpec,
        makeClient: @escaping @Sendable (ModelSpec) throws -> any ModelClient
    ) {
        self.taskModel = taskModel
        self.spec = spec
        self.directory = directory
        self.journal = journal
        self.allowed = allowed
        self.concurrency = concurrency
        self.makeClient = makeClient
    }
}

/// What the gateway saw while an agent answered one unit, beside the agent's reply.
public struct AgentUnitOutcome: Sendable {
    /// The agent's reply.
    public var reply: AgentReply
    /// Usage of the unit's gateway calls (paid or replayed), what the unit cost.
    public var usage: Usage
    /// How many model calls the unit made through the gateway.
    public var calls: Int
    /// The first failure between the gateway and a provider, if any: the unit is then an
    /// infrastructure failure (excluded from both arms), whatever the agent replied.
    public var infrastructureError: String?
    /// A model the agent asked for that the policy does not allow: the run must stop.
    public var breach: ModelError?

    public init(reply: AgentReply, usage: Usage = .zero, calls: Int = 0, infrastructureError: String? = nil, breach: ModelError? = nil) {
        self.reply = reply
        self.usage = usage
        self.calls = calls
        self.infrastructureError = infrastructureError
        self.breach = breach
    }
}

/// A running agent for one run: its lanes (processes or an HTTP client) and its model gateway.
public protocol AgentDriver: Sendable {
    /// The gateway's base URL (`http://127.0.0.1:<port>/v1`), for messages and tests.
    var gatewayURL: URL { get }
    /// Sends one unit to the agent, with a gateway token that attributes its model calls to the
    /// unit, and returns the reply with what the gateway saw.
    /// - Throws: ``AgentFailure`` when the agent crashed, timed out or broke the protocol;
    ///   `CancellationError` when the run was cancelled.
    func respond(_ request: AgentUnitRequest) async throws -> AgentUnitOutcome
    /// Stops the lanes (killing exec agents' process groups) and the gateway.
    func close() async
}

/// Starts an agent's driver for a run. The CLI passes the standard runtime (ImproveAgents);
/// a library caller passes it in `ImproveOptions.agents`, or a scripted one in a test.
public struct AgentRuntime: Sendable {
    /// Starts the gateway and the agent's lanes for one run.
    public var start: @Sendable (AgentRunContext) async throws -> any AgentDriver

    public init(start: @escaping @Sendable (AgentRunContext) async throws -> any AgentDriver) {
        self.start = start
    }
}

/// The unit an evaluation is scoring, for a task client that drives an agent: the candidate
/// profile, the unit and, for items, the item. Set by the evaluators around each rollout and
/// dialogue turn; a plain chat-completion task client ignores it.
public struct AgentUnitContext: Sendable {
    /// The candidate profile being scored.
    public var profile: AgentProfile
    /// The item id, or `<persona>#<trial>`.
    public var unitID: String
    /// The trial of a persona unit (0 for items).
    public var trial: Int
    /// The agent turn within a dialogue (0 for items).
    public var turn: Int
    /// The item (nil for a dialogue turn).
    public var item: EvalItem?

    public init(profile: AgentProfile, unitID: String, trial: Int = 0, turn: Int = 0, item: EvalItem? = nil) {
        self.profile = profile
        self.unitID = unitID
        self.trial = trial
        self.turn = turn
        self.item = item
    }

    /// The unit being scored by the current task, if an evaluator set one.
    @TaskLocal public static var current: AgentUnitContext?
}
