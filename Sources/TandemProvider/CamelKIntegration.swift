import Foundation
import TandemCore
import TandemReplicator

/// The Camel K Integration a `tandem_replicator` with `runtime: camel-k` becomes: seed 000's routes (an `aws2-sqs` or
/// `kafka` consumer, `aws2-s3` getObject on the source, putObject or deleteObject on the target) made from the
/// pipeline, with the seed's defects fixed:
/// - the loop check compares `userIdentity.principalId` with the pipeline's `skip_principals` (the IAM user's unique
///   id `AIDA…` as AWS writes it, `AWS:AIDA…`, `AWS:AROA…:session` for a role, an RGW uid with or without its
///   tenant), not with a user name that never appears there;
/// - keys of AWS events are URL-decoded (`+` is a space), keys of RGW events are used as sent;
/// - the target is the configured replica bucket and key template, not a bucket named like the source;
/// - objects stream from getObject into putObject with their length (the SDK reads no body whole), and objects above
///   5 GiB, which one PUT cannot carry and Camel's multipart upload only takes from a file, fail to the dead letter
///   instead of filling the pod's memory;
/// - Kafka offsets are committed after the record was handled (not auto-committed on poll), a failing record is
///   retried on the pipeline's schedule and then sent to its dead-letter topic; SQS messages are deleted only after
///   success, their visibility extended during long copies, and redelivered by the queue (its redrive policy is the
///   dead letter);
/// - records of another bucket or outside the prefix are skipped, and an object deleted before it was read is
///   skipped instead of failing forever.
/// Secrets are not in the Integration: it reads them from the replicator's Secret by `{{secret:NAME/KEY}}`.
struct CamelKIntegration {
    let pipeline: PipelineConfiguration
    let settings: KubernetesReplicatorSettings
    /// The objects' base name (``KubernetesReplicatorManifests/objectName(pipeline:)``).
    let name: String
    /// Whether the Integration runs (`replicas` pods) or is scaled to none.
    let running: Bool

    /// The annotation binding an Integration to one operator.
    static let operatorAnnotation = "camel.apache.org/operator.id"
    /// The largest object one PUT carries.
    static let largestSinglePut = 5 * 1024 * 1024 * 1024

    private var secretName: String { name + "-config" }

    /// The Secret keys the Integration reads: the endpoints' keys and the Kafka properties.
    var secretKeys: [String: String] {
        var keys = ["source-access-key": pipeline.source.accessKey, "source-secret-key": pipeline.source.secretKey,
                    "target-access-key": pipeline.target.endpoint.accessKey, "target-secret-key": pipeline.target.endpoint.secretKey]
        for (property, value) in pipeline.events.kafka?.properties ?? [:] { keys["kafka." + property] = value }
        return keys
    }

    private func secret(_ key: String) -> String { "{{secret:\(secretName)/\(key)}}" }

    /// The Integration, its configuration hash and settings recorded as annotations.
    func integration(objects: KubernetesReplicatorManifests, configurationHash: String) throws -> Value {
        let metadata = objects.metadata(name, annotations: [
            Self.operatorAnnotation: settings.operatorID ?? "camel-k",
            KubernetesReplicatorManifests.hashAnnotation: configurationHash,
            KubernetesReplicatorManifests.settingsAnnotation: try settings.value.canonicalJSON(),
        ])
        return .map(["apiVersion": .string("camel.apache.org/v1"), "kind": .string("Integration"), "metadata": metadata, "spec": spec])
    }

    /// What the Integration's `spec` holds; compared with the live one to find edits made around Tandem.
    var spec: Value {
        .map([
            "replicas": .number(Double(running ? settings.replicas : 0)),
            "dependencies": .list(dependencies.map(Value.string)),
            "traits": traits,
            "flows": .list(flows),
        ])
    }

    private var dependencies: [String] {
        [pipeline.events.kafka == nil ? "camel:aws2-sqs" : "camel:kafka", "camel:aws2-s3", "camel:jackson", "camel:jsonpath", "camel:bean",
         "camel:log", "camel:direct"]
    }

