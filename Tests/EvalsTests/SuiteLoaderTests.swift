import Foundation
import ImproveCore
import Testing
@testable import Evals

@Suite struct SuiteLoaderTests {
    let scorers = "scorers:\n  - type: label\n    labels: [positive, negative]\n"

    @Test func loadsInlineJSONLAndCSVItemsWithFieldMapping() throws {
        let fixture = try SuiteFixture()
        try fixture.write("a.jsonl", "{\"id\": \"j1\", \"input\": \"good\", \"expected\": \"positive\"}\n\n{\"id\": \"j2\", \"input\": \"bad\", \"expected\": \"negative\"}\n")
        try fixture.write("b.csv", "key,text,label,lang\nc1,\"fine, really\",positive,en\nc2,awful,negative,en\n")
        let suite = try fixture.load("""
            items:
              - id: inline-1
                input: great
                expected: positive
                tags: [short]
              - file: a.jsonl
              - file: b.csv
                idField: key
                inputField: text
                expectedField: label
            \(scorers)
            """)
        #expect(suite.items.map(\.id) == ["inline-1", "j1", "j2", "c1", "c2"])
        #expect(suite.items[0].tags == ["short"])
        let c1 = try #require(suite.items.first { $0.id == "c1" })
        #expect(c1.input == "fine, really")
        #expect(c1.expected == "positive")
        #expect(c1.fields["lang"] == "en")
    }

    @Test func malformedJSONLLineIsNamedByFileAndLine() throws {
        let fixture = try SuiteFixture()
        try fixture.write("d.jsonl", "{\"id\": \"1\", \"input\": \"x\"}\n{\"id\": \"2\", \"input\": \n")
        let error = try fixture.error("items:\n  - file: d.jsonl\n\(scorers)")
        #expect(error.file.hasSuffix("d.jsonl"))
        #expect(error.line == 2)
    }

    @Test func duplicateIdInsideADataFileNamesTheSecondLine() throws {
        let fixture = try SuiteFixture()
        try fixture.write("d.jsonl", "{\"id\": \"1\", \"input\": \"x\"}\n{\"id\": \"2\", \"input\": \"y\"}\n{\"id\": \"1\", \"input\": \"z\"}\n")
        let error = try fixture.error("items:\n  - file: d.jsonl\n\(scorers)")
        #expect(error.file.hasSuffix("d.jsonl"))
        #expect(error.line == 3)
        #expect(error.problem.contains("first at line 1"))
    }

    @Test func duplicateIdAcrossEntriesNamesTheSuiteLine() throws {
        let fixture = try SuiteFixture()
        try fixture.write("d.jsonl", "{\"id\": \"x\", \"input\": \"a\"}\n")
        let error = try fixture.error("items:\n  - id: x\n    input: b\n  - file: d.jsonl\n\(scorers)")
        #expect(error.file.hasSuffix("suite.yaml"))
        #expect(error.line == 4)
        #expect(error.problem.contains("duplicate item id \"x\""))
    }

    @Test func csvRowWithWrongColumnCountNamesItsLine() throws {
        let fixture = try SuiteFixture()
        try fixture.write("d.csv", "id,input\n1,ok\n2,\"multi\nline\"\n3,too,many\n")
        let error = try fixture.error("items:\n  - file: d.csv\n\(scorers)")
        #expect(error.file.hasSuffix("d.csv"))
        #expect(error.line == 5)
        #expect(error.problem.contains("3 columns"))
    }

