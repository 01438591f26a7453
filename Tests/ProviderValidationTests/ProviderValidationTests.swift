import AWSProvider
import CephProvider
import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemLanguage
import TandemProvider
import TandemTesting

/// The aws and ceph providers' plan-time rules (documented names, ranges and sizes), through the engine as
/// `tandem validate` and `tandem plan` run them: each violation is an error at the value's file and line.
@Suite struct ProviderValidationTests {
    static let registry = ProviderRegistry([AWSProvider(), CephProvider(), TandemProvider(runtimeDirectory: "/nonexistent", program: "tandem")])
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/diagnostics").path
    static let fixtures = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()

    /// Loads and validates `directory` with the three providers.
    static func errors(in directory: String) -> (lines: Set<String>, diagnostics: [Diagnostic]) {
        let (lines, errors) = GoldenDiagnostics.reported(in: directory, registry: registry)
        return (lines, errors)
    }

    /// A directory holding `text` as its configuration.
    static func workspace(_ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-rules-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func everyFixtureExists() {
        #expect(Self.fixtures.count >= 3, "fixtures missing under \(Self.root)")
    }

    @Test(arguments: fixtures)
    func fixtureReportsExactlyTheMarkedErrors(name: String) {
        let directory = Self.root + "/" + name
        let reported = Self.errors(in: directory).lines
        let expected = GoldenDiagnostics.expected(in: directory)
        #expect(expected.subtracting(reported).isEmpty, "expected but not reported: \(expected.subtracting(reported).sorted())")
        #expect(reported.subtracting(expected).isEmpty, "reported but not expected: \(reported.subtracting(expected).sorted())")
    }

    @Test func diagnosticsStateTheRuleAndPointAtTheValue() throws {
        let directory = try Self.workspace("""
        resources:
          aws_s3_bucket.b:
            bucket: Bad_Bucket..Name
          aws_sqs_queue.q:
            name: q
            visibility_timeout_seconds: 50000
        """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let errors = Self.errors(in: directory).diagnostics
        let bucket = try #require(errors.first { $0.address == "aws_s3_bucket.b" })
        #expect(bucket.range?.start == SourcePosition(line: 3, column: 13))
        #expect(bucket.detail == "\"Bad_Bucket..Name\" is not a valid S3 bucket name: it may contain only lowercase letters, digits, dots and hyphens "
                + "(not \"B\"); it must begin and end with a lowercase letter or digit; it must not contain two adjacent dots.")
        let queue = try #require(errors.first { $0.address == "aws_sqs_queue.q" })
        #expect(queue.range?.start == SourcePosition(line: 6, column: 33))
        #expect(queue.detail == "visibility_timeout_seconds must be a whole number from 0 to 43200 seconds, not 50000.")
    }

    @Test func aBucketPolicyOverTwentyKilobytesIsRefused() throws {
        // About 300 KB of statements, generated here rather than committed.
        let statements = (0..<3000).map { index in
            "        - {Sid: S\(index), Effect: Allow, Principal: \"*\", Action: \"s3:GetObject\", Resource: \"arn:aws:s3:::big-policy/prefix-\(index)/*\"}"
        }
        let directory = try Self.workspace("""
        resources:
          aws_s3_bucket.big:
            bucket: big-policy
            policy:
              Version: "2012-10-17"
              Statement:
        \(statements.joined(separator: "\n"))
          aws_s3_bucket.small:
            bucket: small-policy
            policy:
              Version: "2012-10-17"
              Statement:
        \(statements.prefix(100).joined(separator: "\n"))
        """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let errors = Self.errors(in: directory).diagnostics
        #expect(errors.count == 1, "\(errors)")
        let error = try #require(errors.first)
        #expect(error.address == "aws_s3_bucket.big")
        #expect(error.summary == "Validation of aws_s3_bucket.big failed (argument policy)")
        #expect(error.detail?.hasPrefix("A bucket policy may be at most 20 KB (20480 bytes); this one is ") == true, "\(error.detail ?? "")")
        #expect(error.range?.file.hasSuffix("main.tandem.yaml") == true)
        #expect((5...6).contains(error.range?.start.line ?? 0), "at the policy: \(String(describing: error.range))")
    }

    @Test func inlinePoliciesAreMeasuredWithoutWhiteSpace() {
        func policy(statements: Int) -> Value {
            .map(["Version": .string("2012-10-17"), "Statement": .list((0..<statements).map { index in
                .map(["Effect": .string("Allow"), "Action": .string("s3:GetObject"), "Resource": .string("arn:aws:s3:::b/\(index)/*")])
            })])
        }
        let provider = AWSProvider()
        let small = Value.map(["user": .string("u"), "name": .string("p"), "policy": policy(statements: 10)])
        #expect(provider.validate(type: "aws_iam_user_policy", configuration: small).isEmpty)
        let large = Value.map(["user": .string("u"), "name": .string("p"), "policy": policy(statements: 60)])
        let problems = provider.validate(type: "aws_iam_user_policy", configuration: large)
        #expect(problems.map(\.attributePath) == ["policy"])
        #expect(problems.first?.message.contains("at most 2048 characters, not counting white space") == true)
        // The same document fits a role's larger quota.
        let forRole = Value.map(["role": .string("r"), "name": .string("p"), "policy": policy(statements: 60)])
        #expect(provider.validate(type: "aws_iam_role_policy", configuration: forRole).isEmpty)
    }

    @Test func unknownValuesAreSkipped() {
        let provider = AWSProvider()
        let configuration = Value.map(["bucket": .unknown, "policy": .unknown, "tags": .unknown, "lifecycle_rule": .unknown])
        #expect(provider.validate(type: "aws_s3_bucket", configuration: configuration).isEmpty)
        let queue = Value.map(["name": .unknown, "visibility_timeout_seconds": .unknown, "redrive_policy": .unknown])
        #expect(provider.validate(type: "aws_sqs_queue", configuration: queue).isEmpty)
        #expect(CephProvider().validate(type: "ceph_bucket", configuration: .map(["bucket": .unknown])).isEmpty)
    }

    @Test func tagsAndRuleCountsFollowTheirLimits() {
        let provider = AWSProvider()
        let tags: [String: Value] = [String(repeating: "k", count: 129): .string("v"), "ok": .string(String(repeating: "v", count: 257)),
                                     String(repeating: "e", count: 128): .string(String(repeating: "v", count: 256)),
                                     "team/owner:name": .string("Jürgen Müller-Ørsted +1 @dr_site = 2.0"), "bad*key": .string("v")]
        let bucket = Value.map(["bucket": .string("tagged"), "tags": .map(tags),
                                "lifecycle_rule": .list((0...1000).map { .map(["id": .string("r\($0)")]) })])
        let messages = provider.validate(type: "aws_s3_bucket", configuration: bucket).map(\.message)
        #expect(messages.count == 4, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("Tag keys must have 1 to 128 characters") })
        #expect(messages.contains { $0.hasPrefix("Tag values must have at most 256 characters") })
        #expect(messages.contains("Tags may contain only letters, digits, spaces and _.:/=+-@; the tag \"bad*key\" contains \"*\"."))
        #expect(messages.contains("At most 1000 lifecycle rules are allowed; there are 1001."))

        let fifty = Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", Value.string("v")) })
        #expect(provider.validate(type: "aws_s3_bucket", configuration: .map(["bucket": .string("b50"), "tags": .map(fifty)])).isEmpty)
        let fiftyOne = fifty.merging(["k50": .string("v")]) { $1 }
        #expect(provider.validate(type: "aws_s3_bucket", configuration: .map(["bucket": .string("b51"), "tags": .map(fiftyOne)])).map(\.message)
                == ["At most 50 tags are allowed; there are 51."])

        let replication = Value.map(["bucket": .string("source"), "rule": .list([
            .map(["id": .string(String(repeating: "i", count: 256)), "priority": .number(1)]),
            .map(["id": .string(String(repeating: "i", count: 255)), "priority": .number(2)]),
        ])])
        let replicationProblems = provider.validate(type: "aws_s3_bucket_replication", configuration: replication)
        #expect(replicationProblems.map(\.attributePath) == ["rule[0].id"])
    }
}

/// The bucket naming rules themselves, valid edge cases included.
@Suite struct BucketNameRuleTests {
    @Test(arguments: ["abc", String(repeating: "a", count: 63), "my.bucket-1", "1bucket", "a-b.c-d", "192.168.5.4x"])
    func validNamesPassBothServices(name: String) {
        #expect(BucketNameRules.violations(of: name, service: .s3).isEmpty)
        #expect(BucketNameRules.violations(of: name, service: .rgw).isEmpty)
    }

