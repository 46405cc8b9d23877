import Foundation
import Generators
import ImproveCore

/// Everything `improve` reads from a profile directory, already loaded and validated.
public struct ImproveInputs: Sendable {
    /// The profile improved.
    public var profile: AgentProfile
    /// The `profile.yaml` the profile came from; shipped versions are written beside it.
    public var profileFile: URL
    /// The policy: allowed models, roles, budget, gate and search settings.
    public var policy: Policy
    /// Named in policy-violation messages.
    public var policyFile: String
    /// The search split: what generators learn from.
    public var search: [EvalItem]
    /// The holdout split: what the gate decides on, never shown to a generator.
    public var holdout: [EvalItem]
    /// Identity of the suite (items, scorers, split, personas, simulation), part of the default dedupe key.
    public var suiteHash: String
    /// Roles besides the task and reflection models that the evaluation calls (judge, simulator).
    public var evaluationRoles: [(role: ModelRole, model: ModelSpec)]
    /// The most metric calls scoring an item can cost (a persona trial: its longest dialogue).
    public var metricCost: @Sendable (EvalItem) -> Int
    /// Builds the evaluator from the task client and the journal, both already wrapped.
    public var makeEvaluator: @Sendable (_ task: any ModelClient, _ roles: RoleClients, _ journal: any StepJournal) throws -> any ProfileEvaluator

    /// Inputs assembled by hand; `ImproveInputs(bundle:)` builds them from a profile directory.
    public init(
        profile: AgentProfile, profileFile: URL, policy: Policy, policyFile: String, search: [EvalItem], holdout: [EvalItem],
        suiteHash: String, evaluationRoles: [(role: ModelRole, model: ModelSpec)] = [], metricCost: @escaping @Sendable (EvalItem) -> Int = { _ in 1 },
        makeEvaluator: @escaping @Sendable (_ task: any ModelClient, _ roles: RoleClients, _ journal: any StepJournal) throws -> any ProfileEvaluator
    ) {
        self.profile = profile
        self.profileFile = profileFile
        self.policy = policy
        self.policyFile = policyFile
        self.search = search
        self.holdout = holdout
        self.suiteHash = suiteHash
        self.evaluationRoles = evaluationRoles
        self.metricCost = metricCost
        self.makeEvaluator = makeEvaluator
    }
}

/// Guarded, journaled clients for the non-task roles, by role.
public struct RoleClients: Sendable {
    /// The clients by role.
    public let clients: [ModelRole: any ModelClient]
    /// Clients already wrapped by `RoleClient.wrap(_:role:allowed:journal:)`.
    public init(_ clients: [ModelRole: any ModelClient]) {
        self.clients = clients
    }
    /// The client of `role`, if the run calls it.
    public subscript(role: ModelRole) -> (any ModelClient)? { clients[role] }
}

/// How `improve` reaches models: a factory for raw provider clients (HTTP, cassette, scripted).
/// `improve` wraps every client it makes in the allowed-models guard and the step journal.
public struct ModelAccess: Sendable {
    /// Makes the raw client of a model.
    public var makeClient: @Sendable (ModelSpec) throws -> any ModelClient
    /// True when answers come from a stub or a cassette, recorded in the audit.
    public var isStubOrReplay: Bool

    /// Access through `makeClient`.
    public init(isStubOrReplay: Bool = false, makeClient: @escaping @Sendable (ModelSpec) throws -> any ModelClient) {
        self.makeClient = makeClient
        self.isStubOrReplay = isStubOrReplay
    }
}

/// Options of one `improve` call.
public struct ImproveOptions: Sendable {
    /// The part of the profile that may change.
    public var surface: SurfaceKind
    /// Generator name; nil picks the surface's default (see ``generators``).
    public var generator: String?
    /// Overrides the policy's budget.
    public var budget: Budget?
    /// Overrides the policy's search seed.
    public var seed: UInt64?
    /// Overrides the default dedupe key (which hashes every input of the run).
    public var dedupeKey: String?
    /// Names this process in step leases (default: host and process id).
    public var workerID: String
    /// Where the audit record and report go; default `<profile dir>/runs/<run id>/`.
    public var outputDirectory: URL?
    /// Overwrite `profile.yaml` instead of writing `profile.v<N>.yaml` beside it.
    public var inPlace: Bool
    /// HMAC key for the audit signature (from the environment; never stored).
    public var auditKey: Data?
    /// A dedupe window bucket (such as `day:2026-11-30`), computed once by the caller from the
    /// wall clock: added to the dedupe key, so the same inputs join within a window and start
    /// a new run in the next one. Nil: the inputs alone name the run.
    public var dedupeWindow: String? = nil
    /// The generators `generator` is looked up in; extend `GeneratorRegistry.builtIn` to add one.
    public var generators: GeneratorRegistry = .builtIn
    /// The promotion gate's checks; extend ``GateCheckRegistry/builtIn`` to add one.
    public var gateChecks: GateCheckRegistry = .builtIn
    /// The spend gate every paid call of the run passes. Nil: one made when the run opens from
    /// the policy's `spendCeiling` (its window measured back from that moment). Pass one to
    /// override the ceiling (``SpendGate/configure(_:now:)``) or to read ``SpendGate/paidCalls``.
    public var spendGate: SpendGate? = nil
    /// Starts the agent of a profile with an `agent:` block (a program or a service) and its
    /// model gateway; `AgentRuntime.standard` from ImproveAgents is the usual one. Nil: such a
    /// profile is refused with ``AgentRuntimeMissing`` before anything is written.
    public var agents: AgentRuntime? = nil

    /// Options; every argument has the default of `improve-cli run`.
    public init(surface: SurfaceKind = .prompt, generator: String? = nil, budget: Budget? = nil, seed: UInt64? = nil, dedupeKey: String? = nil, workerID: String = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)", outputDirectory: URL? = nil, inPlace: Bool = false, auditKey: Data? = nil) {
        self.surface = surface
        self.generator = generator
        self.budget = budget
        self.seed = seed
        self.dedupeKey = dedupeKey
        self.workerID = workerID
        self.outputDirectory = outputDirectory
        self.inPlace = inPlace
        self.auditKey = auditKey
    }
}
