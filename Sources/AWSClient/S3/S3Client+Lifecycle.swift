/// A move to another storage class after a number of days.
public struct LifecycleTransition: Sendable, Equatable {
    /// Days after creation (or after becoming noncurrent).
    public var days: Int
    /// Target storage class, such as `GLACIER`.
    public var storageClass: String

    /// Creates a transition.
    public init(days: Int, storageClass: String) {
        self.days = days
        self.storageClass = storageClass
    }

    func xml(_ element: String, daysElement: String) -> XMLNode {
        XMLNode(element, children: [XMLNode(daysElement, text: String(days)), XMLNode("StorageClass", text: storageClass)])
    }

    init(xml node: XMLNode, daysElement: String) {
        days = Int(node.childText(daysElement) ?? "") ?? 0
        storageClass = node.childText("StorageClass") ?? ""
    }
}

/// One lifecycle rule.
public struct LifecycleRule: Sendable, Equatable {
    /// Rule id.
    public var id: String
    /// `Enabled` or `Disabled`.
    public var status: String
    /// Which objects it covers.
    public var filter: S3Filter
    /// Days after which current versions expire.
    public var expirationDays: Int?
    /// Remove delete markers that have no versions left.
    public var expiredObjectDeleteMarker: Bool?
    /// Days after which noncurrent versions expire.
    public var noncurrentVersionExpirationDays: Int?
    /// Days after which incomplete multipart uploads are aborted.
    public var abortIncompleteMultipartUploadDays: Int?
    /// Storage class transitions of current versions.
    public var transitions: [LifecycleTransition]
    /// Storage class transitions of noncurrent versions.
    public var noncurrentVersionTransitions: [LifecycleTransition]

    /// Creates a rule.
    public init(id: String, status: String = "Enabled", filter: S3Filter = S3Filter(), expirationDays: Int? = nil,
                expiredObjectDeleteMarker: Bool? = nil, noncurrentVersionExpirationDays: Int? = nil,
                abortIncompleteMultipartUploadDays: Int? = nil, transitions: [LifecycleTransition] = [],
                noncurrentVersionTransitions: [LifecycleTransition] = []) {
        self.id = id
        self.status = status
        self.filter = filter
        self.expirationDays = expirationDays
        self.expiredObjectDeleteMarker = expiredObjectDeleteMarker
        self.noncurrentVersionExpirationDays = noncurrentVersionExpirationDays
        self.abortIncompleteMultipartUploadDays = abortIncompleteMultipartUploadDays
        self.transitions = transitions
        self.noncurrentVersionTransitions = noncurrentVersionTransitions
    }

    var xml: XMLNode {
        var children = [XMLNode("ID", text: id), filter.xml, XMLNode("Status", text: status)]
        children += transitions.map { $0.xml("Transition", daysElement: "Days") }
        if expirationDays != nil || expiredObjectDeleteMarker != nil {
            children.append(XMLNode("Expiration", children: expirationDays.map { [XMLNode("Days", text: String($0))] }
                ?? [XMLNode("ExpiredObjectDeleteMarker", text: expiredObjectDeleteMarker == true ? "true" : "false")]))
        }
        children += noncurrentVersionTransitions.map { $0.xml("NoncurrentVersionTransition", daysElement: "NoncurrentDays") }
        if let days = noncurrentVersionExpirationDays {
            children.append(XMLNode("NoncurrentVersionExpiration", children: [XMLNode("NoncurrentDays", text: String(days))]))
        }
        if let days = abortIncompleteMultipartUploadDays {
            children.append(XMLNode("AbortIncompleteMultipartUpload", children: [XMLNode("DaysAfterInitiation", text: String(days))]))
        }
        return XMLNode("Rule", children: children)
    }

    init(xml node: XMLNode) {
        id = node.childText("ID") ?? ""
        status = node.childText("Status") ?? "Enabled"
        filter = S3Filter(xml: node.child("Filter") ?? node)
        expirationDays = node.child("Expiration")?.childText("Days").flatMap { Int($0) }
        expiredObjectDeleteMarker = node.child("Expiration")?.childText("ExpiredObjectDeleteMarker").map { $0 == "true" }
        noncurrentVersionExpirationDays = node.child("NoncurrentVersionExpiration")?.childText("NoncurrentDays").flatMap { Int($0) }
        abortIncompleteMultipartUploadDays = node.child("AbortIncompleteMultipartUpload")?.childText("DaysAfterInitiation").flatMap { Int($0) }
        transitions = node.children(named: "Transition").map { LifecycleTransition(xml: $0, daysElement: "Days") }
        noncurrentVersionTransitions = node.children(named: "NoncurrentVersionTransition").map { LifecycleTransition(xml: $0, daysElement: "NoncurrentDays") }
    }
}

extension S3Client {
    /// The lifecycle rules; nil when none are set (`NoSuchLifecycleConfiguration`).
    public func getBucketLifecycle(_ name: String) async throws -> [LifecycleRule]? {
        let response: AWSHTTPResponse
        do {
            response = try await send("GetBucketLifecycleConfiguration", .GET, bucket: name, query: [("lifecycle", "")])
        } catch let error as AWSServiceError where error.code == "NoSuchLifecycleConfiguration" {
            return nil
        }
        return try xml(response, operation: "GetBucketLifecycleConfiguration").children(named: "Rule").map(LifecycleRule.init(xml:))
    }

    /// Replaces the lifecycle rules.
    public func putBucketLifecycle(_ name: String, rules: [LifecycleRule]) async throws {
        let body = XMLNode("LifecycleConfiguration", attributes: ["xmlns": XMLNode.s3Namespace], children: rules.map(\.xml))
        try await send("PutBucketLifecycleConfiguration", .PUT, bucket: name, query: [("lifecycle", "")], xml: body)
    }

    /// Removes the lifecycle configuration.
    public func deleteBucketLifecycle(_ name: String) async throws {
        try await send("DeleteBucketLifecycle", .DELETE, bucket: name, query: [("lifecycle", "")])
    }
}
