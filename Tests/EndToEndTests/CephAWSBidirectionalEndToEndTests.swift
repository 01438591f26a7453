import AWSClient
import Foundation
import Testing
import TandemTesting

/// Seed 000's On-Prem <-> AWS scenario (`examples/ceph-aws-bidirectional`, through `modules/ceph-aws-bidirectional`)
/// applied by the built binary to a real radosgw and moto, then the seed's own tests: Test Ceph -> AWS, Test AWS ->
/// Ceph, Test Loop Prevention, Test Delete Replication and Test Failure Recovery, each within the seed's 60 seconds.
///
/// The seed uploads its Ceph test objects with the replicator's own RGW keys, which its own loop prevention then
/// skips; here the bucket's owner (the ceph provider's credentials) writes them, as an application would.
@Suite(.serialized) struct CephAWSBidirectionalEndToEndTests {
    private let cephBucket = "s3-replication-test"
    private let awsBucket = "rciis-ceph-replica-af-south-1"
    /// The seed waits 60 s after each write before looking.
    private let seedDeadline: Duration = .seconds(60)

    @Test func seedScenarioReplicatesBothWaysAndPassesTheSeedTests() async throws {
        let cluster = try await CephCluster.shared()
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let workspace = try Workspace(cluster: cluster, moto: moto)
            defer { workspace.remove() }
            let tandem = workspace.tandem

            let plan = try await tandem.run(["plan"] + workspace.options)
            #expect(plan.exitCode == 0, "\(plan.stdout)\n\(plan.stderr)")
            #expect(plan.stdout.contains("Plan: 14 to create, 0 to update, 0 to replace, 0 to delete."), "\(plan.stdout)")
            let planJSON = try await tandem.run(["plan", "--json"] + workspace.options)
            let changes = (try JSONSerialization.jsonObject(with: Data(planJSON.stdout.utf8)) as? [String: Any])?["resource_changes"] as? [[String: Any]] ?? []
            func dependencies(_ address: String) -> [String] {
                changes.first { $0["address"] as? String == "module.replication.\(address)" }?["dependencies"] as? [String] ?? []
            }
            #expect(dependencies("aws_s3_bucket_notification.replica").contains("module.replication.aws_sqs_queue_policy.events"),
                    "S3 validates the queue destination: the notification waits for the queue policy")
            #expect(dependencies("ceph_bucket_topic.events").contains("module.replication.tandem_replicator.ceph_to_aws"),
                    "RGW pushes to the replicator the topic names: it runs before the topic exists")
            let apply = try await tandem.runChangingTopics(["apply", "--auto-approve"] + workspace.options)
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(apply.stdout.contains("Resources: 14 created"), "\(apply.stdout)")
            let iamSecret = try #require(try tandem.stateAttribute("module.replication.aws_iam_access_key.replicator", "secret"))
            let cephSecret = try #require(try tandem.stateAttribute("module.replication.ceph_user.replicator", "secret_key"))
            for secret in [iamSecret, cephSecret] {
                #expect(!apply.stdout.contains(secret) && !apply.stderr.contains(secret) && !plan.stdout.contains(secret), "no secret in any output")
            }
            defer { workspace.stopReplicators() }

            let rgw = S3Client(configuration: cluster.configuration(), transport: cluster.transport)  // the RGW bucket's owner
            let aws = S3Client(configuration: moto.configuration(), transport: moto.transport)

            // Test Ceph -> AWS: the object appears under the Ceph bucket's prefix in the AWS bucket.
            try await rgw.putObject(bucket: cephBucket, key: "test-ceph-to-aws.txt", body: Array("ceph-to-aws-test".utf8), contentType: "text/plain")
            // Test Loop Prevention (written now so both wait together).
            try await rgw.putObject(bucket: cephBucket, key: "loop-test.txt", body: Array("loop".utf8), contentType: nil)
            #expect(try await eventually { try await aws.headObject(bucket: awsBucket, key: "\(cephBucket)/test-ceph-to-aws.txt") } != nil,
                    "Test Ceph -> AWS: not in AWS within 60 s")
            #expect(try await aws.getObjectBytes(bucket: awsBucket, key: "\(cephBucket)/test-ceph-to-aws.txt") == Array("ceph-to-aws-test".utf8))

            // Test AWS -> Ceph: the prefix is taken off; the RGW bucket's owner reads the replica the replicator's user wrote.
            try await aws.putObject(bucket: awsBucket, key: "\(cephBucket)/test-aws-to-ceph.txt", body: Array("aws-to-ceph-test".utf8), contentType: "text/plain")
            #expect(try await eventually { try await rgw.headObject(bucket: cephBucket, key: "test-aws-to-ceph.txt") } != nil,
                    "Test AWS -> Ceph: not in Ceph within 60 s")
            #expect(try await rgw.getObjectBytes(bucket: cephBucket, key: "test-aws-to-ceph.txt") == Array("aws-to-ceph-test".utf8),
                    "the bucket owner reads a replica written by another RGW user (bucket-owner-full-control)")
            // Keys outside the prefix stay in AWS (the S3 notification filters them; the pipeline would skip them too).
            try await aws.putObject(bucket: awsBucket, key: "elsewhere/not-replicated.txt", body: [1], contentType: nil)

            // Test Loop Prevention: each write was copied once and not sent back. The Ceph side names the writer
            // (the replicator's uid is skipped); moto's events name nobody, so there the target's copy is recognised.
            #expect(try await eventually { try await aws.headObject(bucket: awsBucket, key: "\(cephBucket)/loop-test.txt") } != nil)
            let cephToAWS = try await eventuallyStatus(moto.transport, workspace.cephToAWSListen, pipeline: "ceph-to-aws") { ($0.skipped["own-principal"] ?? 0) >= 1 }
            #expect((cephToAWS?.skipped["own-principal"] ?? 0) >= 1, "the AWS -> Ceph replica's RGW event was skipped: \(String(describing: cephToAWS))")
            let awsToCeph = try await eventuallyStatus(moto.transport, workspace.awsToCephListen, pipeline: "aws-to-ceph") { ($0.skipped["already-current"] ?? 0) >= 2 }
            #expect((awsToCeph?.skipped["already-current"] ?? 0) >= 2, "the Ceph -> AWS replicas' events wrote nothing back: \(String(describing: awsToCeph))")
            #expect(try await versions(rgw, cephBucket, "loop-test.txt") == 1, "one version on Ceph: nothing came back")
            #expect(try await versions(aws, awsBucket, "\(cephBucket)/loop-test.txt") == 1, "one version on AWS: copied once")
            #expect(try await versions(rgw, cephBucket, "test-aws-to-ceph.txt") == 1)
            #expect(try await rgw.headObject(bucket: cephBucket, key: "elsewhere/not-replicated.txt") == nil)
            #expect(try await rgw.headObject(bucket: cephBucket, key: "not-replicated.txt") == nil)

            // Test Delete Replication.
            try await rgw.deleteObject(bucket: cephBucket, key: "test-ceph-to-aws.txt")
            #expect(try await eventually { try await aws.headObject(bucket: awsBucket, key: "\(cephBucket)/test-ceph-to-aws.txt") == nil ? true : nil } == true,
                    "Test Delete Replication: still in AWS after 60 s")

            // Test Failure Recovery: the Ceph -> AWS replicator is killed, an object is written while it is down, and the
            // replicator comes back (drift reports it stopped; apply starts it, as the seed's operator recreates the pod).
            let pid = try #require(workspace.replicatorPID("ceph-to-aws"))
            kill(pid, SIGKILL)
            try await rgw.putObject(bucket: cephBucket, key: "recovery-test.txt", body: Array("recovery".utf8), contentType: nil)
            let drift = try await tandem.run(["drift"] + workspace.options)
            #expect(drift.exitCode == 2 && drift.stdout.contains(#"state = "running" -> "stopped""#), "\(drift.stdout)\n\(drift.stderr)")
            let restart = try await tandem.runChangingTopics(["apply", "--auto-approve"] + workspace.options)
            #expect(restart.exitCode == 0 && restart.stdout.contains("1 updated"), "\(restart.stdout)\n\(restart.stderr)")
            #expect(try await eventually { try await aws.headObject(bucket: awsBucket, key: "\(cephBucket)/recovery-test.txt") } != nil,
                    "Test Failure Recovery: the object written while the replicator was down is not in AWS within 60 s")

            let again = try await tandem.run(["plan", "--detailed-exitcode"] + workspace.options)
            #expect(again.exitCode == 0, "a second plan shows no changes:\n\(again.stdout)\n\(again.stderr)")

            let destroy = try await tandem.runChangingTopics(["destroy", "--auto-approve"] + workspace.options)
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            #expect(destroy.stdout.contains("Destroy complete! Resources: 14 destroyed."), "\(destroy.stdout)")
            #expect(try await rgw.bucketExists(cephBucket) == false)
            #expect(try await aws.bucketExists(awsBucket) == false)
            #expect(workspace.replicatorPID("ceph-to-aws").map(isAlive) != true && workspace.replicatorPID("aws-to-ceph").map(isAlive) != true)
        }
    }

    /// The value `probe` returns, asking every 250 ms until the seed's deadline; nil when it never returned one.
    private func eventually<T>(_ probe: () async throws -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + seedDeadline
        while ContinuousClock.now < deadline {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }

    /// A pipeline's `/status` once `done` holds for it (or the last one seen at the deadline).
    private func eventuallyStatus(_ transport: AWSTransport, _ listen: String, pipeline: String,
                                  until done: (PipelineStatus) -> Bool) async throws -> PipelineStatus? {
        var last: PipelineStatus?
        _ = try await eventually { () -> Bool? in
            last = try await PipelineStatus.read(transport, listen: listen, pipeline: pipeline)
            return last.map(done) == true ? true : nil
        }
        return last
    }

    /// How many versions (and delete markers) `key` has.
    private func versions(_ s3: S3Client, _ bucket: String, _ key: String) async throws -> Int {
        try await s3.listObjectVersions(bucket, keyMarker: nil, versionIDMarker: nil).objects.filter { $0.key == key }.count
    }

    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}

