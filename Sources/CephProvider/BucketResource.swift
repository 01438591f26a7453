import AWSClient
import TandemCore
import TandemEngine

/// `ceph_bucket`: a bucket created through the RGW's S3 API (owned by the provider's credentials), with
/// versioning and a bucket policy (how other RGW users, such as a replicator's, get access to it). `force_destroy`
/// empties it first, one key at a time: Pacific's beast frontend aborts on DeleteObjects when the bucket has
/// notifications.
struct BucketResource: CephResource {
    static let typeName = "ceph_bucket"
    static let importPath: [String] = ["bucket"]

    static let schema = ResourceSchema(attributes: [
        "bucket": AttributeSchema(.string, .required, forcesReplacement: true, description: "Bucket name (3-63 characters)."),
        "versioning": AttributeSchema(.string, .optional, allowedValues: ["Enabled", "Suspended"], description: "Versioning state; unversioned when unset."),
        "policy": AttributeSchema(.policyDocument, .optional,
                                  description: "Bucket policy, e.g. granting an RGW user with Principal {AWS: [arn:aws:iam:::user/UID]}; removing it deletes it."),
        "force_destroy": AttributeSchema(.bool, .optional, defaultValue: .bool(false), description: "Let destroy delete every object version first."),
    ], description: "An RGW bucket")

    let provider: ConfiguredCephProvider

    func read(current: Value) async throws -> Value? {
        guard let bucket = current["bucket"].stringValue, let s3 = try await provider.s3(ifBucketExists: bucket) else { return nil }
        return .map([
            "bucket": .string(bucket),
            "versioning": try await s3.getBucketVersioning(bucket).map(Value.string) ?? .null,
            "policy": PolicyText.read(try await s3.getBucketPolicy(bucket)),
            "force_destroy": current["force_destroy"].boolValue.map(Value.bool) ?? .bool(false),
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let bucket = planned["bucket"].stringValue ?? ""
        let s3 = try provider.s3()
        if try await s3.bucketExists(bucket) {
            throw ProviderError("Bucket \(bucket) already exists and is not managed by this state; import it with "
                                + "tandem import \(Self.typeName).NAME \(bucket).", attributePath: "bucket")
        }
        try await progress.willCreate()
        try await s3.createBucket(bucket, locationConstraint: nil)
        try await configure(bucket, s3: s3, prior: nil, planned: planned)
        return try await readBack(planned, what: "Bucket \(bucket)")
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let bucket = planned["bucket"].stringValue ?? ""
        try await configure(bucket, s3: try provider.s3(), prior: prior, planned: planned)
        return try await readBack(planned, what: "Bucket \(bucket)")
    }

    /// Writes versioning and the policy where they differ from `prior` (all that are set, for a new bucket).
    private func configure(_ bucket: String, s3: S3Client, prior: Value?, planned: Value) async throws {
        if let versioning = planned["versioning"].stringValue, planned["versioning"] != prior?["versioning"] {
            try await s3.putBucketVersioning(bucket, status: versioning)
        }
        guard planned["policy"] != prior?["policy"] else { return }
        if planned["policy"].mapValue != nil {
            try await s3.putBucketPolicy(bucket, policy: try PolicyText.text(planned["policy"]))
        } else if prior != nil {
            try await s3.deleteBucketPolicy(bucket)
        }
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let bucket = prior["bucket"].stringValue ?? ""
        guard let s3 = try await provider.s3(ifBucketExists: bucket) else { return }
        if prior["force_destroy"] == .bool(true) { try await empty(bucket, s3: s3, progress: progress) }
        do {
            try await s3.deleteBucket(bucket)
        } catch let error as AWSServiceError where error.code == "BucketNotEmpty" {
            throw ProviderError("Bucket \(bucket) is not empty (\(error.code)). Empty it first, or set force_destroy: true and apply before destroying.")
        }
    }

    private func empty(_ bucket: String, s3: S3Client, progress: ProgressReporter) async throws {
        var keyMarker: String?, versionMarker: String?, deleted = 0
        repeat {
            let page = try await s3.listObjectVersions(bucket, keyMarker: keyMarker, versionIDMarker: versionMarker)
            for version in page.objects {
                try await s3.deleteObject(bucket: bucket, key: version.key, versionID: version.versionID)
                deleted += 1
            }
            if !page.objects.isEmpty { progress("force_destroy: deleted \(deleted) object version(s) of \(bucket) so far") }
            (keyMarker, versionMarker) = (page.nextKeyMarker, page.nextVersionIDMarker)
        } while keyMarker != nil
    }
}

extension BucketResource {
    /// The bucket name follows RGW's default (strict) naming rules.
    static func validate(_ configuration: Value) -> [ProviderError] {
        var rules = ValueRules(configuration)
        rules.bucketName("bucket", service: .rgw)
        return rules.problems
    }
}
