import Foundation

/// Chooses the base URL for a service.
///
/// Order: the explicit override, then `AWS_ENDPOINT_URL_<SERVICE>` (`AWS_ENDPOINT_URL_S3`,
/// `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM`), then `AWS_ENDPOINT_URL`,
/// then the public AWS endpoint. The environment variables are ignored when
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`, as in the AWS CLI.
public enum EndpointResolver {
    /// The base URL (scheme, host, port) for `service` (`s3`, `sqs`, `sts` or `iam`) in `region`.
    ///
    /// Public endpoints are `https://<service>.<region>.amazonaws.com` (`.amazonaws.com.cn` in
    /// China regions); IAM is global: `https://iam.amazonaws.com`. An override without a scheme gets `https://`.
    public static func endpoint(service: String, region: String, override: String?, environment: [String: String]) -> URL {
        if let configured = configuredEndpoint(service: service, override: override, environment: environment),
           let url = URL(string: configured) {
            return url
        }
        return defaultEndpoint(service: service, region: region)
    }

    /// Whether the endpoint for `service` comes from an override or the environment rather than AWS
    /// (then S3 uses path-style addressing).
    public static func isCustomEndpoint(service: String, override: String?, environment: [String: String]) -> Bool {
        configuredEndpoint(service: service, override: override, environment: environment) != nil
    }

    /// The region to put in the signature's credential scope: `us-east-1` for the global IAM service,
    /// otherwise `region`.
    public static func signingRegion(service: String, region: String) -> String {
        service.lowercased() == "iam" ? "us-east-1" : region
    }

    private static func configuredEndpoint(service: String, override: String?, environment: [String: String]) -> String? {
        if let override = override?.trimmingCharacters(in: .whitespaces), !override.isEmpty {
            return normalized(override)
        }
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true" {
            return nil
        }
        let serviceVariable = "AWS_ENDPOINT_URL_" + service.uppercased()
        if let value = environment.nonEmpty(serviceVariable) ?? environment.nonEmpty("AWS_ENDPOINT_URL") {
            return normalized(value)
        }
        return nil
    }

    private static func normalized(_ endpoint: String) -> String {
        var value = endpoint.contains("://") ? endpoint : "https://" + endpoint
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }

    private static func defaultEndpoint(service: String, region: String) -> URL {
        let name = service.lowercased()
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        let host = name == "iam" ? "iam.\(suffix)" : "\(name).\(region).\(suffix)"
        // The host is built from a service name and a region; both are plain DNS labels.
        return URL(string: "https://\(host)")!
    }
}