/// A pipeline's counters from a replicator's `/status`.
private struct PipelineStatus: CustomStringConvertible {
    var counters: [String: Int]
    var skipped: [String: Int]

    static func read(_ transport: AWSTransport, listen: String, pipeline: String) async throws -> PipelineStatus? {
        guard let response = try? await transport.sendUnsigned(method: "GET", url: "http://\(listen)/status"), response.statusCode == 200,
              let status = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let entry = (status["pipelines"] as? [[String: Any]])?.first(where: { $0["name"] as? String == pipeline }) else { return nil }
        return PipelineStatus(counters: entry["counters"] as? [String: Int] ?? [:], skipped: entry["skipped"] as? [String: Int] ?? [:])
    }

    var description: String { "counters \(counters), skipped \(skipped)" }
}

/// The example applied from the repository (its module is found relative to it) with the state in a temporary directory,
/// the ceph provider on the test cluster's gateway and the aws provider on moto.
private struct Workspace {
    let directory: String
    let tandem: TandemBinary
    let cephToAWSListen = "127.0.0.1:\(CephCluster.freePort())"
    let awsToCephListen = "127.0.0.1:\(CephCluster.freePort())"
    let options: [String]

    init(cluster: CephCluster, moto: MotoServer) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bidirectional-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment.filter { entry in !["AWS_", "TANDEM_", "RGW_", "CEPH_"].contains { entry.key.hasPrefix($0) } }
        environment["AWS_ACCESS_KEY_ID"] = "testing"
        environment["AWS_SECRET_ACCESS_KEY"] = "testing"
        environment["CEPH_CONF"] = cluster.configPath
        environment["RGW_ACCESS_KEY_ID"] = cluster.adminCredentials?.accessKeyID
        environment["RGW_SECRET_ACCESS_KEY"] = cluster.adminCredentials?.secretAccessKey
        environment["NO_COLOR"] = "1"
        tandem = TandemBinary(directory: directory, environment: environment)
        options = [
            "--dir", TandemBinary.repositoryRoot + "/examples/ceph-aws-bidirectional", "--state", directory + "/state/default.json",
            "--var", "rgw_endpoint=\(cluster.endpoint ?? "")", "--var", "aws_endpoint=\(moto.endpoint)",
            "--var", "ceph_to_aws_listen=\(cephToAWSListen)", "--var", "aws_to_ceph_listen=\(awsToCephListen)",
            // The seed's uid, renamed: the ceph-notifications test on the same cluster has an s3-replicator of its own.
            "--var", "force_destroy=true", "--var", "ceph_replicator_uid=s3-replicator-bidirectional",
        ]
    }

    /// The process id a replicator's runtime directory records.
    func replicatorPID(_ name: String) -> Int32? {
        (try? String(contentsOfFile: directory + "/state/default.replicators/\(name)/replicator.pid", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Kills replicators a failed test left running (and only those: their command line says so).
    func stopReplicators() {
        for name in ["ceph-to-aws", "aws-to-ceph"] {
            guard let pid = replicatorPID(name),
                  let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
                  String(decoding: commandLine, as: UTF8.self).contains("replicator\u{0}run") else { continue }
            kill(pid, SIGKILL)
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
