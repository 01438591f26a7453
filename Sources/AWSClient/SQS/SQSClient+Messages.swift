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

    struct DeleteBatchRequest: Encodable {
        struct Entry: Encodable {
            var Id: String
            var ReceiptHandle: String
        }
        var QueueUrl: String
        var Entries: [Entry]
    }

    struct DeleteBatchResponse: Decodable {
        struct Failure: Decodable {
            var Id: String
            var Code: String?
            var Message: String?
        }
        var Failed: [Failure]?
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

    /// Deletes up to 10 received messages in one request (`DeleteMessageBatch`); returns, by position in
    /// `receiptHandles`, why those that were not deleted were not (the others were).
    public func deleteMessages(queueURL: String, receiptHandles: [String]) async throws -> [Int: String] {
        precondition((1...10).contains(receiptHandles.count), "DeleteMessageBatch takes 1 to 10 entries")
        let entries = receiptHandles.enumerated().map { DeleteBatchRequest.Entry(Id: String($0.offset), ReceiptHandle: $0.element) }
        let response = try await call("DeleteMessageBatch", DeleteBatchRequest(QueueUrl: queueURL, Entries: entries), as: DeleteBatchResponse.self)
        var failures: [Int: String] = [:]
        for failure in response.Failed ?? [] {
            guard let position = Int(failure.Id) else { continue }
            failures[position] = [failure.Code, failure.Message].compactMap { $0 }.joined(separator: ": ")
        }
        return failures
    }

    /// Keeps a received message invisible for `seconds` more (while a long copy runs), or returns it at once (0).
    public func changeMessageVisibility(queueURL: String, receiptHandle: String, seconds: Int) async throws {
        try await call("ChangeMessageVisibility", VisibilityRequest(QueueUrl: queueURL, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds))
    }
}
