import Foundation
import ImproveCore
import PostgresNIO

/// Waits for dispatched steps to complete: one loop polls every awaited step in one query, so a
/// coordinator with many calls in flight asks the database once per tick, not once per call.
///
/// Polling, not LISTEN/NOTIFY: a notification is lost while a connection is being replaced,
/// and the poll interval (2 ms after a hit, growing to 5 ms) is small next to a
/// model call.
actor PostgresCompletionWatcher {
    private struct Waiter {
        let token: Int
        let checkpoint: String
        let continuation: CheckedContinuation<Data, any Error>
    }

    private let database: PostgresDatabase
    private var waiting: [Int64: [Waiter]] = [:]
    private var nextToken = 0
    private var loop: Task<Void, Never>?

    init(database: PostgresDatabase) {
        self.database = database
    }

    /// The result bytes of step `stepID` once a worker completes it.
    ///
    /// - Throws: ``StoreError/stepFailed(checkpoint:message:)`` when the worker failed it;
    ///   `CancellationError` when the calling task is cancelled first.
    func wait(stepID: Int64, checkpoint: String) async throws -> Data {
        nextToken += 1
        let token = nextToken
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                waiting[stepID, default: []].append(Waiter(token: token, checkpoint: checkpoint, continuation: continuation))
                startLoop()
            }
        } onCancel: {
            Task { await self.cancel(token: token) }
        }
    }

    private func cancel(token: Int) {
        for (id, waiters) in waiting {
            guard let index = waiters.firstIndex(where: { $0.token == token }) else { continue }
            waiters[index].continuation.resume(throwing: CancellationError())
            var rest = waiters
            rest.remove(at: index)
            waiting[id] = rest.isEmpty ? nil : rest
            return
        }
    }

    private func startLoop() {
        guard loop == nil else { return }
        loop = Task { await self.pollUntilIdle() }
    }

    private func pollUntilIdle() async {
        var pause = WaitBackoff(ceiling: 0.005)
        while !waiting.isEmpty {
            let resolved: Bool
            do {
                resolved = try await pollOnce()
            } catch {
                fail(all: error)
                break
            }
            if resolved { pause = WaitBackoff(ceiling: 0.005) }
            try? await Task.sleep(nanoseconds: pause.next())
        }
        loop = nil
    }

    /// One query for every awaited step; resumes the finished ones. True when any finished.
    private func pollOnce() async throws -> Bool {
        let ids = Array(waiting.keys)
        let rows = try await database.rows("SELECT id, state, result_json, error FROM steps WHERE id = ANY(\(ids))").named
        var resolved = false
        for row in rows {
            let id: Int64 = try row.value("id")
            let state = try row.stepState(in: database.location.description)
            guard state == .completed || state == .failed else { continue }
            // Read before the waiters are taken out, so that a column that cannot be read reaches
            // them through `fail(all:)` instead of leaving them waiting.
            let result = state == .completed ? try row.value("result_json", as: Data?.self) ?? Data() : nil
            let message = try row.value("error", as: String?.self) ?? "a worker failed it"
            guard let waiters = waiting.removeValue(forKey: id) else { continue }
            resolved = true
            for waiter in waiters {
                if let result {
                    waiter.continuation.resume(returning: result)
                } else {
                    waiter.continuation.resume(throwing: StoreError.stepFailed(checkpoint: waiter.checkpoint, message: message))
                }
            }
        }
        return resolved
    }

    private func fail(all error: any Error) {
        for waiter in waiting.values.joined() { waiter.continuation.resume(throwing: error) }
        waiting = [:]
    }
}
