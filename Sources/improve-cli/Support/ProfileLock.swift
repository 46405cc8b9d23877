import Foundation
import ImproveCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One improving process per profile and store on a machine.
///
/// The lock is a `flock(2)` on `<store>.locks/<key>.lock`, where the key hashes the profile
/// directory's real path. The kernel drops the lock when its holder dies, `kill -9` included,
/// so a stale lock never needs clearing by hand; the file is opened close-on-exec, so an
/// experiment or generator process started by the holder never inherits it. Beside the lock,
/// `<key>.holder.json` (replaced atomically) names the holder for the message a refused process
/// prints. That record outlives a killed holder: whoever gets the lock next knows it is stale.
///
/// Why not a lease row in SQLite: a lease must expire before a successor may start, so after a
/// `kill -9` either the next cron run waits out the lease or a live but slow holder loses its
/// lease; the kernel knows exactly when the holder died. flock is local to one machine (and
/// unreliable on some network file systems), which is the scope of this lock.
final class ProfileLock: Sendable {
    /// Who holds (or last held) a profile's lock.
    struct Holder: Codable, Equatable {
        var pid: Int32
        var host: String
        var since: Date
        var profile: String
        var workerID: String
        var runID: String?
    }

    /// Another live process holds the lock.
    struct Busy: Error, CustomStringConvertible {
        var profile: String
        var holder: Holder?
        var waited: Double?

        /// The holder as a phrase: pid, host, run id and since when.
        var holderText: String {
            guard let holder else { return "a process that has not written its holder record yet" }
            return "pid \(holder.pid) on \(holder.host), run \(holder.runID ?? "(not opened yet)"), since \(StoreAccess.timestamp(holder.since))"
        }

        var description: String {
            let waitedText = waited.map { " after waiting \(Int($0)) s" } ?? ""
            return "\(profile) is being improved by \(holderText)\(waitedText); wait for it with --wait, or let this run go (the next one joins its result)"
        }
    }

    let lockFile: URL
    let holderFile: URL
    /// The record left by the previous holder when it had not released cleanly (killed).
    let staleHolder: Holder?
    /// A worker id that belongs to this profile on this host: only the lock holder uses it, so a
    /// run taking the lock over after a `kill -9` reclaims the dead holder's steps at once
    /// instead of waiting for their leases to lapse.
    let workerID: String
    private let descriptor: Int32
    /// The record as written, and whether the lock was given back; one lock so a release racing
    /// a note never writes a record after it was removed.
    private let state: Mutex<(holder: Holder, released: Bool)>

    private init(lockFile: URL, holderFile: URL, descriptor: Int32, holder: Holder, stale: Holder?) {
        self.lockFile = lockFile
        self.holderFile = holderFile
        self.descriptor = descriptor
        self.state = Mutex((holder, false))
        self.staleHolder = stale
        self.workerID = holder.workerID
    }

    deinit { release() }

    /// Takes the lock of `profileDirectory` in the store at `storePath`.
    ///
    /// - Parameters:
    ///   - wait: nil to fail at once when held; otherwise seconds to wait (`.infinity` for no limit).
    ///   - now: the wall-clock time recorded as `since`.
    /// - Throws: ``Busy`` when held by another process (after `wait`, if any).
    static func acquire(profileDirectory: String, storePath: String, wait: Double?, now: @escaping () -> Date) async throws -> ProfileLock {
        let profile = URL(fileURLWithPath: profileDirectory).resolvingSymlinksInPath().standardizedFileURL.path
        let store = URL(fileURLWithPath: storePath).standardizedFileURL
        let directory = store.deletingLastPathComponent().appendingPathComponent(store.lastPathComponent + ".locks")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = String(ContentHash.sha256(profile).prefix(16))
        let lockFile = directory.appendingPathComponent("\(key).lock")
        let holderFile = directory.appendingPathComponent("\(key).holder.json")

        let descriptor = open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandLineFailure("cannot open the lock file \(lockFile.path): \(String(cString: strerror(errno))); check that its directory is writable")
        }
        var pause: UInt64 = 50_000_000
        var waited = 0.0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw CommandLineFailure("cannot lock \(lockFile.path): \(reason)")
            }
            guard let limit = wait, waited < limit else {
                close(descriptor)
                throw Busy(profile: profile, holder: readHolder(holderFile), waited: wait == nil ? nil : waited)
            }
            if waited == 0 {
                Terminal.note("waiting for \(Busy(profile: profile, holder: readHolder(holderFile), waited: nil).holderText) to finish with \(profile)")
            }
            // The holder's death or exit has no callback across processes: try again shortly.
            try? await Task.sleep(nanoseconds: pause)
            waited += Double(pause) / 1e9
            pause = min(pause * 2, 500_000_000)
        }
        let info = ProcessInfo.processInfo
        let stale = readHolder(holderFile)
        let holder = Holder(
            pid: info.processIdentifier, host: info.hostName, since: now(), profile: profile,
            workerID: "\(info.hostName)-profile-\(key)", runID: nil)
        let lock = ProfileLock(lockFile: lockFile, holderFile: holderFile, descriptor: descriptor, holder: holder, stale: stale)
        try lock.writeHolder(holder)
        return lock
    }

    /// Names the run in the holder record once it is known.
    func note(runID: String) {
        state.withLock { state in
            guard !state.released else { return }
            state.holder.runID = runID
            try? writeHolder(state.holder)
        }
    }

    /// Removes the holder record and drops the lock (also done by the kernel when the process dies).
    func release() {
        state.withLock { state in
            guard !state.released else { return }
            state.released = true
            try? FileManager.default.removeItem(at: holderFile)
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    private func writeHolder(_ holder: Holder) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(holder).write(to: holderFile, options: .atomic)
    }

    static func readHolder(_ file: URL) -> Holder? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Holder.self, from: data)
    }
}
