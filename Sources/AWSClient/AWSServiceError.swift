/// An error answered by an AWS service (or an emulator such as moto): the service's error
/// code, its message, the HTTP status and the request id.
///
/// Codes are normalised across protocols: the S3 XML `<Code>`, the Query protocol's
/// `<Error><Code>`, and the JSON protocol's `__type` without its namespace
/// (`com.amazonaws.sqs#QueueDoesNotExist` becomes `QueueDoesNotExist`). Responses without a
/// body get a code from the status (`NotFound` for 404, `AccessDenied` for 403).
public struct AWSServiceError: Error, CustomStringConvertible, Sendable {
    /// The service's display name: `S3`, `SQS`, `STS`, `IAM`.
    public var service: String
    /// The call that failed (`PutBucketPolicy`), when known.
    public var operation: String?
    /// The error code, for example `NoSuchBucket`.
    public var code: String
    /// The service's message; may be empty.
    public var message: String
    /// The HTTP status code.
    public var statusCode: Int
    /// The request id, from the response headers or body, when the service sent one.
    public var requestID: String?
    /// The legacy Query-protocol code that JSON-protocol services send in the `x-amzn-query-error`
    /// header, for example `AWS.SimpleQueueService.NonExistentQueue`.
    public var queryErrorCode: String?

    /// Creates an error value (services create these; tests and fakes may too).
    public init(service: String, operation: String? = nil, code: String, message: String, statusCode: Int, requestID: String? = nil,
                queryErrorCode: String? = nil) {
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.statusCode = statusCode
        self.requestID = requestID
        self.queryErrorCode = queryErrorCode
    }

    /// For example `S3 PutBucketPolicy: AccessDenied (403): Access Denied [request id: 4442587FB7D0A2F9]`: the service,
    /// the call that failed (when known), the code and status, the message and the request id.
    public var description: String {
        var text = operation.map { "\(service) \($0): \(code) (\(statusCode))" } ?? "\(service) \(code) (\(statusCode))"
        if !message.isEmpty { text += ": \(message)" }
        if let requestID, !requestID.isEmpty { text += " [request id: \(requestID)]" }
        return text
    }

    /// Whether the error carries `code`, either as the normalised code or as the Query-protocol code.
    public func hasCode(_ code: String) -> Bool {
        self.code == code || queryErrorCode == code
    }

    /// The service asked the client to slow down.
    public var isThrottling: Bool {
        Self.throttlingCodes.contains(code) || statusCode == 429
    }

    /// Worth retrying after a pause: a server-side failure or throttling.
    public var isRetryable: Bool {
        statusCode >= 500 || isThrottling || code == "RequestTimeout"
    }

    /// The SQS queue does not exist (`QueueDoesNotExist`, or `AWS.SimpleQueueService.NonExistentQueue`).
    public var isQueueDoesNotExist: Bool {
        hasCode("QueueDoesNotExist") || hasCode("AWS.SimpleQueueService.NonExistentQueue")
    }

    /// A queue of this name was deleted less than 60 seconds ago and cannot be created yet
    /// (`QueueDeletedRecently`, or `AWS.SimpleQueueService.QueueDeletedRecently`).
    public var isQueueDeletedRecently: Bool {
        hasCode("QueueDeletedRecently") || hasCode("AWS.SimpleQueueService.QueueDeletedRecently")
    }

    static let throttlingCodes: Set<String> = [
        "SlowDown", "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
        "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "BandwidthLimitExceeded",
    ]
}
