import AWSClient

/// Deletes handled SQS messages in batches (`DeleteMessageBatch`, up to 10 each) gathered across receives, as the AWS
/// SDKs' buffered SQS clients do: a batch is sent once it holds 10 messages, or `delay` after its first message came.
/// When events come one at a time, one delete request then serves several of them instead of one each.
///
/// A message stays invisible until it is deleted (its keep-alive runs until then). A message not deleted (a failed
/// request, a crash within `delay`) is received and handled again, and the copy finds the replica current.
/// Deletes are not cancelled with the receivers: ``finish()`` sends what is waiting and waits for every request.
actor SQSMessageDeletions {
    /// How long a handled message may wait for others to share its delete request (200 ms unless a test says).
    let delay: Duration

    private let queueURL: String
    private let sqs: SQSClient
    private let pipeline: String
    private let log: @Sendable (String) -> Void
    /// Handled messages not sent yet: always fewer than 10.
    private var waiting: [SQSEventSource.Handled] = []
    /// The timer for `waiting`'s first message; each timer carries the generation it was started in, so one that wakes
    /// after being replaced does nothing.
    private var timer: (generation: Int, task: Task<Void, Never>)?
    private var timerGeneration = 0
    /// Set by `finish`: from then on messages are sent as they come.
    private var finished = false
    private var requests: [Int: Task<Void, Never>] = [:]
    private var nextRequest = 0

    init(queueURL: String, sqs: SQSClient, pipeline: String, delay: Duration = .milliseconds(200), log: @escaping @Sendable (String) -> Void) {
        self.queueURL = queueURL
        self.sqs = sqs
        self.pipeline = pipeline
        self.delay = delay
        self.log = log
    }

    /// Queues handled messages for deletion: full batches go at once, the rest within `delay` (at once after `finish`).
    func add(_ handled: [SQSEventSource.Handled]) {
        waiting += handled
        while waiting.count >= 10 {
            send(Array(waiting.prefix(10)))
            waiting.removeFirst(10)
        }
        if waiting.isEmpty || finished {
            sendWaiting()
        } else if timer == nil {
            timerGeneration += 1
            let generation = timerGeneration
            timer = (generation, Task { [weak self, delay] in
                try? await Task.sleep(for: delay)
                await self?.timerFired(generation)
            })
        }
    }

    /// Sends what waits now and returns once every delete request has ended (including those of messages added
    /// meanwhile, which are sent at once).
    func finish() async {
        finished = true
        sendWaiting()
        while let (_, request) = requests.first {
            await request.value
        }
    }

    private func timerFired(_ generation: Int) {
        guard timer?.generation == generation else { return }
        sendWaiting()
    }

    /// Sends `waiting` (fewer than 10) and stops its timer.
    private func sendWaiting() {
        timer?.task.cancel()
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
