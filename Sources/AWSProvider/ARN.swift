/// The parts of an Amazon Resource Name that ordering and validation need:
/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
struct ARN: Equatable {
    var service: String
    var region: String
    var account: String
    var resource: String

    /// Parses an ARN; nil when the text is not one.
    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", !parts[2].isEmpty else { return nil }
        service = parts[2]
        region = parts[3]
        account = parts[4]
        resource = parts[5]
    }

    /// The bucket of an S3 bucket ARN (`arn:aws:s3:::NAME`).
    static func bucketName(_ text: String?) -> String? {
        guard let text, let arn = ARN(text), arn.service == "s3", !arn.resource.isEmpty, !arn.resource.contains("/") else { return nil }
        return arn.resource
    }

    /// The queue name of an SQS queue ARN (`arn:aws:sqs:REGION:ACCOUNT:NAME`).
    static func queueName(_ text: String?) -> String? {
        guard let text, let arn = ARN(text), arn.service == "sqs", !arn.resource.isEmpty else { return nil }
        return arn.resource
    }

    /// The name of an IAM role or user ARN of `kind` (`role`, `user`), without its path.
    static func iamName(_ text: String?, kind: String) -> String? {
        guard let text, let arn = ARN(text), arn.service == "iam", arn.resource.hasPrefix(kind + "/") else { return nil }
        return arn.resource.split(separator: "/").last.map(String.init)
    }

    /// The queue name at the end of an SQS queue URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`).
    static func queueName(url: String?) -> String? {
        guard let url, let last = url.split(separator: "/").last, url.contains("/") else { return nil }
        return String(last)
    }
}
