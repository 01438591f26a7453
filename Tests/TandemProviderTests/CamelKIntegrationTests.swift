import Foundation
import TandemCore
import TandemReplicator
import Testing
@testable import TandemProvider

/// The Camel K Integration rendered from a pipeline: seed 000's routes with its defects fixed. No Camel runtime runs
/// on these machines, so these check what the routes say; the end-to-end test applies them to a real API server with
/// the real Camel K CRD.
struct CamelKIntegrationTests {
    private func pipeline(_ events: [String: Any], prefix: String? = nil, keyTemplate: String = "{key}", skip: [String] = [],
                          maxAttempts: Int? = nil) throws -> PipelineConfiguration {
        var source: [String: Any] = ["endpoint": "http://rgw:80", "region": "us-east-1", "access_key": "SRCKEY", "secret_key": "s3cr3t-of-source", "bucket": "src"]
        source["prefix"] = prefix
        var pipeline: [String: Any] = [
            "name": "p", "source": source, "events": events, "skip_principals": skip, "concurrency": 4,
            "target": ["endpoint": ["region": "af-south-1", "access_key": "AKIATARGET", "secret_key": "s3cr3t-of-target", "bucket": "replica"],
                       "key_template": keyTemplate],
        ]
        pipeline["max_attempts"] = maxAttempts
        let document = try JSONSerialization.data(withJSONObject: ["listen": "127.0.0.1:9464", "state_directory": "/s", "pipelines": [pipeline]])
        return try #require(try ReplicatorConfiguration.decode(document, path: "test", checked: false).pipelines.first)
    }

    private let kafka: [String: Any] = ["kafka": ["brokers": "k:9092", "topic": "events", "group_id": "g", "dead_letter_topic": "dlt",
                                                  "properties": ["sasl.password": "s3cr3t-of-kafka"]]]
    private let sqs: [String: Any] = ["sqs": ["queue_url": "https://sqs.af-south-1.amazonaws.com/123456789012/events", "visibility_timeout": 120]]

    private func render(_ pipeline: PipelineConfiguration) throws -> (Value, String) {
        let settings = KubernetesReplicatorSettings(.map(["operator_id": .string("camel-k-operator")]), defaultNamespace: "s3-replicator")
        let integration = CamelKIntegration(pipeline: pipeline, settings: settings, name: "tandem-p", running: true)
        let objects = KubernetesReplicatorManifests(settings: settings, name: "tandem-p", pipeline: "p", port: 0)
        let manifest = try integration.integration(objects: objects, configurationHash: "h")
        return (manifest, try manifest.canonicalJSON())
    }

