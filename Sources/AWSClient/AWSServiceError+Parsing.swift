import Foundation
import NIOHTTP1

extension AWSServiceError {
    /// Builds the error for a non-success response, whatever protocol the body uses
    /// (XML for S3 and Query services, JSON for JSON services, nothing for HEAD).
    init(service: String, operation: String? = nil, statusCode: Int, headers: HTTPHeaders, body: [UInt8]) {
        var code: String?
        var message = ""
        var requestID = headers.first(name: "x-amz-request-id")
            ?? headers.first(name: "x-amzn-requestid")

        let queryError = headers.first(name: "x-amzn-query-error")
            .flatMap { $0.split(separator: ";").first.map(String.init) }
            .flatMap { $0.isEmpty ? nil : $0 }

        let firstByte = body.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if firstByte == UInt8(ascii: "{"),
           let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            if let type = (object["__type"] ?? object["code"] ?? object["Code"]) as? String {
                code = Self.shapeName(type)
            }
            message = (object["message"] ?? object["Message"] ?? object["errorMessage"]) as? String ?? ""
        } else if firstByte == UInt8(ascii: "<"), let root = try? XMLNode.parse(body) {
            code = root.firstDescendant(named: "Code")?.text
            message = root.firstDescendant(named: "Message")?.text ?? ""
            if requestID == nil {
                requestID = (root.firstDescendant(named: "RequestId") ?? root.firstDescendant(named: "RequestID"))?.text
            }
        }

        if code == nil || code?.isEmpty == true {
            code = headers.first(name: "x-amzn-errortype").map(Self.shapeName)
                ?? queryError ?? Self.codeForStatus(statusCode)
        }
        self.init(
            service: service, operation: operation, code: code!, message: message, statusCode: statusCode,
            requestID: requestID, queryErrorCode: queryError)
    }

    /// `com.amazonaws.sqs#QueueDoesNotExist` and `QueueDoesNotExist:http://internal.amazon.com/...`
    /// both become `QueueDoesNotExist`.
    static func shapeName(_ type: String) -> String {
        var name = Substring(type)
        if let hash = name.lastIndex(of: "#") { name = name[name.index(after: hash)...] }
        if let colon = name.firstIndex(of: ":") { name = name[..<colon] }
        return String(name)
    }

    /// A code for responses that carry none (HEAD requests, empty 403s from moto).
    static func codeForStatus(_ status: Int) -> String {
        switch status {
        case 301: return "PermanentRedirect"
        case 304: return "NotModified"
        case 400: return "BadRequest"
        case 403: return "AccessDenied"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 412: return "PreconditionFailed"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }
}
