import TandemCore
import TandemEngine
import TandemReplicator

/// The schema of `tandem_replicator`: one replication pipeline and where it runs.
enum ReplicatorSchema {
    static let typeName = "tandem_replicator"

    private static func endpoint(_ role: String, extra: [String: AttributeSchema] = [:]) -> AttributeSchema {
        AttributeSchema(.object([
            "endpoint": AttributeSchema(.string, .optional, description: "The S3 endpoint URL (AWS when unset)."),
            "region": AttributeSchema(.string, .optional, defaultValue: .string("us-east-1"), description: "The region to sign for."),
            "bucket": AttributeSchema(.string, .required, description: "The bucket."),
            "access_key": AttributeSchema(.string, .required, description: "Access key id, e.g. ${aws_iam_access_key.replicator.id}."),
            "secret_key": AttributeSchema(.string, .required, sensitive: true, description: "Secret key, e.g. ${aws_iam_access_key.replicator.secret}."),
            "ca_bundle": AttributeSchema(.string, .optional,
                                         description: "PEM file of CAs trusted besides the system's (a private CA of the endpoint); defaults to the replicator's AWS_CA_BUNDLE."),
        ].merging(extra) { $1 }), .required, description: role)
    }

    static let schema = ResourceSchema(attributes: [
        "name": AttributeSchema(.string, .required, forcesReplacement: true,
                                description: "The pipeline's name (logs, metrics, the push path /events/NAME); letters, digits, - _ ."),
        "runtime": AttributeSchema(.string, .optional, forcesReplacement: true, defaultValue: .string("local"), allowedValues: ["local", "kubernetes", "camel-k"],
                                   description: "local: a background process on this machine; kubernetes: a Deployment on the provider block's cluster (the kubernetes block); "
                                    + "camel-k: a Camel K Integration run by the cluster's Camel K operator (sqs or kafka events; no reconcile)."),
        "kubernetes": KubernetesReplicatorSettings.attribute,
        "state": AttributeSchema(.string, .optional, defaultValue: .string("running"), allowedValues: ["running", "stopped"],
                                 description: "running, or stopped (configured but not running). Read back as running, stopped, stale "
                                    + "(runs an older configuration), starting or unresponsive."),
        "listen": AttributeSchema(.string, .optional, defaultValue: .string("127.0.0.1:9464"),
                                  description: "HOST:PORT of the replicator's endpoint (pushes, /metrics, /status, /healthz, /readyz); one per replicator. With runtime kubernetes only the port counts: pods listen on every address, behind a Service."),
        "source": endpoint("Where objects come from.", extra: [
            "prefix": AttributeSchema(.string, .optional,
                                      description: "Replicate only keys under this prefix; {key} in the target's key_template is the key without it."),
        ]),
        "target": endpoint("Where objects go.", extra: [
            "key_template": AttributeSchema(.string, .optional, defaultValue: .string("{key}"),
                                            description: "The target key: {key} and {bucket} are replaced, e.g. {bucket}/{key}."),
            "object_acl": AttributeSchema(.string, .optional, defaultValue: .string("bucket-owner-full-control"),
                                          allowedValues: ["bucket-owner-full-control", "bucket-owner-read", "private", "none"],
                                          description: "Canned ACL of every replica: bucket-owner-full-control lets the target bucket's owner read what "
                                            + "another user wrote (RGW); none sends no ACL (for stores that refuse ACLs)."),
        ]),
        "events": AttributeSchema(.object([
            "sqs": AttributeSchema(.object([
                "queue_url": AttributeSchema(.string, .required, description: "The queue the source bucket notifies (its endpoint and keys are the source's)."),
                "visibility_timeout": AttributeSchema(.number, .optional, defaultValue: .number(300),
                                                      description: "Seconds a message stays invisible while worked on; extended during long copies."),
            ]), .optional, description: "AWS bucket notifications through an SQS queue."),
            "kafka": AttributeSchema(.object([
                "brokers": AttributeSchema(.string, .required, description: "Bootstrap brokers, host:port[,host:port]."),
                "topic": AttributeSchema(.string, .required, description: "The topic RGW notifies."),
                "group_id": AttributeSchema(.string, .required, description: "The consumer group (its committed offsets are where a restart resumes)."),
                "dead_letter_topic": AttributeSchema(.string, .required, description: "Where records go that cannot be handled."),
                "properties": AttributeSchema(.map(.string), .optional, sensitive: true, defaultValue: .map([:]),
                                              description: "Further librdkafka properties (security.protocol, sasl.*)."),
            ]), .optional, description: "RGW bucket notifications through a Kafka topic."),
            "http": AttributeSchema(.object([
                "max_journal_bytes": AttributeSchema(.number, .optional, defaultValue: .number(Double(PipelineConfiguration.defaultPushFileBytes)),
                                                     description: "Bytes of pushed events the journal holds at most; when full, pushes get 503 (RGW retries)."),
                "max_dead_letter_bytes": AttributeSchema(.number, .optional, defaultValue: .number(Double(PipelineConfiguration.defaultPushFileBytes)),
                                                         description: "Bytes the dead-letter file holds at most; when full, failed events stay in the journal."),
            ]), .optional,
                                    description: "RGW bucket notifications pushed to push_endpoint (journaled before they are answered)."),
        ]), .required, description: "Where change events come from: exactly one of sqs, kafka, http."),
        "skip_principals": AttributeSchema(.list(.string), .optional, defaultValue: .list([]),
                                           description: "The replicator's own identities, e.g. ${aws_iam_user.replicator.unique_id} or an RGW uid: their events are not replicated back."),
        "concurrency": AttributeSchema(.number, .optional, defaultValue: .number(8), description: "Keys handled at the same time."),
        "max_attempts": AttributeSchema(.number, .optional,
                                        description: "At most this many attempts per event before it is dead-lettered (push and Kafka; default: retry.max_elapsed decides)."),
        "retry": AttributeSchema(.object([
            "initial_delay": AttributeSchema(.number, .optional, defaultValue: .number(RetrySchedule().initialDelay), description: "Seconds: the first retry waits up to this."),
            "max_delay": AttributeSchema(.number, .optional, defaultValue: .number(RetrySchedule().maximumDelay), description: "Seconds: the longest wait between attempts."),
            "max_elapsed": AttributeSchema(.number, .optional, defaultValue: .number(RetrySchedule().maximumElapsed),
                                           description: "Seconds after the first attempt when a failing event is dead-lettered."),
        ]), .optional, description: "Retries of failing pushed and Kafka events: exponential with full jitter and a cap (SQS uses its queue's redelivery). "
            + "Unset: 0.5 s doubling up to 60 s, for 10 minutes."),
        "reconcile_interval": AttributeSchema(.number, .optional, defaultValue: .number(Double(PipelineConfiguration.defaultReconcileInterval)),
                                              description: "Seconds between reconciles of source and target (one also runs at every start); 0: only at start."),
        "copy": AttributeSchema(.object([
            "multipart_threshold": AttributeSchema(.number, .optional, defaultValue: .number(16_777_216), description: "Bytes above which objects are copied in parts."),
            "part_size": AttributeSchema(.number, .optional, defaultValue: .number(8_388_608), description: "Bytes per part (at least 5 MiB)."),
            "parts_in_flight": AttributeSchema(.number, .optional, defaultValue: .number(4),
                                               description: "Parts of one object uploading at once (streamed as they arrive: no part is held in memory)."),
            "server_side": AttributeSchema(.bool, .optional, defaultValue: .bool(true),
                                           description: "Let the server copy when source and target are one endpoint with the same keys."),
        ]), .optional, description: "Copy sizes; unset: the runtime's defaults (16 MiB threshold, 8 MiB parts, 4 in flight, server-side copy)."),
        "pid": AttributeSchema(.number, .computed, description: "The process id while running (runtime local)."),
        "config_path": AttributeSchema(.string, .computed, description: "The runtime configuration file (mode 0600), or its Secret (runtime kubernetes and camel-k)."),
        "log_path": AttributeSchema(.string, .computed, description: "The replicator's log (JSON lines), or the kubectl command showing it."),
        "endpoint": AttributeSchema(.string, .computed, description: "http://LISTEN, or the Service's in-cluster URL: /metrics, /status (empty for camel-k)."),
        "push_secret": AttributeSchema(.string, .computed, sensitive: true,
                                       description: "Generated at create for events.http and kept: pushes must carry it in their path."),
        "push_endpoint": pushEndpoint,
    ], description: "The bundled replicator: one event-driven S3 -> S3 pipeline, provisioned and launched by apply")

    /// Known after apply when `listen` changes, so the topic that takes it by reference is planned to change too.
    private static var pushEndpoint: AttributeSchema {
        var attribute = AttributeSchema(.string, .computed, sensitive: true,
                                        description: "http://LISTEN/events/NAME/SECRET for events.http: the push_endpoint of the ceph_bucket_topic, by reference.")
        attribute.recomputedOnChangeOf = ["listen", "events"]
        return attribute
    }
}
