import AWSClient
import Foundation
import TandemCore
import TandemEngine

/// `aws_sqs_queue`: a queue with its attributes, access policy, redrive and redrive-allow policies and tags; exposes
/// `arn` and `url`.
struct SQSQueueResource: AWSResource {
    static let typeName = "aws_sqs_queue"

    /// Configuration attribute name -> SQS attribute name, for the numeric settings.
    static let numericAttributes: [String: String] = [
        "visibility_timeout_seconds": "VisibilityTimeout",
        "message_retention_seconds": "MessageRetentionPeriod",
        "max_message_size": "MaximumMessageSize",
        "delay_seconds": "DelaySeconds",
        "receive_wait_time_seconds": "ReceiveMessageWaitTimeSeconds",
    ]

    static let schema = ResourceSchema(attributes: numericAttributes.mapValues { _ in
        AttributeSchema(.number, .optionalComputed, description: "Left at the server's default when unset.")
    }.merging([
        "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "Queue name (FIFO names end in .fifo)."),
        "fifo_queue": AttributeSchema(.bool, .optional, forcesReplacement: true, defaultValue: .bool(false)),
        "redrive_policy": AttributeSchema(.object([
            "dead_letter_target_arn": AttributeSchema(.string, .required),
            "max_receive_count": AttributeSchema(.number, .required),
        ]), .optional, description: "Dead-letter queue and how many receives before a message moves there."),
        "redrive_allow_policy": AttributeSchema(.object([
            "redrive_permission": AttributeSchema(.string, .required, allowedValues: ["allowAll", "denyAll", "byQueue"]),
            "source_queue_arns": AttributeSchema(.list(.string), .optional, defaultValue: .list([])),
        ]), .optional, description: "Which source queues may use this queue as their dead-letter queue."),
        "policy": AttributeSchema(.policyDocument, .optionalComputed,
                                  description: "Access policy. Unset leaves the live policy alone (so aws_sqs_queue_policy can own it)."),
        "tags": AttributeSchema(.map(.string), .optional, defaultValue: .map([:])),
        "arn": AttributeSchema(.string, .computed),
        "url": AttributeSchema(.string, .computed),
    ]) { $1 }, description: "An SQS queue")

    /// The documented range of each numeric attribute (SQS CreateQueue/SetQueueAttributes), with its unit.
    static let numericRanges: [String: (range: ClosedRange<Int>, unit: String)] = [
        "visibility_timeout_seconds": (0...43_200, "seconds"),
        "message_retention_seconds": (60...1_209_600, "seconds"),
        "max_message_size": (1_024...1_048_576, "bytes"),
        "delay_seconds": (0...900, "seconds"),
        "receive_wait_time_seconds": (0...20, "seconds"),
    ]

