import AWSClient
import CephClient
import CephProvider
import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemTesting

/// `ceph_user` against a real radosgw through the provider API: typed keys, key rotation, suspension and import,
/// with radosgw-admin run through a command prefix (`env`, standing in for `kubectl exec -i … --`).
@Suite(.serialized) struct CephUserTests {
    private func provider(_ cluster: CephCluster) async throws -> any ConfiguredProvider {
        try await CephProvider().configure(.map([
            "command_prefix": .list([.string("env")]), "radosgw_admin": .string("radosgw-admin"),
            "cluster_config": .string(cluster.configPath),
        ]), environment: ProcessInfo.processInfo.environment)
    }

    private func planned(_ entries: [String: Value]) -> Value {
        .map(["tenant": .null, "realm": .null, "zone": .null, "email": .string(""), "system": .bool(false), "suspended": .bool(false),
              "max_buckets": .null, "caps": .map([:]), "purge_data": .bool(false)].merging(entries) { $1 })
    }

    @Test func typedKeysRotateWithoutAGap() async throws {
        let cluster = try await CephCluster.shared()
        let ceph = try await provider(cluster)
        let created = try await ceph.create(type: "ceph_user", planned: planned([
            "uid": .string("rotating"), "display_name": .string("Rotating"),
            "access_key": .string("ROTATINGKEY0000001"), "secret_key": .string("first-secret-0123456789"),
        ]), progress: .silent)
        #expect(created["access_key"] == .string("ROTATINGKEY0000001") && created["secret_key"] == .string("first-secret-0123456789"))

        var next = created.mapValue ?? [:]
        next["access_key"] = .string("ROTATINGKEY0000002")
        next["secret_key"] = .string("second-secret-0123456789")
        next["suspended"] = .bool(true)
        next["display_name"] = .string("Rotated")
        let updated = try await ceph.update(type: "ceph_user", prior: created, planned: .map(next), progress: .silent)
        #expect(updated["access_key"] == .string("ROTATINGKEY0000002") && updated["secret_key"] == .string("second-secret-0123456789"))
        #expect(updated["suspended"] == .bool(true) && updated["display_name"] == .string("Rotated"))
        let user = try await cluster.admin.json(["user", "info", "--uid=rotating"], as: RGWUser.self)
        #expect(user.keys.map(\.accessKey) == ["ROTATINGKEY0000002"], "the old key is removed once the new one exists")

        let imported = try await ceph.importObject(type: "ceph_user", id: "rotating")
        #expect(imported?["display_name"] == .string("Rotated"))
        try await ceph.delete(type: "ceph_user", prior: updated, progress: .silent)
        #expect(try await ceph.read(type: "ceph_user", current: updated) == nil)
        await ceph.shutdown()
    }

    @Test func anExistingUserIsNotTakenOver() async throws {
        let cluster = try await CephCluster.shared()
        try await cluster.admin.run(["user", "create", "--uid=someone-else", "--display-name=Someone"])
        let ceph = try await provider(cluster)
        let error = try await #require(throws: ProviderError.self) {
            try await ceph.create(type: "ceph_user", planned: planned(["uid": .string("someone-else"), "display_name": .string("Mine")]), progress: .silent)
        }
        #expect(error.message.contains("already exists and is not managed by this state"))
        await ceph.shutdown()
    }
}
