import AWSClient
import ChildProcess
import Foundation
import TandemTesting
import Testing

/// `tandem drift` as a scheduled job on moto: `--log-lines` gives one line per drifted resource and a summary,
/// `--prometheus FILE` a node-exporter textfile that `promtool check metrics` accepts, counting a queue deleted by
/// hand and an attribute changed by hand; a check that fails writes success 0 and keeps the last success time.
@Suite struct DriftJobEndToEndTests {
    static func promtool() async throws -> String {
        let installer = TandemBinary.repositoryRoot + "/scripts/promtool-install"
        let found = try await ChildProcess.run(["/bin/bash", installer], environment: ProcessInfo.processInfo.environment, timeout: .seconds(300))
        let path = String(decoding: found.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(found.status == 0 && !path.isEmpty, "scripts/promtool-install could not provide promtool: \(found.standardError)")
        return path
    }

    @Test func aDriftJobWritesLogLinesAndATextfilePrometheusAccepts() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-drift-job-\(UUID())").path + "/payments"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
            let configuration = """
            providers:
              aws: {region: us-east-1, endpoint: "\(moto.endpoint)"}
            resources:
              aws_sqs_queue.events: {name: events, visibility_timeout_seconds: 60}
              aws_sqs_queue.dlq: {name: events-dlq}
            """
            try configuration.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            let tandem = TandemBinary(directory: directory, environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1",
                                                                          "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"])
            #expect(try await tandem.run(["apply", "--auto-approve"]).exitCode == 0)
            let textfile = directory + "/tandem.prom"
            let quiet = try await tandem.run(["drift", "--log-lines", "--prometheus", textfile])
            #expect(quiet.exitCode == 0 && quiet.stdout.contains("drift-summary stack=payments workspace=default checked=2 drifted=0"), "\(quiet.stdout)")

            // By hand: the DLQ deleted, the queue's visibility timeout changed.
            let sqs = SQSClient(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await sqs.deleteQueue(queueURL: try #require(try await sqs.queueURL(name: "events-dlq")))
            try await sqs.setQueueAttributes(queueURL: try #require(try await sqs.queueURL(name: "events")), attributes: ["VisibilityTimeout": "90"])
            let drifted = try await tandem.run(["drift", "--log-lines", "--prometheus", textfile])
            #expect(drifted.exitCode == 2, "\(drifted.stdout)\n\(drifted.stderr)")
            #expect(drifted.stdout.contains("drift stack=payments workspace=default address=aws_sqs_queue.dlq type=aws_sqs_queue kind=deleted_outside"),
                    "\(drifted.stdout)")
            #expect(drifted.stdout.contains("address=aws_sqs_queue.events type=aws_sqs_queue kind=changed_outside attributes=visibility_timeout_seconds"),
                    "\(drifted.stdout)")
            #expect(try await tandem.run(["drift", "--detailed-exitcode"]).exitCode == 2, "the flag CI scripts pass to plan means the same")
            let reported = try await tandem.run(["drift", "--succeed-on-drift", "--prometheus", textfile])
            #expect(reported.exitCode == 0, "a job reporting drift as metrics succeeds: \(reported.stderr)")
            #expect(try String(contentsOfFile: textfile, encoding: .utf8).contains("tandem_drift_drifted{stack=\"payments\",workspace=\"default\"} 1"))
            let text = try String(contentsOfFile: textfile, encoding: .utf8)
            #expect(text.contains(#"tandem_drift_resources{stack="payments",workspace="default",kind="deleted_outside",type="aws_sqs_queue"} 1"#), "\(text)")
            #expect(text.contains(#"tandem_drift_resources{stack="payments",workspace="default",kind="changed_outside",type="aws_sqs_queue"} 1"#))
            #expect(text.contains(#"tandem_drift_drifted{stack="payments",workspace="default"} 1"#))
            #expect(!text.contains(#"kind="differs_from_configuration""#), "a resource changed outside counts once: \(text)")
            #expect(drifted.stdout.contains("drift-summary stack=payments workspace=default checked=2 drifted=2"), "\(drifted.stdout)")
            #expect(text.contains(#"tandem_drift_check_success{stack="payments",workspace="default"} 1"#))
            let attributes = try FileManager.default.attributesOfItem(atPath: textfile)
            #expect((attributes[.posixPermissions] as? Int) == 0o644, "node-exporter reads it")
            let promtool = try await Self.promtool()
            let lint = try await ChildProcess.run(["/bin/sh", "-c", "\"$0\" check metrics < \"$1\"", promtool, textfile], environment: ["PATH": "/usr/bin:/bin"],
                                                  timeout: .seconds(60))
            #expect(lint.status == 0, "promtool check metrics: \(String(decoding: lint.standardOutput, as: UTF8.self))\(lint.standardError)")
            let lastSuccess = text.split(separator: "\n").first { $0.hasPrefix("tandem_drift_last_success_timestamp_seconds") }

            // A check that cannot complete (the configuration no longer parses): success 0, the last success kept.
            try (configuration + "\n  broken: [").write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            let failed = try await tandem.run(["drift", "--prometheus", textfile])
            #expect(failed.exitCode == 1, "\(failed.stdout)\n\(failed.stderr)")
            let after = try String(contentsOfFile: textfile, encoding: .utf8)
            #expect(after.contains(#"tandem_drift_check_success{stack="payments",workspace="default"} 0"#), "\(after)")
            let kept = try #require(lastSuccess)
            #expect(after.split(separator: "\n").contains(kept), "the last success time is kept: \(after)")
        }
    }
}
