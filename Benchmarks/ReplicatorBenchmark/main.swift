// replicator-benchmark: the replicator's copy engine between two buckets of a local radosgw (memstore), against
// rclone sync on the same endpoints in the same run when rclone is installed.
//
//   swift build -c release --product tandem && swift build -c release --product replicator-benchmark
//   .build/release/replicator-benchmark [SMALL_COUNT] [BIG_MIB] [SCALE_EVENTS]
//       (defaults: 2000 objects of 4 KiB, one 1024 MiB object, 2000 events for the scale-out runs; 0 skips a part)
//
// It starts its own cluster with scripts/ceph-cluster (wiped at the end), runs `tandem replicator backfill`
// (the same copy path events use) as a child process, and reports wall time and the child's peak resident memory.
// Each workload runs twice per tool: moving the bytes through the tool (tandem `copy.server_side: false`, rclone
// `--disable copy`: what a cross-endpoint pipeline does), and copying inside the server (both tools' default when
// source and target are one endpoint).
//
// Scale-out: the same Kafka event stream (SCALE_EVENTS records of 4 KiB objects, librdkafka's mock cluster with 12
// partitions, in this process) replicated by 1, 2 and 4 `tandem replicator run` processes of one consumer group;
// events per second from the start of the processes (group join included) to the last object on the target.
import AWSClient
import ChildProcess
import Foundation
import KafkaClient
import TandemTesting

let arguments = CommandLine.arguments
let smallCount = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
let bigMiB = arguments.count > 2 ? Int(arguments[2]) ?? 1024 : 1024
let scaleEvents = arguments.count > 3 ? Int(arguments[3]) ?? 2000 : 2000
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let tandem = [root + "/.build/release/tandem", root + "/.build/debug/tandem"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? ""
guard !tandem.isEmpty else { fatalError("build tandem first: swift build -c release --product tandem") }

/// Prints a line at once (stdout to a file is otherwise buffered until exit).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(getpid())").path
say("starting a Ceph cluster under \(runDirectory) ...")
let up = try await MeasuredRun.of("/bin/bash", [root + "/scripts/ceph-cluster", "up", "--run-dir", runDirectory + "/cluster", "--watch-pid", String(getpid())])
guard up.status == 0 else { fatalError("scripts/ceph-cluster up failed:\n\(up.output)") }
defer {
    // `scripts/ceph-cluster down`; a `defer` cannot await, so this thread waits for a detached task (one that kept the
    // main actor would wait for this thread).
    let stopped = DispatchSemaphore(value: 0)
    Task.detached {
        _ = try? await MeasuredRun.of("/bin/bash", [root + "/scripts/ceph-cluster", "down", "--run-dir", runDirectory + "/cluster", "--wipe"])
        stopped.signal()
    }
    stopped.wait()
    try? FileManager.default.removeItem(atPath: runDirectory)  // the runtime configurations hold the admin keys
}
let settings = Dictionary(try String(contentsOfFile: runDirectory + "/cluster/admin.env", encoding: .utf8).split(separator: "\n").compactMap { line -> (String, String)? in
    guard let equals = line.firstIndex(of: "=") else { return nil }
    return (String(line[..<equals]), String(line[line.index(after: equals)...]))
}, uniquingKeysWith: { $1 })
let endpoint = settings["TANDEM_TEST_RGW_ENDPOINT"]!, accessKey = settings["CEPH_ADMIN_ACCESS_KEY"]!, secretKey = settings["CEPH_ADMIN_SECRET_KEY"]!
let transport = AWSTransport(requestTimeout: .seconds(600))
let s3 = S3Client(configuration: AWSClientConfiguration(region: "us-east-1", credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey),
                                                        endpointOverride: endpoint, environment: [:]), transport: transport)

