extension SQSClient {
    struct CreateQueueRequest: Encodable {
        var QueueName: String
        var Attributes: [String: String]?
        // The CreateQueue shape spells this member in lower case.
        var tags: [String: String]?
    }

    struct QueueURLResponse: Decodable {
        var QueueUrl: String
    }

    struct GetQueueURLRequest: Encodable {
        var QueueName: String
    }

    struct GetQueueAttributesRequest: Encodable {
        var QueueUrl: String
        var AttributeNames: [String]
    }

    struct GetQueueAttributesResponse: Decodable {
        var Attributes: [String: String]?
    }

    struct SetQueueAttributesRequest: Encodable {
        var QueueUrl: String
        var Attributes: [String: String]
    }

    struct QueueURLRequest: Encodable {
        var QueueUrl: String
    }

    /// Creates a queue (idempotent when the attributes match) and returns its URL.
    ///
    /// Throws ``AWSServiceError`` with ``AWSServiceError/isQueueDeletedRecently`` when a queue of
    /// this name was deleted in the last 60 seconds.
    public func createQueue(name: String, attributes: [String: String], tags: [String: String]) async throws -> String {
        let request = CreateQueueRequest(
            QueueName: name, Attributes: attributes.isEmpty ? nil : attributes, tags: tags.isEmpty ? nil : tags)
        return try await call("CreateQueue", request, as: QueueURLResponse.self).QueueUrl
    }

    /// The URL of the queue called `name`, or `nil` when there is no such queue.
    public func queueURL(name: String) async throws -> String? {
        do {
            return try await call("GetQueueUrl", GetQueueURLRequest(QueueName: name), as: QueueURLResponse.self).QueueUrl
        } catch let error as AWSServiceError where error.isQueueDoesNotExist {
            return nil
        }
    }

    /// Every attribute of the queue (`AttributeNames: ["All"]`), values as SQS returns them.
    public func getQueueAttributes(queueURL: String) async throws -> [String: String] {
        let request = GetQueueAttributesRequest(QueueUrl: queueURL, AttributeNames: ["All"])
        return try await call("GetQueueAttributes", request, as: GetQueueAttributesResponse.self).Attributes ?? [:]
    }

    /// Sets the given attributes; others are left as they are.
    public func setQueueAttributes(queueURL: String, attributes: [String: String]) async throws {
        try await call("SetQueueAttributes", SetQueueAttributesRequest(QueueUrl: queueURL, Attributes: attributes))
    }

    /// Deletes the queue. Its name cannot be reused for 60 seconds on AWS.
    public func deleteQueue(queueURL: String) async throws {
        try await call("DeleteQueue", QueueURLRequest(QueueUrl: queueURL))
    }
}