    private var traits: Value {
        .map([
            "mount": .map(["configs": .list([.string("secret:" + secretName)])]),
            "container": .map(["requestCPU": .string(settings.cpu), "requestMemory": .string(settings.memory), "limitMemory": .string(settings.memory),
                               "runAsNonRoot": .bool(true), "allowPrivilegeEscalation": .bool(false)]),
            "health": .map(["enabled": .bool(true), "livenessProbeEnabled": .bool(true), "readinessProbeEnabled": .bool(true)]),
            "prometheus": .map(["enabled": .bool(settings.monitor), "podMonitor": .bool(settings.monitor)]),
        ])
    }

    // MARK: Routes

    private static func step(_ name: String, _ body: [String: Value]) -> Value { .map([name: .map(body)]) }

    private static func setHeader(_ header: String, simple: String) -> Value { step("setHeader", ["name": .string(header), "simple": .string(simple)]) }

    private static func setHeader(_ header: String, jsonpath: String) -> Value {
        step("setHeader", ["name": .string(header), "jsonpath": .map(["expression": .string(jsonpath), "suppressExceptions": .bool(true),
                                                                      "resultType": .string("java.lang.String")])])
    }

    private static func log(_ message: String, level: String = "INFO") -> Value {
        step("log", ["message": .string(message), "loggingLevel": .string(level)])
    }

    private static func when(_ predicate: String, _ steps: [Value]) -> Value { .map(["simple": .string(predicate), "steps": .list(steps)]) }

    private static func choice(_ whens: [Value], otherwise: [Value]? = nil) -> Value {
        var body: [String: Value] = ["when": .list(whens)]
        if let otherwise { body["otherwise"] = .map(["steps": .list(otherwise)]) }
        return step("choice", body)
    }

    private static func quoted(_ text: String) -> String { "'\(text)'" }

    /// True for an event of the replicator's own identities, in every form the principal takes in events.
    var loopPredicate: String? {
        guard !pipeline.skipPrincipals.isEmpty else { return nil }
        let header = "${header.PrincipalId}"
        return pipeline.skipPrincipals.flatMap { principal -> [String] in
            if principal.hasPrefix("AROA") { return ["\(header) startsWith 'AWS:\(principal):'", "\(header) startsWith '\(principal):'"] }
            return ["\(header) == \(Self.quoted(principal))", "\(header) == 'AWS:\(principal)'", "\(header) endsWith '$\(principal)'"]
        }.joined(separator: " || ")
    }

    /// The route's own records: the configured bucket, under the prefix.
    private var ownRecord: String {
        var predicate = "${header.SourceBucket} == \(Self.quoted(pipeline.source.bucket))"
        if let prefix = pipeline.source.prefix, !prefix.isEmpty { predicate += " && ${header.ObjectKey} startsWith \(Self.quoted(prefix))" }
        return predicate
    }

    /// The target key as a simple expression: the key template with `{key}` (the key without the source prefix) and
    /// `{bucket}` (the source bucket).
    var targetKey: String {
        let prefixLength = pipeline.source.prefix?.utf16.count ?? 0
        let key = prefixLength == 0 ? "${header.ObjectKey}" : "${header.ObjectKey.substring(\(prefixLength))}"
        return pipeline.target.keyTemplate.replacingOccurrences(of: "{key}", with: key).replacingOccurrences(of: "{bucket}", with: "${header.SourceBucket}")
    }

    private var flows: [Value] {
        var flows: [Value] = []
        if let kafka = pipeline.events.kafka { flows.append(deadLetterChannel(kafka)) }
        flows.append(mainRoute)
        flows.append(replicateRoute)
        flows.append(deleteRoute)
        return flows
    }

    private var consumer: Value {
        if let kafka = pipeline.events.kafka {
            var parameters = kafkaConnection(kafka)
            parameters.merge(["groupId": kafka.groupID, "autoOffsetReset": "earliest", "consumersCount": String(pipeline.concurrency),
                              // Committed by the route once a record is handled; a failure seeks back instead of skipping.
                              "autoCommitEnable": "false", "allowManualCommit": "true", "breakOnFirstError": "true"]) { $1 }
            return .map(["uri": .string("kafka:" + kafka.topic), "parameters": .map(parameters.mapValues(Value.string))])
        }
        let sqs = pipeline.events.sqs!
        let endpoint = sqs.endpoint ?? pipeline.source
        let path = URL(string: sqs.queueURL)?.path.split(separator: "/").map(String.init) ?? []
        var parameters = awsConnection(endpoint, role: "source")
        parameters.merge(["waitTimeSeconds": "20", "maxMessagesPerPoll": "10", "concurrentConsumers": String(pipeline.concurrency),
                          // Deleted on success only; a failed message comes back after the timeout, then to the queue's DLQ.
                          "deleteAfterRead": "true", "visibilityTimeout": String(sqs.visibilityTimeout), "extendMessageVisibility": "true"]) { $1 }
        if path.count == 2 { parameters["queueOwnerAWSAccountId"] = path[0] }
        return .map(["uri": .string("aws2-sqs:" + (path.last ?? sqs.queueURL)), "parameters": .map(parameters.mapValues(Value.string))])
    }

