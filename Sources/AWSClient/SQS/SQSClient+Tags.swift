extension SQSClient {
    struct ListQueueTagsResponse: Decodable {
        var Tags: [String: String]?
    }

    struct TagQueueRequest: Encodable {
        var QueueUrl: String
        var Tags: [String: String]
    }

    struct UntagQueueRequest: Encodable {
        var QueueUrl: String
        var TagKeys: [String]
    }

    /// The queue's tags (empty when it has none).
    public func listQueueTags(queueURL: String) async throws -> [String: String] {
        try await call("ListQueueTags", QueueURLRequest(QueueUrl: queueURL), as: ListQueueTagsResponse.self).Tags ?? [:]
    }

    /// Adds or overwrites tags.
    public func tagQueue(queueURL: String, tags: [String: String]) async throws {
        try await call("TagQueue", TagQueueRequest(QueueUrl: queueURL, Tags: tags))
    }

    /// Removes the tags with these keys.
    public func untagQueue(queueURL: String, keys: [String]) async throws {
        try await call("UntagQueue", UntagQueueRequest(QueueUrl: queueURL, TagKeys: keys))
    }
}
