// sync-benchmark: `tandem sync` and `tandem check` against Debian's rclone 1.60 with seed 002's flags, on the same
// local endpoints in the same run.
//
//   swift build -c release --product tandem && swift build -c release --product sync-benchmark
//   .build/release/sync-benchmark [SMALL_COUNT] [BIG_MIB] [LISTING_KEYS]
//       (defaults: 10000 objects of 4 KiB in 10 prefixes, one 1024 MiB object, a listing of 1000000 keys; 0 skips a part)
//
// For each pair of endpoints, radosgw -> radosgw (one endpoint: both tools copy inside the server) and moto -> radosgw
// (two endpoints: the bytes go through the tool):
//   full         SMALL_COUNT x 4 KiB into an empty bucket
//   incremental  the same again after 1 % of the objects were rewritten (same sizes, new contents)
//   large        one BIG_MIB MiB object
// then `tandem check` against `rclone check --fast-list` of two listings of LISTING_KEYS keys in one prefix, served by
// this program (GeneratedListing): the memory a listing merge needs.
//
// Each run: wall seconds, CPU seconds (user + system) and peak resident memory, then tandem / rclone. rclone runs with
// seed 002's flags (--transfers=32 --checkers=64 --s3-chunk-size=64M --fast-list --metadata), tandem with
// --transfers 32 --checkers 64. Every copy, rclone's too, is compared with its source afterwards (untimed).
import AWSClient
import Foundation
import TandemTesting

let arguments = CommandLine.arguments
let smallCount = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let bigMiB = arguments.count > 2 ? Int(arguments[2]) ?? 1024 : 1024
let listingKeys = arguments.count > 3 ? Int(arguments[3]) ?? 1_000_000 : 1_000_000
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let tandem = [root + "/.build/release/tandem", root + "/.build/debug/tandem"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? ""
guard !tandem.isEmpty else { fatalError("build tandem first: swift build -c release --product tandem") }
let rcloneFlags = ["--transfers=32", "--checkers=64", "--s3-chunk-size=64M", "--fast-list", "--metadata"]

/// Prints a line at once (stdout to a file is otherwise buffered until exit).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

say("starting radosgw and moto ...")
// Five 1 GiB objects and the small ones: more than the test clusters' 4 GiB memstore holds.
setenv("MEMSTORE_BYTES", String(8 << 30), 1)
let cluster = try await CephCluster.shared()
let moto = try await MotoServer.shared()
guard let rgwEndpoint = cluster.endpoint, let rgwKeys = cluster.adminCredentials else { fatalError("the Ceph cluster has no gateway") }
let rgw = S3Client(configuration: cluster.configuration(), transport: cluster.transport)
let motoS3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)

// A stack naming both stores, as a migration's would: `aws` is moto, `ceph` the radosgw.
let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-sync-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
defer { try? FileManager.default.removeItem(atPath: workspace) }
try "providers:\n  aws: {region: us-east-1, endpoint: \"\(moto.endpoint)\"}\n  ceph: {}\n".write(toFile: workspace + "/main.tandem.yaml", atomically: true, encoding: .utf8)
var tandemEnvironment = ProcessInfo.processInfo.environment.filter { entry in !["AWS_", "TANDEM_", "RGW_", "CEPH_"].contains { entry.key.hasPrefix($0) } }
tandemEnvironment["AWS_ACCESS_KEY_ID"] = "testing"
tandemEnvironment["AWS_SECRET_ACCESS_KEY"] = "testing"
tandemEnvironment["RGW_ENDPOINT"] = rgwEndpoint
tandemEnvironment["RGW_ACCESS_KEY_ID"] = rgwKeys.accessKeyID
tandemEnvironment["RGW_SECRET_ACCESS_KEY"] = rgwKeys.secretAccessKey
tandemEnvironment["CEPH_CONF"] = cluster.configPath
tandemEnvironment["NO_COLOR"] = "1"

guard let rclone = Rclone(remotes: [
    .init(name: "rgw", provider: "Ceph", endpoint: rgwEndpoint, accessKey: rgwKeys.accessKeyID, secretKey: rgwKeys.secretAccessKey),
    .init(name: "moto", provider: "Other", endpoint: moto.endpoint, accessKey: "testing", secretKey: "testing"),
]) else { fatalError("rclone is not installed: apt-get install rclone") }

