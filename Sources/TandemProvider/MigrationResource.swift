import AWSClient
import Foundation
import KubernetesClient
import TandemCore
import TandemEngine
import TandemReplicator
import TLSTrust

/// `tandem_migration`: seed 002's migration of a store (every bucket, or one bucket or directory) into another as part
/// of a reviewed plan. Apply runs the sync (``ObjectSync``) on this machine (runtime local) or as a Job on the provider
/// block's cluster (runtime kubernetes, ``KubernetesMigrationJob``) and waits for it; the state records the phase and
/// counts of the last run; `tandem drift --data` compares every migrated bucket again (what diverged since).
/// Create, and any change of its settings (the phase, or `run_id` to run the same phase again), runs it; a run that
/// fails (a copy, a missing bucket, a cutover that found differences or a source still changing) fails the apply
/// and is not recorded, so the next apply runs it again. Destroying forgets the record: the copied objects stay.
enum MigrationResource {
    static let typeName = "tandem_migration"

    /// Settings that run the sync again when they change.
    private static let inputs = ["name", "runtime", "kubernetes", "source", "target", "phase", "run_id", "transfers", "checkers",
                                 "bandwidth_limit", "versions", "delete", "create_buckets", "include", "exclude"]

    private static func side(_ role: String) -> AttributeSchema {
        AttributeSchema(.object([
            "endpoint": AttributeSchema(.string, .optional, description: "The S3 endpoint URL (AWS when unset)."),
            "region": AttributeSchema(.string, .optional, defaultValue: .string("us-east-1"), description: "The region to sign for."),
            "bucket": AttributeSchema(.string, .optional, description: "The bucket; unset on both sides: every bucket of the source, into buckets of the same names."),
            "prefix": AttributeSchema(.string, .optional, description: "A directory of the bucket (a key prefix ending in /)."),
            "access_key": AttributeSchema(.string, .required, description: "Access key id."),
            "secret_key": AttributeSchema(.string, .required, sensitive: true, description: "Secret key."),
            "ca_bundle": AttributeSchema(.string, .optional, description: "PEM file of CAs trusted besides the system's."),
        ]), .required, description: role)
    }

    static let schema = ResourceSchema(attributes: [
        "name": AttributeSchema(.string, .optional, forcesReplacement: true,
                                description: "runtime kubernetes (required): names the Job (tandem-migration-NAME) and its Secret."),
        "runtime": AttributeSchema(.string, .optional, defaultValue: .string("local"), allowedValues: ["local", "kubernetes"],
                                   description: "local: apply runs the sync itself; kubernetes: apply runs it as a Job on the tandem provider block's cluster and waits."),
        "kubernetes": AttributeSchema(.object([
            "image": AttributeSchema(.string, .required, description: "The image with the tandem binary (see the Containerfile)."),
            "namespace": AttributeSchema(.string, .optionalComputed, description: "Where the Job runs; the provider block's namespace, else the context's."),
            "memory": AttributeSchema(.string, .optional, defaultValue: .string("1Gi"),
                                      description: "Memory requested and limit: about 50 MiB, plus up to 40 MiB per transfer copying a large object (5 parts of 8 MiB)."),
            "timeout": AttributeSchema(.number, .optional, defaultValue: .number(86_400), description: "Seconds apply waits for the Job."),
        ]), .optional, description: "runtime kubernetes: the Job's image, namespace, memory and how long to wait."),
        "source": side("Where objects come from (read and list)."),
        "target": side("Where they go."),
        "phase": AttributeSchema(.string, .optional, defaultValue: .string("full"), allowedValues: ObjectSync.Phase.allCases.map(\.rawValue),
                                 description: "full or incremental (the same listing merge: only what differs is copied), or cutover (writes stopped: "
                                    + "refuses while the source still changes, then verifies every object by checksum)."),
        "run_id": AttributeSchema(.string, .optional, description: "Any value; changing it runs the sync again (a repeated incremental phase)."),
        "transfers": AttributeSchema(.number, .optional, defaultValue: .number(16), description: "Objects copied at once."),
        "checkers": AttributeSchema(.number, .optional, defaultValue: .number(8), description: "Objects read and hashed at once while a cutover verifies."),
        "bandwidth_limit": AttributeSchema(.number, .optional, description: "Bytes per second streamed copies write at most, all together (no limit when unset)."),
        "versions": AttributeSchema(.bool, .optional, defaultValue: .bool(false),
                                    description: "Copy every version and delete marker, oldest first (both sides' buckets versioned)."),
        "delete": AttributeSchema(.bool, .optional, defaultValue: .bool(false),
                                  description: "Delete target objects the source lacks (never after a failed copy, never when the source lists nothing)."),
        "create_buckets": AttributeSchema(.bool, .optional, defaultValue: .bool(false),
                                          description: "Whole store: create a bucket the target lacks, with the source's versioning, tags and policy."),
        "include": AttributeSchema(.list(.string), .optional, defaultValue: .list([]), description: "Whole store: only buckets matching these shell patterns."),
        "exclude": AttributeSchema(.list(.string), .optional, defaultValue: .list([]), description: "Whole store: not the buckets matching these shell patterns."),
        "last_run": lastRun,
    ], description: "A sync of one object store (or bucket, or directory) into another, run by apply: seed 002's full, incremental and cutover phases")

