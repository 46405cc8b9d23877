import Foundation
import GRDB
import ImproveCore
import ImproveSQLite
import Testing

@Suite("Store: opening files")
struct StoreOpeningTests {
    @Test func createsTheFileAndItsDirectory() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("nested/deeper/improve.sqlite")
        let store = try SQLiteRunStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(store.location == path)
        _ = try await store.openRun(sampleSpec(), workerID: "w1")
        // Reopening an existing store of ours works and sees the run.
        let again = try SQLiteRunStore(path: path, mode: .readOnly)
        #expect(try await again.listRuns(limit: 10).count == 1)
    }

    @Test func defaultPathIsUnderTheCurrentDirectory() {
        let expected = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(".improve/improve.sqlite").path
        #expect(SQLiteRunStore.defaultPath == expected)
    }

    @Test func randomBytesAreRefusedAndLeftUntouched() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("noise.sqlite")
        var random = SeededRandom(seed: 99)
        let bytes = Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &random) })
        try bytes.write(to: URL(fileURLWithPath: path))
        let before = try sha256(ofFile: path)

        #expect {
            _ = try SQLiteRunStore(path: path)
        } throws: { error in
            guard case StoreError.unusableDatabase(let reported, let reason)? = error as? StoreError else { return false }
            return reported == path && reason.contains("not a SQLite database")
        }
        #expect(try sha256(ofFile: path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func anotherProgramsDatabaseIsRefusedAndLeftUntouched() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("theirs.sqlite")
        let theirs = try DatabaseQueue(path: path)
        try theirs.write { db in
            try db.execute(sql: "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO people (name) VALUES ('Ada')")
        }
        try theirs.close()
        let before = try sha256(ofFile: path)

        for mode in [SQLiteRunStore.AccessMode.readWrite, .readOnly] {
            #expect {
                _ = try SQLiteRunStore(path: path, mode: mode)
            } throws: { error in
                guard case StoreError.unusableDatabase(_, let reason)? = error as? StoreError else { return false }
                return reason.contains("another program") && reason.contains("people")
            }
        }
        #expect(try sha256(ofFile: path) == before)
    }

    @Test func anotherGRDBDatabaseIsForeignToo() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("grdb-app.sqlite")
        let theirs = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        try migrator.migrate(theirs)
        try theirs.close()
        let before = try sha256(ofFile: path)
        #expect(throws: StoreError.self) { _ = try SQLiteRunStore(path: path) }
        #expect(try sha256(ofFile: path) == before)
    }

    @Test func readOnlyNeverCreatesAMissingStore() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("missing/improve.sqlite")
        #expect {
            _ = try SQLiteRunStore(path: path, mode: .readOnly)
        } throws: { error in
            guard case StoreError.unusableDatabase(let reported, let reason)? = error as? StoreError else { return false }
            return reported == path && reason.contains("no store file")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: dir.path("missing")))
    }

    /// The last connection to close a WAL store checkpoints it under an exclusive lock; a store
    /// opened in that moment (a resumed run right after a failed one) must wait, not fail.
    @Test func openingWaitsForALockHeldByAnotherConnection() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("improve.sqlite")
        _ = try await SQLiteRunStore(path: path).openRun(sampleSpec(), workerID: "w1")

        var holding = Configuration()
        holding.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: path, configuration: holding)
        try await holder.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE")
        }
        // The holder lets go a moment later; the opener is already waiting on the lock by then
        // (an opener without a busy timeout fails at once, whenever the release happens).
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
            try? holder.writeWithoutTransaction { db in
                try db.execute(sql: "COMMIT; PRAGMA locking_mode = NORMAL; SELECT count(*) FROM runs")
            }
            try? holder.close()
            released.signal()
        }
        let store = try SQLiteRunStore(path: path, mode: .readOnly)
        #expect(try await store.listRuns(limit: 10).count == 1)
        released.wait()
    }
}
