/// A received SQS message.
public struct SQSMessage: Sendable, Equatable {
    /// The message id.
    public var id: String
    /// The handle that deletes it or changes its visibility (valid for this receive only).
    public var receiptHandle: String
    /// The body.
    public var body: String
    /// How many times it has been received, this time included.
    public var receiveCount: Int
    /// When it was first sent (milliseconds since 1970), for queue lag.
    public var sentTimestamp: Int?
}

extension SQSClient {
    struct SendMessageRequest: Encodable {
        var QueueUrl: String
        var MessageBody: String
    }

    struct SendMessageResponse: Decodable {
        var MessageId: String
    }

    struct ReceiveMessageRequest: Encodable {
        var QueueUrl: String
        var MaxNumberOfMessages: Int
        var WaitTimeSeconds: Int
        var VisibilityTimeout: Int?
        var AttributeNames: [String]
        var MessageSystemAttributeNames: [String]
    }

    struct ReceiveMessageResponse: Decodable {
        struct Message: Decodable {
            var MessageId: String
            var ReceiptHandle: String
            var Body: String
            var Attributes: [String: String]?
        }
        var Messages: [Message]?
    }

    struct ReceiptRequest: Encodable {
        var QueueUrl: String
        var ReceiptHandle: String
    }

    struct VisibilityRequest: Encodable {
        var QueueUrl: String
        var ReceiptHandle: String
        var VisibilityTimeout: Int
    }

    /// Sends one message and returns its message id.
    public func sendMessage(queueURL: String, body: String) async throws -> String {
        try await call("SendMessage", SendMessageRequest(QueueUrl: queueURL, MessageBody: body), as: SendMessageResponse.self).MessageId
    }

    /// Long-polls for up to `maximum` (1-10) messages, waiting at most `waitSeconds` (0-20) when the queue is empty.
    public func receiveMessages(queueURL: String, maximum: Int = 10, waitSeconds: Int = 20, visibilityTimeout: Int? = nil) async throws -> [SQSMessage] {
        let request = ReceiveMessageRequest(QueueUrl: queueURL, MaxNumberOfMessages: min(max(maximum, 1), 10), WaitTimeSeconds: min(max(waitSeconds, 0), 20),
                                            VisibilityTimeout: visibilityTimeout, AttributeNames: ["All"],
                                            MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"])
        let response = try await call("ReceiveMessage", request, as: ReceiveMessageResponse.self)
        return (response.Messages ?? []).map { message in
            SQSMessage(id: message.MessageId, receiptHandle: message.ReceiptHandle, body: message.Body,
                       receiveCount: Int(message.Attributes?["ApproximateReceiveCount"] ?? "") ?? 1,
                       sentTimestamp: Int(message.Attributes?["SentTimestamp"] ?? ""))
        }
    }

    /// Deletes a received message: its work is done.
    public func deleteMessage(queueURL: String, receiptHandle: String) async throws {
        try await call("DeleteMessage", ReceiptRequest(QueueUrl: queueURL, ReceiptHandle: receiptHandle))
    }

    /// Keeps a received message invisible for `seconds` more (while a long copy runs), or returns it at once (0).
    public func changeMessageVisibility(queueURL: String, receiptHandle: String, seconds: Int) async throws {
        try await call("ChangeMessageVisibility", VisibilityRequest(QueueUrl: queueURL, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds))
    }
}
