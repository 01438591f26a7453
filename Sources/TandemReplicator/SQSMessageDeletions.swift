import AWSClient

/// Deletes handled SQS messages in batches (`DeleteMessageBatch`, up to 10 each) gathered across receives, as the AWS
/// SDKs' buffered SQS clients do: a batch is sent once it holds 10 messages, or `delay` after its first message came.
/// When events come one at a time, one delete request then serves several of them instead of one each.
///
/// A message stays invisible until it is deleted (its keep-alive runs until then). A message not deleted (a failed
/// request, a crash within `delay`) is received and handled again, and the copy finds the replica current.
/// Deletes are not cancelled with the receivers: ``finish()`` sends what is waiting and waits for every request.
actor SQSMessageDeletions {
    /// How long a handled message may wait for others to share its delete request.
    static let delay = Duration.milliseconds(200)

    private let queueURL: String
    private let sqs: SQSClient
    private let pipeline: String
    private let log: @Sendable (String) -> Void
    private var waiting: [SQSEventSource.Handled] = []
    private var timer: Task<Void, Never>?
    private var requests: [Int: Task<Void, Never>] = [:]
    private var nextRequest = 0

    init(queueURL: String, sqs: SQSClient, pipeline: String, log: @escaping @Sendable (String) -> Void) {
        self.queueURL = queueURL
        self.sqs = sqs
        self.pipeline = pipeline
        self.log = log
    }

    /// Queues handled messages for deletion: full batches go at once, the rest within `delay`.
    func add(_ handled: [SQSEventSource.Handled]) {
        waiting += handled
        while waiting.count >= 10 {
            send(Array(waiting.prefix(10)))
            waiting.removeFirst(10)
        }
        if waiting.isEmpty {
            timer?.cancel()
            timer = nil
        } else if timer == nil {
            timer = Task { [weak self] in
                try? await Task.sleep(for: Self.delay)
                await self?.sendWaiting(cancelled: Task.isCancelled)
            }
        }
    }

    /// Sends what waits now and returns once every delete request has ended.
    func finish() async {
        timer?.cancel()
        timer = nil
        if !waiting.isEmpty { send(waiting) }
        waiting = []
        while let (_, request) = requests.first {
            await request.value
        }
    }

    private func sendWaiting(cancelled: Bool) {
        guard !cancelled else { return }
        timer = nil
        if !waiting.isEmpty { send(waiting) }
        waiting = []
    }

    /// Starts one `DeleteMessageBatch` request (at most 10 messages) in a task that is not cancelled with its caller
    /// (it runs on this actor, away from it while the request is out).
    private func send(_ batch: [SQSEventSource.Handled]) {
        let id = nextRequest
        nextRequest += 1
        requests[id] = Task {
            defer { for message in batch { message.keepAlive.cancel() } }
            do {
                let failures = try await sqs.deleteMessages(queueURL: queueURL, receiptHandles: batch.map(\.message.receiptHandle))
                for (position, reason) in failures.sorted(by: { $0.key < $1.key }) where batch.indices.contains(position) {
                    log("pipeline \(pipeline): deleting message \(batch[position].message.id) failed (it will be handled again): \(reason)")
                }
            } catch {
                log("pipeline \(pipeline): deleting messages \(batch.map(\.message.id).joined(separator: ", ")) failed (they will be handled again): \(error)")
            }
            requests[id] = nil
        }
    }
}
