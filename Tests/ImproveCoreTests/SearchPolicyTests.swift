import Foundation
import ImproveCore
import Testing

@Suite struct SearchPolicyTests {
    static let head = "allowedModels: [local/m]\n"

    @Test func readsRolloutsAndParallelProposalsAndKeepsOldPoliciesHashingAsBefore() throws {
        let policy = try PolicyLoader.parse(Self.head + "search:\n  rollouts: 3\n  parallelProposals: 2\n", file: "policy.yaml")
        #expect(policy.search.rollouts == 3)
        #expect(policy.search.parallelProposals == 2)
        let plain = try PolicyLoader.parse(Self.head + "search:\n  seed: 4\n", file: "policy.yaml")
        #expect(plain.search.rollouts == 1 && plain.search.parallelProposals == 1)
        // Unset, the new keys are not encoded: a policy's hash (and so its run dedupe key) is unchanged.
        let encoded = String(decoding: try JSONEncoder().encode(plain.search), as: UTF8.self)
        #expect(!encoded.contains("rollouts") && !encoded.contains("parallelProposals"))
        let old = #"{"seed":4,"minibatchSize":4,"maxConsecutiveFailures":12,"maxComponentLength":4000,"concurrency":4}"#
        #expect(try JSONDecoder().decode(SearchSettings.self, from: Data(old.utf8)) == plain.search)
        let noisy = try JSONDecoder().decode(SearchSettings.self, from: try JSONEncoder().encode(policy.search))
        #expect(noisy == policy.search)
    }

    @Test func zeroRolloutsIsAnErrorNamingTheField() throws {
        do {
            _ = try PolicyLoader.parse(Self.head + "search:\n  rollouts: 0\n", file: "policy.yaml")
            Issue.record("rollouts: 0 was accepted")
        } catch let error as ConfigError {
            #expect(error.description.contains("rollouts"))
        }
    }
}
