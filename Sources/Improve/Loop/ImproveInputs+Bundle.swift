import Evals
import Foundation
import ImproveCore

extension ImproveInputs {
    /// The inputs of a run on a profile directory: its profile, its suite's items and persona
    /// trials split into search and holdout, its policy, and the evaluator that
    /// `EvaluationSetup` builds — the same one `improve-cli eval` uses (judge and simulator
    /// roles, the suite's directory for command scorers).
    /// - Throws: when the suite cannot be hashed.
    public init(bundle: ProfileBundle, progress: SuiteEvaluator.Progress? = nil) throws {
        let setup = EvaluationSetup(suite: bundle.suite, policy: bundle.policy, scorers: bundle.scorers)
        let (search, holdout) = setup.split()
        let task = bundle.profile.model
        self.init(
            profile: bundle.profile, profileFile: bundle.profileFile, policy: bundle.policy, policyFile: bundle.policyFile.path,
            search: search, holdout: holdout, suiteHash: try bundle.suite.contentHash(),
            evaluationRoles: setup.roles(task: task, scoring: search + holdout).filter { $0.role != .task },
            metricCost: { setup.metricCost(of: $0) },
            makeEvaluator: { taskClient, roles, journal in
                let clients = EvaluationClients(task: taskClient, taskModel: task, judge: roles[.judge], simulator: roles[.simulator])
                return try setup.evaluator(clients, journal: journal, progress: progress)
            })
    }
}
