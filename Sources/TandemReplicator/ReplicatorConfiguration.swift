import Foundation

/// The runtime configuration `tandem replicator run --config FILE` reads (JSON; apply writes it with mode 0600
/// because it holds credentials). Printing it never shows a secret.
public struct ReplicatorConfiguration: Codable, Sendable, Equatable {
    /// The pipelines, each one direction from one source bucket to one target bucket.
    public var pipelines: [PipelineConfiguration]
    /// `HOST:PORT` of the HTTP endpoint (pushes, metrics, health); `127.0.0.1:0` picks a free port.
    public var listen: String
    /// Where push journals and dead-letter files live.
    public var stateDirectory: String

    enum CodingKeys: String, CodingKey { case pipelines, listen, stateDirectory = "state_directory" }

    /// Reads and checks a configuration file and loads its CA bundles (see ``loadingTrust(environment:path:)``).
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ReplicatorConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError("\(path): cannot be read (\(error.localizedDescription))")
        }
        return try decode(data, path: path).loadingTrust(environment: environment, path: path)
    }

    /// Decodes and (unless `checked` is false: reading back a file apply wrote) checks configuration text; errors name
    /// `path`. CA bundles are not read (see ``loadingTrust(environment:path:)``), so a file whose bundle has gone can
    /// still be read back and stopped.
    public static func decode(_ data: Data, path: String, checked: Bool = true) throws -> ReplicatorConfiguration {
        let configuration: ReplicatorConfiguration
        do {
            configuration = try JSONDecoder().decode(ReplicatorConfiguration.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigurationError("\(path): \(Self.path(context.codingPath + [key])) is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context) {
            let field = Self.path(context.codingPath)
            if field.isEmpty, let syntax = Self.syntaxError(in: data) {
                throw ConfigurationError("\(path):\(syntax)")
            }
            throw ConfigurationError("\(path): \(field.isEmpty ? "" : field + ": ")\(context.debugDescription)")
        }
        if checked { try configuration.check(path: path) }
        return configuration
    }

    /// Rules beyond the JSON shape: unique pipeline names, valid key templates, positive concurrency.
    func check(path: String) throws {
        var names: Set<String> = []
        for (index, pipeline) in pipelines.enumerated() {
            let at = "\(path): pipelines[\(index)]"
            guard names.insert(pipeline.name).inserted else { throw ConfigurationError("\(at).name: \(pipeline.name) is used twice") }
            do {
                _ = try KeyTemplate(pipeline.target.keyTemplate)
            } catch let error as KeyTemplate.Invalid {
                throw ConfigurationError("\(at).target.key_template: \(error.description)")
            }
            if pipeline.target.endpoint.prefix != nil {
                throw ConfigurationError("\(at).target.endpoint.prefix: a prefix selects source keys; put the target's in key_template")
            }
            if let acl = pipeline.target.objectACL, !PipelineConfiguration.TargetConfiguration.objectACLs.contains(acl) {
                throw ConfigurationError("\(at).target.object_acl: \(acl) is not one of \(PipelineConfiguration.TargetConfiguration.objectACLs.sorted().joined(separator: ", "))")
            }
            guard pipeline.concurrency > 0 else { throw ConfigurationError("\(at).concurrency must be at least 1") }
            guard [pipeline.events.sqs != nil, pipeline.events.http != nil, pipeline.events.kafka != nil].filter({ $0 }).count == 1 else {
                throw ConfigurationError("\(at).events: give exactly one of sqs, kafka and http")
            }
            if let kafka = pipeline.events.kafka, kafka.deadLetterTopic == kafka.topic {
                throw ConfigurationError("\(at).events.kafka.dead_letter_topic must differ from topic")
            }
            try checkFaultSettings(pipeline, at: at)
        }
    }

    /// `LINE:COLUMN: message` for text that is not JSON (JSONSerialization says "around character N").
    static func syntaxError(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return nil
        } catch {
            let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let range = message.range(of: #"character (\d+)"#, options: .regularExpression),
                  let offset = Int(message[range].dropFirst("character ".count)) else { return " \(message)" }
            let before = data.prefix(offset)
            let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return "\(line):\(column): \(message)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}

/// A configuration file the replicator cannot use; the message names the file and the field.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, starting with the file.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// One direction of replication.
public struct PipelineConfiguration: Codable, Sendable, Equatable {
    /// A name for logs and metrics.
    public var name: String
    /// Where objects come from.
    public var source: EndpointConfiguration
    /// Where objects go, and under which key.
    public var target: TargetConfiguration
    /// Where change events come from.
    public var events: EventSourceConfiguration
    /// Requesters whose changes are not replicated (the replicator's own identities: `AWS:AIDA…`, `AROA…`, RGW uids).
    public var skipPrincipals: [String]
    /// Keys handled at the same time (one key is never handled twice at once).
    public var concurrency: Int
    /// Copy sizes.
    public var copy: CopySizes?
    /// At most this many attempts per pushed or Kafka event before it goes to the dead-letter file or topic (default:
    /// no count, `retry.max_elapsed` decides).
    public var maxAttempts: Int?
    /// How pushed and Kafka events that fail are retried (default `RetrySchedule()`); SQS uses its queue's redelivery.
    public var retry: RetrySchedule?
    /// Seconds between reconciles of source and target (a streaming listing merge); one also runs at every start.
    /// 0: only at start. Default 3600.
    public var reconcileInterval: Int?
    /// Seconds a reconcile waits after listing an object before copying it, so events in flight land first (default 30).
    public var reconcileQuietPeriod: Int?

    enum CodingKeys: String, CodingKey {
        case name, source, target, events, copy, concurrency, retry, skipPrincipals = "skip_principals", maxAttempts = "max_attempts",
             reconcileInterval = "reconcile_interval", reconcileQuietPeriod = "reconcile_quiet_period"
    }

    /// The target side: endpoint and bucket, and where a source key lands.
    public struct TargetConfiguration: Codable, Sendable, Equatable {
        /// The endpoint, credentials and bucket.
        public var endpoint: EndpointConfiguration
        /// The target key for a source key: `{key}` (default), or e.g. `{bucket}/{key}`.
        public var keyTemplate: String
        /// The canned ACL every replica is written with: `bucket-owner-full-control` when nil (so the target bucket's
        /// owner can read replicas another user wrote, as on RGW; AWS accepts it also where ownership is enforced),
        /// `private`, `bucket-owner-read`, or `none` for no ACL header (stores that refuse ACLs).
        public var objectACL: String?

        /// The ACLs `object_acl` may name: none grants anyone outside the bucket owner and the writer.
        public static let objectACLs: Set<String> = ["bucket-owner-full-control", "bucket-owner-read", "private", "none"]

        /// The canned ACL to send; nil for none.
        public var cannedACL: String? {
            let acl = objectACL ?? "bucket-owner-full-control"
            return acl == "none" ? nil : acl
        }

        enum CodingKeys: String, CodingKey { case endpoint, keyTemplate = "key_template", objectACL = "object_acl" }
    }

    /// Where events come from.
    public struct EventSourceConfiguration: Codable, Sendable, Equatable {
        /// An SQS queue (AWS bucket notifications).
        public var sqs: SQSSource?
        /// Pushes to `POST /events/<pipeline>` (RGW bucket notifications), journaled before they are answered.
        public var http: HTTPSource?
        /// A Kafka topic read by a consumer group (RGW notifications through a Kafka topic).
        public var kafka: KafkaSource?

        /// A topic, the consumer group reading it, and where records go that cannot be handled.
        public struct KafkaSource: Codable, Sendable, Equatable {
            /// Bootstrap brokers, `host:port[,host:port...]`.
            public var brokers: String
            /// The topic the bucket notifications are written to.
            public var topic: String
            /// The consumer group; its committed offsets are where a restarted replicator resumes.
            public var groupID: String
            /// Where a record goes, with a `tandem-error` header, when it is not an S3 event or its work still fails
            /// after the pipeline's `max_attempts`; its offset is committed only once the dead-letter topic has it.
            public var deadLetterTopic: String
            /// Further librdkafka properties (`security.protocol`, `sasl.*`, `session.timeout.ms`, ...).
            public var properties: [String: String]?

            enum CodingKeys: String, CodingKey {
                case brokers, topic, properties, groupID = "group_id", deadLetterTopic = "dead_letter_topic"
            }
        }

        /// Pushes to `POST /events/<pipeline>/<secret>`: only requests with the secret are taken, and the files the
        /// endpoint writes are bounded.
        public struct HTTPSource: Codable, Sendable, Equatable {
            /// The per-pipeline secret in the push path (at least 16 characters; apply generates one).
            public var secret: String
            /// Bytes the journal may hold before pushes are refused with 503 (default 64 MiB).
            public var maxJournalBytes: Int?
            /// Bytes the dead-letter file may hold; when full, failed events stay in the journal (default 64 MiB).
            public var maxDeadLetterBytes: Int?

            enum CodingKeys: String, CodingKey { case secret, maxJournalBytes = "max_journal_bytes", maxDeadLetterBytes = "max_dead_letter_bytes" }

            /// Decodes the setting; a file from before push secrets has none (empty), which the check refuses to run.
            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                secret = try container.decodeIfPresent(String.self, forKey: .secret) ?? ""
                maxJournalBytes = try container.decodeIfPresent(Int.self, forKey: .maxJournalBytes)
                maxDeadLetterBytes = try container.decodeIfPresent(Int.self, forKey: .maxDeadLetterBytes)
            }

            /// Creates the setting.
            public init(secret: String, maxJournalBytes: Int? = nil, maxDeadLetterBytes: Int? = nil) {
                self.secret = secret
                self.maxJournalBytes = maxJournalBytes
                self.maxDeadLetterBytes = maxDeadLetterBytes
            }
        }

        /// An SQS queue and how to poll it.
        public struct SQSSource: Codable, Sendable, Equatable {
            /// The queue URL.
            public var queueURL: String
            /// The endpoint and credentials for SQS (the source's when nil).
            public var endpoint: EndpointConfiguration?
            /// How long a message stays invisible while it is worked on; extended while a copy runs.
            public var visibilityTimeout: Int

            enum CodingKeys: String, CodingKey { case queueURL = "queue_url", endpoint, visibilityTimeout = "visibility_timeout" }
        }
    }

    /// Copy sizes (see `ObjectCopier.Settings`).
    public struct CopySizes: Codable, Sendable, Equatable {
        /// Bytes above which objects are copied in parts.
        public var multipartThreshold: Int
        /// Bytes per part.
        public var partSize: Int
        /// Parts in flight per object.
        public var partsInFlight: Int
        /// Whether the server copies (CopyObject, UploadPartCopy) when source and target are one endpoint with the same
        /// region and keys (default true); false always moves the bytes through the replicator.
        public var serverSide: Bool?
        /// Bytes per second the pipeline's streamed copies write at most (no limit when nil).
        public var bandwidthLimit: Int?

        enum CodingKeys: String, CodingKey {
            case multipartThreshold = "multipart_threshold", partSize = "part_size", partsInFlight = "parts_in_flight", serverSide = "server_side"
            case bandwidthLimit = "bandwidth_limit"
        }
    }
}

// In extensions, so the memberwise initialisers stay.
extension PipelineConfiguration {
    /// A pipeline without event source, for one-off copies (`tandem sync` runs its backfill).
    public init(name: String, source: EndpointConfiguration, target: TargetConfiguration, concurrency: Int) {
        self.init(name: name, source: source, target: target, events: EventSourceConfiguration(), skipPrincipals: [], concurrency: concurrency)
    }
}

extension PipelineConfiguration.TargetConfiguration {
    /// Creates a target.
    public init(endpoint: EndpointConfiguration, keyTemplate: String) {
        self.init(endpoint: endpoint, keyTemplate: keyTemplate, objectACL: nil)
    }
}
