@testable import AWSClient
import Foundation
import NIOHTTP1
import Testing

@Suite("SigV4 signer")
struct SigV4SignerTests {
    private func sign(_ vector: SigV4Vector, signer: SigV4Signer, date: Date) -> SigV4Signature {
        var headers = HTTPHeaders()
        for (name, value) in vector.headers { headers.add(name: name, value: value) }
        let query: [(name: String, value: String)] = vector.query.isEmpty ? [] : vector.query
            .split(separator: "&")
            .map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (PercentEncoding.decode(String(parts[0])), parts.count > 1 ? PercentEncoding.decode(String(parts[1])) : "")
            }
        let request = SigV4Request(
            method: vector.method, path: vector.path, query: query, headers: headers, payload: .bytes(Array(vector.body.utf8)))
        return signer.sign(request, date: date)
    }

    private func check(_ signature: SigV4Signature, against vector: SigV4Vector, accessKeyID: String, scope: String) {
        if let canonical = vector.expectedCanonicalRequest {
            #expect(signature.canonicalRequest == canonical)
        }
        if let hash = vector.expectedCanonicalRequestHash {
            #expect(signature.stringToSign.split(separator: "\n").last.map(String.init) == hash)
        }
        #expect(signature.signature == vector.expectedSignature)
        #expect(signature.authorization ==
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(vector.expectedSignedHeaders), Signature=\(vector.expectedSignature)")
    }

    @Test("AWS SigV4 test suite", arguments: SigV4TestSuite.vectors)
    func testSuite(_ vector: SigV4Vector) {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: SigV4TestSuite.accessKeyID, secretAccessKey: SigV4TestSuite.secretAccessKey),
            region: SigV4TestSuite.region, service: SigV4TestSuite.service)
        let signature = sign(vector, signer: signer, date: SigV4TestSuite.date)
        check(signature, against: vector, accessKeyID: SigV4TestSuite.accessKeyID, scope: "20150830/us-east-1/service/aws4_request")
        #expect(signature.stringToSign.hasPrefix("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"))
    }

    @Test("session token is sent and signed (post-sts-header-before)")
    func sessionToken() {
        let vector = SigV4TestSuite.sessionTokenVector
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: SigV4TestSuite.accessKeyID, secretAccessKey: SigV4TestSuite.secretAccessKey,
                sessionToken: SigV4TestSuite.sessionToken),
            region: SigV4TestSuite.region, service: SigV4TestSuite.service)
        let signature = sign(vector, signer: signer, date: SigV4TestSuite.date)
        check(signature, against: vector, accessKeyID: SigV4TestSuite.accessKeyID, scope: "20150830/us-east-1/service/aws4_request")
        #expect(signature.headers["x-amz-security-token"] == [SigV4TestSuite.sessionToken])
    }

    @Test("S3 documentation examples", arguments: SigV4S3Examples.vectors)
    func s3Examples(_ vector: SigV4Vector) {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: SigV4S3Examples.accessKeyID, secretAccessKey: SigV4S3Examples.secretAccessKey),
            region: "us-east-1", service: "s3")
        let signature = sign(vector, signer: signer, date: SigV4S3Examples.date)
        check(signature, against: vector, accessKeyID: SigV4S3Examples.accessKeyID, scope: "20130524/us-east-1/s3/aws4_request")
        #expect(signature.headers["x-amz-content-sha256"] == [SigV4Signer.hexSHA256(Array(vector.body.utf8))])
        #expect(signature.headers["x-amz-date"] == ["20130524T000000Z"])
    }

    @Test("S3 signs the path as sent; other services encode it again")
    func pathEncoding() {
        let credentials = AWSCredentials(accessKeyID: "AK", secretAccessKey: "SK")
        let s3 = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        let sqs = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sqs")
        #expect(s3.canonicalURI("/bucket/a%20b//c/../d") == "/bucket/a%20b//c/../d")
        #expect(sqs.canonicalURI("/queue/a%20b") == "/queue/a%2520b")
        #expect(sqs.canonicalURI("") == "/")
    }

    @Test("UNSIGNED-PAYLOAD is used as the payload hash")
    func unsignedPayload() {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AK", secretAccessKey: "SK"), region: "us-east-1", service: "s3")
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "bucket.s3.amazonaws.com")
        let signature = signer.sign(SigV4Request(method: "PUT", path: "/key", headers: headers, payload: .unsigned), date: SigV4S3Examples.date)
        #expect(signature.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
        #expect(signature.headers["x-amz-content-sha256"] == ["UNSIGNED-PAYLOAD"])
    }

    @Test("signing dates render in UTC", arguments: [
        (0.0, "19700101T000000Z"),
        (951_782_400.0, "20000229T000000Z"),
        (1_440_938_160.0, "20150830T123600Z"),
        (4_102_444_799.0, "20991231T235959Z"),
    ])
    func dates(seconds: Double, expected: String) {
        #expect(SigV4Date(Date(timeIntervalSince1970: seconds)).dateTime == expected)
        #expect(SigV4Date(Date(timeIntervalSince1970: seconds)).date == String(expected.prefix(8)))
    }

    @Test("a signer that kept its signing key signs as a new one after the date, region or keys change")
    func derivedKeyFollowsItsScope() {
        var signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AK", secretAccessKey: "SK"), region: "us-east-1", service: "s3")
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "bucket.s3.amazonaws.com")
        let request = SigV4Request(method: "GET", path: "/key", headers: headers, payload: .unsigned)
        func fresh(_ signer: SigV4Signer) -> SigV4Signer {
            SigV4Signer(credentials: signer.credentials, region: signer.region, service: signer.service)
        }
        for seconds in [1_440_938_160.0, 1_440_938_170.0, 1_441_024_560.0] {  // the same day twice, then the next day
            let date = Date(timeIntervalSince1970: seconds)
            #expect(signer.sign(request, date: date).signature == fresh(signer).sign(request, date: date).signature)
        }
        let date = Date(timeIntervalSince1970: 1_441_024_560)
        let before = signer.sign(request, date: date).signature
        signer.region = "eu-west-1"
        #expect(signer.sign(request, date: date).signature == fresh(signer).sign(request, date: date).signature)
        signer.credentials = AWSCredentials(accessKeyID: "AK", secretAccessKey: "another")
        #expect(signer.sign(request, date: date).signature == fresh(signer).sign(request, date: date).signature)
        #expect(signer.sign(request, date: date).signature != before)
    }
}
