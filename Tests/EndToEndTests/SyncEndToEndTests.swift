import AWSClient
import Foundation
import Testing
import TandemTesting

/// `tandem sync` with the built binary on moto: a directory copied into another bucket's directory with its headers,
/// a second run copying nothing, `--dry-run` listing what changed, and `tandem check` agreeing afterwards.
@Suite(.serialized) struct SyncEndToEndTests {
    @Test func aDirectoryIsCopiedThenOnlyWhatChanged() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            for bucket in ["sync-source", "sync-target"] { try await s3.createBucket(bucket, locationConstraint: nil) }
            for index in 0..<25 {
                try await s3.putObject(bucket: "sync-source", key: "data/k\(index).csv", body: Array("row \(index)\n".utf8),
                                       headers: [("content-type", "text/csv"), ("x-amz-meta-owner", "team \(index)")])
            }
            try await s3.putObject(bucket: "sync-source", key: "elsewhere.txt", body: Array("not in the directory".utf8), contentType: nil)
            try await s3.putObject(bucket: "sync-target", key: "backup/theirs.txt", body: Array("only on the target".utf8), contentType: nil)

            var tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            tandem.environment["AWS_REGION"] = "us-east-1"
            try "providers:\n  aws: {region: us-east-1}\n".write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            let target = "\(moto.endpoint)/sync-target/backup"

