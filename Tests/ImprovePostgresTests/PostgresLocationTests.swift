import ImprovePostgres
import Testing

@Suite("PostgreSQL store: addresses")
struct PostgresLocationTests {
    @Test func parsesUserHostPortAndDatabase() throws {
        let location = try PostgresLocation(parsing: "postgres://improve@127.0.0.1:5433/runs")
        #expect(location == PostgresLocation(user: "improve", host: "127.0.0.1", port: 5433, database: "runs"))
        #expect(try PostgresLocation(parsing: "postgresql://u@db.example/x").port == 5432)
    }

    @Test func refusesAPasswordInTheAddressWithoutRepeatingIt() {
        #expect {
            try PostgresLocation(parsing: "postgres://improve:hunter2secret@127.0.0.1:5432/runs")
        } throws: { error in
            let text = String(describing: error)
            return !text.contains("hunter2secret") && text.contains("PGPASSWORD")
        }
    }

    @Test(arguments: ["postgres://127.0.0.1/db", "postgres://u@127.0.0.1", "postgres://u@127.0.0.1/a/b", "postgres://u@h/db?sslmode=require"])
    func refusesIncompleteAddresses(address: String) {
        #expect(throws: PostgresStoreError.self) { try PostgresLocation(parsing: address) }
    }
}
