import AWSClient
import Foundation
import Testing
import TandemTesting

/// `examples/replicator-aws-sqs` applied by the built binary against moto: one apply creates the buckets, queues, IAM
/// user and key, and launches the replicator with the key by reference; objects replicate; `tandem replicator status`
/// reports it; a killed replicator is drift that apply repairs; a hand-edited configuration shows as stale; destroy
/// stops it.
@Suite(.serialized) struct ReplicatorResourceEndToEndTests {
    /// True while `pid` runs and is not a zombie (an orphan may stay one where nothing reaps it).
    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// Kills a replicator the test left running, and nothing else (its pid may have been reused).
    private func stopIfReplicator(_ pid: Int32) {
        let commandLine = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if commandLine.contains("replicator\u{0}run") { kill(pid, SIGKILL) }
    }

    @Test func applyLaunchesTheReplicatorAndDestroyStopsIt() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let tandem = try TandemBinary.workspace(moto, example: "replicator-aws-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let variables = ["--var", "endpoint=\(moto.endpoint)", "--var", "listen=127.0.0.1:\(CephCluster.freePort())"]
            let plan = try await tandem.run(["plan"] + variables)
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains(#"source.bucket                 = "tandem-demo-source""#), "the block stays readable:\n\(plan.stdout)")
            #expect(plan.stdout.contains("source.secret_key             = (sensitive value)"))

            let apply = try await tandem.run(["apply", "--auto-approve"] + variables)
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(apply.stdout.contains("started the replicator"))
            let runtime = tandem.directory + "/state/default.replicators/source-to-replica"
            let configPath = runtime + "/replicator.json"
            let mode = try FileManager.default.attributesOfItem(atPath: configPath)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "the configuration holds the secret key")
            let pid = try #require(Int32(try String(contentsOfFile: runtime + "/replicator.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            defer { stopIfReplicator(pid) }
            let secret = try #require(try tandem.stateAttribute("aws_iam_access_key.replicator", "secret"))
            let commandLine = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")), as: UTF8.self)
            #expect(commandLine.contains("replicator\u{0}run\u{0}--config\u{0}\(configPath)") && !commandLine.contains(secret))
            #expect(try String(contentsOfFile: configPath, encoding: .utf8).contains(secret), "the key by reference, not typed twice")
            #expect(!apply.stdout.contains(secret) && !plan.stdout.contains(secret))

            let s3 = S3Client(configuration: moto.configuration(region: "af-south-1"), transport: moto.transport)
            try await s3.putObject(bucket: "tandem-demo-source", key: "reports/2026 q4+ü.csv", body: Array("a,b\n".utf8), headers: [("content-type", "text/csv")])
            var copied: ObjectHead?
            for _ in 0..<300 where copied == nil {
                try await Task.sleep(for: .milliseconds(100))
                copied = try await s3.headObject(bucket: "tandem-demo-replica", key: "reports/2026 q4+ü.csv")
            }
            #expect(copied?.standardHeaders["content-type"] == "text/csv", "the object was replicated by the launched process: \(String(describing: copied))")

            let status = try await tandem.run(["replicator", "status"])
            #expect(status.exitCode == 0, "\(status.stdout)\(status.stderr)")
            #expect(status.stdout.contains("tandem_replicator.source_to_replica  ready  pid \(pid)"), "\(status.stdout)")
            #expect(status.stdout.contains("replicated 1"), "\(status.stdout)")
            #expect(try await tandem.run(["plan", "--detailed-exitcode"] + variables).exitCode == 0, "a running replicator with its configuration is no change")

            // Killed: drift says it is stopped; apply starts it again.
            kill(pid, SIGKILL)
            for _ in 0..<50 where isAlive(pid) { try await Task.sleep(for: .milliseconds(100)) }
            let drift = try await tandem.run(["drift"] + variables)
            #expect(drift.exitCode == 2, "\(drift.stdout)\(drift.stderr)")
            #expect(drift.stdout.contains(#"state = "running" -> "stopped""#), "\(drift.stdout)")
            #expect(try await tandem.run(["replicator", "status"]).exitCode == 1, "status fails for a replicator that does not answer")
            let repair = try await tandem.run(["apply", "--auto-approve"] + variables)
            #expect(repair.exitCode == 0 && repair.stdout.contains("started the replicator"), "\(repair.stdout)\(repair.stderr)")
            let restarted = try #require(Int32(try String(contentsOfFile: runtime + "/replicator.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            defer { stopIfReplicator(restarted) }

            // The file edited by hand while the process runs the old configuration: stale, and the edit shows.
            let edited = try String(contentsOfFile: configPath, encoding: .utf8).replacingOccurrences(of: #""concurrency" : 8"#, with: #""concurrency" : 3"#)
            try edited.write(toFile: configPath, atomically: true, encoding: .utf8)
            let stale = try await tandem.run(["plan"] + variables)
            #expect(stale.stdout.contains(#"state       = "running" -> "stale""#) && stale.stdout.contains("concurrency = 8 -> 3"), "\(stale.stdout)")

            let destroy = try await tandem.run(["destroy", "--auto-approve"] + variables)
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\(destroy.stderr)")
            for _ in 0..<50 where isAlive(restarted) { try await Task.sleep(for: .milliseconds(100)) }
            #expect(!isAlive(restarted), "destroy stopped the replicator")
            #expect(!FileManager.default.fileExists(atPath: configPath), "the file with credentials is gone")
        }
    }
}
