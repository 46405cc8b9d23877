import Foundation
import ImproveCore
import Testing

/// Spend ceilings as written on the command line and in `policy.yaml`.
struct SpendCeilingParsingTests {
    @Test func unitsAreReadFromTheSuffix() {
        #expect(SpendCeiling(parsing: "5usd") == SpendCeiling(parsing: "$5"))
        #expect(SpendCeiling(parsing: "5usd")?.unit == .usd)
        #expect(SpendCeiling(parsing: "20000tokens")?.limit == 20000)
        #expect(SpendCeiling(parsing: "300 calls")?.unit == .calls)
        #expect(SpendCeiling(parsing: "5") == nil)
        #expect(SpendCeiling(parsing: "-1usd") == nil)
        #expect(SpendCeiling(parsing: "lots") == nil)
    }

    @Test func theCeilingIsReachedAtTheLimitInItsOwnUnit() throws {
        let totals = LedgerTotals(calls: 30, tokens: 300, cost: 0)
        #expect(try #require(SpendCeiling(parsing: "300tokens")).isReached(by: totals))
        #expect(!(try #require(SpendCeiling(parsing: "301tokens")).isReached(by: totals)))
        #expect(!(try #require(SpendCeiling(parsing: "5usd")).isReached(by: totals)), "the local model costs nothing")
        #expect(try #require(SpendCeiling(parsing: "30calls")).isReached(by: totals))
    }

    @Test func policyYAMLSetsACeilingAndItsWindow() throws {
        let policy = try PolicyLoader.parse(
            "allowedModels: [local/*]\nspendCeiling:\n  limit: 200000tokens\n  window: 7d\n", file: "policy.yaml")
        #expect(policy.spendCeiling == SpendCeilingSetting(ceiling: try #require(SpendCeiling(parsing: "200000tokens")), window: "7d", windowSeconds: 7 * 86400))
        let unset = try PolicyLoader.parse("allowedModels: [local/*]\n", file: "policy.yaml")
        #expect(unset.spendCeiling == nil)
        // No ceiling leaves the policy's identity (and so every existing run id) as it was.
        #expect(try ContentHash.of(unset) == (try ContentHash.of(Policy(allowedModels: unset.allowedModels))))
    }

    @Test func aBadCeilingNamesTheFileFieldAndFix() {
        #expect {
            _ = try PolicyLoader.parse("allowedModels: [local/*]\nspendCeiling:\n  limit: five dollars\n", file: "policy.yaml")
        } throws: { error in
            let text = String(describing: error)
            return text.contains("policy.yaml:3") && text.contains("5usd")
        }
        #expect {
            _ = try PolicyLoader.parse("allowedModels: [local/*]\nspendCeiling:\n  limit: 5usd\n  window: tomorrow\n", file: "policy.yaml")
        } throws: { error in String(describing: error).contains("24h") }
    }
}
