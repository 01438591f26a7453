import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// The push endpoint of a running replicator (source and target on moto): only requests with the pipeline's secret
/// get in, only S3 events are journaled, and the journal and dead-letter files are bounded: a full journal answers
/// 503 (nothing acknowledged is dropped) and shows as degraded in `/status` and the gauges, until it drains.
@Suite(.serialized) struct PushEndpointTests {
    private let secret = "push-endpoint-secret-42"

    /// A running replicator with one push pipeline from `push-source` to `target`, and its address.
    private func start(_ moto: MotoServer, directory: String, target: String, retry: RetrySchedule, http: PipelineConfiguration.EventSourceConfiguration.HTTPSource)
        async throws -> (Replicator, Task<Void, any Error>, String) {
        let endpoint = { (bucket: String) in
            EndpointConfiguration(endpoint: moto.endpoint, region: "us-east-1", accessKey: "testing", secretKey: "testing", bucket: bucket)
        }
        let pipeline = PipelineConfiguration(name: "p", source: endpoint("push-source"), target: .init(endpoint: endpoint(target), keyTemplate: "{key}"),
                                             events: .init(sqs: nil, http: http), skipPrincipals: [], concurrency: 2, copy: nil,
                                             retry: retry, reconcileInterval: 0)
        let replicator = Replicator(configuration: ReplicatorConfiguration(pipelines: [pipeline], listen: "127.0.0.1:0", stateDirectory: directory),
                                    log: { print($0) })
        let address = AsyncStream.makeStream(of: String.self)
        let running = Task { try await replicator.run(started: { address.continuation.yield($0) }) }
        var iterator = address.stream.makeAsyncIterator()
        return (replicator, running, try #require(await iterator.next()))
    }

    private func post(_ moto: MotoServer, _ url: String, _ body: Data) async throws -> Int {
        try await moto.transport.sendUnsigned(method: "POST", url: url, body: Array(body)).statusCode
    }

    private func status(_ moto: MotoServer, _ address: String) async throws -> ReplicatorStatus.Pipeline {
        let response = try await moto.transport.sendUnsigned(method: "GET", url: "http://\(address)/status")
        return try #require(try JSONDecoder().decode(ReplicatorStatus.self, from: Data(response.body)).pipelines.first)
    }

    @Test func onlyAuthorisedS3EventsAreJournaledAndAFullJournalRefusesUntilItDrains() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("push-source", locationConstraint: nil)
            try await s3.putObject(bucket: "push-source", key: "k", body: Array("content".utf8), headers: [])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-push-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            // The target bucket is missing: journaled events keep failing (retried every few seconds), so they pile up.
            let (_, running, address) = try await start(moto, directory: directory, target: "push-target",
                                                        retry: RetrySchedule(initialDelay: 2, maximumDelay: 2, maximumElapsed: 600),
                                                        http: .init(secret: secret, maxJournalBytes: 65_536))
            defer { running.cancel() }
            let event = RGWNotification.body("ObjectCreated:Put", bucket: "push-source", key: "k", size: 7)
            let url = "http://\(address)/events/p/\(secret)"

            let before = String(decoding: try await moto.transport.sendUnsigned(method: "GET", url: "http://\(address)/metrics").body, as: UTF8.self)
            #expect(before.contains(#"tandem_replicator_journal_full{pipeline="p"} 0"#) && before.contains(#"tandem_replicator_dead_letter_full{pipeline="p"} 0"#),
                    "the gauges to alert on exist from the start:\n\(before)")
            #expect(try await post(moto, "http://\(address)/events/p", event) == 401, "no secret")
            #expect(try await post(moto, "http://\(address)/events/p/\(secret.dropLast())x", event) == 403, "a wrong secret")
            #expect(try await post(moto, "http://\(address)/events/q/\(secret)", event) == 404)
            #expect(try await post(moto, url, Data("not json at all".utf8)) == 400)
            #expect(try await post(moto, url, Data(#"{"Records": "no"}"#.utf8)) == 400)
            #expect(try await post(moto, url, Data(#"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {}}]}"#.utf8)) == 400)
            #expect(try await post(moto, url, Data(repeating: UInt8(ascii: "x"), count: 300 << 10)) == 413)
            #expect(try await post(moto, url, Data(#"{"Service": "Amazon S3", "Event": "s3:TestEvent"}"#.utf8)) == 200)
            let journal = directory + "/journal/p.journal"
            #expect((try FileManager.default.attributesOfItem(atPath: journal)[.size] as? NSNumber)?.intValue == 0,
                    "nothing rejected (nor the test event) reached the journal")

            // Fill the journal: 200 while there is room, then 503.
            var answers: [Int] = []
            while answers.last != 503, answers.count < 200 { answers.append(try await post(moto, url, event)) }
            let accepted = answers.filter { $0 == 200 }.count
            #expect(answers.last == 503 && accepted == 65_536 / (event.count + 4), "\(answers)")
            let size = (try FileManager.default.attributesOfItem(atPath: journal)[.size] as? NSNumber)?.intValue ?? 0
            #expect(size <= 65_536 && size == accepted * (event.count + 4))
            #expect(try await status(moto, address).degraded == "journal full")
            let metrics = String(decoding: try await moto.transport.sendUnsigned(method: "GET", url: "http://\(address)/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"tandem_replicator_journal_full{pipeline="p"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"tandem_replicator_pushes_rejected_total{pipeline="p",reason="journal-full"} 1"#))
            #expect(metrics.contains(#"tandem_replicator_pushes_rejected_total{pipeline="p",reason="wrong-secret"} 1"#))
            #expect(metrics.contains(#"tandem_replicator_pushes_rejected_total{pipeline="p",reason="not-an-s3-event"} 3"#))

            // The target appears: every acknowledged event is handled, the journal empties, pushes are taken again.
            try await s3.createBucket("push-target", locationConstraint: nil)
            var lag = -1
            for _ in 0..<100 {
                lag = try await status(moto, address).queueLag ?? -1
                if lag == 0 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(lag == 0, "the journaled events were worked off")
            #expect(try await s3.getObjectBytes(bucket: "push-target", key: "k") == Array("content".utf8))
            #expect(try await status(moto, address).degraded == nil, "an emptied journal is no longer full")
            #expect(try await post(moto, url, event) == 200)
            let after = try await status(moto, address)
            #expect(after.degraded == nil && after.counters["events_dead_lettered"] == nil, "\(after)")
        }
    }

    @Test func aFullDeadLetterFileKeepsFailedEventsInTheJournal() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await s3.createBucket("push-source", locationConstraint: nil)
            try await s3.putObject(bucket: "push-source", key: "k", body: Array("content".utf8), headers: [])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-push-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let event = RGWNotification.body("ObjectCreated:Put", bucket: "push-source", key: "k", size: 7)
            // Retries give up at once; the dead-letter file has room for exactly one body.
            let (_, running, address) = try await start(moto, directory: directory, target: "never-created",
                                                        retry: RetrySchedule(initialDelay: 0.01, maximumDelay: 0.01, maximumElapsed: 0.05),
                                                        http: .init(secret: secret, maxDeadLetterBytes: event.count + 1))
            defer { running.cancel() }
            for _ in 0..<2 { #expect(try await post(moto, "http://\(address)/events/p/\(secret)", event) == 200) }
            var pipeline = try await status(moto, address)
            for _ in 0..<100 where pipeline.degraded == nil {
                try await Task.sleep(for: .milliseconds(100))
                pipeline = try await status(moto, address)
            }
            #expect(pipeline.degraded == "dead-letter file full")
            #expect(pipeline.counters["events_dead_lettered"] == 1)
            #expect(pipeline.queueLag == 1, "the second failed event stays in the journal for the next run")
            #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/journal/p.dead")) == event + Data("\n".utf8))
        }
    }
}
