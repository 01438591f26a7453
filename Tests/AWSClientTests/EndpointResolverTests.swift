@testable import AWSClient
import Foundation
import Testing

@Suite("Endpoint resolution")
struct EndpointResolverTests {
    @Test("AWS endpoints by default", arguments: [
        ("s3", "af-south-1", "https://s3.af-south-1.amazonaws.com"),
        ("sqs", "eu-west-1", "https://sqs.eu-west-1.amazonaws.com"),
        ("sts", "us-east-1", "https://sts.us-east-1.amazonaws.com"),
        ("iam", "af-south-1", "https://iam.amazonaws.com"),
        ("s3", "cn-north-1", "https://s3.cn-north-1.amazonaws.com.cn"),
    ])
    func defaults(service: String, region: String, expected: String) {
        #expect(EndpointResolver.endpoint(service: service, region: region, override: nil, environment: [:]).absoluteString == expected)
        #expect(!EndpointResolver.isCustomEndpoint(service: service, override: nil, environment: [:]))
    }

    @Test("IAM is signed for us-east-1")
    func iamSigningRegion() {
        #expect(EndpointResolver.signingRegion(service: "iam", region: "af-south-1") == "us-east-1")
        #expect(EndpointResolver.signingRegion(service: "sqs", region: "af-south-1") == "af-south-1")
    }

    @Test("AWS_ENDPOINT_URL applies to every service")
    func globalVariable() {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"]
        for service in ["s3", "sqs", "sts", "iam"] {
            #expect(EndpointResolver.endpoint(service: service, region: "af-south-1", override: nil, environment: environment)
                .absoluteString == "http://127.0.0.1:5000")
            #expect(EndpointResolver.isCustomEndpoint(service: service, override: nil, environment: environment))
        }
    }

    @Test("AWS_ENDPOINT_URL_SQS wins over AWS_ENDPOINT_URL, for SQS only")
    func serviceVariable() {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SQS": "http://localhost:9324"]
        #expect(EndpointResolver.endpoint(service: "sqs", region: "af-south-1", override: nil, environment: environment)
            .absoluteString == "http://localhost:9324")
        #expect(EndpointResolver.endpoint(service: "s3", region: "af-south-1", override: nil, environment: environment)
            .absoluteString == "http://127.0.0.1:5000")
    }

    @Test("an explicit override wins over the environment")
    func explicitOverride() {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:6000"]
        #expect(EndpointResolver.endpoint(service: "s3", region: "af-south-1", override: "http://127.0.0.1:7000", environment: environment)
            .absoluteString == "http://127.0.0.1:7000")
        #expect(EndpointResolver.endpoint(service: "s3", region: "af-south-1", override: "minio.local:9000", environment: [:])
            .absoluteString == "https://minio.local:9000")
    }

    @Test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns the variables off, not the explicit override")
    func ignoreConfigured() {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]
        #expect(EndpointResolver.endpoint(service: "sts", region: "af-south-1", override: nil, environment: environment)
            .absoluteString == "https://sts.af-south-1.amazonaws.com")
        #expect(EndpointResolver.endpoint(service: "sts", region: "af-south-1", override: "http://x:1", environment: environment)
            .absoluteString == "http://x:1")
    }

    @Test("S3: path-style for custom endpoints, virtual-hosted for DNS-safe buckets on AWS")
    func s3Addressing() async throws {
        let transport = AWSTransport()
        let credentials = AWSCredentials(accessKeyID: "a", secretAccessKey: "b")
        let local = S3Client(
            configuration: AWSClientConfiguration(region: "af-south-1", credentials: credentials, endpointOverride: "http://127.0.0.1:5000"),
            transport: transport)
        let aws = S3Client(configuration: AWSClientConfiguration(region: "af-south-1", credentials: credentials), transport: transport)

        let onMoto = local.location(bucket: "my-bucket", key: "dir/a b+c.txt")
        #expect(onMoto.endpoint.absoluteString == "http://127.0.0.1:5000")
        #expect(onMoto.path == "/my-bucket/dir/a%20b%2Bc.txt")

        let virtual = aws.location(bucket: "my-bucket", key: "k")
        #expect(virtual.endpoint.absoluteString == "https://my-bucket.s3.af-south-1.amazonaws.com")
        #expect(virtual.path == "/k")

        let dotted = aws.location(bucket: "my.bucket")
        #expect(dotted.endpoint.absoluteString == "https://s3.af-south-1.amazonaws.com")
        #expect(dotted.path == "/my.bucket")
        try await transport.shutdown()
    }

    @Test("request URLs keep non-default ports and drop default ones")
    func hostHeader() throws {
        var request = AWSHTTPRequest(
            serviceName: "S3", operation: "GetBucketVersioning", endpoint: try #require(URL(string: "http://127.0.0.1:5000/prefix/")), method: .GET, path: "/b",
            query: [("versioning", ""), ("list-type", "2"), ("prefix", "a b")])
        #expect(request.hostHeader == "127.0.0.1:5000")
        #expect(request.url(scheme: request.scheme, host: request.hostHeader, path: request.wirePath)
                == "http://127.0.0.1:5000/prefix/b?versioning&list-type=2&prefix=a%20b")
        request.endpoint = try #require(URL(string: "https://s3.af-south-1.amazonaws.com:443"))
        #expect(request.hostHeader == "s3.af-south-1.amazonaws.com")
    }
}
