import AWSClient
import Foundation
import Testing
import TandemTesting

/// radosgw as `scripts/ceph-cluster` starts it (beast, Nagle on) writes a GET's headers and body separately and holds
/// the body until the headers are acknowledged; with the kernel's delayed acknowledgement every small GET took 44 ms
/// (HEAD and PUT 3-4 ms). The transport acknowledges at once (`ImmediateAcknowledgement`), so a GET costs what a PUT
/// does. The check is on the fastest of 40 GETs: Linux's delayed acknowledgement waits at least 40 ms
/// (`TCP_DELACK_MIN`), so with the stall no GET is faster than that however quiet the machine, while without it the
/// fastest is a few milliseconds even with the whole suite loading radosgw (a median is not: 180 ms in one such run).
@Suite struct DelayedAcknowledgementTests {
    @Test func smallGetsFromRadosGWAreNotHeldByDelayedAcknowledgements() async throws {
        let cluster = try await CephCluster.shared()
        // A transport of its own with one connection: every GET after the first reuses a kept-alive connection, where
        // Linux delays acknowledgements (a new connection starts in quick-ack mode).
        let transport = AWSTransport(requestTimeout: .seconds(30), connectionsPerHost: 1)
        let s3 = S3Client(configuration: cluster.configuration(), transport: transport)
        let bucket = "quickack-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket, locationConstraint: nil)
        let body = (0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try await s3.putObject(bucket: bucket, key: "small", body: body, headers: [])
        let clock = ContinuousClock()
        var durations: [Duration] = []
        for _ in 0..<40 {
            let started = clock.now
            let read = try await s3.getObject(bucket: bucket, key: "small")
            durations.append(clock.now - started)
            #expect(read.readableBytes == body.count)
        }
        try await transport.shutdown()
        durations.sort()
        #expect(durations[0] < .milliseconds(30), "GET times, sorted: \(durations)")
    }
}
