import AWSClient
import Foundation
import Testing
@testable import TandemReplicator

/// A configuration the replicator cannot use is refused with the file and the field, and never shows a secret.
struct ReplicatorConfigurationTests {
    private func load(_ json: String) throws -> ReplicatorConfiguration {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replicator-\(UUID()).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ReplicatorConfiguration.load(path: path)
    }

    private let side = #"{"endpoint": "http://127.0.0.1:1", "region": "us-east-1", "bucket": "b", "access_key": "AKID", "secret_key": "TOPSECRET"}"#

    private func pipeline(template: String = "{key}", events: String = #"{"http": {"secret": "0123456789abcdef"}}"#, targetExtra: String? = nil) -> String {
        let target = targetExtra.map { extra in extra.hasPrefix(#""endpoint""#) ? #"{\#(extra), "key_template": "{key}"}"#
                                                                                : #"{"endpoint": \#(side), "key_template": "{key}", \#(extra)}"# }
            ?? #"{"endpoint": \#(side), "key_template": "\#(template)"}"#
        return #"{"listen": "127.0.0.1:0", "state_directory": "/tmp/x", "pipelines": [{"name": "p", "source": \#(side), "target": \#(target), "events": \#(events), "skip_principals": [], "concurrency": 2}]}"#
    }

    @Test func aValidConfigurationLoadsAndPrintsNoSecret() throws {
        let configuration = try load(pipeline(template: "replica/{bucket}/{key}"))
        #expect(configuration.pipelines.first?.target.keyTemplate == "replica/{bucket}/{key}")
        #expect(!String(describing: configuration.pipelines[0].source).contains("TOPSECRET"))
        #expect(try KeyTemplate("replica/{bucket}/{key}").targetKey(for: "a b/c", bucket: "src") == "replica/src/a b/c")
        #expect(try KeyTemplate("replica/{bucket}/{key}").prefix(forBucket: "src") == "replica/src/")
        #expect(try KeyTemplate("{key}.bak").prefix(forBucket: "src") == nil)
        #expect(configuration.pipelines[0].target.cannedACL == "bucket-owner-full-control", "replicas are the bucket owner's unless told otherwise")
    }

    @Test func aSourcePrefixIsTakenOffBeforeTheTemplate() async throws {
        let json = pipeline().replacingOccurrences(of: #""source": {"endpoint": "http://127.0.0.1:1","#,
                                                   with: #""source": {"prefix": "ceph/", "endpoint": "http://127.0.0.1:1","#)
        let configuration = try load(json)
        #expect(configuration.pipelines[0].source.prefix == "ceph/")
        let transport = AWSTransport()
        let pipeline = try Pipeline(configuration.pipelines[0], transport: transport)
        #expect(pipeline.targetKey(forSourceKey: "ceph/dir/a b.txt") == "dir/a b.txt")
        #expect(pipeline.targetKey(forSourceKey: "other/a.txt") == nil, "outside the prefix: not replicated")
        #expect(pipeline.targetKey(forSourceKey: "ceph/") == nil, "the prefix itself names no object under it")
        try await transport.shutdown()
    }

    @Test(arguments: [
        (#"{"listen": "127.0.0.1:0", "state_directory": "/tmp/x", "pipelines": [{"name": "p"}]}"#, "pipelines[0].source is missing"),
        ("TEMPLATE:{bucket}", "has no {key}"),
        ("TEMPLATE:{key}{nope}", "unknown placeholder {nope}"),
        ("EVENTS:{}", "give exactly one of sqs, kafka and http"),
        (#"EVENTS:{"http": {}}"#, "events.http.secret is missing"),
        (#"EVENTS:{"http": {"secret": "short"}}"#, "events.http.secret must be at least 16"),
        (#"EVENTS:{"http": {"secret": "0123456789abcdef", "max_journal_bytes": 10}}"#, "max_journal_bytes must be at least 65536"),
        ("TARGET:\"object_acl\": \"public-read\"", "target.object_acl: public-read is not one of bucket-owner-full-control, bucket-owner-read, none, private"),
        ("TARGET:\"endpoint\": {\"region\": \"r\", \"bucket\": \"b\", \"access_key\": \"A\", \"secret_key\": \"TOPSECRET\", \"prefix\": \"x/\"}",
         "target.endpoint.prefix: a prefix selects source keys"),
        ("{\n  \"pipelines\": [\n    x\n  ]\n}", ".json:3:5: "),
    ]) func mistakesNameTheField(input: String, message: String) throws {
        let json: String
        if input.hasPrefix("TEMPLATE:") { json = pipeline(template: String(input.dropFirst(9))) }
        else if input.hasPrefix("EVENTS:") { json = pipeline(events: String(input.dropFirst(7))) }
        else if input.hasPrefix("TARGET:") { json = pipeline(targetExtra: String(input.dropFirst(7))) }
        else { json = input }
        let error = try #require(throws: ConfigurationError.self) { try load(json) }
        #expect(error.description.contains(message), "\(error.description)")
        #expect(error.description.contains(".json"), "the file is named")
        #expect(!error.description.contains("TOPSECRET"))
    }
}
