import AWSClient
import Foundation
import Testing
import TandemTesting

/// `tandem check` with the built binary on moto: a provider of the configuration against an endpoint URL, rclone
/// check's `= - + * !` lines and exit codes, `--one-way`, directories, `--download`, and `--combined FILE`.
@Suite(.serialized) struct CheckEndToEndTests {
    @Test func twoBucketsAreComparedAsRcloneCheckWould() async throws {
        let moto = try await MotoServer.shared()
        try await moto.withFreshState {
            let s3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            for bucket in ["check-source", "check-target"] { try await s3.createBucket(bucket, locationConstraint: nil) }
            func put(_ bucket: String, _ key: String, _ text: String) async throws {
                try await s3.putObject(bucket: bucket, key: key, body: Array(text.utf8), contentType: nil)
            }
            try await put("check-source", "a.txt", "same")
            try await put("check-target", "a.txt", "same")
            try await put("check-source", "b.txt", "source version")
            try await put("check-target", "b.txt", "target version")     // same size, other content
            try await put("check-source", "c.txt", "only on the source")
            try await put("check-target", "d.txt", "only on the target")
            try await put("check-source", "logs/x ü.log", "log")
            try await put("check-target", "logs/x ü.log", "log")

            var tandem = try TandemBinary.workspace(moto, example: "aws-s3-sqs")
            defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
            tandem.environment["AWS_REGION"] = "us-east-1"
            try "providers:\n  aws: {region: us-east-1}\n".write(toFile: tandem.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
            let target = "\(moto.endpoint)/check-target"

            let check = try await tandem.run(["check", "aws:check-source", target])
            #expect(check.exitCode == 2, "\(check.stdout)\n\(check.stderr)")
            #expect(check.stdout == "= a.txt\n* b.txt\n+ c.txt\n- d.txt\n= logs/x ü.log\n", "\(check.stdout)")
            #expect(check.stderr.contains("ERROR : c.txt: file not in \(target)") && check.stderr.contains("ERROR : d.txt: file not in aws:check-source"))
            #expect(check.stderr.contains("NOTICE: \(target): 3 differences found"), "\(check.stderr)")

            let oneWay = try await tandem.run(["check", "--one-way", "aws:check-source", target])
            #expect(oneWay.exitCode == 2 && !oneWay.stdout.contains("d.txt") && oneWay.stderr.contains("2 differences found"), "\(oneWay.stdout)\(oneWay.stderr)")

            let directory = try await tandem.run(["check", "aws:check-source/logs", target + "/logs/"])
            #expect(directory.exitCode == 0 && directory.stdout == "= x ü.log\n", "\(directory.stdout)\(directory.stderr)")

            let combined = tandem.directory + "/combined.txt"
            let download = try await tandem.run(["check", "--download", "--combined", combined, "aws:check-source", target])
            #expect(download.exitCode == 2 && download.stdout.isEmpty)
            #expect(try String(contentsOfFile: combined, encoding: .utf8) == "= a.txt\n* b.txt\n+ c.txt\n- d.txt\n= logs/x ü.log\n")
            #expect(download.stderr.contains("ERROR : b.txt: contents differ"))

            let bad = try await tandem.run(["check", "check-source", target])
            #expect(bad.exitCode == 1 && bad.stderr.contains("names no bucket"), "\(bad.stderr)")
            let missingBucket = try await tandem.run(["check", "aws:no-such-bucket", target])
            #expect(missingBucket.exitCode == 1 && missingBucket.stderr.contains("NoSuchBucket"), "\(missingBucket.stderr)")
        }
    }
}