/// `tandem ARGUMENTS` in the stack's directory, measured.
func runTandem(_ arguments: [String]) async throws -> MeasuredRun {
    try await MeasuredRun.of(tandem, [arguments[0], "--dir", workspace] + arguments.dropFirst(), environment: tandemEnvironment)
}

/// A table row: both tools on one workload.
struct Row {
    let workload: String
    let tandem: MeasuredRun
    let rclone: MeasuredRun
}
var rows: [Row] = []

/// Prints both runs and their ratios; a failed run stops the benchmark with its output.
@MainActor func compare(_ workload: String, tandem: MeasuredRun, rclone: MeasuredRun) {
    for (tool, run) in [("tandem", tandem), ("rclone", rclone)] where run.status != 0 {
        fatalError("\(tool) failed on \(workload) (exit \(run.status)):\n\(run.output.suffix(4000))")
    }
    rows.append(Row(workload: workload, tandem: tandem, rclone: rclone))
    say(String(format: "%-44@ tandem %7.2f s  cpu %7.2f s  peak %5d MiB | rclone %7.2f s  cpu %7.2f s  peak %5d MiB | time %.2fx  cpu %.2fx  memory %.2fx",
               workload as NSString, tandem.seconds, tandem.cpuSeconds, tandem.peakMiB, rclone.seconds, rclone.cpuSeconds, rclone.peakMiB,
               tandem.seconds / rclone.seconds, tandem.cpuSeconds / max(rclone.cpuSeconds, 0.001), Double(tandem.peakMiB) / Double(max(rclone.peakMiB, 1))))
}

/// The copy in `target` must hold what `source` holds (an untimed `tandem check`).
func verify(_ source: String, _ target: String) async throws {
    let check = try await runTandem(["check", "--combined", "/dev/null", source, target])
    guard check.status == 0 else { fatalError("\(target) does not match \(source):\n\(check.output.suffix(4000))") }
}

/// Writes `count` objects of 4 KiB, 32 at a time; `changed` rewrites every 100th with new contents of the same size.
func fill(_ s3: S3Client, bucket: String, count: Int, changed: Bool = false) async throws {
    let indexes = changed ? Array(stride(from: 0, to: count, by: 100)) : Array(0..<count)
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        func add() {
            let index = indexes[next]
            next += 1
            let body = Array(String(format: "%@%06d", changed ? "changed" : "object-", index).utf8) + [UInt8](repeating: 0x61, count: 4096 - 13)
            group.addTask { try await s3.putObject(bucket: bucket, key: String(format: "p%d/obj-%06d", index % 10, index), body: body, headers: []) }
        }
        while next < min(32, indexes.count) { add() }
        while try await group.next() != nil { if next < indexes.count { add() } }
    }
}

for (store, s3) in [("rgw", rgw), ("moto", motoS3)] {
    for bucket in ["small-src", "big-src"] { try await s3.createBucket(bucket, locationConstraint: nil) }
    for kind in ["small", "big"] {
        for tool in ["tandem", "rclone"] { try await rgw.createBucket("\(kind)-\(store)-\(tool)", locationConstraint: nil) }
    }
}
try await rgw.createBucket("warm", locationConstraint: nil)

if smallCount > 0 {
    say("writing \(smallCount) objects of 4 KiB to radosgw and to moto ...")
    try await fill(rgw, bucket: "small-src", count: smallCount)
    try await fill(motoS3, bucket: "small-src", count: smallCount)
    // radosgw's first copy of an object costs more than later ones: one untimed server-side copy of each first, so
    // the tool measured first does not pay for it.
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        func add() {
            let key = String(format: "p%d/obj-%06d", next % 10, next)
            next += 1
            group.addTask { try await rgw.copyObject(bucket: "warm", key: key, from: "small-src", key: key, ifMatch: nil, directive: .keepSource([])) }
        }
        while next < min(32, smallCount) { add() }
        while try await group.next() != nil { if next < smallCount { add() } }
    }
}
if bigMiB > 0 {
    say("writing one \(bigMiB) MiB object to radosgw and to moto ...")
    let big = [UInt8](repeating: 0x62, count: bigMiB << 20)
    try await rgw.putObject(bucket: "big-src", key: "big.bin", body: big, headers: [])
    try await motoS3.putObject(bucket: "big-src", key: "big.bin", body: big, headers: [])
    try await rgw.copyObject(bucket: "warm", key: "big.bin", from: "big-src", key: "big.bin", ifMatch: nil, directive: .keepSource([]))
}

