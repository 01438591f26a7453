@testable import AWSClient
import NIOCore
import NIOHTTP1
import Testing

@Suite("XML and service errors")
struct XMLAndErrorTests {
    @Test("parses nested elements, keeps leaf text exactly, and finds descendants")
    func parse() throws {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <TagSet>
                <Tag><Key>env</Key><Value> spaced &amp; escaped </Value></Tag>
                <Tag><Key>team</Key><Value><![CDATA[a<b]]></Value></Tag>
              </TagSet>
            </Tagging>
            """
        let root = try XMLNode.parse(Array(document.utf8))
        #expect(root.name == "Tagging")
        #expect(root.attributes["xmlns"] == XMLNode.s3Namespace)
        let tags = try #require(root.child("TagSet")).children(named: "Tag")
        #expect(tags.map { $0.childText("Key") } == ["env", "team"])
        #expect(tags.map { $0.childText("Value") } == [" spaced & escaped ", "a<b"])
        #expect(root.firstDescendant(named: "Key")?.text == "env")
    }

    @Test("rejects malformed XML with an invalidResponse error")
    func malformed() {
        let error = #expect(throws: AWSClientError.self) { try XMLNode.parse(Array("<a><b></a>".utf8)) }
        #expect(error?.kind == .invalidResponse)
    }

    @Test("writes escaped documents that parse back to the same tree")
    func roundTrip() throws {
        let node = XMLNode(
            "Tagging", attributes: ["xmlns": XMLNode.s3Namespace],
            children: [XMLNode("TagSet", children: [
                XMLNode("Tag", children: [XMLNode("Key", text: "a&b<c>"), XMLNode("Value", text: "\"quoted\" 'single'")]),
                XMLNode("Empty"),
            ])])
        let rendered = node.rendered()
        #expect(rendered.contains("<Key>a&amp;b&lt;c&gt;</Key>"))
        #expect(rendered.contains("<Empty/>"))
        #expect(try XMLNode.parse(node.document()) == node)
    }

    @Test("Content-MD5 is the base64 of the body's MD5")
    func contentMD5() {
        #expect(ContentMD5.value(for: ByteBuffer()) == "1B2M2Y8AsgTpgAmY7PhCfg==")
        #expect(ContentMD5.value(for: ByteBuffer(string: "Welcome to Amazon S3.")) == "1EfQ6PKJ8WoS/2AnznfCWA==")
    }

    @Test("S3 XML errors keep code, message, status and request id")
    func s3Error() {
        let body = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b</BucketName><RequestId>REQ1</RequestId></Error>"
        let error = AWSServiceError(service: "S3", statusCode: 404, headers: HTTPHeaders(), body: Array(body.utf8))
        #expect(error.code == "NoSuchBucket")
        #expect(error.statusCode == 404)
        #expect(error.requestID == "REQ1")
        #expect(error.description == "S3 NoSuchBucket (404): The specified bucket does not exist [request id: REQ1]")
    }

    @Test("Query-protocol XML errors (ErrorResponse) are read too")
    func queryError() {
        let body = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>bad</Message></Error><RequestId>R2</RequestId></ErrorResponse>"
        let error = AWSServiceError(service: "STS", statusCode: 403, headers: HTTPHeaders(), body: Array(body.utf8))
        #expect(error.code == "InvalidClientTokenId")
        #expect(error.message == "bad")
        #expect(error.requestID == "R2")
    }

    @Test("SQS JSON errors: __type is shortened, x-amzn-query-error is kept, both mean queue missing")
    func sqsJSONError() {
        var headers = HTTPHeaders()
        headers.add(name: "x-amzn-query-error", value: "AWS.SimpleQueueService.NonExistentQueue;Sender")
        headers.add(name: "x-amzn-RequestId", value: "R3")
        let body = #"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."}"#
        let error = AWSServiceError(service: "SQS", statusCode: 400, headers: headers, body: Array(body.utf8))
        #expect(error.code == "QueueDoesNotExist")
        #expect(error.queryErrorCode == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(error.requestID == "R3")
        #expect(error.isQueueDoesNotExist)
        #expect(!error.isQueueDeletedRecently)

        let legacyOnly = AWSServiceError(service: "SQS", code: "AWS.SimpleQueueService.NonExistentQueue", message: "", statusCode: 400)
        #expect(legacyOnly.isQueueDoesNotExist)
    }

    @Test("QueueDeletedRecently is recognised in both spellings")
    func queueDeletedRecently() {
        var headers = HTTPHeaders()
        headers.add(name: "x-amzn-query-error", value: "AWS.SimpleQueueService.QueueDeletedRecently;Sender")
        let body = #"{"__type":"com.amazonaws.sqs#QueueDeletedRecently:http://internal.amazon.com/coral/com.amazonaws.sqs/","message":"wait 60 seconds"}"#
        let error = AWSServiceError(service: "SQS", statusCode: 400, headers: headers, body: Array(body.utf8))
        #expect(error.code == "QueueDeletedRecently")
        #expect(error.isQueueDeletedRecently)
        #expect(AWSServiceError(service: "SQS", code: "AWS.SimpleQueueService.QueueDeletedRecently", message: "", statusCode: 400)
            .isQueueDeletedRecently)
    }

    @Test("a bodiless JSON-protocol error takes its code from x-amzn-errortype")
    func errorTypeHeader() {
        var headers = HTTPHeaders()
        headers.add(name: "X-Amzn-Errortype", value: "com.amazonaws.sqs#QueueDoesNotExist")
        let error = AWSServiceError(service: "SQS", statusCode: 400, headers: headers, body: [])
        #expect(error.code == "QueueDoesNotExist")
    }

    @Test("bodiless errors get a code from the status", arguments: [(404, "NotFound"), (403, "AccessDenied"), (418, "HTTP418")])
    func bodiless(status: Int, code: String) {
        var headers = HTTPHeaders()
        headers.add(name: "x-amz-request-id", value: "HEADREQ")
        let error = AWSServiceError(service: "S3", statusCode: status, headers: headers, body: [])
        #expect(error.code == code)
        #expect(error.requestID == "HEADREQ")
        #expect(error.description == "S3 \(code) (\(status)) [request id: HEADREQ]")
    }

    @Test("retry classification")
    func retryable() {
        #expect(AWSServiceError(service: "S3", code: "SlowDown", message: "", statusCode: 503).isRetryable)
        #expect(AWSServiceError(service: "SQS", code: "ThrottlingException", message: "", statusCode: 400).isRetryable)
        #expect(AWSServiceError(service: "S3", code: "InternalError", message: "", statusCode: 500).isRetryable)
        #expect(!AWSServiceError(service: "S3", code: "NoSuchBucket", message: "", statusCode: 404).isRetryable)
        #expect(!RetryPolicy.isRetryableTransportError(CancellationError()))
        let policy = RetryPolicy()
        for attempt in 1...5 {
            let delay = policy.delay(afterAttempt: attempt)
            #expect(delay >= .milliseconds(100) && delay <= policy.maximumDelay)
        }
    }
}
