import CephClient
import Foundation
import Testing

/// The runner's promise: secret options never appear in any process's arguments, with or without a command prefix.
struct RadosGWAdminTests {
    /// A stand-in program that records its arguments and CEPH_ARGS, then prints `{}` (or fails like radosgw-admin).
    private func recorder() throws -> (program: String, directory: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-rgwadmin-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let program = directory + "/fake-radosgw-admin"
        try """
        #!/bin/sh
        printf '%s\\n' "$0" "$@" > "\(directory)/argv"
        printf '%s' "${CEPH_ARGS:-}" > "\(directory)/ceph_args"
        cat /proc/$$/cmdline | tr '\\0' ' ' > "\(directory)/cmdline"
        if [ "$1" = missing ]; then echo "could not fetch user info: no user info saved" >&2; exit 22; fi
        echo '{}'
        """.write(toFile: program, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program)
        return (program, directory)
    }

    @Test(arguments: [[], ["env"]]) func secretsTravelThroughStandardInput(prefix: [String]) async throws {
        let (program, directory) = try recorder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = RadosGWAdmin(commandPrefix: prefix, program: program, clusterConfiguration: "/etc/ceph/test.conf",
                                 environment: ProcessInfo.processInfo.environment)
        try await admin.run(["user", "create", "--uid=velero", "--access-key=AKIDVISIBLE"], secrets: ["--secret-key=S3CR3T-value"])
        let argv = try String(contentsOfFile: directory + "/argv", encoding: .utf8)
        let cmdline = try String(contentsOfFile: directory + "/cmdline", encoding: .utf8)
        #expect(argv.contains("--uid=velero") && argv.contains("--access-key=AKIDVISIBLE") && argv.contains("--conf\n/etc/ceph/test.conf"))
        #expect(!argv.contains("S3CR3T") && !cmdline.contains("S3CR3T"), "the secret is in no argument vector")
        #expect(try String(contentsOfFile: directory + "/ceph_args", encoding: .utf8).contains("--secret-key=S3CR3T-value"))
    }

    @Test func failuresKeepTheCommandButNotTheSecrets() async throws {
        let (program, directory) = try recorder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = RadosGWAdmin(program: program, environment: ProcessInfo.processInfo.environment)
        let error = try await #require(throws: RadosGWAdminError.self) {
            try await admin.run(["missing", "--uid=nobody"], secrets: ["--secret-key=S3CR3T-value"])
        }
        #expect(error.isNotFound)
        #expect(error.status == 22)
        #expect(error.description.contains("missing --uid=nobody") && error.description.contains("no user info saved"))
        #expect(!error.description.contains("S3CR3T"))
        #expect(try await admin.jsonIfExists(["missing"], as: [String: String].self) == nil)
    }
}
