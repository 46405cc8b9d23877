import Foundation
import ImproveCore

/// The free lanes of an exec agent: a unit takes one (waiting while all are busy) and gives it
/// back when done, so at most one unit talks to a process at a time.
actor LanePool {
    private var free: [ExecLane]
    private var waiters: [(id: UUID, continuation: CheckedContinuation<ExecLane, any Error>)] = []
    private var closed = false

    init(_ lanes: [ExecLane]) {
        free = lanes
    }

    /// A free lane, waiting for one if necessary.
    /// - Throws: `CancellationError` when the waiting task is cancelled; ``AgentFailure``
    ///   once the driver was closed.
    func acquire() async throws -> ExecLane {
        try Task.checkCancellation()
        if closed { throw AgentFailure(problem: "the agent was already stopped") }
        if let lane = free.popLast() { return lane }
        let id = UUID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    /// Gives `lane` back: to the longest waiting unit, or to the free list.
    func release(_ lane: ExecLane) {
        if waiters.isEmpty {
            free.append(lane)
        } else {
            waiters.removeFirst().continuation.resume(returning: lane)
        }
    }

    /// Refuses further units; waiting ones fail.
    func close() {
        closed = true
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.continuation.resume(throwing: AgentFailure(problem: "the agent was stopped")) }
    }

    private func abandon(_ id: UUID) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
