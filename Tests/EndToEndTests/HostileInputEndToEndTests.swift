import Foundation
import Testing
import TandemTesting

/// Hostile and invalid input through the built `tandem`: refused with a located diagnostic and exit code 1, and
/// never reaching the service.
@Suite struct HostileInputEndToEndTests {
    /// A configuration whose `locals` hold a billion-node alias bomb of `levels` levels (ten aliases per level).
    static func aliasBomb(levels: Int) -> String {
        var lines = ["locals:", "  a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
        for level in 1...levels {
            lines.append("  a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A directory holding `text` as its only configuration file, and `tandem` without cloud settings.
    static func workspace(_ text: String) throws -> TandemBinary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-hostile-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment.filter { !["AWS_", "TANDEM_", "RGW_", "CEPH_"].contains(where: $0.key.hasPrefix) }
        environment["NO_COLOR"] = "1"
        return TandemBinary(directory: directory, environment: environment)
    }

    @Test(arguments: ["validate", "plan", "fmt"])
    func aliasBombIsRefusedAtTheAlias(command: String) async throws {
        let tandem = try Self.workspace(Self.aliasBomb(levels: 9))
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let started = ContinuousClock.now
        let run = try await tandem.run([command])
        let elapsed = ContinuousClock.now - started
        #expect(run.exitCode == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("YAML aliases expand too far"), "\(run.stderr)")
        // The eighth *a3 on line 6 (level 4) is where the aliases first add more than 100000 nodes.
        #expect(run.stderr.contains("main.tandem.yaml:6:47"), "located at the alias: \(run.stderr)")
        // Reported, not asserted: the machine is shared, so a wall-clock bound here would be flaky.
        print("tandem \(command) on a 9-level alias bomb finished in \(elapsed)")
    }

    @Test func invalidUTF8IsReportedWithItsPosition() async throws {
        let tandem = try Self.workspace("")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        var bytes = Array("resources:\n  aws_sqs_queue.q:\n    name: caf".utf8)
        bytes += [0xC3, 0x28]  // 0xC3 starts a two-byte character; 0x28 does not continue it.
        bytes += Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: tandem.directory + "/main.tandem.yaml"))
        let run = try await tandem.run(["validate"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("Invalid UTF-8"), "\(run.stderr)")
        #expect(run.stderr.contains("main.tandem.yaml:3:14"), "line 3, after \"    name: caf\": \(run.stderr)")
    }

    @Test func namesAndRangesTheServiceWouldRefuseFailPlanAtTheirSource() async throws {
        let moto = try await MotoServer.shared()
        let tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        try """
        providers:
          aws:
            region: us-east-1
        resources:
          aws_s3_bucket.bad:
            bucket: Bad_Bucket..Name
          aws_sqs_queue.bad:
            name: my queue
            visibility_timeout_seconds: -1
        """.write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        for command in ["validate", "plan"] {
            let run = try await tandem.run([command])
            #expect(run.exitCode == 1, "\(command): \(run.stdout)\n\(run.stderr)")
            #expect(run.stderr.contains("is not a valid S3 bucket name"), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("main.tandem.yaml:6:13"), "\(command): the bucket's value: \(run.stderr)")
            #expect(run.stderr.contains("A queue name may contain only letters, digits, hyphens and underscores"), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("main.tandem.yaml:8:11"), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("visibility_timeout_seconds must be a whole number from 0 to 43200 seconds, not -1"), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("main.tandem.yaml:9:33"), "\(command): \(run.stderr)")
        }
    }
}
