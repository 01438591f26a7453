import AWSClient
import ChildProcess
import Foundation
import Testing
import TandemTesting

/// What the container image holds, proven without a container engine: `scripts/image-rootfs` (which the Containerfile
/// runs on the release binary) fills an empty directory from the built binary, and `tandem replicator run` starts in
/// it under `chroot` as user 65532 (or, without root, in a user namespace rooted there) until `/readyz` answers.
@Suite struct ImageContentsEndToEndTests {
    @Test func theReplicatorRunsFromTheImageContentsAlone() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-image-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let assembled = try await ChildProcess.run(["/bin/bash", TandemBinary.repositoryRoot + "/scripts/image-rootfs", TandemBinary.path, root],
                                                   environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"], timeout: .seconds(120))
        #expect(assembled.status == 0, "\(assembled.standardError)")
        #expect(!FileManager.default.fileExists(atPath: root + "/bin/sh") && !FileManager.default.fileExists(atPath: root + "/usr/bin"),
                "no shell, no tools: only the binary, its libraries, CA certificates and the user")
        #expect(FileManager.default.fileExists(atPath: root + "/etc/ssl/certs/ca-certificates.crt"))

        let port = CephCluster.freePort()
        let configuration = """
        {"listen": "127.0.0.1:\(port)", "state_directory": "/var/lib/tandem/state", "pipelines": [{"name": "image",
          "source": {"endpoint": "http://127.0.0.1:9", "region": "us-east-1", "bucket": "src", "access_key": "a", "secret_key": "s"},
          "target": {"endpoint": {"endpoint": "http://127.0.0.1:9", "region": "us-east-1", "bucket": "dst", "access_key": "a", "secret_key": "s"},
                     "key_template": "{key}"},
          "events": {"http": {"secret": "0123456789abcdef"}}, "reconcile_interval": 0, "concurrency": 2, "skip_principals": []}]}
        """
        try FileManager.default.createDirectory(atPath: root + "/etc/tandem", withIntermediateDirectories: true)
        try configuration.write(toFile: root + "/etc/tandem/replicator.json", atomically: true, encoding: .utf8)
        let command = ["/usr/local/bin/tandem", "replicator", "run", "--config", "/etc/tandem/replicator.json"]
        // A container runtime mounts /proc (the Swift runtime reads its arguments there); so does the test.
        let launcher: [String]
        if getuid() == 0 {
            // As in the pod: the configuration readable by user 65532 only (the Secret is mounted 0400).
            _ = chown(root + "/etc/tandem/replicator.json", 65532, 65532)
            _ = chmod(root + "/etc/tandem/replicator.json", 0o400)
            let mounted = try await ChildProcess.run(["/usr/bin/mount", "-t", "proc", "proc", root + "/proc"], environment: [:], timeout: .seconds(10))
            try #require(mounted.status == 0, "mounting /proc in the image root: \(mounted.standardError)")
            launcher = ["/usr/sbin/chroot", "--userspec=65532:65532", root]
        } else {
            launcher = ["/usr/bin/unshare", "--map-root-user", "--mount", "--pid", "--fork", "--root=\(root)", "--mount-proc"]
        }
        defer {
            if getuid() == 0 { _ = umount2(root + "/proc", Int32(MNT_DETACH)) }
        }
        let transport = AWSTransport(requestTimeout: .seconds(2))
        defer { Task { try? await transport.shutdown() } }
        let (ready, run) = try await ChildProcess.withRunning(launcher + command, environment: [:]) { replicator in
            var ready = false
            for _ in 0..<100 where !ready && !replicator.hasExited {
                try await Task.sleep(for: .milliseconds(200))
                ready = (try? await transport.sendUnsigned(method: "GET", url: "http://127.0.0.1:\(port)/readyz"))?.statusCode == 200
            }
            let metrics = try? await transport.sendUnsigned(method: "GET", url: "http://127.0.0.1:\(port)/metrics")
            #expect(metrics.map { String(decoding: $0.body, as: UTF8.self).contains("tandem_replicator_events_received_total{pipeline=\"image\"} 0") } == true)
            replicator.send(signal: SIGTERM)
            return ready
        }
        #expect(ready, "/readyz never answered 200:\n\(run.standardError)")
        #expect(run.status == 0, "SIGTERM is a clean stop:\n\(run.standardError)")
    }
}
