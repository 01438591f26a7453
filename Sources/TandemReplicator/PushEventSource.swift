import Foundation

/// Events pushed over HTTP (RGW bucket notifications): `accept` checks that a body is an S3 event and answers only
/// once it is in the journal on disk, then `run` works it off; a body is completed in the journal after every event
/// in it was handled, or once its retries are given up, when it goes to the dead-letter file `<pipeline>.dead`
/// instead of being lost.
///
/// Both files are bounded (`max_journal_bytes`, `max_dead_letter_bytes`): a full journal refuses pushes (the pusher
/// retries: RGW persistent topics do, and reconciles catch up what a non-persistent topic drops); a full dead-letter
/// file leaves the failed body in the journal for the next run. Either shows in `/status` as `degraded` and in the
/// `journal_bytes`, `dead_letter_bytes`, `journal_full` and `dead_letter_full` gauges.
public final class PushEventSource: Sendable {
    /// What became of a pushed body.
    public enum Acceptance: Sendable, Equatable {
        /// Stored in the journal: it will be handled even if the process dies now.
        case journaled
        /// An S3 message without object events (a test event, event names not replicated): nothing to store.
        case nothingToDo
        /// Not an S3 event (not JSON, no Records, a record without bucket or key); not stored.
        case malformed(String)
        /// The journal is full; not stored (the sender must retry later).
        case journalFull(String)
    }

    let journal: EventJournal
    let pipeline: Pipeline
    let metrics: ReplicatorMetrics
    let log: @Sendable (String) -> Void
    let concurrency: Int
    let handler: DeliveryHandler
    let deadLetterPath: String
    let maximumDeadLetterBytes: Int
    private let secret: [UInt8]
    /// Journaled bodies to work off: offset, body, and its events when it was decoded on acceptance.
    private let stream: AsyncStream<(UInt64, Data, EventDecoder.Decoded?)>
    private let continuation: AsyncStream<(UInt64, Data, EventDecoder.Decoded?)>.Continuation

    /// Opens (or creates) the pipeline's journal under `directory`; bodies left pending by an earlier run are worked
    /// off first. The secret and file bounds come from the pipeline's `events.http`.
    public init(directory: String, pipeline: Pipeline, concurrency: Int, metrics: ReplicatorMetrics, log: @escaping @Sendable (String) -> Void) throws {
        let http = pipeline.configuration.events.http
        journal = try EventJournal(directory: directory, name: pipeline.name,
                                   maximumBytes: http?.maxJournalBytes ?? PipelineConfiguration.defaultPushFileBytes)
        deadLetterPath = directory + "/\(pipeline.name).dead"
        maximumDeadLetterBytes = http?.maxDeadLetterBytes ?? PipelineConfiguration.defaultPushFileBytes
        secret = Array((http?.secret ?? "").utf8)
        self.pipeline = pipeline
        self.metrics = metrics
        self.log = log
        self.concurrency = max(concurrency, 1)
        handler = DeliveryHandler(pipeline: pipeline, metrics: metrics, log: log)
        (stream, continuation) = AsyncStream.makeStream(of: (UInt64, Data, EventDecoder.Decoded?).self)
        // Every gauge exists from the start, so an alert on it has a series to watch.
        metrics.set("dead_letter_bytes", pipeline: pipeline.name, deadLetterSize)
        metrics.set("journal_full", pipeline: pipeline.name, 0)
        metrics.set("dead_letter_full", pipeline: pipeline.name, 0)
    }

    /// True when `candidate` is the pipeline's secret; compares in time independent of where they differ.
    public func authorizes(_ candidate: Substring) -> Bool {
        let given = Array(candidate.utf8)
        guard !secret.isEmpty, given.count == secret.count else { return false }
        return zip(given, secret).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Checks that `body` is an S3 event and stores it durably; `.journaled` means it will be handled even if the
    /// process dies now. Throws when the journal could not be written.
    public func accept(_ body: Data) async throws -> Acceptance {
        let decoded: EventDecoder.Decoded
        do {
            decoded = try EventDecoder.decode(body)
        } catch {
            metrics.add("pushes_rejected", pipeline: pipeline.name, reason: "not-an-s3-event")
            return .malformed("\(error)")
        }
        guard !decoded.events.isEmpty else {
            for reason in decoded.skipped { metrics.add("events_skipped", pipeline: pipeline.name, reason: reason) }
            return .nothingToDo
        }
        let offset: UInt64
        do {
            offset = try await journal.append(body)
        } catch let full as EventJournal.Full {
            metrics.add("pushes_rejected", pipeline: pipeline.name, reason: "journal-full")
            metrics.set("journal_full", pipeline: pipeline.name, 1)
            return .journalFull(full.description)
        }
        metrics.set("journal_full", pipeline: pipeline.name, 0)
        continuation.yield((offset, body, decoded))
        await reportLag()
        return .journaled
    }

    /// Works off pending and newly accepted bodies until the task is cancelled.
    public func run() async {
        let backlog = await journal.takePendingAtOpen()
        await reportLag()
        if !backlog.isEmpty { log("pipeline \(pipeline.name): \(backlog.count) journaled event(s) from an earlier run") }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            func schedule(_ offset: UInt64, _ body: Data, _ decoded: EventDecoder.Decoded?) async {
                if running >= concurrency {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask {
                    await self.process(offset, body, decoded)
                    await self.reportLag()
                }
            }
            for (offset, body) in backlog { await schedule(offset, body, nil) }
            for await (offset, body, decoded) in stream {
                await schedule(offset, body, decoded)
            }
        }
    }

    /// Stops taking new work; `run` returns once what it started is finished.
    public func finish() {
        continuation.finish()
    }

    /// Journaled events not finished yet, as the `queue_lag` gauge, and the journal's size; an emptied journal is no
    /// longer full.
    private func reportLag() async {
        let (pending, bytes) = await journal.lag
        if bytes == 0 { metrics.set("journal_full", pipeline: pipeline.name, 0) }
        metrics.set("journal_bytes", pipeline: pipeline.name, bytes)
        metrics.set("queue_lag", pipeline: pipeline.name, pending)
    }

    private func process(_ offset: UInt64, _ body: Data, _ decoded: EventDecoder.Decoded?) async {
        let delivery = "journal offset \(offset)"
        let outcome = if let decoded { await handler.handle(decoded, delivery: delivery) } else { await handler.handle(body, delivery: delivery) }
        switch outcome {
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

    private var deadLetterSize: Int {
        ((try? FileManager.default.attributesOfItem(atPath: deadLetterPath)[.size]) as? NSNumber)?.intValue ?? 0
    }

    private func deadLetter(_ offset: UInt64, _ body: Data, reason: String) async {
        let size = deadLetterSize
        guard size + body.count + 1 <= maximumDeadLetterBytes else {
            metrics.set("dead_letter_full", pipeline: pipeline.name, 1)
            log("pipeline \(pipeline.name): the dead-letter file \(deadLetterPath) holds its maximum of \(maximumDeadLetterBytes) bytes; "
                + "journal offset \(offset) stays in the journal for the next run: \(reason)")
            return
        }
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
            metrics.set("dead_letter_bytes", pipeline: pipeline.name, size + body.count + 1)
            try await journal.complete(offset)
        } catch {
            log("pipeline \(pipeline.name): could not write the dead-letter file (the event stays in the journal): \(error)")
        }
    }
}
