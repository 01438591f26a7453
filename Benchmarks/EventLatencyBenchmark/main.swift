// event-latency-benchmark: how long from a write on the source until the replica can be read on the target, one
// 4 KiB object at a time, for the replicator's event sources beside Ceph multisite measured the same way:
//
//   swift build -c release --product tandem && swift build -c release --product event-latency-benchmark
//   .build/release/event-latency-benchmark [EVENTS] [WORKLOADS]
//       (default 200 events per workload; WORKLOADS a comma-separated subset of multisite,push,persistent,sqs)
//
// - Ceph multisite: PUT on zone-a, HEAD on zone-b until the object is there (`scripts/ceph-cluster multisite`: realm,
//   zonegroup, two zones with one gateway each, everything synced). Runs first, on a cluster of its own that is
//   stopped before the replicator is measured (its sync threads would share the two cores).
// - tandem, radosgw push (a non-persistent topic, delivered inside the PUT) and a persistent topic (delivered by the
//   gateway's queue): `tandem replicator run` (release build, a child process) copying between two buckets of one
//   radosgw with the bytes streamed through it (`server_side: false`, what a cross-cluster pipeline does).
// - tandem, SQS on moto: moto's S3 notifies its SQS queue, the replicator long-polls it. moto is served by waitress
//   (`scripts/moto-server --keep-alive`), which keeps connections open as AWS does; moto's own server closes each
//   after one response, and reconnecting was a quarter of the replicator's CPU.
// After the one-at-a-time runs, push and SQS are measured again with the same number of objects written at once (8
// writers, no pause): the CPU an event costs when events come together, as a backfill's objects do.
//
// Latency is measured from the start of the writer's PUT (a topic's delivery happens inside it) until a HEAD of the
// target answers 200, polled every millisecond; each write comes after a random pause of 0-100 ms, so writes do not
// fall in step with a poller's timer on the way (a persistent topic's queue is read every 100 ms when idle, and
// writes that each follow the last arrival would always wait nearly all of it). Before each workload, objects are written until one arrives (the
// first delivery of a new persistent topic is printed: the gateway finds new queues only periodically), then 5 more
// are left out as warm-up. CPU per event is the replicator process's user + system time over the measured events.
import AWSClient
import ChildProcess
import Foundation
import TandemTesting