            let first = try await tandem.run(["sync", "--transfers", "4", "aws:sync-source/data", target])
            #expect(first.exitCode == 0, "\(first.stdout)\n\(first.stderr.suffix(3000))")
            #expect(first.stdout.contains("25 objects examined, 25 copied"), "\(first.stdout)")
            // Not a terminal: progress as JSON lines on stderr, the totals first, the end last.
            let events = first.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(events.first?["event"] as? String == "start" && events.first?["objects_total"] as? Int == 25, "\(first.stderr)")
            #expect(events.last?["event"] as? String == "done" && events.last?["objects_done"] as? Int == 25
                    && events.last?["bytes_copied"] as? Int == events.first?["bytes_total"] as? Int, "\(first.stderr)")
            let copied = try #require(try await s3.headObject(bucket: "sync-target", key: "backup/k7.csv"))
            #expect(copied.standardHeaders["content-type"] == "text/csv" && copied.metadata["owner"] == "team 7", "headers and metadata kept: \(copied)")
            #expect(try await s3.headObject(bucket: "sync-target", key: "backup/elsewhere.txt") == nil, "outside the directory")

            let again = try await tandem.run(["sync", "aws:sync-source/data", target])
            #expect(again.exitCode == 0 && again.stdout.contains("25 objects examined, 0 copied"), "\(again.stdout)\n\(again.stderr)")

            try await s3.putObject(bucket: "sync-source", key: "data/k3.csv", body: Array("row 3, edited\n".utf8), contentType: "text/csv")
            try await s3.putObject(bucket: "sync-source", key: "data/new.csv", body: Array("new\n".utf8), contentType: "text/csv")
            let dryRun = try await tandem.run(["sync", "--dry-run", "aws:sync-source/data", target])
            #expect(dryRun.exitCode == 0 && dryRun.stdout == "* k3.csv\n+ new.csv\n", "\(dryRun.stdout)\n\(dryRun.stderr)")
            #expect(try await s3.headObject(bucket: "sync-target", key: "backup/new.csv") == nil, "a dry run copies nothing")
            let changed = try await tandem.run(["sync", "aws:sync-source/data", target])
            #expect(changed.stdout.contains("26 objects examined, 2 copied"), "\(changed.stdout)\n\(changed.stderr)")

            let check = try await tandem.run(["check", "--one-way", "aws:sync-source/data", target])
            #expect(check.exitCode == 0, "\(check.stdout)\n\(check.stderr)")
            #expect(try await s3.headObject(bucket: "sync-target", key: "backup/theirs.txt") != nil, "objects only on the target are left alone")

            // --delete: previewed, then done; the two sides then check equal both ways.
            let preview = try await tandem.run(["sync", "--dry-run", "--delete", "aws:sync-source/data", target])
            #expect(preview.stdout == "- theirs.txt\n", "\(preview.stdout)")
            let deleted = try await tandem.run(["sync", "--delete", "aws:sync-source/data", target])
            #expect(deleted.exitCode == 0 && deleted.stdout.contains("Deleted 1 objects"), "\(deleted.stdout)\n\(deleted.stderr)")
            #expect(try await tandem.run(["check", "aws:sync-source/data", target]).exitCode == 0)
            let mistyped = try await tandem.run(["sync", "--delete", "aws:sync-source/dta", target])
            #expect(mistyped.exitCode == 1 && mistyped.stderr.contains("The source lists no objects: not deleting the target's 26"), "\(mistyped.stderr)")
            #expect(try await s3.listObjectKeys(bucket: "sync-target").count == 26, "nothing was deleted")
        }
    }

    /// Each large copy's GET feeds its parts as they upload, so every transfer needs a connection for its GET besides
    /// its parts: with one connection per part only, two transfers' GETs held both connections and their parts failed
    /// after the pool's 10 s wait (`getConnectionFromPoolTimeout`, both copies).
    @Test func largeObjectsCopyWithOnePartInFlightPerTransfer() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            for bucket in ["parts-source", "parts-target"] { try await s3.createBucket(bucket, locationConstraint: nil) }
            let body = (0..<(17 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 7) }
            for key in ["a.bin", "b.bin"] { try await s3.putObject(bucket: "parts-source", key: key, body: body, contentType: nil) }
            var tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            // The source through the provider (us-east-1), the target by URL in another region: two servers as far as
            // the copier knows (so the bytes are streamed, not copied inside moto), one host for the connections.
            try "providers:\n  aws: {region: us-east-1}\n".write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            tandem.environment["AWS_REGION"] = "eu-west-1"
            let started = ContinuousClock.now
            let run = try await tandem.run(["sync", "--transfers", "2", "--parts-in-flight", "1", "--part-size", "5M",
                                            "aws:parts-source", "\(moto.endpoint)/parts-target"])
            #expect(run.exitCode == 0 && run.stdout.contains("2 objects examined, 2 copied"), "\(run.stdout)\n\(run.stderr.suffix(2000))")
            #expect(ContinuousClock.now - started < .seconds(60), "no copy waited for a connection")
            for key in ["a.bin", "b.bin"] {
                #expect(try await s3.headObject(bucket: "parts-target", key: key)?.eTag.hasSuffix("-4") == true, "4 parts of 5 MiB: \(key)")
            }
            #expect(try await s3.getObjectBytes(bucket: "parts-target", key: "b.bin") == body)
        }
    }

    @Test func aCutoverWaitsForTheSourceToStopThenVerifiesEveryObject() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            for bucket in ["cutover-source", "cutover-target"] { try await s3.createBucket(bucket, locationConstraint: nil) }
            for index in 0..<20 { try await s3.putObject(bucket: "cutover-source", key: "k\(index)", body: Array("object \(index)".utf8), contentType: nil) }
            var tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            tandem.environment["AWS_REGION"] = "us-east-1"
            let source = "\(moto.endpoint)/cutover-source", target = "\(moto.endpoint)/cutover-target"
            #expect(try await tandem.run(["sync", "--phase", "full", source, target]).exitCode == 0)

            // Writers still at work: the two listings differ and the cutover refuses.
            let writers = Task {
                var index = 0
                while !Task.isCancelled {
                    try? await s3.putObject(bucket: "cutover-source", key: "late/\(index)", body: Array("late".utf8), contentType: nil)
                    index += 1
                }
            }
            let busy = try await tandem.run(["sync", "--phase", "cutover", source, target])
            writers.cancel()
            _ = await writers.value
            #expect(busy.exitCode == 1 && busy.stderr.contains("The source is still changing"), "\(busy.stdout)\n\(busy.stderr)")

            // Writers stopped: copied, then every object verified by checksum in rclone check's format.
            let cutover = try await tandem.run(["sync", "--phase", "cutover", source, target])
            #expect(cutover.exitCode == 0, "\(cutover.stdout)\n\(cutover.stderr)")
            let verified = cutover.stdout.split(separator: "\n").filter { $0.hasPrefix("= ") }
            let total = try await s3.listObjectKeys(bucket: "cutover-source").count
            #expect(verified.count == total && total > 20, "\(verified.count) of \(total) verified: \(cutover.stdout)")
            #expect(cutover.stderr.contains("0 differences found"))
        }
    }

    /// SIGKILL in the middle of a sync: the next run copies only what the first did not, and aborts the multipart
    /// upload a killed copy left behind. `--bwlimit` keeps the first run slow enough to be killed midway, and is
    /// checked on its own: 800 KiB at 200 KiB/s cannot take less than 3 s (one second of burst allowed).
    @Test func aKilledSyncResumesWithoutCopyingAgainAndAbortsTheUploadItLeft() async throws {
        let moto = try await MotoServer.shared()
        let cluster = try await CephCluster.shared()
        try await moto.withFreshState {
            // moto -> radosgw: two endpoints, so the bytes go through tandem (and --bwlimit applies).
            let run = UUID().uuidString.prefix(6).lowercased()
            let (sourceBucket, targetBucket) = ("resume-source-\(run)", "resume-target-\(run)")
            let source = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            let rgw = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
            try await source.createBucket(sourceBucket, locationConstraint: nil)
            try await rgw.createBucket(targetBucket, locationConstraint: nil)
            let body = [UInt8](repeating: 0x72, count: 4096)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask { try await source.putObject(bucket: sourceBucket, key: String(format: "data/%03d", index), body: body, headers: []) }
                    if index % 16 == 15 { try await group.waitForAll() }
                }
                try await group.waitForAll()
            }
            func copies(_ directory: String) async throws -> Int {
                try await rgw.listObjectKeys(bucket: targetBucket).filter { $0.hasPrefix(directory) }.count
            }

            var tandem = try TandemBinary.workspace(cluster, configuration: "providers:\n  aws: {region: us-east-1, endpoint: \"\(moto.endpoint)\"}\n  ceph: {}\n")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            tandem.environment["AWS_ACCESS_KEY_ID"] = "testing"
            tandem.environment["AWS_SECRET_ACCESS_KEY"] = "testing"
            let killedAfter = try await tandem.withRunning(["sync", "--transfers", "2", "--bwlimit", "100K", "aws:\(sourceBucket)/data", "ceph:\(targetBucket)/copy"]) { sync in
                var copied = 0
                let deadline = ContinuousClock.now + .seconds(60)
                while copied < 50, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    copied = try await copies("copy/")
                }
                sync.send(signal: SIGKILL)
                _ = await sync.waitForExit(timeout: .seconds(30))
                return try await copies("copy/")
            }.value
            #expect(killedAfter >= 50 && killedAfter < 200, "killed midway: \(killedAfter) copied")
            // What a large object's copy killed between its parts leaves: an upload with a part and no object.
            let upload = try await rgw.createMultipartUpload(bucket: targetBucket, key: "copy/big.bin", headers: [])
            _ = try await rgw.uploadPart(bucket: targetBucket, key: "copy/big.bin", uploadID: upload, partNumber: 1, body: [UInt8](repeating: 1, count: 5 << 20))

            let resumed = try await tandem.run(["sync", "--transfers", "8", "aws:\(sourceBucket)/data", "ceph:\(targetBucket)/copy"])
            #expect(resumed.exitCode == 0, "\(resumed.stdout)\n\(resumed.stderr)")
            #expect(resumed.stdout.contains("200 objects examined, \(200 - killedAfter) copied"), "only what was left: \(resumed.stdout)")
            #expect(resumed.stderr.contains("Aborted 1 incomplete multipart uploads"), "\(resumed.stderr)")
            #expect(try await rgw.listMultipartUploads(bucket: targetBucket, prefix: "").isEmpty)
            #expect(try await tandem.run(["check", "aws:\(sourceBucket)/data", "ceph:\(targetBucket)/copy"]).exitCode == 0)

            let started = ContinuousClock.now
            let limited = try await tandem.run(["sync", "--transfers", "8", "--bwlimit", "200K", "aws:\(sourceBucket)/data", "ceph:\(targetBucket)/limited"])
            let elapsed = ContinuousClock.now - started
            #expect(limited.exitCode == 0 && limited.stdout.contains("200 objects examined, 200 copied"), "\(limited.stdout)\n\(limited.stderr)")
            #expect(elapsed >= .seconds(3), "200 x 4 KiB at 200 KiB/s took \(elapsed)")
        }
    }

    @Test func aWholeStoreMovesFromMotoToRadosgwBucketByBucket() async throws {
        let moto = try await MotoServer.shared()
        let cluster = try await CephCluster.shared()
        try await moto.withFreshState {
            let run = UUID().uuidString.prefix(6).lowercased()
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            let rgw = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
            for name in ["store-a", "store-b", "skip-c"] {
                try await s3.createBucket("\(name)-\(run)", locationConstraint: nil)
                try await s3.putObject(bucket: "\(name)-\(run)", key: "objects/\(name).txt", body: Array(name.utf8), contentType: "text/plain")
            }
            try await s3.putBucketVersioning("store-a-\(run)", status: "Enabled")
            try await s3.putBucketTagging("store-a-\(run)", ["team": "storage"])

            var tandem = try TandemBinary.workspace(cluster, example: "replicator-rgw-push")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            tandem.environment["AWS_ACCESS_KEY_ID"] = "testing"
            tandem.environment["AWS_SECRET_ACCESS_KEY"] = "testing"
            try "providers:\n  aws: {region: us-east-1, endpoint: \"\(moto.endpoint)\"}\n  ceph: {}\n"
                .write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)

            let refused = try await tandem.run(["sync", "--include", "store-*-\(run)", "aws:", "ceph:"])
            #expect(refused.exitCode == 1 && refused.stderr.contains("store-a-\(run): the target has no such bucket; --create-buckets makes it"),
                    "\(refused.stdout)\n\(refused.stderr)")
            let sync = try await tandem.run(["sync", "--include", "store-*-\(run)", "--create-buckets", "aws:", "ceph:"])
            #expect(sync.exitCode == 0, "\(sync.stdout)\n\(sync.stderr)")
            #expect(try await rgw.headObject(bucket: "store-a-\(run)", key: "objects/store-a.txt")?.standardHeaders["content-type"] == "text/plain")
            #expect(try await rgw.headObject(bucket: "store-b-\(run)", key: "objects/store-b.txt") != nil)
            #expect(try await rgw.bucketExists("skip-c-\(run)") == false, "not included")
            #expect(try await rgw.getBucketVersioning("store-a-\(run)") == "Enabled")
            #expect(try await rgw.getBucketTagging("store-a-\(run)") == ["team": "storage"])
            let check = try await tandem.run(["check", "aws:store-a-\(run)", "ceph:store-a-\(run)"])
            #expect(check.exitCode == 0, "\(check.stdout)\n\(check.stderr)")
        }
    }
}
