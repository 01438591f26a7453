/// Where a replication rule sends objects and how.
public struct ReplicationDestination: Sendable, Equatable {
    /// Destination bucket ARN.
    public var bucketARN: String
    /// Storage class of the replicas.
    public var storageClass: String?
    /// Destination account id (cross-account).
    public var account: String?
    /// `AccessControlTranslation/Owner` (`Destination`): the destination account owns the replicas.
    public var accessControlOwner: String?
    /// Replication metrics status.
    public var metricsStatus: String?
    /// Minutes after which a replica counts as late in metrics.
    public var metricsEventThresholdMinutes: Int?
    /// Replication Time Control status.
    public var replicationTimeStatus: String?
    /// Replication Time Control minutes (15).
    public var replicationTimeMinutes: Int?
    /// KMS key for replicas of KMS-encrypted objects.
    public var replicaKMSKeyID: String?

    /// Creates a destination.
    public init(bucketARN: String, storageClass: String? = nil, account: String? = nil, accessControlOwner: String? = nil,
                metricsStatus: String? = nil, metricsEventThresholdMinutes: Int? = nil, replicationTimeStatus: String? = nil,
                replicationTimeMinutes: Int? = nil, replicaKMSKeyID: String? = nil) {
        self.bucketARN = bucketARN
        self.storageClass = storageClass
        self.account = account
        self.accessControlOwner = accessControlOwner
        self.metricsStatus = metricsStatus
        self.metricsEventThresholdMinutes = metricsEventThresholdMinutes
        self.replicationTimeStatus = replicationTimeStatus
        self.replicationTimeMinutes = replicationTimeMinutes
        self.replicaKMSKeyID = replicaKMSKeyID
    }

    /// `<Destination>` with its elements in the order S3's schema lists them.
    var xml: XMLNode {
        var children = [XMLNode("Bucket", text: bucketARN)]
        if let account { children.append(XMLNode("Account", text: account)) }
        if let storageClass { children.append(XMLNode("StorageClass", text: storageClass)) }
        if let accessControlOwner { children.append(XMLNode("AccessControlTranslation", children: [XMLNode("Owner", text: accessControlOwner)])) }
        if let replicaKMSKeyID { children.append(XMLNode("EncryptionConfiguration", children: [XMLNode("ReplicaKmsKeyID", text: replicaKMSKeyID)])) }
        if let replicationTimeStatus {
            children.append(XMLNode("ReplicationTime", children: [XMLNode("Status", text: replicationTimeStatus)]
                + (replicationTimeMinutes.map { [XMLNode("Time", children: [XMLNode("Minutes", text: String($0))])] } ?? [])))
        }
        if let metricsStatus {
            children.append(XMLNode("Metrics", children: [XMLNode("Status", text: metricsStatus)]
                + (metricsEventThresholdMinutes.map { [XMLNode("EventThreshold", children: [XMLNode("Minutes", text: String($0))])] } ?? [])))
        }
        return XMLNode("Destination", children: children)
    }

    init(xml node: XMLNode?) {
        bucketARN = node?.childText("Bucket") ?? ""
        storageClass = node?.childText("StorageClass")
        account = node?.childText("Account")
        accessControlOwner = node?.child("AccessControlTranslation")?.childText("Owner")
        metricsStatus = node?.child("Metrics")?.childText("Status")
        metricsEventThresholdMinutes = node?.child("Metrics")?.child("EventThreshold")?.childText("Minutes").flatMap { Int($0) }
        replicationTimeStatus = node?.child("ReplicationTime")?.childText("Status")
        replicationTimeMinutes = node?.child("ReplicationTime")?.child("Time")?.childText("Minutes").flatMap { Int($0) }
        replicaKMSKeyID = node?.child("EncryptionConfiguration")?.childText("ReplicaKmsKeyID")
    }
}

/// One V2 replication rule.
public struct ReplicationRule: Sendable, Equatable {
    /// Rule id.
    public var id: String?
    /// Higher wins where rules overlap.
    public var priority: Int?
    /// `Enabled` or `Disabled`.
    public var status: String
    /// Which objects it covers.
    public var filter: S3Filter
    /// Whether delete markers replicate (`Enabled`/`Disabled`).
    public var deleteMarkerReplication: String?
    /// Whether objects that existed before the rule replicate.
    public var existingObjectReplication: String?
    /// Whether KMS-encrypted objects replicate.
    public var sseKMSEncryptedObjects: String?
    /// Where objects go.
    public var destination: ReplicationDestination