func configuration(source: String, target: String, concurrency: Int, serverSide: Bool) throws -> String {
    let side: (String) -> [String: Any] = { ["endpoint": endpoint, "region": "us-east-1", "bucket": $0, "access_key": accessKey, "secret_key": secretKey] }
    let document: [String: Any] = [
        "listen": "127.0.0.1:0", "state_directory": runDirectory + "/state",
        "pipelines": [["name": "\(source)-to-\(target)", "source": side(source), "target": ["endpoint": side(target), "key_template": "{key}"],
                       "events": ["http": ["secret": "benchmark-push-secret-0123"]], "skip_principals": [String](), "concurrency": concurrency,
                       "copy": ["multipart_threshold": 16 << 20, "part_size": 8 << 20, "parts_in_flight": 4, "server_side": serverSide]]],
    ]
    let path = runDirectory + "/\(target).json"
    try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: path))
    chmod(path, 0o600)
    return path
}

let rclone = Rclone(remotes: [.init(name: "rgw", provider: "Ceph", endpoint: endpoint, accessKey: accessKey, secretKey: secretKey)])

func report(_ label: String, _ result: MeasuredRun, objects: Int, bytes: Int) {
    if result.status != 0 {
        say("\(label) FAILED (exit \(result.status)):\n\(result.output)")
        return
    }
    let mib = Double(bytes) / 1_048_576
    say(String(format: "%-36@ %8.2f s  %8.1f objects/s  %8.1f MiB/s  peak %5d MiB (anonymous %5d MiB)  CPU %6.2f s (%.2f ms/object)", label as NSString,
               result.seconds, Double(objects) / result.seconds, mib / result.seconds, result.peakMiB, result.peakAnonymousMiB, result.cpuSeconds,
               result.cpuSeconds * 1000 / Double(objects)))
}

for kind in ["small", "big"] {
    for suffix in ["", "-warm", "-tandem", "-tandem-ssc", "-rclone", "-rclone-ssc"] { try await s3.createBucket("bench-\(kind)\(suffix)", locationConstraint: nil) }
}
say("writing \(smallCount) objects of 4 KiB ...")
let small = [UInt8](repeating: 0x61, count: 4096)
try await withThrowingTaskGroup(of: Void.self) { group in
    var next = 0
    func add() { let key = String(format: "obj/%06d", next); next += 1; group.addTask { try await s3.putObject(bucket: "bench-small", key: key, body: small, headers: []) } }
    while next < min(32, smallCount) { add() }
    while try await group.next() != nil { if next < smallCount { add() } }
}
say("writing one \(bigMiB) MiB object ...")
try await s3.putObject(bucket: "bench-big", key: "big.bin", body: [UInt8](repeating: 0x62, count: bigMiB << 20), headers: [])

// The first copy of an object costs radosgw more than later ones (0.26 s against 0.12 s for the 1 GiB object): one
// untimed server-side copy of everything first, so the tool measured first is not the one that pays for it.
say("warming up (one untimed server-side copy of every object) ...")
try await withThrowingTaskGroup(of: Void.self) { group in
    var next = 0
    func add() {
        let key = String(format: "obj/%06d", next); next += 1
        group.addTask { try await s3.copyObject(bucket: "bench-small-warm", key: key, from: "bench-small", key: key, ifMatch: nil, directive: .keepSource([])) }
    }
    while next < min(32, smallCount) { add() }
    while try await group.next() != nil { if next < smallCount { add() } }
}
try await s3.copyObject(bucket: "bench-big-warm", key: "big.bin", from: "bench-big", key: "big.bin", ifMatch: nil, directive: .keepSource([]))

/// `tandem replicator backfill` of `source` into `target`; a run that did not copy all `objects` counts as failed.
func runTandem(_ source: String, _ target: String, objects: Int, concurrency: Int, serverSide: Bool) async throws -> MeasuredRun {
    var result = try await MeasuredRun.of(tandem, ["replicator", "backfill", "--config", try configuration(source: source, target: target, concurrency: concurrency, serverSide: serverSide)])
    if !result.output.contains(" \(objects) copied"), result.status == 0 { result.status = 1 }
    return result
}

