import AWSClient
import Foundation
import Testing
import TandemTesting

/// The seed's RGW multisite topologies applied by the built binary to a real Ceph cluster (radosgw 16.2): each test
/// starts a cluster without gateway, applies the example (realm, zonegroup, zones, system user, period commits),
/// then starts one radosgw per zone the way an operator (or Rook) would, and checks that data really flows.
@Suite(.serialized) struct CephMultisiteEndToEndTests {
    /// Polls `condition` every 0.3 s until it holds or `seconds` pass; returns the seconds it took, nil on timeout.
    private func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if try await condition() { return Date().timeIntervalSince(start) }
            try await Task.sleep(for: .milliseconds(300))
        }
        return nil
    }

    private func keys(_ tandem: TandemBinary, user: String) throws -> AWSCredentials {
        AWSCredentials(accessKeyID: try #require(try tandem.stateAttribute(user, "access_key")),
                       secretAccessKey: try #require(try tandem.stateAttribute(user, "secret_key")))
    }

    /// Creates `bucket` through `s3`, retrying while the new zone's gateway still loads its period.
    private func createBucket(_ bucket: String, _ s3: S3Client) async throws {
        var lastError: (any Error)?
        let created = try await eventually(within: 30) {
            do {
                try await s3.createBucket(bucket, locationConstraint: nil)
                return true
            } catch {
                lastError = error
                return false
            }
        }
        #expect(created != nil, "bucket \(bucket) could not be created: \(String(describing: lastError))")
    }

    @Test func twoZonesFromOneClusterReplicateBothWays() async throws {
        let cluster = try await CephCluster.bare("multisite")
        var tandem = try TandemBinary.workspace(cluster, example: "ceph-multisite")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let (portA, portB) = (CephCluster.freePort(), CephCluster.freePort())
        tandem.environment["TANDEM_VAR_zone_a_endpoint"] = "http://127.0.0.1:\(portA)"
        tandem.environment["TANDEM_VAR_zone_b_endpoint"] = "http://127.0.0.1:\(portB)"

        let plan = try await tandem.run(["plan", "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("Resources: 5 created"))
        #expect(apply.stdout.contains("committing the period of realm rciis"))
        let secret = try #require(try tandem.stateAttribute("ceph_zone.a", "system_secret_key"))
        #expect(!apply.stdout.contains(secret) && !apply.stderr.contains(secret), "the system key is in no output")
        #expect(try tandem.stateAttribute("ceph_zone.b", "system_secret_key") == secret, "zone B took zone A's key by reference")

        let again = try await tandem.run(["plan", "--detailed-exitcode"])
        #expect(again.exitCode == 0, "a second plan shows no changes:\n\(again.stdout)\n\(again.stderr)")

        // A zone can be adopted (e.g. after a create whose period commit failed) by realm/zonegroup/name.
        #expect(try await tandem.run(["state", "rm", "ceph_zone.b"]).exitCode == 0)
        let badID = try await tandem.run(["import", "ceph_zone.b", "site-b"])
        #expect(badID.exitCode == 1 && badID.stderr.contains("is REALM/ZONEGROUP/NAME"), "\(badID.stderr)")
        let imported = try await tandem.run(["import", "ceph_zone.b", "rciis/rciis-sites/site-b"])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0, "the imported zone matches its configuration")

        try await cluster.startGateway(name: "site-a", port: portA, zone: "site-a", zoneGroup: "rciis-sites", realm: "rciis")
        try await cluster.startGateway(name: "site-b", port: portB, zone: "site-b", zoneGroup: "rciis-sites", realm: "rciis")
        let credentials = try keys(tandem, user: "ceph_user.test")
        let siteA = S3Client(configuration: cluster.configuration(endpoint: "http://127.0.0.1:\(portA)", credentials: credentials), transport: cluster.transport)
        let siteB = S3Client(configuration: cluster.configuration(endpoint: "http://127.0.0.1:\(portB)", credentials: credentials), transport: cluster.transport)
        try await createBucket("rciis-multisite", siteA)
        try await siteA.putObject(bucket: "rciis-multisite", key: "from-a/ünïcödé key.txt", body: Array("hello".utf8), contentType: "text/plain")
        let aToB = try await eventually(within: 30) { (try? await siteB.listObjectKeys(bucket: "rciis-multisite"))?.contains("from-a/ünïcödé key.txt") == true }
        #expect(aToB != nil, "an object written through zone A is visible through zone B")
        try await siteB.putObject(bucket: "rciis-multisite", key: "from-b.txt", body: Array("back".utf8), contentType: nil)
        let bToA = try await eventually(within: 30) { (try? await siteA.listObjectKeys(bucket: "rciis-multisite"))?.contains("from-b.txt") == true }
        #expect(bToA != nil, "and the reverse")
        print("multisite lag: A->B \(aToB ?? -1) s, B->A \(bToA ?? -1) s")

        // The sync status data source, read from a second configuration that only asks.
        let status = TandemBinary(directory: tandem.directory + "/status", environment: tandem.environment)
        try FileManager.default.createDirectory(atPath: status.directory, withIntermediateDirectories: true)
        try """
        providers:
          ceph: {}
        data:
          ceph_sync_status.b:
            zone: site-b
            realm: rciis
        outputs:
          caught_up:
            value: ${data.ceph_sync_status.b.caught_up}
          source:
            value: ${data.ceph_sync_status.b.data_sources[0].zone}
        """.write(toFile: status.directory + "/main.tandem.yaml", atomically: true, encoding: .utf8)
        let caughtUp = try await eventually(within: 60) {
            let read = try await status.run(["apply", "--auto-approve"])
            return read.exitCode == 0 && read.stdout.contains("caught_up = true")
        }
        #expect(caughtUp != nil, "sync status reports zone B caught up")
        #expect(try await status.run(["output", "source"]).stdout.contains("site-a"))

        // A hand change to zone B's endpoint is drift; apply puts it back (and commits the period only if it was committed).
        let changed = try await cluster.admin.run(["zone", "modify", "--rgw-realm=rciis", "--rgw-zonegroup=rciis-sites", "--rgw-zone=site-b",
                                                   "--endpoints=http://127.0.0.1:1"])
        #expect(!changed.isEmpty)
        let drift = try await tandem.run(["drift"])
        #expect(drift.exitCode == 2, "\(drift.stdout)\n\(drift.stderr)")
        #expect(drift.stdout.contains("ceph_zone.b was changed outside Tandem"))
        #expect(drift.stdout.contains(#"~ endpoints = ["http://127.0.0.1:\#(portB)"] -> ["http://127.0.0.1:1"]"#), "\(drift.stdout)")
        let repair = try await tandem.run(["apply", "--auto-approve"])
        #expect(repair.exitCode == 0 && repair.stdout.contains("1 updated"), "\(repair.stdout)\n\(repair.stderr)")
        #expect(try await tandem.run(["drift"]).exitCode == 0)

        // Tear down while the gateways run (radosgw-admin waits ~15 s for the watches of stopped gateways to time
        // out); the cluster itself is wiped when the test process exits.
        try await cluster.admin.run(["bucket", "rm", "--bucket=rciis-multisite", "--purge-objects", "--rgw-realm=rciis", "--rgw-zone=site-a"])
        let destroy = try await tandem.run(["destroy", "--auto-approve"])
        #expect(destroy.exitCode == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        #expect(destroy.stdout.contains("Destroy complete! Resources: 5 destroyed."))
        let realms = String(decoding: try await cluster.admin.run(["realm", "list"]), as: UTF8.self)
        #expect(!realms.contains("rciis"), "\(realms)")
    }

    @Test func veleroSyncPolicyFlowsOneWayOnly() async throws {
        let cluster = try await CephCluster.bare("velero")
        var tandem = try TandemBinary.workspace(cluster, example: "velero-rgw-multisite")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let (portA, portB) = (CephCluster.freePort(), CephCluster.freePort())
        tandem.environment["TANDEM_VAR_zone_a_endpoint"] = "http://127.0.0.1:\(portA)"
        tandem.environment["TANDEM_VAR_zone_b_endpoint"] = "http://127.0.0.1:\(portB)"

        // The sync policy waits for the master zone although it refers only to the zonegroup and zone names.
        let plan = try await tandem.run(["plan", "--json"])
        let changes = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])["resource_changes"] as? [[String: Any]]
        let group = changes?.first { $0["address"] as? String == "ceph_sync_group.velero" }
        let dependencies = group?["dependencies"] as? [String]
        #expect(dependencies?.contains("ceph_zone.a") == true, "\(plan.stdout)")

        let apply = try await tandem.run(["apply", "--auto-approve"])
        #expect(apply.exitCode == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("Resources: 8 created"))
        #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0, "a second plan shows no changes")
        let policy = String(decoding: try await cluster.admin.run(["period", "get", "--rgw-realm=velero"]), as: UTF8.self)
        #expect(policy.contains("velero-sync-group") && policy.contains("directional"), "the policy is committed to the period")

        try await cluster.startGateway(name: "zone-a", port: portA, zone: "zone-a", zoneGroup: "global", realm: "velero")
        try await cluster.startGateway(name: "zone-b", port: portB, zone: "zone-b", zoneGroup: "global", realm: "velero")
        let credentials = try keys(tandem, user: "ceph_user.velero")
        let zoneA = S3Client(configuration: cluster.configuration(endpoint: "http://127.0.0.1:\(portA)", credentials: credentials), transport: cluster.transport)
        let zoneB = S3Client(configuration: cluster.configuration(endpoint: "http://127.0.0.1:\(portB)", credentials: credentials), transport: cluster.transport)
        try await createBucket("velero-backups", zoneA)
        try await zoneA.putObject(bucket: "velero-backups", key: "backups/test-backup/velero-backup.json", body: Array("{}".utf8), contentType: nil)
        let aToB = try await eventually(within: 30) {
            (try? await zoneB.listObjectKeys(bucket: "velero-backups"))?.contains("backups/test-backup/velero-backup.json") == true
        }
        #expect(aToB != nil, "a backup written through zone A reaches zone B")
        try await zoneB.putObject(bucket: "velero-backups", key: "backups/from-passive", body: Array("x".utf8), contentType: nil)
        let bToA = try await eventually(within: 15) {
            (try? await zoneA.listObjectKeys(bucket: "velero-backups"))?.contains("backups/from-passive") == true
        }
        #expect(bToA == nil, "the directional flow never copies zone B's writes to zone A")

        // tandem drift --data compares the pipe's bucket on both zones: zone B's own write is extra there; a backup
        // deleted on zone B by hand is missing (the one-way flow does not bring it back).
        func data(_ run: TandemBinary.Run) throws -> [String: Any] {
            let results = (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["data"] as? [[String: Any]] ?? []
            return results.first { ($0["replication"] as? String)?.hasSuffix("bucket velero-backups") == true } ?? [:]
        }
        let extra = try await tandem.run(["drift", "--data", "--grace", "0s", "--json"])
        let extraResult = try data(extra)
        #expect(extra.exitCode == 2, "\(extra.stdout)\n\(extra.stderr)")
        #expect(extraResult["replication"] as? String == "pipe all-buckets zone-a -> zone-b bucket velero-backups", "\(extra.stdout)")
        let extraFindings = extraResult["findings"] as? [String: Any] ?? [:]
        #expect(extraFindings["checked"] as? Int == 1 && extraFindings["missing"] as? Int == 0 && extraFindings["extra_keys"] as? [String] == ["backups/from-passive"],
                "\(extra.stdout)\n\(extra.stderr)")
        try await zoneB.deleteObject(bucket: "velero-backups", key: "backups/test-backup/velero-backup.json")
        let missing = try await tandem.run(["drift", "--data", "--grace", "0s", "--json"])
        let missingFindings = try data(missing)["findings"] as? [String: Any] ?? [:]
        #expect(missingFindings["missing_keys"] as? [String] == ["backups/test-backup/velero-backup.json"], "\(missing.stdout)\n\(missing.stderr)")
    }

    @Test func secondClusterPullsTheRealmAndJoins() async throws {
        let (siteA, siteB) = (try await CephCluster.bare("site-a"), try await CephCluster.bare("site-b"))
        var tandem = try TandemBinary.workspace(siteA, example: "ceph-multisite-two-clusters")
        defer { try? FileManager.default.removeItem(atPath: tandem.directory) }
        let (portA, portB) = (CephCluster.freePort(), CephCluster.freePort())
        tandem.environment["TANDEM_VAR_zone_a_endpoint"] = "http://127.0.0.1:\(portA)"
        tandem.environment["TANDEM_VAR_zone_b_endpoint"] = "http://127.0.0.1:\(portB)"
        tandem.environment["TANDEM_VAR_site_a_config"] = siteA.configPath
        tandem.environment["TANDEM_VAR_site_b_config"] = siteB.configPath

        let first = try await tandem.run(["apply", "--auto-approve", "--target", "ceph_zone.a", "--target", "ceph_user.test"])
        #expect(first.exitCode == 0, "\(first.stdout)\n\(first.stderr)")
        try await siteA.startGateway(name: "site-a", port: portA, zone: "site-a", zoneGroup: "rciis-sites", realm: "rciis")
        let second = try await tandem.run(["apply", "--auto-approve"])
        #expect(second.exitCode == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(second.stdout.contains("pulling realm rciis from http://127.0.0.1:\(portA)"))
        let secret = try #require(try tandem.stateAttribute("ceph_zone.a", "system_secret_key"))
        #expect(!second.stdout.contains(secret) && !second.stderr.contains(secret))
        // The master zone's cluster knows zone B from the committed period.
        let period = String(decoding: try await siteA.admin.run(["period", "get", "--rgw-realm=rciis"]), as: UTF8.self)
        #expect(period.contains("site-b") && period.contains("http://127.0.0.1:\(portB)"), "cluster A's period lists zone B")
        #expect(try await tandem.run(["plan", "--detailed-exitcode"]).exitCode == 0, "a second plan shows no changes")

        try await siteB.startGateway(name: "site-b", port: portB, zone: "site-b", zoneGroup: "rciis-sites", realm: "rciis")
        let credentials = try keys(tandem, user: "ceph_user.test")
        let s3A = S3Client(configuration: siteA.configuration(endpoint: "http://127.0.0.1:\(portA)", credentials: credentials), transport: siteA.transport)
        let s3B = S3Client(configuration: siteB.configuration(endpoint: "http://127.0.0.1:\(portB)", credentials: credentials), transport: siteB.transport)
        try await createBucket("rciis-two-clusters", s3A)
        try await s3A.putObject(bucket: "rciis-two-clusters", key: "from-a.txt", body: Array("hello".utf8), contentType: nil)
        let aToB = try await eventually(within: 60) { (try? await s3B.listObjectKeys(bucket: "rciis-two-clusters"))?.contains("from-a.txt") == true }
        #expect(aToB != nil, "an object written on cluster A is served by cluster B")
        try await s3B.putObject(bucket: "rciis-two-clusters", key: "from-b.txt", body: Array("back".utf8), contentType: nil)
        let bToA = try await eventually(within: 60) { (try? await s3A.listObjectKeys(bucket: "rciis-two-clusters"))?.contains("from-b.txt") == true }
        #expect(bToA != nil, "and the reverse")
        print("two-cluster lag: A->B \(aToB ?? -1) s, B->A \(bToA ?? -1) s")
    }
}