    @Test func theLoopCheckMatchesEveryFormOfTheProvisionedIdentities() throws {
        let integration = CamelKIntegration(pipeline: try pipeline(sqs, skip: ["AIDAEXAMPLE", "AROAROLE", "s3-replicator"]),
                                            settings: KubernetesReplicatorSettings(.null, defaultNamespace: "n"), name: "tandem-p", running: true)
        let predicate = try #require(integration.loopPredicate)
        for form in ["== 'AIDAEXAMPLE'", "== 'AWS:AIDAEXAMPLE'", "startsWith 'AWS:AROAROLE:'", "== 's3-replicator'", "endsWith '$s3-replicator'"] {
            #expect(predicate.contains("${header.PrincipalId} \(form)"), "\(form) in \(predicate)")
        }
        let (_, text) = try render(try pipeline(sqs, skip: ["AIDAEXAMPLE"]))
        #expect(text.contains("written by the replicator itself"))
        #expect(CamelKIntegration(pipeline: try pipeline(sqs), settings: KubernetesReplicatorSettings(.null, defaultNamespace: "n"), name: "t", running: true)
            .loopPredicate == nil, "no identities, no check")
    }

    @Test func awsKeysAreDecodedAndTheTargetIsTheConfiguredReplica() throws {
        let (manifest, text) = try render(try pipeline(sqs, prefix: "in/", keyTemplate: "{bucket}/{key}"))
        #expect(text.contains("\"simple\":\"${header.EventSource} startsWith 'aws:'\"") && text.contains("\"beanType\":\"java.net.URLDecoder\""),
                "AWS keys are form-URL-decoded; RGW keys are used as sent")
        #expect(text.contains("\"uri\":\"aws2-s3:replica\"") && text.contains("\"operation\":\"putObject\""), "put into the configured replica bucket")
        #expect(text.contains("\"simple\":\"${header.SourceBucket}/${header.ObjectKey.substring(3)}\""), "the key template, without the prefix")
        #expect(text.contains("${header.SourceBucket} == 'src' && ${header.ObjectKey} startsWith 'in/'"), "only the source bucket, under the prefix")
        #expect(text.contains("\"exceptionType\":\"java.lang.IllegalStateException\"") && text.contains("> 5368709120"),
                "an object one PUT cannot carry fails instead of filling memory")
        #expect(text.contains("NoSuchKeyException"), "an object deleted before it was read is skipped")
        #expect(text.contains("\"deleteAfterRead\":\"true\"") && text.contains("\"extendMessageVisibility\":\"true\"")
                && text.contains("\"queueOwnerAWSAccountId\":\"123456789012\""))
        #expect(text.contains("\"CamelAwsS3CannedAcl\"") && text.contains("BUCKET_OWNER_FULL_CONTROL"))
        #expect(manifest["metadata"]["annotations"]["camel.apache.org/operator.id"] == .string("camel-k-operator"))
        #expect(manifest["spec"]["dependencies"].listValue?.first == .string("camel:aws2-sqs"))
    }

    @Test func noKeyIsWrittenIntoTheIntegration() throws {
        let (_, text) = try render(try pipeline(kafka))
        for secret in ["s3cr3t-of-source", "s3cr3t-of-target", "s3cr3t-of-kafka", "SRCKEY", "AKIATARGET"] {
            #expect(!text.contains(secret), "\(secret) is read from the Secret")
        }
        #expect(text.contains("{{secret:tandem-p-config/target-secret-key}}") && text.contains("{{secret:tandem-p-config/kafka.sasl.password}}"))
        let integration = CamelKIntegration(pipeline: try pipeline(kafka), settings: KubernetesReplicatorSettings(.null, defaultNamespace: "n"), name: "tandem-p",
                                            running: true)
        #expect(integration.secretKeys["kafka.sasl.password"] == "s3cr3t-of-kafka" && integration.secretKeys["source-secret-key"] == "s3cr3t-of-source")
    }

    @Test func kafkaOffsetsMoveOnlyAfterTheRecordIsHandled() throws {
        let (_, text) = try render(try pipeline(kafka))
        #expect(text.contains("\"autoCommitEnable\":\"false\"") && text.contains("\"allowManualCommit\":\"true\"") && text.contains("\"breakOnFirstError\":\"true\""))
        #expect(text.contains("${header.CamelKafkaManualCommit.commit()}"))
        #expect(text.contains("\"deadLetterUri\":\"kafka:dlt?additionalProperties.sasl.password={{secret:tandem-p-config/kafka.sasl.password}}&brokers=k:9092\""))
        #expect(text.contains("\"useOriginalMessage\":true"), "the record as it came goes to the dead-letter topic")
    }

    @Test func redeliveriesFollowThePipelinesRetrySchedule() throws {
        let settings = KubernetesReplicatorSettings(.null, defaultNamespace: "n")
        // 0.5, 1, 2, 4, 8, 16, 32 (63.5 s), then 60 s waits while they fit in 600 s: 8 more.
        #expect(CamelKIntegration(pipeline: try pipeline(kafka), settings: settings, name: "t", running: true).retries(RetrySchedule()) == 15)
        #expect(CamelKIntegration(pipeline: try pipeline(kafka, maxAttempts: 5), settings: settings, name: "t", running: true).retries(RetrySchedule()) == 4)
    }
}
