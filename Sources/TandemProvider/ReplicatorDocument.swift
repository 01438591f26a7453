import Foundation
import TandemCore
import TandemReplicator

/// The runtime configuration file of a `tandem_replicator` (`ReplicatorConfiguration` JSON, one pipeline) made from
/// the resource's attributes, and the attributes read back from such a file: the two are inverse, so a replicator
/// whose file says what the configuration says plans no change.
enum ReplicatorDocument {
    /// The file's JSON for the resource attributes `value`; `stateDirectory` is where the runtime keeps its journals.
    static func json(for value: Value, stateDirectory: String) throws -> Data {
        let source = value["source"], target = value["target"], events = value["events"]
        func endpoint(_ side: Value, also extra: [String] = []) -> Value {
            let names = ["endpoint", "region", "bucket", "access_key", "secret_key", "ca_bundle"] + extra
            return .map(Dictionary(uniqueKeysWithValues: names.map { ($0, side[$0]) }).filter { !$0.value.isNull })
        }
        var eventSource: [String: Value] = [:]
        if !events["sqs"].isNull {
            eventSource["sqs"] = .map(["queue_url": events["sqs"]["queue_url"], "visibility_timeout": events["sqs"]["visibility_timeout"]])
        }
        if !events["kafka"].isNull { eventSource["kafka"] = events["kafka"] }
        if !events["http"].isNull {
            eventSource["http"] = .map(["secret": value["push_secret"], "max_journal_bytes": events["http"]["max_journal_bytes"],
                                        "max_dead_letter_bytes": events["http"]["max_dead_letter_bytes"]].filter { !$0.value.isNull })
        }
        let pipeline: Value = .map([
            "name": value["name"], "source": endpoint(source, also: ["prefix"]),
            "target": .map(["endpoint": endpoint(target), "key_template": target["key_template"], "object_acl": target["object_acl"]].filter { !$0.value.isNull }),
            "events": .map(eventSource), "skip_principals": value["skip_principals"],
            "concurrency": value["concurrency"], "max_attempts": value["max_attempts"], "copy": value["copy"], "retry": value["retry"],
            "reconcile_interval": value["reconcile_interval"],
        ].filter { !$0.value.isNull })
        let document: Value = .map(["listen": value["listen"], "state_directory": .string(stateDirectory), "pipelines": .list([pipeline])])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    /// The resource attributes a configuration file describes (`name` ... `copy`, `push_secret`; not runtime or state).
    static func attributes(of configuration: ReplicatorConfiguration) -> [String: Value] {
        guard let pipeline = configuration.pipelines.first else { return [:] }
        func endpoint(_ side: EndpointConfiguration) -> [String: Value] {
            ["endpoint": side.endpoint.map(Value.string) ?? .null, "region": .string(side.region), "bucket": .string(side.bucket),
             "access_key": .string(side.accessKey), "secret_key": .string(side.secretKey), "ca_bundle": side.caBundle.map(Value.string) ?? .null]
        }
        var target = endpoint(pipeline.target.endpoint)
        target["key_template"] = .string(pipeline.target.keyTemplate)
        target["object_acl"] = .string(pipeline.target.objectACL ?? "bucket-owner-full-control")
        let sqs: Value = pipeline.events.sqs.map {
            .map(["queue_url": .string($0.queueURL), "visibility_timeout": .number(Double($0.visibilityTimeout))])
        } ?? .null
        let kafka: Value = pipeline.events.kafka.map {
            .map(["brokers": .string($0.brokers), "topic": .string($0.topic), "group_id": .string($0.groupID),
                  "dead_letter_topic": .string($0.deadLetterTopic), "properties": .map(($0.properties ?? [:]).mapValues(Value.string))])
        } ?? .null
        return [
            "name": .string(pipeline.name), "listen": .string(configuration.listen),
            "source": .map(endpoint(pipeline.source).merging(["prefix": pipeline.source.prefix.map(Value.string) ?? .null]) { $1 }),
            "target": .map(target),
            "events": .map(["sqs": sqs, "kafka": kafka, "http": pipeline.events.http.map {
                .map(["max_journal_bytes": .number(Double($0.maxJournalBytes ?? PipelineConfiguration.defaultPushFileBytes)),
                      "max_dead_letter_bytes": .number(Double($0.maxDeadLetterBytes ?? PipelineConfiguration.defaultPushFileBytes))])
            } ?? .null]),
            "push_secret": pipeline.events.http.flatMap { $0.secret.isEmpty ? nil : .string($0.secret) } ?? .null,
            "skip_principals": .list(pipeline.skipPrincipals.map(Value.string)),
            "concurrency": .number(Double(pipeline.concurrency)), "max_attempts": pipeline.maxAttempts.map { .number(Double($0)) } ?? .null,
            "retry": pipeline.retry.map {
                .map(["initial_delay": .number($0.initialDelay), "max_delay": .number($0.maximumDelay), "max_elapsed": .number($0.maximumElapsed)])
            } ?? .null,
            "reconcile_interval": .number(Double(pipeline.reconcileInterval ?? PipelineConfiguration.defaultReconcileInterval)),
            "copy": pipeline.copy.map {
                .map(["multipart_threshold": .number(Double($0.multipartThreshold)), "part_size": .number(Double($0.partSize)),
                      "parts_in_flight": .number(Double($0.partsInFlight)), "server_side": .bool($0.serverSide ?? true)])
            } ?? .null,
        ]
    }
}
