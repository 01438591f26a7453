import AWSClient
import TandemCore
import TandemEngine

/// `aws_s3_bucket`: a bucket with versioning, default encryption, public access block, bucket policy, ownership
/// controls, lifecycle rules and tags. `force_destroy` lets destroy empty it (every version) first.
struct S3BucketResource: AWSResource {
    static let typeName = "aws_s3_bucket"

    static let schema = ResourceSchema(attributes: [
        "bucket": AttributeSchema(.string, .required, forcesReplacement: true, description: "Bucket name."),
        "region": AttributeSchema(.string, .optionalComputed, forcesReplacement: true, description: "Region; defaults to the provider's."),
        "versioning": AttributeSchema(.string, .optionalComputed, allowedValues: ["Enabled", "Suspended"],
                                      description: "Versioning status; once enabled it can only be suspended."),
        "encryption": AttributeSchema(.object([
            "algorithm": AttributeSchema(.string, .required, allowedValues: ["AES256", "aws:kms", "aws:kms:dsse"]),
            "kms_master_key_id": AttributeSchema(.string, .optional),
            "bucket_key_enabled": AttributeSchema(.bool, .optional, defaultValue: .bool(false)),
        ]), .optionalComputed, description: "Default server-side encryption."),
        "public_access_block": AttributeSchema(.object([
            "block_public_acls": AttributeSchema(.bool, .optional, defaultValue: .bool(false)),
            "ignore_public_acls": AttributeSchema(.bool, .optional, defaultValue: .bool(false)),
            "block_public_policy": AttributeSchema(.bool, .optional, defaultValue: .bool(false)),
            "restrict_public_buckets": AttributeSchema(.bool, .optional, defaultValue: .bool(false)),
        ]), .optional, description: "Public access block; removing it from the configuration deletes it."),
        "policy": AttributeSchema(.policyDocument, .optional, description: "Bucket policy; written after the public access block."),
        "ownership_controls": AttributeSchema(.string, .optionalComputed, allowedValues: ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"],
                                              description: "Object ownership; unset keeps the live setting."),
        "lifecycle_rule": AttributeSchema(.list(.object(S3Lifecycle.ruleSchema)), .optional, defaultValue: .list([]),
                                          description: "Lifecycle rules; an empty list removes the configuration."),
        "force_destroy": AttributeSchema(.bool, .optional, defaultValue: .bool(false),
                                         description: "Destroy deletes every object version first; otherwise a non-empty bucket is not deleted."),
        "tags": AttributeSchema(.map(.string), .optional, defaultValue: .map([:])),
        "arn": AttributeSchema(.string, .computed),
    ], description: "An S3 bucket")

    /// The largest bucket policy S3 accepts ("Bucket policies are limited to 20 KB in size").
    static let maximumPolicyBytes = 20 * 1024