    /// Creates a rule.
    public init(id: String?, priority: Int? = nil, status: String = "Enabled", filter: S3Filter = S3Filter(), deleteMarkerReplication: String?,
                existingObjectReplication: String? = nil, sseKMSEncryptedObjects: String? = nil, destination: ReplicationDestination) {
        self.id = id
        self.priority = priority
        self.status = status
        self.filter = filter
        self.deleteMarkerReplication = deleteMarkerReplication
        self.existingObjectReplication = existingObjectReplication
        self.sseKMSEncryptedObjects = sseKMSEncryptedObjects
        self.destination = destination
    }

    /// `<Rule>`, always V2 (with a `<Filter>`), elements in schema order.
    var xml: XMLNode {
        func statusElement(_ element: String, _ value: String?) -> [XMLNode] { value.map { [XMLNode(element, children: [XMLNode("Status", text: $0)])] } ?? [] }
        var children = (id.map { [XMLNode("ID", text: $0)] } ?? []) + (priority.map { [XMLNode("Priority", text: String($0))] } ?? [])
        children += [filter.xml, XMLNode("Status", text: status)]
        if let sseKMSEncryptedObjects {
            children.append(XMLNode("SourceSelectionCriteria", children: statusElement("SseKmsEncryptedObjects", sseKMSEncryptedObjects)))
        }
        children += statusElement("ExistingObjectReplication", existingObjectReplication)
        children.append(destination.xml)
        children += statusElement("DeleteMarkerReplication", deleteMarkerReplication)
        return XMLNode("Rule", children: children)
    }

    init(xml node: XMLNode) {
        id = node.childText("ID")
        priority = node.childText("Priority").flatMap { Int($0) }
        status = node.childText("Status") ?? "Enabled"
        filter = S3Filter(xml: node.child("Filter") ?? node)
        deleteMarkerReplication = node.child("DeleteMarkerReplication")?.childText("Status")
        existingObjectReplication = node.child("ExistingObjectReplication")?.childText("Status")
        sseKMSEncryptedObjects = node.child("SourceSelectionCriteria")?.child("SseKmsEncryptedObjects")?.childText("Status")
        destination = ReplicationDestination(xml: node.child("Destination"))
    }
}

/// A bucket's replication configuration: the role S3 assumes and the rules.
public struct ReplicationConfiguration: Sendable, Equatable {
    /// ARN of the role S3 assumes.
    public var role: String
    /// The rules.
    public var rules: [ReplicationRule]

    /// Creates a configuration.
    public init(role: String, rules: [ReplicationRule]) {
        self.role = role
        self.rules = rules
    }

    var xml: XMLNode {
        XMLNode("ReplicationConfiguration", attributes: ["xmlns": XMLNode.s3Namespace], children: [XMLNode("Role", text: role)] + rules.map(\.xml))
    }

    init(xml root: XMLNode) {
        role = root.childText("Role") ?? ""
        rules = root.children(named: "Rule").map(ReplicationRule.init(xml:))
    }
}

extension S3Client {
    /// The replication configuration; nil when none is set (`ReplicationConfigurationNotFoundError`).
    public func getBucketReplication(_ name: String) async throws -> ReplicationConfiguration? {
        let response: AWSHTTPResponse
        do {
            response = try await send("GetBucketReplication", .GET, bucket: name, query: [("replication", "")])
        } catch let error as AWSServiceError where error.code == "ReplicationConfigurationNotFoundError" {
            return nil
        }
        return ReplicationConfiguration(xml: try xml(response, operation: "GetBucketReplication"))
    }

    /// Replaces the replication configuration (S3 requires versioning on the bucket).
    public func putBucketReplication(_ name: String, _ configuration: ReplicationConfiguration) async throws {
        try await send("PutBucketReplication", .PUT, bucket: name, query: [("replication", "")], xml: configuration.xml)
    }

    /// Removes the replication configuration.
    public func deleteBucketReplication(_ name: String) async throws {
        try await send("DeleteBucketReplication", .DELETE, bucket: name, query: [("replication", "")])
    }
}
