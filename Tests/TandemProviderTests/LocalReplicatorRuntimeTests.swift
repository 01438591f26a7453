import AWSClient
import Foundation
import TandemCore
import Testing
@testable import TandemProvider

/// `runtime: local` starting its process detached: what the process inherits, where its output goes, and how a
/// replicator that dies while starting fails the apply.
struct LocalReplicatorRuntimeTests {
    /// Lives as long as the test process (AsyncHTTPClient traps when a client is released without a shutdown); gives up
    /// connecting soon (nothing listens: the stand-in replicator exits at once).
    private static let transport = AWSTransport(requestTimeout: .seconds(5), connectTimeout: .milliseconds(200))
    private static let inherited = ["PATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "AWS_CA_BUNDLE", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
                                    "NO_PROXY", "no_proxy"]

    @Test func theReplicatorInheritsPathTrustAndProxySettingsButNoCredentials() {
        let parent = ["PATH": "/opt/bin:/usr/bin", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_SESSION_TOKEN": "token",
                      "AWS_CA_BUNDLE": "/etc/ca.pem", "HTTPS_PROXY": "http://proxy:3128", "no_proxy": "127.0.0.1", "HOME": "/root",
                      "TANDEM_VAR_secret_key": "s3cr3t"]
        #expect(LocalReplicatorRuntime.replicatorEnvironment(parent)
                == ["PATH": "/opt/bin:/usr/bin", "AWS_CA_BUNDLE": "/etc/ca.pem", "HTTPS_PROXY": "http://proxy:3128", "no_proxy": "127.0.0.1"])
        #expect(LocalReplicatorRuntime.replicatorEnvironment([:]) == ["PATH": "/usr/bin:/bin"])
    }

    @Test func aReplicatorThatExitsWhileStartingFailsTheApplyWithTheEndOfItsLog() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-local-runtime-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Stands in for `tandem`: reports its arguments, descriptors, standard input and environment, then fails.
        let program = directory + "/fake-tandem"
        try """
            #!/bin/sh
            echo "arguments: $*"
            ls -l /proc/$$/fd
            env | sed 's/=.*//' | sort | sed 's/^/variable: /'
            echo "cannot bind" >&2
            exit 3
            """.write(toFile: program, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program)
        let runtime = LocalReplicatorRuntime(directory: directory + "/replicators", program: program, transport: Self.transport)
        let configuration = try ReplicatorDocument.json(for: .map(Self.attributes), stateDirectory: directory + "/state")

        let failure = await #expect(throws: LocalReplicatorError.self) {
            try await runtime.deploy(name: "to-replica", configuration: configuration, running: true, progress: { _ in })
        }
        let message = failure?.description ?? ""
        let log = directory + "/replicators/to-replica/replicator.log"
        #expect(message.contains("the replicator exited while starting; the end of \(log):"), "\(message)")
        #expect(message.contains("arguments: replicator run --config \(directory)/replicators/to-replica/replicator.json"), "\(message)")
        // The shell keeps the script it reads open (dash on descriptor 10): nothing else besides 0, 1 and 2.
        let descriptors = message.split(separator: "\n").compactMap { line -> String? in
            guard let arrow = line.range(of: " -> ") else { return nil }
            return "\(line[..<arrow.lowerBound].split(separator: " ").last ?? "") \(line[arrow.upperBound...])"
        }.filter { !$0.hasSuffix(" " + program) }
        #expect(descriptors == ["0 /dev/null", "1 \(log)", "2 \(log)"], "\(message)")
        #expect(message.contains("cannot bind"), "standard error is in the log too: \(message)")
        let variables = message.split(separator: "\n").filter { $0.hasPrefix("variable: ") }.map { String($0.dropFirst("variable: ".count)) }
        #expect(variables.contains("PATH") && Set(variables).isSubset(of: Set(Self.inherited + ["PWD"])), "\(variables)")
        #expect(try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as? Int == 0o600)
    }

    private static let attributes: [String: Value] = {
        let side: (String) -> [String: Value] = { bucket in
            ["endpoint": .string("http://127.0.0.1:9"), "region": .string("us-east-1"), "bucket": .string(bucket), "access_key": .string("AKID"),
             "secret_key": .string("s3cr3t"), "ca_bundle": .null]
        }
        var source = side("source"), target = side("replica")
        source["prefix"] = .null
        target["key_template"] = .string("{key}")
        target["object_acl"] = .null
        return [
            "name": .string("to-replica"), "listen": .string("127.0.0.1:9"), "source": .map(source), "target": .map(target),
            "events": .map(["sqs": .null, "kafka": .null, "http": .map(["max_journal_bytes": .number(1_048_576), "max_dead_letter_bytes": .number(1_048_576)])]),
            "skip_principals": .list([]), "concurrency": .number(1), "max_attempts": .number(5), "copy": .null, "retry": .null,
            "reconcile_interval": .number(3600), "push_secret": .string("0123456789abcdef0123456789abcdef"),
        ]
    }()
}
