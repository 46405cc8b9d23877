import Foundation

/// One store backend as a `--store` address names it: which addresses are its own, and how a
/// store at one of them opens for writing and for reading.
///
/// A backend target contributes one conforming type (`SQLiteStoreScheme` in ImproveSQLite,
/// `PostgresStoreScheme` in ImprovePostgres); an application lists the ones it offers in a
/// ``StoreSchemes`` and opens every store through it, so that no command decides on its own
/// which engine an address means.
public protocol StoreScheme: Sendable {
    /// The engine's name in messages: `SQLite`, `PostgreSQL`.
    var name: String { get }

    /// How an address of this backend is written, for messages: `a SQLite file path`,
    /// `postgres://user@host:port/database`.
    var addressForm: String { get }

    /// True when processes on other machines can share a store of this backend, so that a
    /// run may hand its model calls to workers (``StoreOpenOptions/distributed``).
    var dispatchesToWorkers: Bool { get }

    /// True when `address` names a store of this backend. Decided from the text alone: asking
    /// must touch no file and no server.
    func claims(_ address: String) -> Bool

    /// Opens the store at `address` for a command that writes: created when missing, migrated
    /// to this build's schema.
    ///
    /// ``StoreSchemes`` passes ``StoreOpenOptions/distributed`` only to a scheme whose
    /// ``dispatchesToWorkers`` is true.
    func openForWriting(_ address: String, options: StoreOpenOptions) async throws -> any RunStore

    /// Opens the existing store at `address` for a command that only reads (`runs`, `show`,
    /// `report`, finding the run `resume` continues).
    ///
    /// Never creates, migrates or otherwise changes anything, so an inspection pointed at a
    /// wrong address leaves no trace.
    ///
    /// - Throws: ``StoreOpeningError/noStore(location:)`` when nothing has been stored there yet.
    func openReadOnly(_ address: String) async throws -> any RunStore

    /// The path on this machine that a file lock for the store at `address` is derived from
    /// (the CLI's profile lock): the file itself for an embedded store, a fixed name for a
    /// server the lock cannot live in.
    func lockAnchor(for address: String) -> String
}

/// What a command that writes asks of the store it opens.
public struct StoreOpenOptions: Sendable, Equatable {
    /// Seconds a claimed step stays reserved for its worker without renewal; journals renew it
    /// every third of this while a step runs, so a short lease only makes a successor reclaim
    /// a killed worker's steps sooner.
    public var leaseDuration: TimeInterval

    /// Hand the run's model calls to worker processes through the store instead of calling
    /// models in this process (`improve-cli run --distributed`).
    public var distributed: Bool

    /// Options for one opening; the defaults are a 60-second lease and no workers.
    public init(leaseDuration: TimeInterval = 60, distributed: Bool = false) {
        self.leaseDuration = leaseDuration
        self.distributed = distributed
    }
}
