/// One destination of a bucket's notification document: a queue, topic or function with its events and key filter.
public struct NotificationTarget: Sendable, Equatable {
    /// Entry id; S3 generates one when nil.
    public var id: String?
    /// The queue, topic or function ARN.
    public var arn: String
    /// Event names such as `s3:ObjectCreated:*`.
    public var events: [String]
    /// Only keys starting with this.
    public var prefix: String?
    /// Only keys ending with this.
    public var suffix: String?

    /// Creates a target.
    public init(id: String? = nil, arn: String, events: [String], prefix: String? = nil, suffix: String? = nil) {
        self.id = id
        self.arn = arn
        self.events = events
        self.prefix = prefix
        self.suffix = suffix
    }

    func xml(_ element: String, arnElement: String) -> XMLNode {
        var children = (id.map { [XMLNode("Id", text: $0)] } ?? []) + [XMLNode(arnElement, text: arn)]
        children += events.map { XMLNode("Event", text: $0) }
        let rules = [("prefix", prefix), ("suffix", suffix)].compactMap { name, value in
            value.map { XMLNode("FilterRule", children: [XMLNode("Name", text: name), XMLNode("Value", text: $0)]) }
        }
        if !rules.isEmpty { children.append(XMLNode("Filter", children: [XMLNode("S3Key", children: rules)])) }
        return XMLNode(element, children: children)
    }

    init(xml node: XMLNode, arnElement: String) {
        id = node.childText("Id")
        arn = node.childText(arnElement) ?? ""
        events = node.children(named: "Event").map(\.text)
        let rules = node.child("Filter")?.child("S3Key")?.children(named: "FilterRule") ?? []
        func rule(_ name: String) -> String? { rules.first { $0.childText("Name")?.lowercased() == name }?.childText("Value") }
        prefix = rule("prefix")
        suffix = rule("suffix")
    }
}

/// A bucket's whole notification document.
public struct NotificationConfiguration: Sendable, Equatable {
    /// SQS destinations.
    public var queues: [NotificationTarget]
    /// SNS destinations.
    public var topics: [NotificationTarget]
    /// Lambda destinations.
    public var lambdaFunctions: [NotificationTarget]
    /// Every event also goes to EventBridge.
    public var eventBridge: Bool

    /// Creates a document; the default is empty (no notifications).
    public init(queues: [NotificationTarget] = [], topics: [NotificationTarget] = [], lambdaFunctions: [NotificationTarget] = [],
                eventBridge: Bool = false) {
        self.queues = queues
        self.topics = topics
        self.lambdaFunctions = lambdaFunctions
        self.eventBridge = eventBridge
    }

    static let kinds = [("QueueConfiguration", "Queue"), ("TopicConfiguration", "Topic"), ("CloudFunctionConfiguration", "CloudFunction")]
}

extension S3Client {
    /// The notification document (empty when none is set).
    public func getBucketNotification(_ name: String) async throws -> NotificationConfiguration {
        let root = try xml(try await send("GetBucketNotificationConfiguration", .GET, bucket: name, query: [("notification", "")]), operation: "GetBucketNotificationConfiguration")
        let lists = NotificationConfiguration.kinds.map { element, arn in root.children(named: element).map { NotificationTarget(xml: $0, arnElement: arn) } }
        return NotificationConfiguration(queues: lists[0], topics: lists[1], lambdaFunctions: lists[2],
                                         eventBridge: root.child("EventBridgeConfiguration") != nil)
    }

    /// Replaces the whole notification document; an empty one removes every notification.
    public func putBucketNotification(_ name: String, _ configuration: NotificationConfiguration) async throws {
        let lists = [configuration.queues, configuration.topics, configuration.lambdaFunctions]
        var children = zip(NotificationConfiguration.kinds, lists).flatMap { kind, targets in targets.map { $0.xml(kind.0, arnElement: kind.1) } }
        if configuration.eventBridge { children.append(XMLNode("EventBridgeConfiguration")) }
        let body = XMLNode("NotificationConfiguration", attributes: ["xmlns": XMLNode.s3Namespace], children: children)
        try await send("PutBucketNotificationConfiguration", .PUT, bucket: name, query: [("notification", "")], xml: body)
    }

    /// Removes the bucket's notification `id`, or every notification when `id` is nil, with `DELETE ?notification`:
    /// the Ceph RGW's call for it (it refuses an empty document as MalformedXML). AWS has no such call; use an empty
    /// `putBucketNotification` there.
    public func deleteBucketNotification(_ name: String, id: String? = nil) async throws {
        try await send("DeleteBucketNotification", .DELETE, bucket: name, query: [("notification", id ?? "")])
    }
}