    @Test(arguments: [
        ("ab", "must have 3 to 63 characters (it has 2)"),
        (String(repeating: "a", count: 64), "must have 3 to 63 characters (it has 64)"),
        ("Bad_Name", "may contain only lowercase letters, digits, dots and hyphens (not \"B\")"),
        ("-bucket", "must begin and end with a lowercase letter or digit"),
        ("bucket.", "must begin and end with a lowercase letter or digit"),
        ("a..b", "must not contain two adjacent dots"),
        ("10.0.0.1", "must not be formatted as an IP address"),
        ("my bucket", "may contain only lowercase letters, digits, dots and hyphens (not a space)"),
    ])
    func invalidNamesFailBothServices(name: String, rule: String) {
        #expect(BucketNameRules.violations(of: name, service: .s3).contains(rule))
        #expect(BucketNameRules.violations(of: name, service: .rgw).contains(rule))
    }

    @Test(arguments: ["xn--bucket", "sthree-bucket", "amzn-s3-demo-bucket", "bucket-s3alias", "bucket--ol-s3", "bucket.mrap"])
    func s3ReservesPrefixesAndSuffixes(name: String) {
        #expect(BucketNameRules.violations(of: name, service: .s3).count == 1)
        #expect(BucketNameRules.violations(of: name, service: .rgw).isEmpty)
    }

    @Test(arguments: ["a-.b", "a.-b"])
    func rgwLabelsBeginAndEndWithALetterOrDigit(name: String) {
        #expect(BucketNameRules.violations(of: name, service: .rgw).count == 1)
        #expect(BucketNameRules.violations(of: name, service: .s3).isEmpty)
    }
}
