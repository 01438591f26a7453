import CephClient
import Testing

/// `radosgw-admin sync status` prints text only; these are outputs captured from radosgw 16.2.15.
struct RGWSyncStatusTests {
    @Test func secondaryCaughtUp() {
        let status = RGWSyncStatus(parsing: """
                  realm dfbc5756-9072-4258-83ce-0367206e3c43 (tandem)
              zonegroup 6092e453-f1f1-4e16-b736-499c091d24b8 (zg1)
                   zone 2252abdd-1b0f-4094-90b3-b1bb2dab0079 (zone-b)
          metadata sync syncing
                        full sync: 0/64 shards
                        incremental sync: 64/64 shards
                        metadata is caught up with master
              data sync source: c9dc7a81-4e89-4f98-9312-d4de8586d061 (zone-a)
                                syncing
                                full sync: 0/128 shards
                                incremental sync: 128/128 shards
                                data is caught up with source
        """)
        #expect(status.realm == "tandem" && status.zoneGroup == "zg1" && status.zone == "zone-b")
        #expect(!status.isMetadataMaster)
        #expect(status.sources == [RGWSyncStatus.Source(zone: "zone-a", state: "syncing", behindShards: 0, recoveringShards: 0, caughtUp: true)])
        #expect(status.isCaughtUp)
    }

    @Test func masterBehindOnDataShards() {
        let status = RGWSyncStatus(parsing: """
                  realm dfbc5756-9072-4258-83ce-0367206e3c43 (tandem)
              zonegroup 6092e453-f1f1-4e16-b736-499c091d24b8 (zg1)
                   zone c9dc7a81-4e89-4f98-9312-d4de8586d061 (zone-a)
          metadata sync no sync (zone is master)
              data sync source: 2252abdd-1b0f-4094-90b3-b1bb2dab0079 (zone-b)
                                syncing
                                full sync: 0/128 shards
                                incremental sync: 128/128 shards
                                data is behind on 3 shards
                                behind shards: [12,40,77]
                                oldest incremental change not applied: 2026-11-21T13:50:02.000000+0000 [40]
                                2 shards are recovering
                                recovering shards: [12,40]
        """)
        #expect(status.isMetadataMaster)
        #expect(status.metadataBehindShards == 0)
        #expect(status.sources.count == 1)
        #expect(status.sources.first?.behindShards == 3)
        #expect(status.sources.first?.recoveringShards == 2)
        #expect(status.sources.first?.caughtUp == false)
        #expect(!status.isCaughtUp)
    }

    @Test func metadataBehind() {
        let status = RGWSyncStatus(parsing: """
                   zone 2252abdd (zone-b)
          metadata sync syncing
                        metadata is behind on 5 shards
              data sync source: c9dc7a81 (zone-a)
                                data is caught up with source
        """)
        #expect(status.metadataBehindShards == 5)
        #expect(status.sources.first?.caughtUp == true)
        #expect(!status.isCaughtUp)
    }
}
