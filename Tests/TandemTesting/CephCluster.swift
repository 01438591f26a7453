import AWSClient
import CephClient
import Foundation

/// A real Ceph cluster (1 monitor, 1 memstore OSD, no cephx) started through `scripts/ceph-cluster`, and wiped by
/// that script's watcher when the test process exits.
///
/// - `shared()`: one per process, with a radosgw in the default zone and an admin user: the S3/SNS endpoint for
///   resource tests.
/// - `bare(_:)`: a new cluster per call with no gateway and no realm, for tests that build multisite themselves and
///   start gateways afterwards (about 5 s to start).
/// - `multisite(_:)`: a new two-zone cluster as `scripts/ceph-cluster multisite` builds it (the benchmark's anchor).
///
/// Tests fail (never skip) with the script's output when Ceph cannot be installed or started.
public final class CephCluster: Sendable {
    /// The cluster's run directory (config, logs, pid files).
    public let runDirectory: String
    /// The S3 endpoint of the cluster's radosgw; nil without gateway.
    public let endpoint: String?
    /// The admin user's keys (users/buckets/metadata/usage/zone caps); nil without gateway.
    public let adminCredentials: AWSCredentials?
    /// zone-b's endpoint in a ``multisite()`` cluster (`endpoint` is zone-a's, the master); nil otherwise.
    public let secondZoneEndpoint: String?
    /// A transport for tests to share; it lives as long as the process (AsyncHTTPClient aborts when a client is
    /// released without being shut down, and clusters come and go).
    public var transport: AWSTransport { Self.sharedTransport }
    private static let sharedTransport = AWSTransport(requestTimeout: .seconds(60))

    private init(runDirectory: String, endpoint: String?, adminCredentials: AWSCredentials?, secondZoneEndpoint: String? = nil) {
        self.runDirectory = runDirectory
        self.endpoint = endpoint
        self.adminCredentials = adminCredentials
        self.secondZoneEndpoint = secondZoneEndpoint
    }

    private static let withGateway = Task<CephCluster, any Error> { try await start(label: "gateway", command: "up") }

    /// The process's cluster with a gateway, started on first use.
    public static func shared() async throws -> CephCluster {
        try await withGateway.value
    }

    /// A new cluster without gateway; `label` names its run directory.
    public static func bare(_ label: String) async throws -> CephCluster {
        try await start(label: label, command: "up", arguments: ["--no-gateway"])
    }

    /// A new cluster as `scripts/ceph-cluster multisite` sets it up: realm "tandem", zonegroup "zg1", master zone-a
    /// (``endpoint``) and zone-b (``secondZoneEndpoint``) syncing everything, the admin user in both.
    public static func multisite(_ label: String) async throws -> CephCluster {
        try await start(label: label, command: "multisite")
    }

    /// Stops the cluster's daemons and deletes its files now, rather than when the process exits.
    public func stop() async throws {
        // Beside the run directory, which the script deletes (a path through it would no longer resolve).
        try await Self.script(["down", "--run-dir", runDirectory, "--wipe"], log: URL(fileURLWithPath: runDirectory).deletingLastPathComponent().appendingPathComponent("down.stderr"))
    }

    /// The cluster's ceph.conf.
    public var configPath: String { runDirectory + "/ceph.conf" }

    /// radosgw-admin for this cluster, for setting things up or changing them by hand in tests.
    public var admin: RadosGWAdmin {
        RadosGWAdmin(clusterConfiguration: configPath, environment: ProcessInfo.processInfo.environment)
    }

    /// A client configuration for `endpoint` with the admin keys (any region: RGW does not check it).
    public func configuration(endpoint other: String? = nil, credentials: AWSCredentials? = nil) -> AWSClientConfiguration {
        AWSClientConfiguration(region: "us-east-1", credentials: credentials ?? adminCredentials ?? AWSCredentials(accessKeyID: "", secretAccessKey: ""),
                               endpointOverride: other ?? endpoint, environment: [:])
    }

    /// Starts one more radosgw on 127.0.0.1:`port` for `zone` (created beforehand) and waits until it answers.
    public func startGateway(name: String, port: Int, zone: String, zoneGroup: String, realm: String) async throws {
        try await Self.script(["gateway", name, "--run-dir", runDirectory, "--port", String(port), "--zone", zone,
                               "--zonegroup", zoneGroup, "--realm", realm], log: URL(fileURLWithPath: runDirectory + "/../gateway-\(name).stderr"))
    }

    /// A free TCP port on 127.0.0.1 (bound and released; the caller binds it soon after).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func start(label: String, command: String, arguments extra: [String] = []) async throws -> CephCluster {
        // Clusters of test processes that died without their watcher are stopped before their files go.
        let base = try await TestScript.runDirectory(prefix: "tandem-ceph-\(label)-") { stale in
            try? await script(["down", "--run-dir", stale.appendingPathComponent("cluster").path], log: stale.appendingPathComponent("down.stderr"))
        }
        let runDirectory = base.appendingPathComponent("cluster").path
        let arguments = [command, "--run-dir", runDirectory, "--watch-pid", String(ProcessInfo.processInfo.processIdentifier)] + extra
        try await script(arguments, log: base.appendingPathComponent("ceph-cluster.stderr"))
        guard !extra.contains("--no-gateway") else { return CephCluster(runDirectory: runDirectory, endpoint: nil, adminCredentials: nil) }
        let lines = try String(contentsOfFile: runDirectory + "/admin.env", encoding: .utf8).split(separator: "\n")
        let settings = Dictionary(lines.compactMap { line -> (String, String)? in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }, uniquingKeysWith: { $1 })
        guard let endpoint = settings["TANDEM_TEST_RGW_ENDPOINT"], let access = settings["CEPH_ADMIN_ACCESS_KEY"],
              let secret = settings["CEPH_ADMIN_SECRET_KEY"] else {
            throw TestScriptError("scripts/ceph-cluster up wrote no endpoint or admin keys to \(runDirectory)/admin.env")
        }
        return CephCluster(runDirectory: runDirectory, endpoint: endpoint,
                           adminCredentials: AWSCredentials(accessKeyID: access, secretAccessKey: secret), secondZoneEndpoint: settings["ZONE_B_ENDPOINT"])
    }

    private static func script(_ arguments: [String], log: URL) async throws {
        let script = TestScript.repositoryRoot.appendingPathComponent("scripts/ceph-cluster").path
        let (_, status) = try await TestScript.run("/bin/bash", arguments: [script] + arguments, stderr: log)
        guard status == 0 else {
            throw TestScriptError("scripts/ceph-cluster \(arguments.first ?? "") exited with status \(status):\n\(TestScript.tail(log))\n"
                                  + "Run scripts/ceph-cluster up by hand to see why (it installs ceph-mon ceph-osd radosgw ceph-common with apt-get).")
        }
    }
}