say("\nbetween two buckets of one local radosgw (\(endpoint)); streamed = the bytes go through the tool:")
let smallBytes = smallCount * 4096, bigBytes = bigMiB << 20
report("tandem \(smallCount) x 4 KiB streamed", try await runTandem("bench-small", "bench-small-tandem", objects: smallCount, concurrency: 32, serverSide: false), objects: smallCount, bytes: smallBytes)
if let result = try await rclone?.run(["sync", "rgw:bench-small", "rgw:bench-small-rclone", "--transfers=32", "--checkers=64", "--fast-list", "--disable", "copy"]) {
    report("rclone \(smallCount) x 4 KiB streamed", result, objects: smallCount, bytes: smallBytes)
} else {
    say("rclone is not installed (apt-get install rclone): no comparison")
}
report("tandem \(smallCount) x 4 KiB server-side", try await runTandem("bench-small", "bench-small-tandem-ssc", objects: smallCount, concurrency: 32, serverSide: true), objects: smallCount, bytes: smallBytes)
if let result = try await rclone?.run(["sync", "rgw:bench-small", "rgw:bench-small-rclone-ssc", "--transfers=32", "--checkers=64", "--fast-list"]) {
    report("rclone \(smallCount) x 4 KiB server-side", result, objects: smallCount, bytes: smallBytes)
}
report("tandem 1 x \(bigMiB) MiB streamed", try await runTandem("bench-big", "bench-big-tandem", objects: 1, concurrency: 4, serverSide: false), objects: 1, bytes: bigBytes)
if let result = try await rclone?.run(["sync", "rgw:bench-big", "rgw:bench-big-rclone", "--disable", "copy"]) {
    report("rclone 1 x \(bigMiB) MiB streamed", result, objects: 1, bytes: bigBytes)
}
report("tandem 1 x \(bigMiB) MiB server-side", try await runTandem("bench-big", "bench-big-tandem-ssc", objects: 1, concurrency: 4, serverSide: true), objects: 1, bytes: bigBytes)
if let result = try await rclone?.run(["sync", "rgw:bench-big", "rgw:bench-big-rclone-ssc"]) {
    report("rclone 1 x \(bigMiB) MiB server-side", result, objects: 1, bytes: bigBytes)
}

/// What one replica did, from its `/metrics` (found through the address its log names) and its log: records received,
/// objects copied, records found already copied, rebalances it handed partitions over in, commits a rebalance refused.
func workShare(logDirectory: String) async -> String {
    let log = (try? String(contentsOfFile: logDirectory + "/replicator.log", encoding: .utf8)) ?? ""
    let handovers = log.components(separatedBy: "rebalance: handing over").count - 1
    let refused = log.components(separatedBy: "committing before a rebalance failed").count - 1
    guard let listening = log.range(of: "listening on 127.0.0.1:"),
          let port = Int(log[listening.upperBound...].prefix { $0.isNumber }),
          let page = try? await transport.sendUnsigned(method: "GET", url: "http://127.0.0.1:\(port)/metrics") else {
        return "no metrics (log: \(logDirectory)/replicator.log)"
    }
    let text = String(decoding: page.body, as: UTF8.self)
    func value(_ name: String, _ labels: String = "pipeline=\"scale\"") -> Int {
        let prefix = "tandem_replicator_\(name){\(labels)} "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }.map { Int($0) } ?? 0
    }
    return "received \(value("events_received_total")), copied \(value("objects_replicated_total")), "
        + "already current \(value("events_skipped_total", "pipeline=\"scale\",reason=\"already-current\"")), "
        + "rebalances handed over \(handovers), commits refused \(refused)"
}