    /// S3's documented limits: the bucket name, the policy's size, tags (at most 50), lifecycle rules.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var rules = ValueRules(configuration)
        rules.bucketName("bucket", service: .s3)
        rules.policyBytes("policy", "A bucket policy", atMost: maximumPolicyBytes)
        rules.tags("tags", maximumCount: 50)
        S3Lifecycle.check("lifecycle_rule", in: &rules)
        return rules.problems
    }

    let provider: ConfiguredAWSProvider

    func read(current: Value) async throws -> Value? {
        guard let name = current["bucket"].stringValue else { return nil }
        guard let (s3, region) = try await provider.locate(name, near: current["region"].stringValue) else { return nil }
        async let versioning = s3.getBucketVersioning(name)
        async let encryption = s3.getBucketEncryption(name)
        async let publicAccessBlock = s3.getPublicAccessBlock(name)
        async let tags = s3.getBucketTagging(name)
        async let policy = s3.getBucketPolicy(name)
        async let ownership = s3.getBucketOwnershipControls(name)
        async let lifecycle = s3.getBucketLifecycle(name)
        return .map([
            "bucket": .string(name),
            "region": .string(region),
            "versioning": try await versioning.map(Value.string) ?? .null,
            "encryption": Self.value(of: try await encryption),
            "public_access_block": Self.value(of: try await publicAccessBlock, recorded: current["public_access_block"]),
            "policy": PolicyText.read(try await policy),
            "ownership_controls": try await ownership.map(Value.string) ?? .null,
            "lifecycle_rule": .list((try await lifecycle ?? []).map(S3Lifecycle.value(of:))),
            // Not an S3 setting: what the configuration asked destroy to do.
            "force_destroy": current["force_destroy"].boolValue.map(Value.bool) ?? .bool(false),
            "tags": .map(try await tags.mapValues(Value.string)),
            "arn": .string("arn:aws:s3:::\(name)"),
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["bucket"].stringValue ?? ""
        let region = planned["region"].stringValue ?? provider.settings.region
        let s3 = provider.s3(region: region)
        // CreateBucket succeeds for a bucket the caller already owns (us-east-1); never take one over silently.
        if try await s3.bucketExists(name) {
            throw ProviderError("Bucket \(name) already exists and is not managed by this state; Tandem does not take over objects it did not create. "
                                + "Choose another name, or adopt it with tandem import.", attributePath: "bucket")
        }
        try await progress.willCreate()
        try await s3.createBucket(name, locationConstraint: region)
        let withRegion = Self.setting(region: region, in: planned)
        try await configure(name: name, s3: s3, prior: nil, planned: withRegion, progress: progress)
        return try await readBack(planned: withRegion, progress: progress)
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = prior["bucket"].stringValue ?? ""
        let region = prior["region"].stringValue ?? provider.settings.region
        try await configure(name: name, s3: provider.s3(region: region), prior: prior, planned: planned, progress: progress)
        let withRegion = Self.setting(region: region, in: planned)
        return try await readBack(planned: withRegion, progress: progress)
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let name = prior["bucket"].stringValue ?? ""
        let s3 = provider.s3(region: prior["region"].stringValue)
        do {
            if prior["force_destroy"] == .bool(true) { try await empty(name, s3: s3, progress: progress) }
            try await s3.deleteBucket(name)
        } catch let error as AWSServiceError where error.code == "BucketNotEmpty" {
            throw ProviderError("Bucket \(name) is not empty (\(error.code)). Empty it first, or set force_destroy: true and apply before destroying.")
        } catch let error as AWSServiceError where error.code == "NoSuchBucket" {
            return
        }
    }

    /// Deletes every object version and delete marker, a page (up to 1,000) at a time.
    private func empty(_ name: String, s3: S3Client, progress: ProgressReporter) async throws {
        var keyMarker: String?
        var versionMarker: String?
        var deleted = 0
        repeat {
            let page = try await s3.listObjectVersions(name, keyMarker: keyMarker, versionIDMarker: versionMarker)
            if !page.objects.isEmpty {
                let failures = try await s3.deleteObjects(name, page.objects)
                guard failures.isEmpty else {
                    throw ProviderError("force_destroy could not delete \(failures.count) object version(s) of \(name): \(failures.prefix(5).joined(separator: "; "))")
                }
                deleted += page.objects.count
                progress("force_destroy: deleted \(deleted) object version(s) so far")
            }
            (keyMarker, versionMarker) = (page.nextKeyMarker, page.nextVersionIDMarker)
        } while keyMarker != nil || versionMarker != nil
    }

    /// Applies each sub-configuration that differs from `prior` (all that are set, for a new bucket).
    private func configure(name: String, s3: S3Client, prior: Value?, planned: Value, progress: ProgressReporter) async throws {
        func changed(_ key: String) -> Bool { prior?[key] != planned[key] }
        if changed("versioning"), let status = planned["versioning"].stringValue {
            try await s3.putBucketVersioning(name, status: status)
        }
        if changed("encryption") {
            if let encryption = Self.encryption(from: planned["encryption"]) {
                try await s3.putBucketEncryption(name, encryption)
            } else if prior != nil, planned["encryption"] == .null {
                try await s3.deleteBucketEncryption(name)
            }
        }
        if changed("public_access_block") {
            if let block = Self.publicAccessBlock(from: planned["public_access_block"]) {
                try await s3.putPublicAccessBlock(name, block)
            } else if prior != nil {
                try await s3.deletePublicAccessBlock(name)
            }
        }
        if let ownership = planned["ownership_controls"].stringValue, changed("ownership_controls") {
            try await s3.putBucketOwnershipControls(name, objectOwnership: ownership)
        }
        // After the public access block: a policy granting public access is refused while the block forbids it.
        if changed("policy") {
            if planned["policy"].mapValue != nil {
                let policy = try PolicyText.text(planned["policy"])
                try await provider.consistency.run([EventualConsistency.principalNotYetVisible], operation: "PutBucketPolicy", progress: progress) {
                    try await s3.putBucketPolicy(name, policy: policy)
                }
            } else if prior != nil {
                try await s3.deleteBucketPolicy(name)
            }
        }
        if changed("lifecycle_rule") {
            let rules = (planned["lifecycle_rule"].listValue ?? []).map(S3Lifecycle.rule(from:))
            if !rules.isEmpty {
                try await s3.putBucketLifecycle(name, rules: rules)
            } else if prior != nil {
                try await s3.deleteBucketLifecycle(name)
            }
        }
        if changed("tags") {
            let tags = (planned["tags"].mapValue ?? [:]).compactMapValues(\.stringValue)
            if tags.isEmpty {
                if prior != nil { try await s3.deleteBucketTagging(name) }
            } else {
                try await s3.putBucketTagging(name, tags)
            }
        }
    }

    /// `planned` with the region the bucket lives in.
    private static func setting(region: String, in planned: Value) -> Value {
        guard case .map(var entries) = planned else { return planned }
        entries["region"] = .string(region)
        return .map(entries)
    }

    /// Reads the bucket after a write, retrying briefly while a new bucket is not yet visible (eventual consistency).
    private func readBack(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["bucket"].stringValue ?? ""
        for attempt in 1...5 {
            if let value = try await read(current: planned) { return value }
            progress("bucket \(name) not visible yet after create; retrying (\(attempt)/5)")
            try await Task.sleep(for: .milliseconds(200 * attempt))
        }
        throw ProviderError("Bucket \(name) was created but cannot be read back")
    }

    private static func value(of encryption: BucketEncryption?) -> Value {
        guard let encryption else { return .null }
        return .map([
            "algorithm": .string(encryption.algorithm),
            "kms_master_key_id": encryption.kmsMasterKeyID.map(Value.string) ?? .null,
            "bucket_key_enabled": .bool(encryption.bucketKeyEnabled ?? false),
        ])
    }

    /// The block as configured. A Ceph RGW reports four false switches for a bucket that has no block (and keeps
    /// reporting them after DeletePublicAccessBlock); that allows exactly what no block allows, so it reads as no
    /// block unless the block is recorded (configured with every switch false).
    private static func value(of block: PublicAccessBlock?, recorded: Value) -> Value {
        guard let block else { return .null }
        let blocksNothing = !block.blockPublicAcls && !block.ignorePublicAcls && !block.blockPublicPolicy && !block.restrictPublicBuckets
        if blocksNothing, recorded == .null { return .null }
        return .map([
            "block_public_acls": .bool(block.blockPublicAcls),
            "ignore_public_acls": .bool(block.ignorePublicAcls),
            "block_public_policy": .bool(block.blockPublicPolicy),
            "restrict_public_buckets": .bool(block.restrictPublicBuckets),
        ])
    }

    private static func encryption(from value: Value) -> BucketEncryption? {
        guard let algorithm = value["algorithm"].stringValue else { return nil }
        return BucketEncryption(algorithm: algorithm, kmsMasterKeyID: value["kms_master_key_id"].stringValue,
                                bucketKeyEnabled: value["bucket_key_enabled"].boolValue)
    }

    private static func publicAccessBlock(from value: Value) -> PublicAccessBlock? {
        guard value.mapValue != nil else { return nil }
        return PublicAccessBlock(blockPublicAcls: value["block_public_acls"].boolValue ?? false,
                                 ignorePublicAcls: value["ignore_public_acls"].boolValue ?? false,
                                 blockPublicPolicy: value["block_public_policy"].boolValue ?? false,
                                 restrictPublicBuckets: value["restrict_public_buckets"].boolValue ?? false)
    }
}

extension S3BucketResource {
    /// Imported by bucket name; provides the bucket and waits for the roles and users its policy names.
    static let kind = AWSResourceKind(
        typeName: typeName, schema: schema, importing: AWSResourceKind.importing(by: "bucket"),
        ordering: { value in
            let principals = PolicyDocument.statements(of: value["policy"]).flatMap { OrderingNames.principalARNs($0["Principal"]) }
            return OrderingKeys(provides: OrderingNames.all([value["bucket"].stringValue], "s3:bucket:"),
                                requires: OrderingNames.all(principals.map { ARN.iamName($0, kind: "role") }, "iam:role-object:")
                                    + OrderingNames.all(principals.map { ARN.iamName($0, kind: "user") }, "iam:user:"))
        },
        validate: validate,
        operations: { S3BucketResource(provider: $0) })
}