for (store, provider, label) in [("rgw", "ceph", "radosgw -> radosgw"), ("moto", "aws", "moto -> radosgw")] {
    say("\n\(label):")
    if smallCount > 0 {
        let workload = "\(label): \(smallCount) x 4 KiB, full"
        let tandemRun = try await runTandem(["sync", "--transfers", "32", "--checkers", "64", "\(provider):small-src", "ceph:small-\(store)-tandem"])
        let rcloneRun = try await rclone.run(["sync", "\(store):small-src", "rgw:small-\(store)-rclone"] + rcloneFlags)
        compare(workload, tandem: tandemRun, rclone: rcloneRun)
        try await fill(store == "rgw" ? rgw : motoS3, bucket: "small-src", count: smallCount, changed: true)
        let tandemAgain = try await runTandem(["sync", "--phase", "incremental", "--transfers", "32", "--checkers", "64", "\(provider):small-src",
                                               "ceph:small-\(store)-tandem"])
        let rcloneAgain = try await rclone.run(["sync", "\(store):small-src", "rgw:small-\(store)-rclone"] + rcloneFlags)
        compare("\(label): incremental, 1 % changed", tandem: tandemAgain, rclone: rcloneAgain)
        for tool in ["tandem", "rclone"] { try await verify("\(provider):small-src", "ceph:small-\(store)-\(tool)") }
    }
    if bigMiB > 0 {
        let tandemRun = try await runTandem(["sync", "--transfers", "32", "--checkers", "64", "\(provider):big-src", "ceph:big-\(store)-tandem"])
        let rcloneRun = try await rclone.run(["sync", "\(store):big-src", "rgw:big-\(store)-rclone"] + rcloneFlags)
        compare("\(label): 1 x \(bigMiB) MiB", tandem: tandemRun, rclone: rcloneRun)
        for tool in ["tandem", "rclone"] { try await verify("\(provider):big-src", "ceph:big-\(store)-\(tool)") }
    }
}

if listingKeys > 0 {
    say("\nlisting merge: \(listingKeys) keys in one prefix on each side (generated by this program):")
    let (port, serving) = try await GeneratedListing(count: listingKeys).start()
    let endpoint = "http://127.0.0.1:\(port)"
    let tandemRun = try await MeasuredRun.of(tandem, ["check", "--combined", "/dev/null", "\(endpoint)/listing-a/k", "\(endpoint)/listing-b/k"],
                                             environment: tandemEnvironment)
    guard let generated = Rclone(remotes: [.init(name: "generated", provider: "Other", endpoint: endpoint, accessKey: "testing", secretKey: "testing")]) else {
        fatalError("rclone disappeared")
    }
    let rcloneRun = try await generated.run(["check", "generated:listing-a/k", "generated:listing-b/k", "--fast-list", "--checkers=64"])
    compare("check, \(listingKeys) keys in one prefix", tandem: tandemRun, rclone: rcloneRun)
    for (tool, run) in [("tandem", tandemRun), ("rclone", rcloneRun)] where !run.output.contains("\(listingKeys) matching files") {
        fatalError("\(tool) did not match all \(listingKeys) keys:\n\(run.output.suffix(2000))")
    }
    serving.cancel()
}

say("\n| workload | tandem wall / CPU / peak | rclone wall / CPU / peak | tandem / rclone: wall, CPU, memory |")
say("|---|---|---|---|")
for row in rows {
    say(String(format: "| %@ | %.2f s / %.2f s / %d MiB | %.2f s / %.2f s / %d MiB | %.2fx, %.2fx, %.2fx |", row.workload as NSString,
               row.tandem.seconds, row.tandem.cpuSeconds, row.tandem.peakMiB, row.rclone.seconds, row.rclone.cpuSeconds, row.rclone.peakMiB,
               row.tandem.seconds / row.rclone.seconds, row.tandem.cpuSeconds / max(row.rclone.cpuSeconds, 0.001),
               Double(row.tandem.peakMiB) / Double(max(row.rclone.peakMiB, 1))))
}
