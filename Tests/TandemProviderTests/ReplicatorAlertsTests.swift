import AWSClient
import ChildProcess
import Foundation
@testable import TandemProvider
import TandemCore
import TandemReplicator
import Testing

/// The alert rules of `runtime: kubernetes`: valid for Prometheus (checked by promtool from Debian's prometheus
/// package, which `scripts/promtool-install` unpacks) and reading only metrics a running replicator really exports
/// (compared with a scrape of its `/metrics`).
@Suite struct ReplicatorAlertsTests {
    private let alerts = ReplicatorAlerts(pipeline: "ceph_to_aws", namespace: "s3-replicator", podPrefix: "tandem-ceph-to-aws",
                                          settings: .init(queueLag: 500, lagFor: "15m", latencyP99Seconds: 120))

    @Test func promtoolAcceptsTheRules() async throws {
        let installer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            + "/scripts/promtool-install"
        let found = try await ChildProcess.run(["/bin/bash", installer], environment: ProcessInfo.processInfo.environment, timeout: .seconds(300))
        let promtool = String(decoding: found.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(found.status == 0 && !promtool.isEmpty, "scripts/promtool-install could not provide promtool: \(found.standardError)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-rules-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Value.map(["groups": .list([alerts.group])]).canonicalJSON().write(toFile: file, atomically: true, encoding: .utf8)
        let checked = try await ChildProcess.run([promtool, "check", "rules", file], environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(60))
        let output = String(decoding: checked.standardOutput, as: UTF8.self) + checked.standardError
        #expect(checked.status == 0, "\(output)")
        #expect(output.contains("SUCCESS: 5 rules found"), "\(output)")
    }

    @Test func theRulesReadOnlyMetricsAReplicatorExports() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-alerts-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A pipeline fed by pushes, its endpoints unreachable: nothing is copied, but every series exists from the start.
        let document = """
        {"listen": "127.0.0.1:0", "state_directory": "\(directory)", "pipelines": [{"name": "ceph_to_aws",
          "source": {"endpoint": "http://127.0.0.1:9", "region": "us-east-1", "bucket": "src", "access_key": "a", "secret_key": "s"},
          "target": {"endpoint": {"endpoint": "http://127.0.0.1:9", "region": "us-east-1", "bucket": "dst", "access_key": "a", "secret_key": "s"}, "key_template": "{key}"},
          "events": {"http": {"secret": "0123456789abcdef"}}, "reconcile_interval": 0, "concurrency": 2, "skip_principals": []}]}
        """
        let replicator = Replicator(configuration: try ReplicatorConfiguration.decode(Data(document.utf8), path: "test"), log: { _ in })
        let address = AsyncStream<String>.makeStream()
        let running = Task { try await replicator.run(started: { address.continuation.yield($0) }) }
        defer { running.cancel() }
        var iterator = address.stream.makeAsyncIterator()
        let listen = try #require(await iterator.next())
        let transport = AWSTransport(requestTimeout: .seconds(5))
        defer { Task { try? await transport.shutdown() } }
        let scrape = String(decoding: try await transport.sendUnsigned(method: "GET", url: "http://\(listen)/metrics").body, as: UTF8.self)
        let exported = Set(scrape.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: "{").first.map(String.init) })
        for name in ReplicatorAlerts.metricNames where name != "up" {
            #expect(exported.contains(name), "\(name) is not in the scrape:\n\(scrape)")
        }
        // Every metric name the rules' expressions mention is one of those.
        for rule in alerts.group["rules"].listValue ?? [] {
            let expression = rule["expr"].stringValue ?? ""
            let mentioned = expression.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init).filter { $0.hasPrefix("tandem_replicator_") }
            for name in mentioned { #expect(ReplicatorAlerts.metricNames.contains(name), "\(name) in \(expression)") }
        }
    }
}