    private static var lastRun: AttributeSchema {
        var attribute = AttributeSchema(.object([
            "phase": AttributeSchema(.string, .computed, description: "The phase run."),
            "started_at": AttributeSchema(.string, .computed, description: "When it started (RFC 3339)."),
            "finished_at": AttributeSchema(.string, .computed, description: "When it finished."),
            "buckets": AttributeSchema(.number, .computed, description: "Bucket pairs synced."),
            "examined": AttributeSchema(.number, .computed, description: "Source objects listed."),
            "copied": AttributeSchema(.number, .computed, description: "Objects written to the target."),
            "bytes": AttributeSchema(.number, .computed, description: "Bytes written."),
            "already_current": AttributeSchema(.number, .computed, description: "Objects the target already held."),
            "deleted": AttributeSchema(.number, .computed, description: "Target objects deleted (delete: true)."),
            "verified": AttributeSchema(.number, .computed, description: "Objects a cutover compared by checksum."),
        ]), .computed, description: "What the last successful run did.")
        attribute.recomputedOnChangeOf = Set(inputs)
        return attribute
    }

    /// Rules checked while planning: a bucket on both sides or neither, whole-store settings only for a whole store,
    /// positive counts, CA bundles that can be read.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var errors: [ProviderError] = []
        let source = configuration["source"], target = configuration["target"]
        if source["bucket"] != .unknown, target["bucket"] != .unknown, source["bucket"].isNull != target["bucket"].isNull {
            errors.append(ProviderError("name a bucket on both sides, or on neither (no bucket: every bucket of the source)",
                                        attributePath: source["bucket"].isNull ? "source.bucket" : "target.bucket"))
        }
        for role in ["source", "target"] where configuration[role]["bucket"].isNull && !configuration[role]["prefix"].isNull {
            errors.append(ProviderError("a prefix needs a bucket", attributePath: "\(role).prefix"))
        }
        if !source["bucket"].isNull {
            for path in ["include", "exclude"] where !(configuration[path].listValue ?? []).isEmpty {
                errors.append(ProviderError("\(path) chooses buckets of a whole-store migration: leave it unset with a bucket", attributePath: path))
            }
            if configuration["create_buckets"].boolValue == true {
                errors.append(ProviderError("create_buckets applies to a whole-store migration (no bucket on either side)", attributePath: "create_buckets"))
            }
        }
        for path in ["transfers", "checkers", "bandwidth_limit"] {
            if let number = configuration[path].numberValue, number != number.rounded() || number < 1 {
                errors.append(ProviderError("\(path) must be a whole number of at least 1, not \(Value.format(number: number))", attributePath: path))
            }
        }
        let kubernetes = configuration["runtime"].stringValue == "kubernetes"
        if kubernetes, configuration["kubernetes"].isNull {
            errors.append(ProviderError("runtime kubernetes needs a kubernetes block with at least the image", attributePath: "runtime"))
        }
        if kubernetes, configuration["name"].isNull {
            errors.append(ProviderError("runtime kubernetes needs a name (it names the Job)", attributePath: "runtime"))
        }
        if !kubernetes, !configuration["kubernetes"].isNull {
            errors.append(ProviderError("the kubernetes block applies to runtime kubernetes only", attributePath: "kubernetes"))
        }
        if let name = configuration["name"].stringValue, KubernetesMigrationJob.objectName(name).count + "-config".count > 63 {
            errors.append(ProviderError("name may have at most \(63 - "tandem-migration--config".count) characters (it names the Job)", attributePath: "name"))
        }
        for role in ["source", "target"] {
            guard let bundle = configuration[role]["ca_bundle"].stringValue else { continue }
            if kubernetes {
                errors.append(ProviderError("ca_bundle is a file on this machine: with runtime kubernetes, trust the CA in the image (AWS_CA_BUNDLE) instead",
                                            attributePath: "\(role).ca_bundle"))
                continue
            }
            do { _ = try TLSTrust.resolve(caBundle: bundle, environment: [:]) } catch { errors.append(ProviderError("\(error)", attributePath: "\(role).ca_bundle")) }
        }
        return errors
    }

    /// What a reviewer should know before apply runs it.
    static func notes(action: ChangeAction, after: Value) -> [String] {
        switch action {
        case .create, .update, .replace:
            let phase = after["phase"].stringValue ?? "full"
            let deleting = after["delete"].boolValue == true ? "; target objects the source lacks are deleted" : ""
            return ["Apply runs the \(phase) sync from \(describe(after["source"])) to \(describe(after["target"])) and waits for it\(deleting)."]
        case .delete:
            return ["Only the record is forgotten: the copied objects stay on the target."]
        default:
            return []
        }
    }

    private static func describe(_ side: Value) -> String {
        let store = side["endpoint"].stringValue ?? "AWS"
        guard let bucket = side["bucket"].stringValue else { return "every bucket of \(store)" }
        return "\(bucket)\(side["prefix"].stringValue.map { "/" + $0 } ?? "") at \(store)"
    }

    /// Runs the sync `planned` describes and returns it with `last_run`; throws when anything failed.
    static func run(_ planned: Value, progress: ProgressReporter, cluster: @Sendable () throws -> KubernetesClient) async throws -> Value {
        let sync = try self.sync(planned)
        let phase = planned["phase"].stringValue ?? "full"
        let started = Date()
        var attributes = planned.mapValue ?? [:]
        let outcome: ObjectSync.Outcome
        do {
            if planned["runtime"].stringValue == "kubernetes" {
                let job = try self.job(planned, cluster: cluster)
                var block = planned["kubernetes"].mapValue ?? [:]
                block["namespace"] = .string(job.namespace)
                attributes["kubernetes"] = .map(block)
                outcome = try await job.run(document: try sync.document.json(), progress: progress)
            } else {
                outcome = try await sync.run(MigrationProgress(progress).tell)
            }
        } catch let refusal as SyncRefusal {
            throw ProviderError(refusal.description, attributePath: "phase")
        } catch let error as ProviderError {
            throw error
        } catch {
            throw ProviderError("the \(phase) sync stopped: \(error)")
        }
        if outcome.status != 0 {
            var reasons: [String] = []
            if outcome.failed > 0 { reasons.append("\(outcome.failed) copies failed") }
            if outcome.missingBuckets > 0 { reasons.append("\(outcome.missingBuckets) target buckets are missing (create_buckets makes them)") }
            if outcome.differences > 0 { reasons.append("the cutover found \(outcome.differences) objects differing after the copy") }
            throw ProviderError("the \(phase) sync did not complete: \(reasons.joined(separator: ", ")) (\(outcome.copied) objects copied); "
                                + "apply again to run it again", attributePath: "phase")
        }
        attributes["last_run"] = .map([
            "phase": .string(phase), "started_at": .string(started.rfc3339), "finished_at": .string(Date().rfc3339),
            "buckets": .number(Double(outcome.buckets)), "examined": .number(Double(outcome.examined)), "copied": .number(Double(outcome.copied)),
            "bytes": .number(Double(outcome.bytes)), "already_current": .number(Double(outcome.alreadyCurrent)),
            "deleted": .number(Double(outcome.deleted)), "verified": .number(Double(outcome.verified)),
        ])
        return .map(attributes)
    }

    /// The Job of a migration with runtime kubernetes.
    private static func job(_ value: Value, cluster: @Sendable () throws -> KubernetesClient) throws -> KubernetesMigrationJob {
        let client: KubernetesClient
        do { client = try cluster() } catch { throw ProviderError("runtime kubernetes: \(error)", attributePath: "runtime") }
        let block = value["kubernetes"]
        return KubernetesMigrationJob(client: client, namespace: block["namespace"].stringValue ?? client.defaultNamespace,
                                      name: KubernetesMigrationJob.objectName(value["name"].stringValue ?? ""), image: block["image"].stringValue ?? "",
                                      memory: block["memory"].stringValue ?? "1Gi", timeout: .seconds(Int64(block["timeout"].numberValue ?? 86_400)))
    }

    /// Destroy: a Job and its Secret go (runtime kubernetes); the copied objects stay.
    static func delete(_ prior: Value, cluster: @Sendable () throws -> KubernetesClient) async throws {
        guard prior["runtime"].stringValue == "kubernetes" else { return }
        try await job(prior, cluster: cluster).remove()
    }

    /// Every bucket pair the migration keeps in step, for `tandem drift --data`.
    static func dataReplications(_ value: Value, transport: AWSTransport) async throws -> [DataReplication] {
        let buckets: [String]
        if let bucket = value["source"]["bucket"].stringValue {
            buckets = [bucket]
        } else {
            buckets = try await sync(value).chosenBuckets(transport: transport)
        }
        func location(_ side: Value, bucket: String) -> ObjectLocation {
            ObjectLocation(endpoint: side["endpoint"].stringValue, region: side["region"].stringValue ?? "us-east-1", bucket: side["bucket"].stringValue ?? bucket,
                           prefix: side["prefix"].stringValue ?? "", accessKey: side["access_key"].stringValue, secretKey: side["secret_key"].stringValue,
                           caBundle: side["ca_bundle"].stringValue)
        }
        return buckets.map { bucket in
            DataReplication(name: "migration \(bucket)", source: location(value["source"], bucket: bucket), target: location(value["target"], bucket: bucket))
        }
    }

    private static func sync(_ value: Value) throws -> ObjectSync {
        func endpoint(_ side: Value) throws -> EndpointConfiguration {
            var prefix = side["prefix"].stringValue ?? ""
            if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
            do {
                return try EndpointConfiguration(endpoint: side["endpoint"].stringValue, region: side["region"].stringValue ?? "us-east-1",
                                                 accessKey: side["access_key"].stringValue ?? "", secretKey: side["secret_key"].stringValue ?? "",
                                                 bucket: side["bucket"].stringValue ?? "", prefix: prefix.isEmpty ? nil : prefix,
                                                 caBundle: side["ca_bundle"].stringValue).loadingTrust(environment: ProcessInfo.processInfo.environment)
            } catch {
                throw ProviderError("\(error)")
            }
        }
        let options = ObjectSync.Options(
            phase: ObjectSync.Phase(rawValue: value["phase"].stringValue ?? "full") ?? .full,
            transfers: Int(value["transfers"].numberValue ?? 16), checkers: Int(value["checkers"].numberValue ?? 8),
            delete: value["delete"].boolValue ?? false, include: (value["include"].listValue ?? []).compactMap(\.stringValue),
            exclude: (value["exclude"].listValue ?? []).compactMap(\.stringValue), createBuckets: value["create_buckets"].boolValue ?? false,
            bytesPerSecond: value["bandwidth_limit"].numberValue.map { Int($0) }, versions: value["versions"].boolValue ?? false)
        return ObjectSync(source: try endpoint(value["source"]), target: try endpoint(value["target"]), options: options)
    }
}