    private var mainRoute: Value {
        var steps: [Value] = [
            Self.step("unmarshal", ["json": .map(["library": .string("Jackson")])]),
            Self.setHeader("EventSource", jsonpath: "$.Records[0].eventSource"),
            Self.setHeader("PrincipalId", jsonpath: "$.Records[0].userIdentity.principalId"),
            Self.setHeader("EventName", jsonpath: "$.Records[0].eventName"),
            Self.setHeader("SourceBucket", jsonpath: "$.Records[0].s3.bucket.name"),
            Self.setHeader("ObjectKey", jsonpath: "$.Records[0].s3.object.key"),
            // AWS form-URL-encodes keys in events (a space is +); RGW sends them as they are.
            Self.choice([Self.when("${header.EventSource} startsWith 'aws:'", [
                Self.step("bean", ["beanType": .string("java.net.URLDecoder"), "method": .string("decode(${header.ObjectKey}, 'UTF-8')")]),
                Self.setHeader("ObjectKey", simple: "${body}"),
            ])]),
        ]
        var whens: [Value] = []
        if let loop = loopPredicate {
            whens.append(Self.when(loop, [Self.log("skipped ${header.EventName} ${header.ObjectKey}: written by the replicator itself (${header.PrincipalId})")]))
        }
        whens.append(Self.when("${header.EventName} contains 'ObjectCreated' && \(ownRecord)", [Self.step("to", ["uri": .string("direct:replicate")])]))
        whens.append(Self.when("${header.EventName} contains 'ObjectRemoved' && \(ownRecord)", [Self.step("to", ["uri": .string("direct:delete")])]))
        steps.append(Self.choice(whens, otherwise: [Self.log("skipped ${header.EventName} ${header.SourceBucket}/${header.ObjectKey}: not an object "
                                                             + "event of \(pipeline.source.bucket)\(pipeline.source.prefix.map { "/" + $0 } ?? "")", level: "DEBUG")]))
        if pipeline.events.kafka != nil {
            // Handled (or skipped): now the offset may move past it.
            steps.append(Self.step("script", ["simple": .string("${header.CamelKafkaManualCommit.commit()}")]))
        }
        return .map(["route": .map(["id": .string(name), "from": .map((consumer.mapValue ?? [:]).merging(["steps": .list(steps)]) { $1 })])])
    }

    private var replicateRoute: Value {
        let target = pipeline.target
        var put: [Value] = [Self.setHeader("CamelAwsS3BucketName", simple: target.endpoint.bucket), Self.setHeader("CamelAwsS3Key", simple: targetKey)]
        if let acl = target.cannedACL { put.append(Self.setHeader("CamelAwsS3CannedAcl", simple: acl.uppercased().replacingOccurrences(of: "-", with: "_"))) }
        put.append(s3Call(target.endpoint, role: "target", operation: "putObject"))
        put.append(Self.log("copied ${header.SourceBucket}/${header.ObjectKey} to \(target.endpoint.bucket)/${header.CamelAwsS3Key} "
                            + "(${header.CamelAwsS3ContentLength} bytes)"))
        let tried: [Value] = [
            Self.setHeader("CamelAwsS3BucketName", simple: pipeline.source.bucket),
            Self.setHeader("CamelAwsS3Key", simple: "${header.ObjectKey}"),
            s3Call(pipeline.source, role: "source", operation: "getObject"),
            Self.choice([Self.when("${header.CamelAwsS3ContentLength} > \(Self.largestSinglePut)", [
                Self.step("throwException", ["exceptionType": .string("java.lang.IllegalStateException"),
                                             "message": .string("${header.ObjectKey} is larger than 5 GiB: one PUT cannot carry it and Camel's multipart "
                                                                + "upload needs a file; copy it with tandem's replicator")]),
            ])]),
        ] + put
        let gone: Value = .map(["exception": .list([.string("software.amazon.awssdk.services.s3.model.NoSuchKeyException")]),
                                "steps": .list([Self.log("skipped ${header.ObjectKey}: deleted from \(pipeline.source.bucket) before it was read")])])
        return .map(["route": .map(["id": .string(name + "-replicate"),
                                    "from": .map(["uri": .string("direct:replicate"),
                                                  "steps": .list([Self.step("doTry", ["steps": .list(tried), "doCatch": .list([gone])])])])])])
    }

