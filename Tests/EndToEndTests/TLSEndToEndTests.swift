import AWSClient
import Foundation
import Testing
import TandemTesting

/// The built binary against moto behind a TLS proxy whose certificate a throw-away CA signed: without the CA apply
/// stops at once naming the host; with the aws provider's `ca_bundle`, or `AWS_CA_BUNDLE`, a bucket is applied and
/// read back; a bad bundle is refused at plan time naming the file; and a `tandem_replicator` whose source and target
/// carry `ca_bundle` replicates an object through the HTTPS endpoint from its own process.
@Suite(.serialized) struct TLSEndToEndTests {
    private func withHTTPSMoto(_ body: @Sendable (MotoServer, TLSProxy, TestCertificateAuthority) async throws -> Void) async throws {
        let moto = try await MotoServer.shared()
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        let proxy = try await TLSProxy.start(certificatePath: authority.serverCertificatePath, keyPath: authority.serverKeyPath,
                                             backend: moto.endpoint)
        do {
            try await moto.withFreshState { try await body(moto, proxy, authority) }
        } catch {
            try await proxy.stop()
            throw error
        }
        try await proxy.stop()
    }

    /// A workspace with one bucket on the proxy's endpoint (see ``writeConfiguration(_:proxy:caBundle:)``).
    private func workspace(_ proxy: TLSProxy, caBundle: String?) throws -> TandemBinary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-e2e-tls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeConfiguration(directory, proxy: proxy, caBundle: caBundle)
        var environment = ProcessInfo.processInfo.environment.filter { !["AWS_", "TANDEM_", "SSL_CERT"].contains(where: $0.key.hasPrefix) }
        environment["AWS_ACCESS_KEY_ID"] = "testing"
        environment["AWS_SECRET_ACCESS_KEY"] = "testing"
        environment["NO_COLOR"] = "1"
        return TandemBinary(directory: directory, environment: environment)
    }

    /// One bucket on the proxy's endpoint; `caBundle` goes into the provider block when given.
    private func writeConfiguration(_ directory: String, proxy: TLSProxy, caBundle: String?) throws {
        let lines = ["providers:", "  aws:", "    region: us-east-1", "    endpoint: \(proxy.endpoint)"]
            + (caBundle.map { ["    ca_bundle: \($0)"] } ?? [])
            + ["resources:", "  aws_s3_bucket.private_ca:", "    bucket: behind-a-private-ca", "    force_destroy: true", ""]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: directory + "/main.tandem.yaml"))
    }

    @Test func withoutTheCAApplyStopsAtOnceNamingTheHost() async throws {
        try await withHTTPSMoto { moto, proxy, _ in
            let tandem = try workspace(proxy, caBundle: nil)
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let started = ContinuousClock.now
            let apply = try await tandem.run(["apply", "--auto-approve"])
            let elapsed = ContinuousClock.now - started
            print("tandem apply against an untrusted certificate exited after \(elapsed)")
            #expect(apply.exitCode == 1, "\(apply.stdout)\n\(apply.stderr)")
            #expect(apply.stderr.contains("TLS certificate of 127.0.0.1:\(proxy.port) (S3) is not trusted: it was issued by CN=Tandem Test CA, "
                                          + "which is not among the trusted CAs"), "\(apply.stderr)")
            #expect(apply.stderr.contains("set ca_bundle or AWS_CA_BUNDLE"))
            #expect(!apply.stderr.contains("NIOSSL") && !apply.stderr.contains("OPENSSL_internal"), "\(apply.stderr)")
            // The whole process, start to exit, in less than the 10 s connect timeout the handshake used to be retried for.
            #expect(elapsed < .seconds(5), "took \(elapsed)")
            #expect(try await S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
                .bucketExists("behind-a-private-ca") == false)
        }
    }

    @Test func caBundleOrAWSCABundleMakesApplyWork() async throws {
        try await withHTTPSMoto { moto, proxy, authority in
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            let withOption = try workspace(proxy, caBundle: authority.caCertificatePath)
            defer { try? FileManager.default.removeItem(atPath: withOption.directory) }
            let apply = try await withOption.run(["apply", "--auto-approve"])
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(try await s3.bucketExists("behind-a-private-ca"), "created through the HTTPS endpoint")
            let quiet = try await withOption.run(["plan", "--detailed-exitcode"])
            #expect(quiet.exitCode == 0, "refreshed through the HTTPS endpoint: \(quiet.stdout)\n\(quiet.stderr)")

            // The option removed, the CA given by AWS_CA_BUNDLE: destroy reads and deletes the bucket.
            var withVariable = withOption
            try writeConfiguration(withVariable.directory, proxy: proxy, caBundle: nil)
            withVariable.environment["AWS_CA_BUNDLE"] = authority.caCertificatePath
            let destroy = try await withVariable.run(["destroy", "--auto-approve"])
            #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
            #expect(try await s3.bucketExists("behind-a-private-ca") == false)
        }
    }

    @Test func aBundleThatIsNotPEMIsRefusedAtPlanTimeNamingTheFile() async throws {
        try await withHTTPSMoto { _, proxy, authority in
            let notPEM = authority.directory + "/server.ext"
            let tandem = try workspace(proxy, caBundle: notPEM)
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            let plan = try await tandem.run(["plan"])
            #expect(plan.exitCode == 1)
            #expect(plan.stderr.contains("Cannot configure provider \"aws\""), "\(plan.stderr)")
            #expect(plan.stderr.contains("ca_bundle \(notPEM) is not a PEM certificate bundle"), "\(plan.stderr)")
            #expect(plan.stderr.contains("main.tandem.yaml:2"), "points at the provider block: \(plan.stderr)")
            print("bad bundle: \(plan.stderr)")
        }
    }

    /// `inBlocks`: `ca_bundle` in the provider block and the replicator's source and target; otherwise only
    /// `AWS_CA_BUNDLE` in the environment of `tandem apply`, which the launched replicator inherits.
    @Test(arguments: [true, false]) func aReplicatorWithCABundlesReplicatesThroughTheHTTPSEndpoint(inBlocks: Bool) async throws {
        try await withHTTPSMoto { moto, proxy, authority in
            let example = try String(contentsOfFile: TandemBinary.repositoryRoot + "/examples/replicator-aws-sqs/main.tandem.yaml", encoding: .utf8)
            let bundle = authority.caCertificatePath
            let configuration = !inBlocks ? example : example
                .replacingOccurrences(of: "    endpoint: ${var.endpoint}\n  tandem: {}", with: "    endpoint: ${var.endpoint}\n    ca_bundle: \(bundle)\n  tandem: {}")
                .replacingOccurrences(of: "      endpoint: ${var.endpoint}\n", with: "      endpoint: ${var.endpoint}\n      ca_bundle: \(bundle)\n")
            #expect(configuration.components(separatedBy: "ca_bundle:").count == (inBlocks ? 4 : 1), "the provider, the source and the target")
            var tandem = try workspace(proxy, caBundle: nil)
            if !inBlocks { tandem.environment["AWS_CA_BUNDLE"] = bundle }
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            try Data(configuration.utf8).write(to: URL(fileURLWithPath: tandem.directory + "/main.tandem.yaml"))
            let variables = ["--var", "endpoint=\(proxy.endpoint)", "--var", "listen=127.0.0.1:\(CephCluster.freePort())"]

            let (applyProcess, apply) = try await tandem.withRunning(["apply", "--auto-approve"] + variables) { $0.processID }
            #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
            // apply led a process group (ChildProcess starts each child in a session of its own); the replicator it
            // started is not in it, so a signal to that group (a terminal's Ctrl-C) cannot reach it: the copy below
            // is made by a replicator that outlived apply and its group.
            #expect(kill(-applyProcess, SIGKILL) == -1 && errno == ESRCH, "no process is left in apply's process group")
            let runtime = tandem.directory + "/state/default.replicators/source-to-replica"
            let written = try String(contentsOfFile: runtime + "/replicator.json", encoding: .utf8)
            #expect(written.components(separatedBy: "\"ca_bundle\" : \"\(bundle)\"").count == (inBlocks ? 3 : 1), "source and target carry it: \(written)")
            let pid = Int32((try? String(contentsOfFile: runtime + "/replicator.pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
            let stat = pid.flatMap { try? String(contentsOfFile: "/proc/\($0)/stat", encoding: .utf8) } ?? ""
            let sessionAndGroup = stat.split(separator: ")").last.map { $0.split(separator: " ").dropFirst(2).prefix(2).map(String.init) } ?? []
            #expect(pid != nil && sessionAndGroup == [String(pid ?? 0), String(pid ?? 0)], "the replicator leads its own session and group: \(stat)")
            // Destroyed at the end, after a thrown error too: no replicator outlives the test.
            try await withCleanup({
                // Written on moto's plain port; the launched replicator reads the event and copies through the HTTPS endpoint.
                let s3 = S3Client(configuration: moto.configuration(region: "af-south-1"), transport: moto.transport)
                try await s3.putObject(bucket: "tandem-demo-source", key: "through/tls.txt", body: Array("private CA".utf8), contentType: "text/plain")
                var copied: [UInt8]?
                for _ in 0..<300 where copied == nil {
                    try await Task.sleep(for: .milliseconds(100))
                    if try await s3.headObject(bucket: "tandem-demo-replica", key: "through/tls.txt") != nil {
                        copied = try await s3.getObjectBytes(bucket: "tandem-demo-replica", key: "through/tls.txt")
                    }
                }
                #expect(copied == Array("private CA".utf8), "the object was replicated by the launched process")
                let log = (try? String(contentsOfFile: runtime + "/replicator.log", encoding: .utf8)) ?? ""
                #expect(!log.contains("not trusted"), "\(log)")
            }, cleanup: {
                let destroy = try? await tandem.run(["destroy", "--auto-approve"] + variables)
                #expect(destroy?.exitCode == 0, "\(destroy?.stdout ?? "")\(destroy?.stderr ?? "")")
                if let pid, (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.contains("replicator\u{0}run") == true {
                    kill(pid, SIGKILL)
                }
            })
        }
    }
}
