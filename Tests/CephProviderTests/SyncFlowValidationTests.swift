import CephProvider
import Testing
import TandemCore

/// A flow's zones must match its type; checked while planning, before radosgw-admin is asked.
struct SyncFlowValidationTests {
    @Test func flowsNeedTheZonesTheirTypeNames() {
        let provider = CephProvider()
        let directional: Value = .map(["type": .string("directional"), "source_zone": .string("a"), "dest_zone": .null, "zones": .null])
        #expect(provider.validate(type: "ceph_sync_flow", configuration: directional).map(\.attributePath) == ["dest_zone"])
        let symmetrical: Value = .map(["type": .string("symmetrical"), "zones": .null])
        #expect(provider.validate(type: "ceph_sync_flow", configuration: symmetrical).map(\.attributePath) == ["zones"])
        let fine: Value = .map(["type": .string("symmetrical"), "zones": .list([.string("a"), .string("b")])])
        #expect(provider.validate(type: "ceph_sync_flow", configuration: fine).isEmpty)
    }
}
