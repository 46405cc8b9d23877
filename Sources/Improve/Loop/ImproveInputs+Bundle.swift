import Evals
import Foundation
import ImproveCore

extension ImproveInputs {
    /// The inputs of a run on a profile directory: its profile, its suite split into search and
    /// holdout, its policy, and the suite's scorers as the evaluator.
    public init(bundle: ProfileBundle, progress: SuiteEvaluator.Progress? = nil) {
        let (search, holdout) = bundle.suite.splitItems()
        let scorers = bundle.suite.scorers
        let concurrency = bundle.policy.search.concurrency
        self.init(
            profile: bundle.profile, profileFile: bundle.profileFile, policy: bundle.policy, policyFile: bundle.policyFile.path,
            search: search, holdout: holdout, suiteHash: bundle.suite.contentHash,
            makeEvaluator: { task, _, _ in try SuiteEvaluator(client: task, scorers: scorers, concurrency: concurrency, progress: progress) })
    }
}