    /// SQS's documented limits: the queue name (1-80 letters, digits, - and _, plus .fifo for FIFO queues), the numeric
    /// attributes' ranges, and the redrive policy's receive count (1-1000).
    static func validate(_ configuration: Value) -> [ProviderError] {
        var rules = ValueRules(configuration)
        if let name = configuration["name"].stringValue {
            let fifo = configuration["fifo_queue"].boolValue == true
            let stem = fifo && name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
            rules.text("name", "A queue name", length: 1...80)
            if !stem.isEmpty, let bad = stem.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_")) }) {
                rules.report("A queue name may contain only letters, digits, hyphens and underscores\(fifo ? " (then .fifo)" : ""); "
                             + "\"\(ValueRules.excerpt(name))\" contains \(ValueRules.quote(bad)).", at: "name")
            }
            if fifo, !name.hasSuffix(".fifo") {
                rules.report("A FIFO queue's name must end with .fifo; \"\(ValueRules.excerpt(name))\" does not.", at: "name")
            }
        }
        for (attribute, limit) in numericRanges.sorted(by: { $0.key < $1.key }) {
            rules.wholeNumber(attribute, attribute, in: limit.range, unit: limit.unit)
        }
        rules.wholeNumber("redrive_policy.max_receive_count", "max_receive_count", in: 1...1_000)
        return rules.problems
    }

    /// How long SQS forbids re-creating a queue name after deleting it, plus a margin.
    static let deletedRecentlyWait: Duration = .seconds(70)

    let provider: ConfiguredAWSProvider

    func read(current: Value) async throws -> Value? {
        guard let name = current["name"].stringValue, let url = try await provider.sqs.queueURL(name: name) else { return nil }
        let attributes: [String: String]
        let tags: [String: String]
        do {
            attributes = try await provider.sqs.getQueueAttributes(queueURL: url)
            tags = try await provider.sqs.listQueueTags(queueURL: url)
        } catch let error as AWSServiceError where error.isQueueDoesNotExist {
            return nil
        }
        var value: [String: Value] = [
            "name": .string(name),
            "url": .string(url),
            "arn": attributes["QueueArn"].map(Value.string) ?? .null,
            "fifo_queue": .bool(attributes["FifoQueue"] == "true"),
            "tags": .map(tags.mapValues(Value.string)),
            "redrive_policy": Self.redrivePolicy(from: attributes["RedrivePolicy"]),
            "redrive_allow_policy": Self.redriveAllowPolicy(from: attributes["RedriveAllowPolicy"]),
            // Only a queue that manages its policy reads it; otherwise an aws_sqs_queue_policy owns it and a change
            // there is not drift of the queue.
            "policy": current["policy"].mapValue == nil ? .null : PolicyText.read(attributes["Policy"]),
        ]
        for (key, sqsName) in Self.numericAttributes {
            value[key] = attributes[sqsName].flatMap(Double.init).map(Value.number) ?? .null
        }
        return .map(value)
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        var attributes = try Self.sqsAttributes(from: planned, comparedTo: nil)
        if planned["fifo_queue"] == .bool(true) { attributes["FifoQueue"] = "true" }
        let tags = Tags.strings(planned["tags"])
        // CreateQueue returns an existing queue with the same attributes; never take one over silently.
        if try await provider.sqs.queueURL(name: name) != nil {
            throw ProviderError("Queue \(name) already exists and is not managed by this state; Tandem does not take over objects it did not create. "
                                + "Choose another name, or remove the queue first.", attributePath: "name")
        }
        try await progress.willCreate()
        let deadline = ContinuousClock.now + Self.deletedRecentlyWait
        while true {
            do {
                _ = try await provider.sqs.createQueue(name: name, attributes: attributes, tags: tags)
                break
            } catch let error as AWSServiceError where error.isQueueDeletedRecently && ContinuousClock.now < deadline {
                progress("SQS forbids re-creating \(name) for 60 s after it was deleted; waiting")
                try await Task.sleep(for: .seconds(5))
            }
        }
        return try await readBack(planned)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = prior["name"].stringValue ?? ""
        guard let url = try await provider.sqs.queueURL(name: name) else {
            throw ProviderError("Queue \(name) no longer exists")
        }
        let attributes = try Self.sqsAttributes(from: planned, comparedTo: prior)
        if !attributes.isEmpty { try await provider.sqs.setQueueAttributes(queueURL: url, attributes: attributes) }
        let change = Tags.change(from: prior["tags"], to: planned["tags"])
        if !change.removed.isEmpty { try await provider.sqs.untagQueue(queueURL: url, keys: change.removed) }
        if !change.set.isEmpty { try await provider.sqs.tagQueue(queueURL: url, tags: change.set) }
        return try await readBack(planned)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let name = prior["name"].stringValue ?? ""
        guard let url = try await provider.sqs.queueURL(name: name) else { return }
        do {
            try await provider.sqs.deleteQueue(queueURL: url)
        } catch let error as AWSServiceError where error.isQueueDoesNotExist {
            return
        }
    }

    private func readBack(_ planned: Value) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        guard let value = try await read(current: planned) else {
            throw ProviderError("Queue \(name) was written but cannot be read back")
        }
        return value
    }

    /// The SQS attributes to send: every set attribute that differs from `prior` (all set ones when creating).
    static func sqsAttributes(from planned: Value, comparedTo prior: Value?) throws -> [String: String] {
        var attributes: [String: String] = [:]
        for (key, sqsName) in numericAttributes {
            guard let number = planned[key].numberValue, prior?[key] != planned[key] else { continue }
            attributes[sqsName] = Value.format(number: number)
        }
        if prior?["redrive_policy"] != planned["redrive_policy"] {
            let policy = planned["redrive_policy"]
            if let arn = policy["dead_letter_target_arn"].stringValue, let count = policy["max_receive_count"].numberValue {
                let json = try Value.map(["deadLetterTargetArn": .string(arn), "maxReceiveCount": .number(count)]).canonicalJSON()
                attributes["RedrivePolicy"] = json
            } else if prior != nil {
                attributes["RedrivePolicy"] = ""
            }
        }
        if prior?["redrive_allow_policy"] != planned["redrive_allow_policy"] {
            let policy = planned["redrive_allow_policy"]
            if let permission = policy["redrive_permission"].stringValue {
                var json: [String: Value] = ["redrivePermission": .string(permission)]
                if permission == "byQueue" { json["sourceQueueArns"] = policy["source_queue_arns"] }
                attributes["RedriveAllowPolicy"] = try Value.map(json).canonicalJSON()
            } else if prior != nil {
                attributes["RedriveAllowPolicy"] = ""
            }
        }
        if prior?["policy"] != planned["policy"], planned["policy"].mapValue != nil {
            attributes["Policy"] = try PolicyText.text(planned["policy"])
        }
        return attributes
    }

    /// Parses the server's RedriveAllowPolicy JSON.
    static func redriveAllowPolicy(from json: String?) -> Value {
        guard let json, !json.isEmpty, let parsed = try? Value(jsonString: json), let permission = parsed["redrivePermission"].stringValue else {
            return .null
        }
        return .map(["redrive_permission": .string(permission), "source_queue_arns": parsed["sourceQueueArns"].listValue.map(Value.list) ?? .list([])])
    }

    /// Parses the server's RedrivePolicy JSON (whatever its spacing, and a count as number or string).
    static func redrivePolicy(from json: String?) -> Value {
        guard let json, !json.isEmpty, let parsed = try? Value(jsonString: json) else { return .null }
        let count: Value
        switch parsed["maxReceiveCount"] {
        case .number(let n): count = .number(n)
        case .string(let s): count = Double(s).map(Value.number) ?? .null
        default: count = .null
        }
        return .map(["dead_letter_target_arn": parsed["deadLetterTargetArn"], "max_receive_count": count])
    }
}

extension SQSQueueResource {
    /// Imported by name or URL; provides the queue (and its policy when it sets one); a same-name replacement notes
    /// SQS's 60-second wait.
    static let kind = AWSResourceKind(
        typeName: typeName, schema: schema, importing: { id in .map(["name": .string(ARN.queueName(url: id) ?? id)]) },
        ordering: { value in
            let queue = value["name"].stringValue
            return OrderingKeys(provides: OrderingNames.all([queue], "sqs:queue:")
                                    + (value["policy"].mapValue == nil ? [] : OrderingNames.all([queue], "sqs:queue-policy:")))
        },
        validate: validate,
        notes: { action, before, after in
            guard action == .replace, let name = before?["name"].stringValue, after["name"] == .string(name) else { return [] }
            return ["SQS blocks the name \(name) for 60 seconds after deleting it: apply will wait before re-creating the queue."]
        },
        operations: { SQSQueueResource(provider: $0) })
}
