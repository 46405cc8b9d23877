import Foundation
import ImproveCore
import ImproveHTTP
import ImproveTestSupport
import Testing

@Suite("Concurrency limiter")
struct ConcurrencyLimiterTests {
    @Test func aCancelledWaiterLeavesTheQueueAndHoldsNoSlot() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        #expect(try await eventually { await limiter.waiting == 1 })
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await limiter.waiting == 0)
        #expect(await limiter.inUse == 1)
        await limiter.release()
        #expect(await limiter.inUse == 0)
    }

    @Test func slotsAreHandedToWaitersInArrivalOrder() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        try await limiter.acquire()
        let order = OrderLog()
        var tasks: [Task<Void, any Error>] = []
        for index in 0..<3 {
            tasks.append(Task {
                try await limiter.acquire()
                order.append(index)
                await limiter.release()
            })
            #expect(try await eventually { await limiter.waiting == index + 1 })
        }
        await limiter.release()
        for task in tasks { try await task.value }
        #expect(order.values == [0, 1, 2])
        #expect(await limiter.inUse == 0)
    }
}

private final class OrderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func append(_ value: Int) { lock.withLock { items.append(value) } }
    var values: [Int] { lock.withLock { items } }
}
