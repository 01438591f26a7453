import AWSClient
import Foundation
import TandemTesting
import Testing

/// Runs the clients against a local moto server. Each case gets a freshly reset moto.
@Suite("Clients against moto", .serialized)
struct MotoIntegrationTests {
    let moto: MotoServer
    let s3: S3Client
    let sqs: SQSClient
    let sts: STSClient

    init() async throws {
        moto = try await MotoServer.shared()
        s3 = S3Client(configuration: moto.configuration(), transport: moto.transport)
        sqs = SQSClient(configuration: moto.configuration(), transport: moto.transport)
        sts = STSClient(configuration: moto.configuration(), transport: moto.transport)
    }

    @Test("S3: create in af-south-1 with a location constraint, exists, location, delete")
    func bucketLifecycle() async throws {
        try await moto.withFreshState {
            #expect(try await s3.bucketExists("tandem-life") == false)
            try await s3.createBucket("tandem-life", locationConstraint: "af-south-1")
            #expect(try await s3.bucketExists("tandem-life"))
            #expect(try await s3.getBucketLocation("tandem-life") == "af-south-1")
            try await s3.deleteBucket("tandem-life")
            #expect(try await s3.bucketExists("tandem-life") == false)
        }
    }

    @Test("S3: us-east-1 buckets are created without a body and located as us-east-1")
    func usEast1() async throws {
        let client = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
        try await moto.withFreshState {
            try await client.createBucket("tandem-use1", locationConstraint: "us-east-1")
            #expect(try await client.getBucketLocation("tandem-use1") == "us-east-1")
        }
    }