    private var deleteRoute: Value {
        let target = pipeline.target.endpoint
        return .map(["route": .map(["id": .string(name + "-delete"), "from": .map(["uri": .string("direct:delete"), "steps": .list([
            Self.setHeader("CamelAwsS3BucketName", simple: target.bucket),
            Self.setHeader("CamelAwsS3Key", simple: targetKey),
            s3Call(target, role: "target", operation: "deleteObject"),
            Self.log("deleted \(target.bucket)/${header.CamelAwsS3Key}"),
        ])])])])
    }

    /// Failing Kafka records: retried on the pipeline's schedule (exponential, jittered, capped), then the original
    /// record goes to the dead-letter topic.
    private func deadLetterChannel(_ kafka: PipelineConfiguration.EventSourceConfiguration.KafkaSource) -> Value {
        let schedule = pipeline.retry ?? RetrySchedule()
        let query = kafkaConnection(kafka).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return .map(["errorHandler": .map(["deadLetterChannel": .map([
            "deadLetterUri": .string("kafka:\(kafka.deadLetterTopic)?\(query)"),
            "useOriginalMessage": .bool(true),
            "redeliveryPolicy": .map([
                "maximumRedeliveries": .number(Double(retries(schedule))),
                "redeliveryDelay": .number((schedule.initialDelay * 1000).rounded()),
                "maximumRedeliveryDelay": .number((schedule.maximumDelay * 1000).rounded()),
                "useExponentialBackOff": .bool(true), "backOffMultiplier": .number(2), "useCollisionAvoidance": .bool(true),
                "retryAttemptedLogLevel": .string("WARN"),
            ]),
        ])])])
    }

    /// Redeliveries after the first attempt: `max_attempts - 1` when set, else as many doubling waits as fit in
    /// `max_elapsed`.
    func retries(_ schedule: RetrySchedule) -> Int {
        if let attempts = pipeline.maxAttempts { return max(attempts - 1, 0) }
        var elapsed = 0.0, count = 0
        while count < 1000 {
            elapsed += schedule.ceiling(afterAttempt: count + 1)
            if elapsed > schedule.maximumElapsed { break }
            count += 1
        }
        return count
    }

    private func kafkaConnection(_ kafka: PipelineConfiguration.EventSourceConfiguration.KafkaSource) -> [String: String] {
        var parameters = ["brokers": kafka.brokers]
        for property in (kafka.properties ?? [:]).keys { parameters["additionalProperties." + property] = secret("kafka." + property) }
        return parameters
    }

    /// The endpoint options of an `aws2-sqs` consumer.
    private func awsConnection(_ endpoint: EndpointConfiguration, role: String) -> [String: String] {
        var parameters = ["accessKey": secret(role + "-access-key"), "secretKey": secret(role + "-secret-key"), "region": endpoint.region]
        if let url = endpoint.endpoint { parameters.merge(["uriEndpointOverride": url, "overrideEndpoint": "true"]) { $1 } }
        return parameters
    }

    /// An `aws2-s3` call of `operation` on `endpoint` (path-style on a custom endpoint, never creating the bucket).
    private func s3Call(_ endpoint: EndpointConfiguration, role: String, operation: String) -> Value {
        var parameters = awsConnection(endpoint, role: role)
        parameters.merge(["operation": operation, "autoCreateBucket": "false"]) { $1 }
        if endpoint.endpoint != nil { parameters["forcePathStyle"] = "true" }
        return Self.step("to", ["uri": .string("aws2-s3:" + endpoint.bucket), "parameters": .map(parameters.mapValues(Value.string))])
    }
}