let events = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200 : 200
let workloads = Set((CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "multisite,push,persistent,sqs").split(separator: ",").map(String.init))
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let tandem = [root + "/.build/release/tandem", root + "/.build/debug/tandem"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? ""
guard !tandem.isEmpty else { fatalError("build tandem first: swift build -c release --product tandem") }
let runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-latency-\(getpid())").path
try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
defer { try? FileManager.default.removeItem(atPath: runDirectory) }  // the replicator's configuration holds keys
let body = [UInt8](repeating: 0x61, count: 4096)
let transport = AWSTransport(requestTimeout: .seconds(30))

/// Prints a line at once (stdout to a file is otherwise buffered until exit).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// Latencies of one workload, in milliseconds, and the writer's PUTs.
struct Latencies {
    var samples: [Double] = []
    var puts: [Double] = []

    func percentile(_ fraction: Double, of values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    func line(_ label: String, cpuPerEvent: Double?) -> String {
        guard !samples.isEmpty else { return "\(label): no sample" }
        let cpu = cpuPerEvent.map { String(format: "  CPU %.2f ms/event", $0) } ?? ""
        return String(format: "%-44@ p50 %7.1f  p90 %7.1f  p99 %7.1f  max %7.1f ms  (PUT p50 %5.1f ms)", label as NSString,
                      percentile(0.5, of: samples), percentile(0.9, of: samples), percentile(0.99, of: samples), samples.max()!,
                      percentile(0.5, of: puts)) + cpu
    }
}

/// Writes `key` on the source and polls the target until it is there; nil when it does not arrive within `limit`.
func roundTrip(_ key: String, source: S3Client, sourceBucket: String, target: S3Client, targetBucket: String,
               limit: Duration = .seconds(60)) async throws -> (total: Duration, put: Duration)? {
    try await Task.sleep(for: .microseconds(Int.random(in: 0..<100_000)))
    let clock = ContinuousClock(), start = clock.now
    try await source.putObject(bucket: sourceBucket, key: key, body: body, headers: [])
    let put = clock.now - start
    while clock.now - start < limit {
        if try await target.headObject(bucket: targetBucket, key: key) != nil { return (clock.now - start, put) }
        try await Task.sleep(for: .milliseconds(1))
    }
    return nil
}

/// Writes objects until one arrives (printing how long the first took), 5 untimed ones, then `events` timed ones.
func measure(_ label: String, source: S3Client, sourceBucket: String, target: S3Client, targetBucket: String,
             cpu: () -> Double? = { nil }) async throws -> String {
    let clock = ContinuousClock(), start = clock.now
    var first = 0
    while try await roundTrip("warm/\(first)", source: source, sourceBucket: sourceBucket, target: target, targetBucket: targetBucket) == nil {
        first += 1
        guard clock.now - start < .seconds(300) else { return "\(label): nothing arrived within 300 s" }
    }
    let firstArrival = clock.now - start
    for index in 1...5 { _ = try await roundTrip("warm/\(first)-\(index)", source: source, sourceBucket: sourceBucket, target: target, targetBucket: targetBucket) }
    var latencies = Latencies()
    let cpuBefore = cpu()
    for index in 0..<events {
        guard let (total, put) = try await roundTrip(String(format: "obj/%06d", index), source: source, sourceBucket: sourceBucket, target: target, targetBucket: targetBucket) else {
            return "\(label): object \(index) did not arrive within 60 s"
        }
        latencies.samples.append(milliseconds(total))
        latencies.puts.append(milliseconds(put))
    }
    let cpuPerEvent = cpuBefore.flatMap { before in cpu().map { ($0 - before) * 1000 / Double(events) } }
    let firstNote = String(format: "    first object arrived %.1f s after the first write (%d written before it)", milliseconds(firstArrival) / 1000, first)
    return latencies.line(label, cpuPerEvent: cpuPerEvent) + "\n" + firstNote
}

/// Writes `events` objects at once (8 writers, no pause) and waits until all are on the target: the CPU an event costs
/// when events come together, as a backfill's objects do, rather than each waking an idle replicator.
func burst(_ label: String, source: S3Client, sourceBucket: String, target: S3Client, targetBucket: String,
           cpu: () -> Double?) async throws -> String {
    let clock = ContinuousClock(), start = clock.now
    let cpuBefore = cpu()
    let writers = 8
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                for index in stride(from: writer, to: events, by: writers) {
                    try await source.putObject(bucket: sourceBucket, key: String(format: "burst/%06d", index), body: body, headers: [])
                }
            }
        }
        try await group.waitForAll()
    }
    for index in 0..<events {
        let key = String(format: "burst/%06d", index)
        while try await target.headObject(bucket: targetBucket, key: key) == nil {
            guard clock.now - start < .seconds(120) else { return "\(label): \(key) did not arrive within 120 s" }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
    let seconds = milliseconds(clock.now - start) / 1000
    let cpuPerEvent = cpuBefore.flatMap { before in cpu().map { ($0 - before) * 1000 / Double(events) } }
    return String(format: "%-44@ %d objects written by %d writers, all replicated after %.2f s (%.0f events/s)", label as NSString, events, writers,
                  seconds, Double(events) / seconds) + (cpuPerEvent.map { String(format: "  CPU %.2f ms/event", $0) } ?? "")
}

/// User + system CPU seconds of a process so far (from /proc).
func cpuSeconds(of processID: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

var report: [String] = [], bursts: [String] = []

// Ceph multisite, on a cluster of its own.
if workloads.contains("multisite") {
    say("starting a two-zone Ceph cluster (scripts/ceph-cluster multisite) ...")
    let multisite = try await CephCluster.multisite("latency-multisite")
    let zoneA = S3Client(configuration: multisite.configuration(), transport: transport)
    let zoneB = S3Client(configuration: multisite.configuration(endpoint: multisite.secondZoneEndpoint), transport: transport)
    try await zoneA.createBucket("multisite-latency", locationConstraint: nil)
    say("measuring Ceph multisite ...")
    report.append(try await measure("Ceph multisite, zone-a -> zone-b", source: zoneA, sourceBucket: "multisite-latency", target: zoneB, targetBucket: "multisite-latency"))
    say(report.last!)
    try await multisite.stop()
}

// The replicator on one radosgw and on moto.
say("starting a Ceph cluster and moto ...")
let cluster = try await CephCluster.shared()
let moto = try await MotoServer.start(keepingConnections: true)
let rgw = S3Client(configuration: cluster.configuration(), transport: transport)
let sns = SNSClient(configuration: cluster.configuration(), transport: transport)
let motoS3 = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: transport)
let sqs = SQSClient(configuration: moto.configuration(region: "us-east-1"), transport: transport)
for bucket in ["push-source", "push-target", "persistent-source", "persistent-target"] { try await rgw.createBucket(bucket, locationConstraint: nil) }
for bucket in ["sqs-source", "sqs-target"] { try await motoS3.createBucket(bucket, locationConstraint: nil) }
let queueURL = try await sqs.createQueue(name: "latency-events", attributes: [:], tags: [:])

let port = CephCluster.freePort(), secret = "latency-push-secret-0123"
guard let keys = cluster.adminCredentials else { fatalError("the Ceph cluster has no admin user") }
func side(_ endpoint: String?, _ bucket: String, moto: Bool = false) -> [String: Any] {
    ["endpoint": endpoint ?? "", "region": "us-east-1", "bucket": bucket, "access_key": moto ? "testing" : keys.accessKeyID, "secret_key": moto ? "testing" : keys.secretAccessKey]
}
func pipeline(_ name: String, source: [String: Any], target: [String: Any], events: [String: Any]) -> [String: Any] {
    // No backfill or reconcile during the run: only events bring objects over.
    FileManager.default.createFile(atPath: runDirectory + "/state/backfill/\(name).done", contents: Data())
    return ["name": name, "source": source, "target": ["endpoint": target, "key_template": "{key}"], "events": events, "skip_principals": [String](),
            "concurrency": 16, "reconcile_interval": 0, "reconcile_quiet_period": 3600, "copy": ["server_side": false, "multipart_threshold": 16 << 20, "part_size": 8 << 20, "parts_in_flight": 4]]
}
try FileManager.default.createDirectory(atPath: runDirectory + "/state/backfill", withIntermediateDirectories: true)
let document: [String: Any] = ["listen": "127.0.0.1:\(port)", "state_directory": runDirectory + "/state", "pipelines": [
    pipeline("push", source: side(cluster.endpoint, "push-source"), target: side(cluster.endpoint, "push-target"), events: ["http": ["secret": secret]]),
    pipeline("persistent", source: side(cluster.endpoint, "persistent-source"), target: side(cluster.endpoint, "persistent-target"), events: ["http": ["secret": secret]]),
    pipeline("sqs", source: side(moto.endpoint, "sqs-source", moto: true), target: side(moto.endpoint, "sqs-target", moto: true), events: ["sqs": ["queue_url": queueURL, "visibility_timeout": 60]]),
]]
let configurationPath = runDirectory + "/replicator.json"
try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: configurationPath))
chmod(configurationPath, 0o600)
let replicator = try await ChildProcess.startDetached([tandem, "replicator", "run", "--config", configurationPath], environment: ProcessInfo.processInfo.environment,
                                                      log: runDirectory + "/replicator.log")