/// A migration's progress as apply shows it: each bucket's start and end, failed copies, and the counts every 10 s.
private final class MigrationProgress: @unchecked Sendable {
    private let progress: ProgressReporter
    private let lock = NSLock()
    private var lastShown = ContinuousClock.now
    private var total = 0

    init(_ progress: ProgressReporter) {
        self.progress = progress
    }

    @Sendable func tell(_ event: ObjectSync.Event) {
        switch event {
        case .buckets(let names): progress("\(names.count) buckets: \(names.joined(separator: ", "))")
        case .createdBucket(let bucket, _, _): progress("\(bucket): created on the target like the source's")
        case .missingBucket(let bucket): progress("\(bucket): the target has no such bucket (create_buckets makes it)")
        case .started(let source, let target, let objects, let bytes):
            lock.withLock { total = objects }
            progress("\(source) -> \(target): \(objects) objects, \(bytes) bytes on the source")
        case .progress(let summary):
            let due = lock.withLock { () -> Bool in
                guard ContinuousClock.now - lastShown >= .seconds(10) else { return false }
                lastShown = .now
                return true
            }
            if due { progress("\(summary.examined) of \(lock.withLock { total }) objects examined, \(summary.copied) copied, \(summary.failed) failed") }
        case .copied(let source, _, let summary):
            progress("\(source): \(summary.examined) examined, \(summary.copied) copied (\(summary.bytes) bytes), \(summary.alreadyCurrent) already there, "
                     + "\(summary.failed) failed")
        case .verdict(let verdict, let key) where verdict != .identical && verdict != .sizeOnly: progress("cutover: \(key) \(verdict)")
        case .verdict: break
        case .deleted(let count): progress("deleted \(count) target objects the source lacks")
        case .notice(let text): progress(text)
        }
    }
}
