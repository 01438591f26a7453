import AWSClient
import CephClient
import CephProvider
import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemTesting

/// The ceph provider against a real radosgw behind a TLS proxy whose certificate a throw-away CA signed: with
/// `ca_bundle` the admin ops API (users) and the S3 API (buckets) work through the HTTPS endpoint; without it the
/// first call fails at once naming the host.
@Suite(.serialized) struct CephTLSTests {
    private func provider(_ cluster: CephCluster, endpoint: String, caBundle: String?) async throws -> any ConfiguredProvider {
        var block: [String: Value] = [
            "command_prefix": .list([]), "radosgw_admin": .string("radosgw-admin"), "cluster_config": .string(cluster.configPath),
            "user_management": .string("admin-api"), "endpoint": .string(endpoint), "region": .string("us-east-1"),
            "access_key": .string(cluster.adminCredentials?.accessKeyID ?? ""), "secret_key": .string(cluster.adminCredentials?.secretAccessKey ?? ""),
        ]
        block["ca_bundle"] = caBundle.map(Value.string)
        return try await CephProvider().configure(.map(block), environment: [:])
    }

    private func plannedUser(_ uid: String) -> Value {
        .map(["uid": .string(uid), "display_name": .string("Through TLS"), "tenant": .null, "realm": .null, "zone": .null, "email": .string(""),
              "system": .bool(false), "suspended": .bool(false), "max_buckets": .null, "caps": .map([:]), "purge_data": .bool(false)])
    }

    @Test func adminAPIAndS3WorkThroughTheHTTPSEndpointWithCABundle() async throws {
        let cluster = try await CephCluster.shared()
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        let proxy = try await TLSProxy.start(certificatePath: authority.serverCertificatePath, keyPath: authority.serverKeyPath,
                                             backend: try #require(cluster.endpoint))
        let ceph = try await provider(cluster, endpoint: proxy.endpoint, caBundle: authority.caCertificatePath)

        let user = try await ceph.create(type: "ceph_user", planned: plannedUser("tls-user"), progress: .silent)
        #expect(user["uid"] == .string("tls-user"))
        let info = try await cluster.admin.json(["user", "info", "--uid=tls-user"], as: RGWUser.self)
        #expect(info.displayName == "Through TLS", "created through the admin ops API behind the proxy")

        let bucket: Value = .map(["bucket": .string("tls-bucket"), "versioning": .string("Enabled"), "force_destroy": .bool(true)])
        let created = try await ceph.create(type: "ceph_bucket", planned: bucket, progress: .silent)
        #expect(created["versioning"] == .string("Enabled"))
        let direct = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
        #expect(try await direct.getBucketVersioning("tls-bucket") == "Enabled", "the bucket exists on the gateway itself")

        try await ceph.delete(type: "ceph_bucket", prior: created, progress: .silent)
        try await ceph.delete(type: "ceph_user", prior: user, progress: .silent)
        #expect(try await direct.bucketExists("tls-bucket") == false)
        await ceph.shutdown()
        try await proxy.stop()
    }

    @Test func withoutTheCAAdminAPICallsFailAtOnceNamingTheHost() async throws {
        let cluster = try await CephCluster.shared()
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        let proxy = try await TLSProxy.start(certificatePath: authority.serverCertificatePath, keyPath: authority.serverKeyPath,
                                             backend: try #require(cluster.endpoint))
        let ceph = try await provider(cluster, endpoint: proxy.endpoint, caBundle: nil)
        let started = ContinuousClock.now
        let error = await #expect(throws: (any Error).self) {
            _ = try await ceph.create(type: "ceph_user", planned: plannedUser("never-made"), progress: .silent)
        }
        let elapsed = ContinuousClock.now - started
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.contains("TLS certificate of 127.0.0.1:\(proxy.port)") && message.contains("is not trusted"), "\(message)")
        // A client retrying the handshake would take the 10 s connect timeout; this takes 0.05 s alone, and 2.4 s was
        // seen once in a full CI run on the loaded 2-core machine.
        #expect(elapsed < .seconds(5), "took \(elapsed)")
        #expect(try await cluster.admin.jsonIfExists(["user", "info", "--uid=never-made"], as: RGWUser.self) == nil)
        await ceph.shutdown()
        try await proxy.stop()
    }
}
