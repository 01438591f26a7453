import Foundation

/// Events pushed over HTTP (RGW bucket notifications): `accept` answers only once the body is in the journal on disk,
/// then `run` works it off; a body is completed in the journal after every event in it was handled, or after
/// `maximumAttempts` failures, when it goes to the dead-letter file `<pipeline>.dead` instead of being lost.
public final class PushEventSource: Sendable {
    let journal: EventJournal
    let pipeline: Pipeline
    let metrics: ReplicatorMetrics
    let log: @Sendable (String) -> Void
    let concurrency: Int
    let handler: DeliveryHandler
    let deadLetterPath: String
    private let stream: AsyncStream<(UInt64, Data)>
    private let continuation: AsyncStream<(UInt64, Data)>.Continuation

    /// Opens (or creates) the pipeline's journal under `directory`; bodies left pending by an earlier run are worked
    /// off first.
    public init(directory: String, pipeline: Pipeline, concurrency: Int, metrics: ReplicatorMetrics, maximumAttempts: Int = 5,
                log: @escaping @Sendable (String) -> Void) throws {
        journal = try EventJournal(directory: directory, name: pipeline.name)
        deadLetterPath = directory + "/\(pipeline.name).dead"
        self.pipeline = pipeline
        self.metrics = metrics
        self.log = log
        self.concurrency = max(concurrency, 1)
        handler = DeliveryHandler(pipeline: pipeline, metrics: metrics, maximumAttempts: maximumAttempts, log: log)
        (stream, continuation) = AsyncStream.makeStream(of: (UInt64, Data).self)
    }

    /// Stores a pushed body durably; when this returns, the body will be handled even if the process dies now.
    public func accept(_ body: Data) async throws {
        let offset = try await journal.append(body)
        continuation.yield((offset, body))
        await reportLag()
    }

    /// Works off pending and newly accepted bodies until the task is cancelled.
    public func run() async {
        let backlog = await journal.takePendingAtOpen()
        await reportLag()
        if !backlog.isEmpty { log("pipeline \(pipeline.name): \(backlog.count) journaled event(s) from an earlier run") }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            func schedule(_ offset: UInt64, _ body: Data) async {
                if running >= concurrency {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask {
                    await self.process(offset, body)
                    await self.reportLag()
                }
            }
            for (offset, body) in backlog { await schedule(offset, body) }
            for await (offset, body) in stream {
                await schedule(offset, body)
            }
        }
    }

    /// Stops taking new work; `run` returns once what it started is finished.
    public func finish() {
        continuation.finish()
    }

    /// Journaled events not finished yet, as the `queue_lag` gauge.
    private func reportLag() async {
        metrics.set("queue_lag", pipeline: pipeline.name, await journal.pendingCount)
    }

    private func process(_ offset: UInt64, _ body: Data) async {
        switch await handler.handle(body, delivery: "journal offset \(offset)") {
        case .handled:
            do {
                try await journal.complete(offset)
            } catch {
                log("pipeline \(pipeline.name): could not record progress in the journal (the event will be handled again): \(error)")
            }
        case .failed(let reason):
            await deadLetter(offset, body, reason: reason)
        case .interrupted:
            log("pipeline \(pipeline.name): journal offset \(offset) stays in the journal for the next run")
        }
    }

    private func deadLetter(_ offset: UInt64, _ body: Data, reason: String) async {
        log("pipeline \(pipeline.name): event moved to \(deadLetterPath): \(reason)")
        metrics.add("events_dead_lettered", pipeline: pipeline.name)
        do {
            if !FileManager.default.fileExists(atPath: deadLetterPath) {
                _ = FileManager.default.createFile(atPath: deadLetterPath, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: deadLetterPath))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: body + Data("\n".utf8))
            try handle.synchronize()
            try await journal.complete(offset)
        } catch {
            log("pipeline \(pipeline.name): could not write the dead-letter file (the event stays in the journal): \(error)")
        }
    }
}
