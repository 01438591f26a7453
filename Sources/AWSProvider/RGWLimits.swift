import TandemCore
import TandemEngine

/// Settings that an aws provider aimed at a Ceph RGW (`rgw: true`) must refuse while planning, because radosgw
/// accepts them and then misbehaves. Each was reproduced against radosgw 16.2.15.
enum RGWLimits {
    static func problems(type: String, configuration: Value) -> [ProviderError] {
        guard type == S3BucketResource.typeName else { return [] }
        // radosgw 16 answers AccessDenied to every PutObject (the owner's too, with or without an ACL header) while
        // BlockPublicAcls is set; CopyObject and multipart uploads still work, so the bucket looks half broken.
        if configuration["public_access_block"]["block_public_acls"] == .bool(true) {
            return [ProviderError("radosgw refuses every PutObject on a bucket whose public access block sets BlockPublicAcls, even the "
                                  + "bucket owner's, so this bucket would take no writes. Leave block_public_acls false on an RGW endpoint "
                                  + "(ignore_public_acls, block_public_policy and restrict_public_buckets are safe).",
                                  attributePath: "public_access_block.block_public_acls")]
        }
        return []
    }
}
