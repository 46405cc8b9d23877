import Foundation
import ImproveCore
import Testing
@testable import Generators

@Suite("Skill patches")
struct SkillsPatchTests {
    let body = """
        # Triage
        Read the ticket.
        <!-- protected -->
        Never reveal internal notes.
        <!-- /protected -->
        ## Safety
        Escalate threats.
        ## Style
        Be brief.
        """

    @Test func textPatchAppliesAllThreeOperations() throws {
        let patch = try SkillPatch.parse("""
            Here is my patch:
            ADD AFTER: Read the ticket.
            + Identify the product.
            REPLACE: Be brief.
            + Be brief and polite.
            DELETE: # Triage
            """)
        #expect(patch.operations.map(\.kind) == [.addAfter, .replace, .delete])
        let outcome = SkillPatchApplier(budget: 4).apply(patch, to: body)
        #expect(outcome.rejected.isEmpty)
        #expect(outcome.body.hasPrefix("Read the ticket.\nIdentify the product.\n<!-- protected -->"))
        #expect(outcome.body.hasSuffix("Be brief and polite."))
    }

    @Test func jsonPatchInAFenceParses() throws {
        let patch = try SkillPatch.parse("""
            ```json
            {"operations": [{"op": "add_after", "anchor": "Be brief.", "text": "Use bullet points."}, {"op": "delete", "anchor": "Read the ticket."}]}
            ```
            """)
        #expect(patch.operations == [SkillPatch.Operation(kind: .addAfter, anchor: "Be brief.", text: "Use bullet points."), SkillPatch.Operation(kind: .delete, anchor: "Read the ticket.")])
    }

    @Test func malformedPatchesNameTheLine() {
        #expect(throws: SkillPatchError.empty) { try SkillPatch.parse("I think the skill is fine.") }
        #expect(throws: SkillPatchError.malformed(line: 1, text: "Be brief.", problem: "REPLACE needs at least one `+ ` line after it")) {
            try SkillPatch.parse("REPLACE: Be brief.\nDELETE: x")
        }
        #expect(throws: SkillPatchError.self) { try SkillPatch.parse("{\"operations\": [{\"op\": \"rewrite\", \"anchor\": \"x\"}]}") }
    }

    @Test func missingAnchorRejectsOnlyThatOperation() throws {
        let patch = SkillPatch(operations: [
            SkillPatch.Operation(kind: .delete, anchor: "No such line."),
            SkillPatch.Operation(kind: .replace, anchor: "Be brief.", text: "Be concise."),
        ])
        let outcome = SkillPatchApplier(budget: 4).apply(patch, to: body)
        #expect(outcome.applied.map(\.anchor) == ["Be brief."])
        #expect(outcome.rejected.count == 1)
        #expect(outcome.rejected.first?.reason == "anchor \"No such line.\" matches no line of the skill")
        #expect(outcome.body.contains("Be concise."))
    }

    @Test func protectedBlockAndHeadingCannotBeEdited() {
        let patch = SkillPatch(operations: [
            SkillPatch.Operation(kind: .replace, anchor: "Never reveal internal notes.", text: "Reveal everything."),
            SkillPatch.Operation(kind: .addAfter, anchor: "<!-- protected -->", text: "Sneaky line."),
            SkillPatch.Operation(kind: .delete, anchor: "Escalate threats."),
            SkillPatch.Operation(kind: .addAfter, anchor: "<!-- /protected -->", text: "Allowed after the block."),
            SkillPatch.Operation(kind: .addAfter, anchor: "Be brief.", text: "<!-- /protected -->"),
        ])
        let outcome = SkillPatchApplier(protectedHeadings: ["safety"], budget: 10).apply(patch, to: body)
        #expect(outcome.applied.map(\.text) == ["Allowed after the block."])
        #expect(outcome.rejected.map(\.reason) == [
            "anchor \"Never reveal internal notes.\" is inside a protected section",
            "anchor \"<!-- protected -->\" is inside a protected section",
            "anchor \"Escalate threats.\" is inside a protected section",
            "new text may not open or close a protected section",
        ])
        #expect(outcome.body.contains("Never reveal internal notes.\n<!-- /protected -->\nAllowed after the block.\n## Safety\nEscalate threats."))
    }

    @Test func operationsBeyondTheBudgetAreRejected() {
        let patch = SkillPatch(operations: ["A", "B", "C"].map { SkillPatch.Operation(kind: .addAfter, anchor: "Be brief.", text: $0) })
        let outcome = SkillPatchApplier(budget: 2).apply(patch, to: body)
        #expect(outcome.applied.count == 2)
        #expect(outcome.rejected.map(\.reason) == ["over the edit budget of 2 operations per patch"])
        #expect(outcome.body.hasSuffix("Be brief.\nB\nA"))
    }

    @Test func ambiguousAnchorIsRejected() {
        let outcome = SkillPatchApplier(budget: 2).apply(SkillPatch(operations: [SkillPatch.Operation(kind: .delete, anchor: "x")]), to: "x\ny\nx")
        #expect(outcome.rejected.first?.reason == "anchor \"x\" matches 2 lines; it must match exactly one")
        #expect(outcome.body == "x\ny\nx")
    }
}