/// R replicas of one Kafka pipeline on the same stream: seconds until all `scaleEvents` objects are on the target, and
/// seconds from the first object landing to the last (the rate once the group has formed).
func runReplicas(_ count: Int, brokers: String) async throws -> (total: Double, steady: Double)? {
    let target = "bench-scale-\(count)"
    try await s3.createBucket(target, locationConstraint: nil)
    let side: (String) -> [String: Any] = { ["endpoint": endpoint, "region": "us-east-1", "bucket": $0, "access_key": accessKey, "secret_key": secretKey] }
    var processes: [Int32] = []
    let start = ContinuousClock.now
    for replica in 0..<count {
        let directory = runDirectory + "/scale-\(count)-\(replica)"
        try FileManager.default.createDirectory(atPath: directory + "/state/backfill", withIntermediateDirectories: true)
        // Only the records bring objects over: no backfill, and a reconcile quiet period longer than the run.
        _ = FileManager.default.createFile(atPath: directory + "/state/backfill/scale.done", contents: Data())
        let document: [String: Any] = [
            "listen": "127.0.0.1:0", "state_directory": directory + "/state",
            "pipelines": [["name": "scale", "source": side("bench-scale"), "target": ["endpoint": side(target), "key_template": "{key}"],
                           "events": ["kafka": ["brokers": brokers, "topic": "bench-events", "group_id": "bench-\(count)", "dead_letter_topic": "bench-dead"]],
                           "skip_principals": [String](), "concurrency": 16, "reconcile_quiet_period": 3600]],
        ]
        let path = directory + "/replicator.json"
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        processes.append(try await ChildProcess.startDetached([tandem, "replicator", "run", "--config", path], environment: ProcessInfo.processInfo.environment,
                                                              log: directory + "/replicator.log"))
    }
    var copied = 0
    var first: ContinuousClock.Instant?
    while copied < scaleEvents, ContinuousClock.now - start < .seconds(600) {
        try await Task.sleep(for: .milliseconds(100))
        copied = try await s3.listObjectKeys(bucket: target).count
        if copied > 0, first == nil { first = ContinuousClock.now }
    }
    let end = ContinuousClock.now
    for replica in 0..<count { say("    replica \(replica + 1): " + (await workShare(logDirectory: runDirectory + "/scale-\(count)-\(replica)"))) }
    for process in processes { await ChildProcess.stop(process, commandLineContains: "replicator", grace: .seconds(30)) }
    guard copied == scaleEvents, let first else { return nil }
    let seconds = { (duration: Duration) in Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
    return (seconds(end - start), seconds(end - first))
}

if scaleEvents > 0 {
    say("\nscale-out: \(scaleEvents) Kafka records (12 partitions, mock cluster), each a 4 KiB object, by 1, 2 and 4 replicas of one group:")
    try await s3.createBucket("bench-scale", locationConstraint: nil)
    let kafka = try KafkaMockCluster(topics: ["bench-events": 12, "bench-dead": 1])
    let producer = try KafkaProducer(brokers: kafka.bootstrapServers, log: { _ in })
    for index in 0..<scaleEvents {
        let key = String(format: "scale/%06d", index)
        try await s3.putObject(bucket: "bench-scale", key: key, body: small, headers: [])
        let record = #"{"Records":[{"eventSource":"ceph:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"bench-scale"},"object":{"key":"\#(key)","size":4096}}}]}"#
        try producer.send(topic: "bench-events", key: Data(key.utf8), value: Data(record.utf8))
    }
    for replicas in [1, 2, 4] {
        if let (total, steady) = try await runReplicas(replicas, brokers: kafka.bootstrapServers) {
            say(String(format: "%d replica(s) %8.2f s  %8.1f events/s (objects/s) from the start, %8.1f once the first object landed",
                       replicas, total, Double(scaleEvents) / total, Double(scaleEvents) / steady))
        } else {
            say("\(replicas) replica(s) did not copy every object within 600 s (logs under \(runDirectory))")
        }
    }
}
try await transport.shutdown()
