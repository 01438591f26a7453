import AWSClient
import CephClient
import CephProvider
import Foundation
import Testing
import TandemCore
import TandemEngine
import TandemTesting

/// `ceph_user` against a real radosgw through the provider API: typed keys, key rotation, suspension, caps and
/// import, both with radosgw-admin run through a command prefix (`env`, standing in for `kubectl exec -i … --`) and
/// through the admin ops REST API; radosgw-admin reads the result back either way.
@Suite(.serialized) struct CephUserTests {
    private func provider(_ cluster: CephCluster, userManagement: String = "radosgw-admin") async throws -> any ConfiguredProvider {
        try await CephProvider().configure(.map([
            "command_prefix": .list([.string("env")]), "radosgw_admin": .string("radosgw-admin"),
            "cluster_config": .string(cluster.configPath), "user_management": .string(userManagement),
            "endpoint": .string(cluster.endpoint ?? ""), "access_key": .string(cluster.adminCredentials?.accessKeyID ?? ""),
            "secret_key": .string(cluster.adminCredentials?.secretAccessKey ?? ""), "region": .string("us-east-1"),
        ]), environment: ProcessInfo.processInfo.environment)
    }

    private func planned(_ entries: [String: Value]) -> Value {
        .map(["tenant": .null, "realm": .null, "zone": .null, "email": .string(""), "system": .bool(false), "suspended": .bool(false),
              "max_buckets": .null, "caps": .map([:]), "purge_data": .bool(false)].merging(entries) { $1 })
    }

    @Test(arguments: ["radosgw-admin", "admin-api"]) func typedKeysRotateWithoutAGap(userManagement: String) async throws {
        let cluster = try await CephCluster.shared()
        let ceph = try await provider(cluster, userManagement: userManagement)
        let uid = "rotating-\(userManagement)"
        let key = { (n: Int) in "ROT\(userManagement == "admin-api" ? "API" : "CLI")KEY000000\(n)" }
        let created = try await ceph.create(type: "ceph_user", planned: planned([
            "uid": .string(uid), "display_name": .string("Rotating"), "caps": .map(["buckets": .string("read")]),
            "access_key": .string(key(1)), "secret_key": .string("first-secret-0123456789"),
        ]), progress: .silent)
        #expect(created["access_key"] == .string(key(1)) && created["secret_key"] == .string("first-secret-0123456789"))

        var next = created.mapValue ?? [:]
        next["access_key"] = .string(key(2))
        next["secret_key"] = .string("second-secret-0123456789")
        next["suspended"] = .bool(true)
        next["display_name"] = .string("Rotated")
        next["caps"] = .map(["buckets": .string("*"), "usage": .string("read")])
        let updated = try await ceph.update(type: "ceph_user", prior: created, planned: .map(next), progress: .silent)
        #expect(updated["access_key"] == .string(key(2)) && updated["secret_key"] == .string("second-secret-0123456789"))
        #expect(updated["suspended"] == .bool(true) && updated["display_name"] == .string("Rotated"))
        let user = try await cluster.admin.json(["user", "info", "--uid=\(uid)"], as: RGWUser.self)
        #expect(user.keys.map(\.accessKey) == [key(2)], "the old key is removed once the new one exists")
        #expect(Set(user.caps.map { "\($0.type)=\($0.perm)" }) == ["buckets=*", "usage=read"])
        #expect(user.suspended == 1 && user.displayName == "Rotated")

        let imported = try await ceph.importObject(type: "ceph_user", id: uid)
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
