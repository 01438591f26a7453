@testable import KubernetesProvider
import TandemCore
import TandemEngine
import Testing

/// The implicit order between manifests: CRD before its custom resources, Namespace before its objects, Secrets before
/// the objects naming them, and Rook's multisite chain.
@Suite struct KubernetesOrderingTests {
    private func keys(_ json: String) throws -> OrderingKeys {
        KubernetesOrdering.keys(manifest: try Value(jsonString: json))
    }

    @Test func aCRDComesBeforeItsResourcesAndANamespaceBeforeItsObjects() throws {
        let crd = try keys(#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"cephobjectrealms.ceph.rook.io"},"spec":{"group":"ceph.rook.io","names":{"kind":"CephObjectRealm"}}}"#)
        let realm = try keys(#"{"apiVersion":"ceph.rook.io/v1","kind":"CephObjectRealm","metadata":{"name":"realm-a","namespace":"rook-ceph"},"spec":{}}"#)
        let namespace = try keys(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"rook-ceph"}}"#)
        #expect(crd.provides.contains("k8s:kind:ceph.rook.io/CephObjectRealm"))
        #expect(realm.requires.contains("k8s:kind:ceph.rook.io/CephObjectRealm"))
        #expect(namespace.provides == ["k8s:namespace:rook-ceph"])
        #expect(realm.requires.contains("k8s:namespace:rook-ceph"))
    }

    @Test func rookMultisiteChainsAndThePullingRealmWaitsForItsKeys() throws {
        let pulling = try keys(#"{"apiVersion":"ceph.rook.io/v1","kind":"CephObjectRealm","metadata":{"name":"realm-a","namespace":"rook-ceph"},"spec":{"pull":{"endpoint":"http://a:80"}}}"#)
        #expect(pulling.requires.contains("k8s:secret:rook-ceph/realm-a-keys"))
        let zoneGroup = try keys(#"{"apiVersion":"ceph.rook.io/v1","kind":"CephObjectZoneGroup","metadata":{"name":"zg","namespace":"rook-ceph"},"spec":{"realm":"realm-a"}}"#)
        #expect(zoneGroup.requires.contains("rook:rook-ceph:realm:realm-a"))
        #expect(zoneGroup.provides.contains("rook:rook-ceph:zonegroup:zg"))
        let zone = try keys(#"{"apiVersion":"ceph.rook.io/v1","kind":"CephObjectZone","metadata":{"name":"z","namespace":"rook-ceph"},"spec":{"zoneGroup":"zg"}}"#)
        #expect(zone.requires.contains("rook:rook-ceph:zonegroup:zg"))
        let store = try keys(#"{"apiVersion":"ceph.rook.io/v1","kind":"CephObjectStore","metadata":{"name":"s","namespace":"rook-ceph"},"spec":{"zone":{"name":"z"}}}"#)
        #expect(store.requires.contains("rook:rook-ceph:zone:z"))
    }

    @Test func secretsNamedByConventionComeFirst() throws {
        let pool = try keys(#"{"apiVersion":"ceph.rook.io/v1","kind":"CephBlockPool","metadata":{"name":"p","namespace":"rook-ceph"},"spec":{"mirroring":{"peers":{"secretNames":["peer-a","peer-b"]}}}}"#)
        #expect(pool.requires.contains("k8s:secret:rook-ceph/peer-a"))
        #expect(pool.requires.contains("k8s:secret:rook-ceph/peer-b"))
        let location = try keys(#"{"apiVersion":"velero.io/v1","kind":"BackupStorageLocation","metadata":{"name":"l","namespace":"velero"},"spec":{"credential":{"name":"cloud","key":"cloud"}}}"#)
        #expect(location.requires.contains("k8s:secret:velero/cloud"))
        let source = try keys(#"{"apiVersion":"volsync.backube/v1alpha1","kind":"ReplicationSource","metadata":{"name":"r","namespace":"apps"},"spec":{"rclone":{"rcloneConfig":"rclone-secret"}}}"#)
        #expect(source.requires.contains("k8s:secret:apps/rclone-secret"))
        let integration = try keys(#"{"apiVersion":"camel.apache.org/v1","kind":"Integration","metadata":{"name":"i","namespace":"s3r"},"spec":{"traits":{"mount":{"configs":["secret:aws-s3-credentials","configmap:routes/app.yaml"]}}}}"#)
        #expect(integration.requires.contains("k8s:secret:s3r/aws-s3-credentials") && integration.requires.contains("k8s:configmap:s3r/routes"))
        let secret = try keys(#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"rclone-secret","namespace":"apps"}}"#)
        #expect(secret.provides.contains("k8s:secret:apps/rclone-secret"))
        #expect(secret.provides.contains("k8s:secret:*/rclone-secret"), "an object naming no namespace may refer to it")
        let unplaced = try keys(#"{"apiVersion":"camel.apache.org/v1","kind":"Integration","metadata":{"name":"i"},"spec":{"traits":{"mount":{"configs":["secret:rclone-secret"]}}}}"#)
        #expect(unplaced.requires.contains("k8s:secret:*/rclone-secret"))
    }

    @Test func durationsParseAsUsersWriteThem() {
        #expect(WaitTimeout.parse("90s") == .seconds(90))
        #expect(WaitTimeout.parse("1h30m") == .seconds(5400))
        #expect(WaitTimeout.parse("10") == nil)
        #expect(WaitTimeout.parse("ten minutes") == nil)
    }
}