let started = ContinuousClock.now
while (try? await transport.sendUnsigned(method: "GET", url: "http://127.0.0.1:\(port)/readyz"))?.statusCode != 200 {
    guard ContinuousClock.now - started < .seconds(30) else {
        fatalError("the replicator is not ready after 30 s:\n" + ((try? String(contentsOfFile: runDirectory + "/replicator.log", encoding: .utf8)) ?? ""))
    }
    try await Task.sleep(for: .milliseconds(100))
}

for (name, persistent) in [("push", false), ("persistent", true)] {
    let arn = try await sns.createTopic(name: "latency-\(name)", attributes: ["push-endpoint": "http://127.0.0.1:\(port)/events/\(name)/\(secret)", "persistent": String(persistent)])
    try await rgw.putBucketNotification("\(name)-source", NotificationConfiguration(topics: [NotificationTarget(id: name, arn: arn, events: ["s3:ObjectCreated:*"])]))
}
try await motoS3.putBucketNotification("sqs-source", NotificationConfiguration(queues: [
    NotificationTarget(id: "sqs", arn: "arn:aws:sqs:us-east-1:123456789012:latency-events", events: ["s3:ObjectCreated:*"]),
]))

let cpu = { cpuSeconds(of: replicator) }
for (workload, label, source) in [("push", "tandem, radosgw push, streamed", rgw), ("persistent", "tandem, radosgw persistent topic, streamed", rgw),
                                  ("sqs", "tandem, SQS on moto, streamed", motoS3)] where workloads.contains(workload) {
    let (sourceBucket, target) = ("\(workload)-source", "\(workload)-target")
    say("measuring \(label) ...")
    report.append(try await measure(label, source: source, sourceBucket: sourceBucket, target: source, targetBucket: target, cpu: cpu))
    say(report.last!)
    // A persistent topic's queue is read every 100 ms: a burst would measure the gateway's pace, not the replicator.
    guard workload != "persistent" else { continue }
    bursts.append(try await burst(label, source: source, sourceBucket: sourceBucket, target: source, targetBucket: target, cpu: cpu))
    say(bursts.last!)
}
await ChildProcess.stop(replicator, commandLineContains: "replicator", grace: .seconds(10))
try await transport.shutdown()

say("\n\(events) objects of 4 KiB each, one at a time, from the start of the PUT until a HEAD of the target answers 200:")
for line in report { say(line) }
if !bursts.isEmpty {
    say("\nThe same replicator, \(events) objects written at once:")
    for line in bursts { say(line) }
}
