import AWSClient
import Foundation
import Testing
import TandemTesting

/// `examples/replicator-rgw-push` applied by the built binary to a real radosgw: the replicator generates its push
/// secret, the topic takes the push endpoint by reference (masked in plans, in no output), radosgw's pushes replicate
/// objects, a push without the secret is refused, and a new `listen` re-points the topic and its notification in one
/// apply.
@Suite(.serialized) struct ReplicatorPushEndToEndTests {
    @Test func theTopicTakesTheGeneratedPushEndpointByReference() async throws {
        let cluster = try await CephCluster.shared()
        var tandem = try TandemBinary.workspace(cluster, example: "replicator-rgw-push")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        tandem.environment["TANDEM_VAR_rgw_endpoint"] = cluster.endpoint
        tandem.environment["TANDEM_VAR_access_key"] = cluster.adminCredentials?.accessKeyID
        tandem.environment["TANDEM_VAR_secret_key"] = cluster.adminCredentials?.secretAccessKey
        tandem.environment["TANDEM_VAR_persistent_events"] = "false"  // delivered inside the S3 request: no 30 s wait
        var listen = "127.0.0.1:\(CephCluster.freePort())"
        tandem.environment["TANDEM_VAR_listen"] = listen

        let apply = try await tandem.runChangingTopics(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        let runtime = tandem.directory + "/state/default.replicators/source-to-replica"
        // Destroyed at the end, after a thrown error too: no replicator outlives the test.
        try await withCleanup({
            let secret = try #require(try tandem.stateAttribute("tandem_replicator.source_to_replica", "push_secret"))
            #expect(secret.count == 32 && secret.allSatisfy(\.isHexDigit))
            #expect(!apply.stdout.contains(secret) && !apply.stderr.contains(secret))
            #expect(try String(contentsOfFile: runtime + "/replicator.json", encoding: .utf8).contains(secret))
            #expect(try tandem.stateAttribute("ceph_bucket_topic.events", "push_endpoint") == "http://\(listen)/events/source-to-replica/\(secret)")

            let s3 = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
            try await s3.putObject(bucket: "rgw-push-source", key: "pushed ü+.txt", body: Array("pushed".utf8), contentType: "text/plain")
            #expect(try await arrives(s3, "pushed ü+.txt"), "radosgw pushed the event to the secret path")
            let refused = try await cluster.transport.sendUnsigned(method: "POST", url: "http://\(listen)/events/source-to-replica/\(String(repeating: "0", count: 32))",
                                                                  body: Array(#"{"Records": []}"#.utf8))
            #expect(refused.statusCode == 403)
            #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0, "no perpetual diff from the secret or the defaults")

            // A new listen address: the replicator restarts there with the same secret, the topic and its notification follow.
            listen = "127.0.0.1:\(CephCluster.freePort())"
            tandem.environment["TANDEM_VAR_listen"] = listen
            let plan = try await tandem.run(["plan"])
            #expect(plan.stdout.contains("ceph_bucket_topic.events will be updated in place") && plan.stdout.contains("ceph_bucket_notification.source will be updated in place"),
                    "\(plan.stdout)")
            #expect(!plan.stdout.contains(secret), "\(plan.stdout)")
            let moved = try await tandem.runChangingTopics(["apply", "--auto-approve"])
            #expect(moved.exitCode == 0 && moved.stdout.contains("3 updated"), "\(moved.stdout)\n\(moved.stderr)")
            #expect(try tandem.stateAttribute("tandem_replicator.source_to_replica", "push_secret") == secret, "the secret is kept across updates")
            try await s3.putObject(bucket: "rgw-push-source", key: "after-move.txt", body: Array("moved".utf8), contentType: "text/plain")
            #expect(try await arrives(s3, "after-move.txt"), "the notification pushes to the new address")
            #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0)
        }, cleanup: {
            let destroy = try? await tandem.runChangingTopics(["destroy", "--auto-approve"])
            #expect(destroy?.exitCode == 0, "\(destroy?.stdout ?? "")\(destroy?.stderr ?? "")")
        })
    }

    /// Waits up to 15 s for `key` in the replica bucket.
    private func arrives(_ s3: S3Client, _ key: String) async throws -> Bool {
        for _ in 0..<75 {
            if try await s3.headObject(bucket: "rgw-push-replica", key: key) != nil { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