    @Test("S3: a location constraint that differs from the signing region is refused")
    func wrongConstraint() async throws {
        try await moto.withFreshState {
            let error = await #expect(throws: AWSServiceError.self) {
                try await s3.createBucket("tandem-wrong", locationConstraint: "eu-west-1")
            }
            #expect(error?.code == "IllegalLocationConstraintException")
            #expect(error?.statusCode == 400)
        }
    }

    @Test("S3: versioning is nil until set, then round-trips")
    func versioning() async throws {
        try await moto.withFreshState {
            try await s3.createBucket("tandem-ver", locationConstraint: "af-south-1")
            #expect(try await s3.getBucketVersioning("tandem-ver") == nil)
            try await s3.putBucketVersioning("tandem-ver", status: "Enabled")
            #expect(try await s3.getBucketVersioning("tandem-ver") == "Enabled")
            try await s3.putBucketVersioning("tandem-ver", status: "Suspended")
            #expect(try await s3.getBucketVersioning("tandem-ver") == "Suspended")
        }
    }

    @Test("S3: encryption is nil until set, round-trips AES256 and KMS, and deletes")
    func encryption() async throws {
        try await moto.withFreshState {
            try await s3.createBucket("tandem-enc", locationConstraint: "af-south-1")
            #expect(try await s3.getBucketEncryption("tandem-enc") == nil)

            try await s3.putBucketEncryption("tandem-enc", BucketEncryption(algorithm: "AES256"))
            #expect(try await s3.getBucketEncryption("tandem-enc")?.algorithm == "AES256")

            let kms = BucketEncryption(algorithm: "aws:kms", kmsMasterKeyID: "arn:aws:kms:af-south-1:123456789012:key/abc", bucketKeyEnabled: true)
            try await s3.putBucketEncryption("tandem-enc", kms)
            #expect(try await s3.getBucketEncryption("tandem-enc") == kms)

            try await s3.deleteBucketEncryption("tandem-enc")
            #expect(try await s3.getBucketEncryption("tandem-enc") == nil)
        }
    }

    @Test("S3: public access block is nil until set, round-trips, and deletes")
    func publicAccessBlock() async throws {
        try await moto.withFreshState {
            try await s3.createBucket("tandem-pab", locationConstraint: "af-south-1")
            #expect(try await s3.getPublicAccessBlock("tandem-pab") == nil)
            let partial = PublicAccessBlock(blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: false)
            try await s3.putPublicAccessBlock("tandem-pab", partial)
            #expect(try await s3.getPublicAccessBlock("tandem-pab") == partial)
            try await s3.putPublicAccessBlock("tandem-pab", .all)
            #expect(try await s3.getPublicAccessBlock("tandem-pab") == .all)
            try await s3.deletePublicAccessBlock("tandem-pab")
            #expect(try await s3.getPublicAccessBlock("tandem-pab") == nil)
        }
    }

    @Test("S3: tags are empty until set, round-trip (with XML-special characters), and delete")
    func tagging() async throws {
        try await moto.withFreshState {
            try await s3.createBucket("tandem-tags", locationConstraint: "af-south-1")
            #expect(try await s3.getBucketTagging("tandem-tags") == [:])
            let tags = ["env": "test", "owner": "a&b <team>", "empty": ""]
            try await s3.putBucketTagging("tandem-tags", tags)
            #expect(try await s3.getBucketTagging("tandem-tags") == tags)
            try await s3.deleteBucketTagging("tandem-tags")
            #expect(try await s3.getBucketTagging("tandem-tags") == [:])
        }
    }

    @Test("S3: objects with awkward keys are listed across pages and deleted; non-empty buckets refuse deletion")
    func objects() async throws {
        try await moto.withFreshState {
            try await s3.createBucket("tandem-obj", locationConstraint: "af-south-1")
            let keys = ["plain.txt", "dir/with space.txt", "plus+sign.txt", "percent%41.txt", "unicodé/日本.txt"]
            for key in keys {
                try await s3.putObject(bucket: "tandem-obj", key: key, body: Array("body of \(key)".utf8), contentType: "text/plain")
            }
            #expect(try await s3.listObjectKeys(bucket: "tandem-obj").sorted() == keys.sorted())

            let error = await #expect(throws: AWSServiceError.self) { try await s3.deleteBucket("tandem-obj") }
            #expect(error?.code == "BucketNotEmpty")
            #expect(error?.statusCode == 409)

            for key in keys { try await s3.deleteObject(bucket: "tandem-obj", key: key) }
            #expect(try await s3.listObjectKeys(bucket: "tandem-obj").isEmpty)
            try await s3.deleteBucket("tandem-obj")
        }
    }

    @Test("S3: listing follows continuation tokens past 1000 keys")
    func pagination() async throws {
        try await moto.withFreshState {
            try await s3.createBucket("tandem-many", locationConstraint: "af-south-1")
            let keys = (0..<1005).map { String(format: "k%04d", $0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for chunk in stride(from: 0, to: keys.count, by: 200) {
                    let slice = keys[chunk..<min(chunk + 200, keys.count)]
                    group.addTask {
                        for key in slice { try await s3.putObject(bucket: "tandem-many", key: key, body: [1], contentType: nil) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await s3.listObjectKeys(bucket: "tandem-many") == keys)
        }
    }

    @Test("S3: a missing bucket gives NoSuchBucket 404 with a request id")
    func missingBucket() async throws {
        try await moto.withFreshState {
            let error = await #expect(throws: AWSServiceError.self) { try await s3.deleteBucket("tandem-missing") }
            #expect(error?.service == "S3")
            #expect(error?.code == "NoSuchBucket")
            #expect(error?.statusCode == 404)
            #expect(error?.operation == "DeleteBucket")
            #expect(error?.description.hasPrefix("S3 DeleteBucket: NoSuchBucket (404): ") == true, "the failing call is named: \(error?.description ?? "")")
        }
    }

    @Test("SQS: create with RedrivePolicy and VisibilityTimeout, attributes round-trip, delete")
    func queueLifecycle() async throws {
        try await moto.withFreshState {
            let dlqURL = try await sqs.createQueue(name: "tandem-dlq", attributes: [:], tags: [:])
            let dlqARN = try #require(try await sqs.getQueueAttributes(queueURL: dlqURL)["QueueArn"])
            #expect(dlqARN == "arn:aws:sqs:af-south-1:123456789012:tandem-dlq")

            let redrive = #"{"deadLetterTargetArn":"\#(dlqARN)","maxReceiveCount":"3"}"#
            let url = try await sqs.createQueue(
                name: "tandem-main", attributes: ["VisibilityTimeout": "45", "RedrivePolicy": redrive], tags: ["env": "test"])
            #expect(url.hasSuffix("/tandem-main"))
            #expect(try await sqs.queueURL(name: "tandem-main") == url)

            let attributes = try await sqs.getQueueAttributes(queueURL: url)
            #expect(attributes["VisibilityTimeout"] == "45")
            let policy = try #require(attributes["RedrivePolicy"])
            let decoded = try JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any]
            #expect(decoded?["deadLetterTargetArn"] as? String == dlqARN)
            #expect("\(decoded?["maxReceiveCount"] ?? "")" == "3")

            try await sqs.setQueueAttributes(queueURL: url, attributes: ["VisibilityTimeout": "90", "DelaySeconds": "5"])
            let updated = try await sqs.getQueueAttributes(queueURL: url)
            #expect(updated["VisibilityTimeout"] == "90")
            #expect(updated["DelaySeconds"] == "5")

            let messageID = try await sqs.sendMessage(queueURL: url, body: "hello")
            #expect(!messageID.isEmpty)

            try await sqs.deleteQueue(queueURL: url)
            #expect(try await sqs.queueURL(name: "tandem-main") == nil)
        }
    }

    @Test("SQS: tags set at creation, added, and removed")
    func queueTags() async throws {
        try await moto.withFreshState {
            let url = try await sqs.createQueue(name: "tandem-tagged", attributes: [:], tags: ["a": "1", "b": "2"])
            #expect(try await sqs.listQueueTags(queueURL: url) == ["a": "1", "b": "2"])
            try await sqs.tagQueue(queueURL: url, tags: ["b": "two", "c": "3"])
            #expect(try await sqs.listQueueTags(queueURL: url) == ["a": "1", "b": "two", "c": "3"])
            try await sqs.untagQueue(queueURL: url, keys: ["a", "c"])
            #expect(try await sqs.listQueueTags(queueURL: url) == ["b": "two"])
        }
    }

    @Test("SQS: a missing queue has no URL, and calls on it fail as queue-missing")
    func missingQueue() async throws {
        let missingURL = moto.endpoint + "/123456789012/tandem-nope"
        try await moto.withFreshState {
            let missing = try await sqs.queueURL(name: "tandem-nope")
            #expect(missing == nil)
            let error = await #expect(throws: AWSServiceError.self) {
                _ = try await sqs.getQueueAttributes(queueURL: missingURL)
            }
            #expect(error?.isQueueDoesNotExist == true)
            #expect(error?.service == "SQS")
        }
    }

    @Test("SQS: same name with different attributes is QueueAlreadyExists")
    func queueAlreadyExists() async throws {
        try await moto.withFreshState {
            _ = try await sqs.createQueue(name: "tandem-dup", attributes: ["VisibilityTimeout": "30"], tags: [:])
            let error = await #expect(throws: AWSServiceError.self) {
                _ = try await sqs.createQueue(name: "tandem-dup", attributes: ["VisibilityTimeout": "31"], tags: [:])
            }
            #expect(error?.hasCode("QueueAlreadyExists") == true || error?.hasCode("QueueNameExists") == true)
        }
    }

    @Test("STS: caller identity of moto's default account")
    func callerIdentity() async throws {
        let identity = try await sts.getCallerIdentity()
        #expect(identity.account == "123456789012")
        #expect(identity.arn.hasPrefix("arn:aws:sts::123456789012:"))
        #expect(!identity.userID.isEmpty)
    }

    @Test("an unreachable endpoint fails with connectionFailed, without multiplying the connect timeout")
    func unreachable() async throws {
        let transport = AWSTransport(connectTimeout: .seconds(1))
        var configuration = moto.configuration()
        configuration.endpointOverride = "http://127.0.0.1:9"  // discard port: nothing listens
        let client = STSClient(configuration: configuration, transport: transport)
        let started = ContinuousClock.now
        let error = await #expect(throws: AWSClientError.self) { _ = try await client.getCallerIdentity() }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("could not connect to STS at http://127.0.0.1:9") == true)
        #expect(ContinuousClock.now - started < .seconds(5))
        try await transport.shutdown()
    }
}

