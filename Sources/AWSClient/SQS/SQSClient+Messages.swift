extension SQSClient {
    struct SendMessageRequest: Encodable {
        var QueueUrl: String
        var MessageBody: String
    }

    struct SendMessageResponse: Decodable {
        var MessageId: String
    }

    /// Sends one message and returns its message id.
    public func sendMessage(queueURL: String, body: String) async throws -> String {
        try await call("SendMessage", SendMessageRequest(QueueUrl: queueURL, MessageBody: body), as: SendMessageResponse.self).MessageId
    }
}
