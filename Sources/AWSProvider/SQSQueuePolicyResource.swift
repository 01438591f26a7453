import AWSClient
import TandemCore
import TandemEngine

/// `aws_sqs_queue_policy`: the access policy of a queue as its own resource, so it can refer to a bucket whose
/// notification refers to the queue without a cycle.
struct SQSQueuePolicyResource: AWSResource {
    static let typeName = "aws_sqs_queue_policy"

    static let schema = ResourceSchema(attributes: [
        "queue_url": AttributeSchema(.string, .required, forcesReplacement: true, description: "The queue's URL (aws_sqs_queue.NAME.url)."),
        "policy": AttributeSchema(.policyDocument, .required, description: "The access policy."),
    ], description: "The access policy of an SQS queue")

    let provider: ConfiguredAWSProvider

    func read(current: Value) async throws -> Value? {
        guard let url = current["queue_url"].stringValue else { return nil }
        let attributes: [String: String]
        do {
            attributes = try await provider.sqs.getQueueAttributes(queueURL: url)
        } catch let error as AWSServiceError where error.isQueueDoesNotExist {
            return nil
        }
        guard let policy = attributes["Policy"], !policy.isEmpty else { return nil }
        return .map(["queue_url": .string(url), "policy": PolicyText.read(policy)])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        try await put(planned)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        try await put(planned)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        do {
            try await provider.sqs.setQueueAttributes(queueURL: prior["queue_url"].stringValue ?? "", attributes: ["Policy": ""])
        } catch let error as AWSServiceError where error.isQueueDoesNotExist {
            return
        }
    }

    private func put(_ planned: Value) async throws -> Value {
        let url = planned["queue_url"].stringValue ?? ""
        try await provider.sqs.setQueueAttributes(queueURL: url, attributes: ["Policy": try PolicyText.text(planned["policy"])])
        guard let value = try await read(current: planned) else {
            throw ProviderError("The policy of queue \(url) was written but cannot be read back")
        }
        return value
    }
}

extension SQSQueuePolicyResource {
    /// Imported by queue URL; provides the queue's policy once the queue exists.
    static let kind = AWSResourceKind(
        typeName: typeName, schema: schema, importing: AWSResourceKind.importing(by: "queue_url"),
        ordering: { value in
            let queue = OrderingNames.name(value["queue_url"]) { ARN.queueName(url: $0) }
            return OrderingKeys(provides: OrderingNames.all([queue], "sqs:queue-policy:"), requires: OrderingNames.all([queue], "sqs:queue:"))
        },
        operations: { SQSQueuePolicyResource(provider: $0) })
}
