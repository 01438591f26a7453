import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// Handled messages from separate receives (events coming one at a time) share `DeleteMessageBatch` requests on a real
/// queue on moto: a batch goes when it holds 10 or after the delay, `finish` sends what waits and returns once it is
/// deleted, and each message's keep-alive ends with its delete.
@Suite(.serialized) struct SQSMessageDeletionsTests {
    /// Receives `count` messages one receive each, as a replicator sees lone events.
    private func receiveOneAtATime(_ count: Int, sqs: SQSClient, queueURL: String) async throws -> [SQSEventSource.Handled] {
        var handled: [SQSEventSource.Handled] = []
        while handled.count < count {
            for message in try await sqs.receiveMessages(queueURL: queueURL, maximum: 1, waitSeconds: 1, visibilityTimeout: 120) {
                handled.append(SQSEventSource.Handled(message: message, keepAlive: Task { try await Task.sleep(for: .seconds(3600)) }))
            }
        }
        return handled
    }

    private func messagesLeft(_ sqs: SQSClient, _ queueURL: String) async throws -> Int {
        let attributes = try await sqs.getQueueAttributes(queueURL: queueURL)
        return (Int(attributes["ApproximateNumberOfMessages"] ?? "") ?? -1) + (Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? -1)
    }

    @Test func messagesOfSeparateReceivesShareDeleteRequests() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let recorder = RequestRecorder()
            try await recorder.withTransport { transport in
                let sqs = SQSClient(configuration: moto.configuration(region: "us-east-1"), transport: transport)
                let queueURL = try await sqs.createQueue(name: "deletions", attributes: [:], tags: [:])
                for index in 0..<14 { _ = try await sqs.sendMessage(queueURL: queueURL, body: "message \(index)") }
                let handled = try await receiveOneAtATime(14, sqs: sqs, queueURL: queueURL)
                #expect(Set(handled.map(\.message.id)).count == 14)
                // A delay of 2 s rather than 200 ms, so a loaded machine cannot stretch the adds below past it.
                let delay = Duration.seconds(2)
                let deletions = SQSMessageDeletions(queueURL: queueURL, sqs: sqs, pipeline: "p", delay: delay, log: { print($0) })
                _ = recorder.take()

                // Three lone messages: one request once the delay has passed.
                let clock = ContinuousClock(), start = clock.now
                for message in handled[0..<3] { await deletions.add([message]) }
                while !handled[0..<3].allSatisfy(\.keepAlive.isCancelled), clock.now - start < .seconds(20) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(clock.now - start >= delay, "the first message waited for others")
                let keepAlivesEnded = handled[0..<3].allSatisfy(\.keepAlive.isCancelled)
                #expect(keepAlivesEnded, "each keep-alive ends with its delete")
                #expect(recorder.take().map(\.operation) == ["DeleteMessageBatch"])

                // Ten more: one full batch, one request, sent without waiting for the delay.
                let second = clock.now
                for message in handled[3..<13] { await deletions.add([message]) }
                while !handled[3..<13].allSatisfy(\.keepAlive.isCancelled), clock.now - second < .seconds(20) {
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(clock.now - second < delay, "the tenth message sent the batch at once")
                #expect(recorder.take().map(\.operation) == ["DeleteMessageBatch"])
                #expect(try await messagesLeft(sqs, queueURL) == 1)

                // At shutdown, what waits is deleted before `finish` returns.
                await deletions.add([handled[13]])
                await deletions.finish()
                #expect(handled[13].keepAlive.isCancelled)
                #expect(try await messagesLeft(sqs, queueURL) == 0)
                #expect(recorder.take().filter { $0.operation == "DeleteMessageBatch" }.count == 1)
            }
        }
    }
}
