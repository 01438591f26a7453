import Foundation
import KafkaClient

/// Polls a consumer on a thread of its own (librdkafka's poll blocks, Swift's cooperative threads must not) and
/// hands records over as an async sequence. At most `slots` records are out at once: the thread waits for a
/// `release` before it polls again, so memory stays bounded however far behind the pipeline is.
final class KafkaPoller: @unchecked Sendable {
    /// A record and the `stamp` taken right after the poll that returned it (rebalance callbacks run inside polls).
    struct Polled: Sendable {
        let message: KafkaMessage
        let stamp: Int
    }

    /// The records, in the order polled; ends after `stop`.
    let messages: AsyncStream<Polled>
    private let continuation: AsyncStream<Polled>.Continuation
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var stopped = false
    private let exited = DispatchSemaphore(value: 0)

    /// Starts polling `consumer`; `log` receives consumer errors (the thread keeps polling after them).
    init(consumer: KafkaConsumer, slots: Int, stamp: @escaping @Sendable () -> Int = { 0 }, log: @escaping @Sendable (String) -> Void) {
        (messages, continuation) = AsyncStream.makeStream(of: Polled.self)
        // Created empty and filled: libdispatch traps when a semaphore is freed below its initial value, which records
        // still buffered in the stream at shutdown (never released) would cause.
        self.slots = DispatchSemaphore(value: 0)
        for _ in 0..<max(slots, 1) { self.slots.signal() }
        let thread = Thread { [self] in
            while !isStopped {
                guard self.slots.wait(timeout: .now() + .milliseconds(200)) == .success else { continue }
                do {
                    // A record the ended stream does not take is not started, so it is read again after a restart.
                    if let message = try consumer.poll(timeout: .milliseconds(200)), !isStopped,
                       case .enqueued = continuation.yield(Polled(message: message, stamp: stamp())) {
                        continue
                    }
                } catch {
                    log("\(error)")
                }
                self.slots.signal()
            }
            continuation.finish()
            exited.signal()
        }
        thread.name = "kafka-poll"
        thread.start()
    }

    /// Returns a slot once a record's work is over.
    func release() {
        slots.signal()
    }

    /// Stops polling; `messages` ends within a poll timeout.
    func stop() {
        lock.withLock { stopped = true }
    }

    /// Returns once the thread has stopped polling (within a poll timeout after `stop`).
    func waitUntilStopped() async {
        stop()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread { [exited] in
                exited.wait()
                continuation.resume()
            }.start()
        }
    }

    private var isStopped: Bool { lock.withLock { stopped } }
}
