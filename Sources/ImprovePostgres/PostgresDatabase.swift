import Foundation
import ImproveCore
import Logging
import PostgresNIO

/// A connection pool to one database, with transactions that retry what PostgreSQL asks to be
/// retried (serialization failures, deadlocks) and what a dropped connection interrupted.
///
/// Retrying a whole transaction is safe for every statement the store issues: each one is
/// conditional on the state it changes (claims on the attempt counter, completions on the step
/// not being completed, inserts on their unique keys), so a transaction that did commit before
/// its connection dropped finds its own effect on the retry and changes nothing twice.
final class PostgresDatabase: Sendable {
    let location: PostgresLocation
    let client: PostgresClient
    let redactor: Redactor
    private let runner: Task<Void, Never>
    /// PostgresNIO logs queries and connection details at debug level; nothing of it is wanted
    /// in a run's output, and a logger that drops everything cannot leak a secret.
    static let silent = Logger(label: "improve.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    /// Attempts of one transaction before its error is reported.
    static let maxAttempts = 8

    /// One connection made outside the pool, so that a wrong password, a missing database or a
    /// server that is not there fails at once with its reason: the pool would keep retrying in
    /// the background while every query waits.
    /// With a `schema`, also creates it when missing.
    static func probe(_ location: PostgresLocation, schema: String?, environment: [String: String], redactor: Redactor) async throws {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user,
            password: environment["PGPASSWORD"], database: location.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: silent)
            if let schema {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(quoted(schema))"), logger: silent)
            }
            try await connection.close()
        } catch let error as PSQLError {
            let reason: String
            if let info = error.serverInfo {
                reason = [info[.sqlState].map { "SQLSTATE \($0)" }, info[.message]].compactMap { $0 }.joined(separator: ": ")
            } else {
                reason = error.underlying.map { "\($0)" } ?? "\(error.code)"
            }
            throw PostgresStoreError.unreachable(location: location.description, reason: redactor.redact(reason))
        } catch {
            throw PostgresStoreError.unreachable(location: location.description, reason: redactor.redact("\(error)"))
        }
    }

    /// Connects to `location` with the password from `PGPASSWORD`, if any.
    ///
    /// - Parameters:
    ///   - schema: the schema every connection works in (its `search_path`); nil for the
    ///     server's default (`public`). Tests give each database-to-be its own.
    ///   - connections: the pool's ceiling; a worker needs about one per concurrent step.
    init(location: PostgresLocation, schema: String?, environment: [String: String], redactor: Redactor, connections: Int = 20) {
        self.location = location
        self.redactor = redactor
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user,
            password: environment["PGPASSWORD"], database: location.database, tls: .disable)
        if let schema { configuration.options.additionalStartupParameters = [("search_path", Self.quoted(schema))] }
        configuration.options.maximumConnections = max(2, connections)
        configuration.options.connectionIdleTimeout = .seconds(30)
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.silent)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit {
        runner.cancel()
    }

    /// Closes the pool; later queries fail.
    func close() {
        runner.cancel()
    }

    /// Runs `body` in one transaction (READ COMMITTED; the statements lock the rows they judge),
    /// retrying transient failures with a short backoff.
    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await retrying {
            try await self.client.withConnection { connection in
                try await connection.query("BEGIN", logger: Self.silent)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: Self.silent)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: Self.silent)
                    throw error
                }
            }
        }
    }

    /// Runs one statement outside an explicit transaction and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await retrying {
            try await self.client.query(query, logger: Self.silent).collect()
        }
    }

    private func retrying<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch let error where attempt < Self.maxAttempts && Self.isTransient(error) {
                // 10, 20, 40 ... ms, capped at 1 s: long enough for a restarted server to come back.
                try await Task.sleep(nanoseconds: UInt64(min(1.0, 0.01 * pow(2, Double(attempt - 1))) * 1_000_000_000))
                attempt += 1
            } catch {
                throw translate(error)
            }
        }
    }

    /// `name` as a quoted SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// SQLSTATE 40001 (serialization failure) and 40P01 (deadlock) ask for a retry; a connection
    /// that closed or could not be made may come back.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state == "40001" || state == "40P01" || state.hasPrefix("08") || state == "57P01"
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            return true
        default:
            return false
        }
    }

    /// Database errors become messages that name the store and the server's reason, redacted;
    /// the store's own errors pass through.
    func translate(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        let reason: String
        if let info = error.serverInfo {
            reason = [info[.sqlState].map { "SQLSTATE \($0)" }, info[.message]].compactMap { $0 }.joined(separator: ": ")
        } else if let underlying = error.underlying {
            reason = "\(error.code): \(underlying)"
        } else {
            reason = "\(error.code)"
        }
        let text = redactor.redact(reason)
        switch error.code {
        case .server where (error.serverInfo?[.sqlState] ?? "").hasPrefix("28") || (error.serverInfo?[.sqlState] ?? "") == "3D000":
            return PostgresStoreError.unreachable(location: location.description, reason: text)
        case .server:
            return PostgresStoreError.query(location: location.description, reason: text)
        default:
            return PostgresStoreError.unreachable(location: location.description, reason: text)
        }
    }
}
