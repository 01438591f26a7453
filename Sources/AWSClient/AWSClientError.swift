import TLSTrust

/// An error raised by the AWS client library itself, as opposed to an error answered
/// by an AWS service (``AWSServiceError``).
///
/// Compare ``kind`` to tell cases apart; new kinds may be added.
public struct AWSClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of constants.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case credentialsNotFound
            case unsupportedProfile
            case invalidEndpoint
            case invalidResponse
            case connectionFailed
            case tlsHandshakeFailed
        }

        private let code: Code

        /// No credentials were found in any of the places searched.
        public static let credentialsNotFound = Kind(code: .credentialsNotFound)
        /// The selected profile exists but uses a feature this client does not implement (for example `role_arn`).
        public static let unsupportedProfile = Kind(code: .unsupportedProfile)
        /// An endpoint URL could not be used.
        public static let invalidEndpoint = Kind(code: .invalidEndpoint)
        /// A service answered with success, but the body could not be understood.
        public static let invalidResponse = Kind(code: .invalidResponse)
        /// The endpoint could not be reached (refused, reset or timed out) after every retry.
        public static let connectionFailed = Kind(code: .connectionFailed)
        /// The TLS handshake with the endpoint failed, most often because its certificate is not trusted. Not retried.
        public static let tlsHandshakeFailed = Kind(code: .tlsHandshakeFailed)

        /// The kind's name, for example `credentialsNotFound`.
        public var description: String { "\(code)" }
    }

    /// What went wrong.
    public let kind: Kind
    /// A sentence for a person: what failed and, where it helps, what was tried.
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

extension AWSClientError {
    /// The error for a failed TLS handshake with `host:port`: which endpoint, why, and, when trusting another CA could
    /// help, how; never the TLS library's error dump.
    static func tlsHandshake(_ failure: TLSHandshakeFailure, service: String, host: String, port: Int) -> AWSClientError {
        guard failure.isCertificateRefused else {
            return AWSClientError(.tlsHandshakeFailed, "TLS handshake with \(host):\(port) (\(service)) failed: \(failure.reason)")
        }
        let remedy = failure.isIssuerUntrusted ? " (set ca_bundle or AWS_CA_BUNDLE to a PEM file holding the CA that signed it)" : ""
        return AWSClientError(.tlsHandshakeFailed, "TLS certificate of \(host):\(port) (\(service)) is not trusted: \(failure.reason)\(remedy)")
    }
}