    @Test func missingDataFileEmptySuiteAndUnknownKeysAreErrors() throws {
        let fixture = try SuiteFixture()
        let missing = try fixture.error("items:\n  - file: nowhere.jsonl\n\(scorers)")
        #expect(missing.line == 2)
        #expect(missing.problem.contains("does not exist"))
        try fixture.write("empty.jsonl", "\n")
        let empty = try fixture.error("items:\n  - file: empty.jsonl\n\(scorers)")
        #expect(empty.problem.contains("no items"))
        let noItems = try fixture.error("items: []\n\(scorers)")
        #expect(noItems.problem.contains("no items"))
        let unknown = try fixture.error("items:\n  - id: a\n    input: b\n\(scorers)splt: 1\n")
        #expect(unknown.line == 7)
        #expect(unknown.hint?.contains("did you mean \"split\"") == true)
    }

    @Test func unknownScorerTypeAndBadParamsAreErrorsAtTheirLine() throws {
        let fixture = try SuiteFixture()
        let type = try fixture.error("items:\n  - id: a\n    input: b\nscorers:\n  - type: vibes\n")
        #expect(type.line == 5)
        let regex = try fixture.error("items:\n  - id: a\n    input: b\nscorers:\n  - type: regex\n    pattern: \"([\"\n")
        #expect(regex.problem.contains("invalid regular expression"))
        let judge = try fixture.error("items:\n  - id: a\n    input: b\nscorers:\n  - type: judge\n")
        #expect(judge.problem.contains("rubric"))
        let twice = try fixture.error("items:\n  - id: a\n    input: b\nscorers:\n  - type: exact\n  - type: exact\n")
        #expect(twice.problem.contains("two scorers are named"))
    }

    @Test func anIdInBothExplicitListsIsAnError() throws {
        let fixture = try SuiteFixture()
        let error = try fixture.error("items:\n  - id: a\n    input: x\n  - id: b\n    input: y\n\(scorers)split:\n  holdout: [a]\n  search: [a, b]\n")
        #expect(error.problem.contains("both"))
        let unknown = try fixture.error("items:\n  - id: a\n    input: x\n\(scorers)split:\n  holdout: [zz]\n")
        #expect(unknown.problem.contains("unknown item or persona id \"zz\""))
    }

    @Test func personasAndSimulationSettingsLoad() throws {
        let fixture = try SuiteFixture()
        let suite = try fixture.load("""
            items:
              - id: a
                input: x
                expected: positive
            \(scorers)
            simulation:
              maxTurns: 3
              trials: 4
            personas:
              - id: p1
                description: a user
                goal: get help
                known: [order 12]
                firstTurns: [hello]
                mustContain: [help]
            """)
        #expect(suite.simulation == SimulationSettings(maxTurns: 3, stopToken: "###STOP###", trials: 4))
        #expect(suite.personas.map(\.id) == ["p1"])
        #expect(suite.personas[0].knownInfo == ["order 12"])
        #expect(suite.personas[0].scriptedTurns == ["hello"])
        let missingGoal = try fixture.error("items:\n  - id: a\n    input: x\n\(scorers)personas:\n  - id: p\n    description: d\n")
        #expect(missingGoal.field == "personas[0].goal")
    }

    @Test func theSuiteHashCoversPersonasAndSimulation() throws {
        let text = """
            personas:
              - id: p1
                description: A user.
                goal: reset the password.
            simulation:
              trials: 2
            split:
              holdout: [p1]
            """
        let directory = URL(fileURLWithPath: "/tmp")
        let base = try SuiteLoader.parse(text, file: "suite.yaml", directory: directory)
        // A suite of personas alone needs no items; explicit split lists name persona ids.
        #expect(base.items.isEmpty && base.splitPersonas().holdout.map(\.id) == ["p1"])
        let goal = try SuiteLoader.parse(text.replacingOccurrences(of: "reset the password", with: "cancel"), file: "suite.yaml", directory: directory)
        let trials = try SuiteLoader.parse(text.replacingOccurrences(of: "trials: 2", with: "trials: 3"), file: "suite.yaml", directory: directory)
        let hashes = try [base, goal, trials].map { try $0.contentHash() }
        #expect(Set(hashes).count == 3)
        #expect(hashes.allSatisfy { $0.count == 64 })
    }
}
