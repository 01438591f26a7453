import NIOSSL

/// Why a TLS handshake failed, recognised from the error an HTTP client reports, in words for a person.
///
/// A failed handshake is not worth retrying (the same certificate is presented next time) unless the server just
/// closed the connection (``isTransient``). Clients use this to stop at once and say which endpoint and why, instead
/// of retrying until a timeout with the raw library error.
public struct TLSHandshakeFailure: Sendable, Equatable, CustomStringConvertible {
    /// Whether the peer's certificate was refused (untrusted issuer, expired, wrong name), as opposed to another
    /// handshake failure (no common protocol, a plain-HTTP server on an HTTPS port).
    public let isCertificateRefused: Bool
    /// Whether trusting another CA could help (the issuer is unknown, or nothing more is known), as opposed to a
    /// certificate that is expired or for another name.
    public let isIssuerUntrusted: Bool
    /// The reason, for example `it was issued by CN=Corp CA, which is not among the trusted CAs` or `the certificate
    /// does not name this host`.
    public let reason: String
    /// Whether the server closed the connection during the handshake, which a restarting or overloaded server does:
    /// worth connecting again, unlike a certificate or protocol that will be the same next time.
    public var isTransient: Bool { reason == Self.closedDuringHandshake }

    /// The failure `error` describes; nil when `error` is not a TLS handshake failure.
    public init?(_ error: any Error) {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            // The library's text names the expected server name, "<none>" for an IP address: the caller names the host.
            self.init(isCertificateRefused: true, isIssuerUntrusted: false, reason: "the certificate does not name this host")
            return
        }
        guard let error = error as? NIOSSLError else { return nil }
        switch error {
        case .handshakeFailed(let failure):
            let reasons = Self.reasons(failure)
            // Alerts such as "tlsv1 alert unknown ca" are the server refusing a client certificate, not this refusing its.
            let refused = reasons.contains(Self.verifyFailed)
            self.init(isCertificateRefused: refused, isIssuerUntrusted: refused, reason: reasons.isEmpty ? "handshake failed" : reasons.joined(separator: "; "))
        case .unableToValidateCertificate, .noCertificateToValidate:
            self.init(isCertificateRefused: true, isIssuerUntrusted: true, reason: "the certificate could not be validated")
        default:
            return nil
        }
    }

    private init(isCertificateRefused: Bool, isIssuerUntrusted: Bool, reason: String) {
        self.isCertificateRefused = isCertificateRefused
        self.isIssuerUntrusted = isIssuerUntrusted
        self.reason = reason
    }

    /// This failure with a plainer reason when the library gave only `certificate verify failed`: the certificate of
    /// `host:port` is fetched again without verifying it and read (see ``TLSCertificateInspection``).
    public func explained(host: String, port: Int, trust: TLSTrust) async -> TLSHandshakeFailure {
        guard reason == Self.verifyFailed, let found = await TLSCertificateInspection.reason(host: host, port: port, trust: trust) else { return self }
        return TLSHandshakeFailure(isCertificateRefused: true, isIssuerUntrusted: found.isIssuerUntrusted, reason: found.text)
    }

    private static let verifyFailed = "certificate verify failed"
    private static let closedDuringHandshake = "the server closed the connection during the handshake"

    /// The reason.
    public var description: String { reason }

    /// The reason names of a BoringSSL error stack, de-duplicated: `error:1000007d:SSL routines:OPENSSL_internal:
    /// CERTIFICATE_VERIFY_FAILED at …` becomes `certificate verify failed`.
    private static func reasons(_ failure: BoringSSLError) -> [String] {
        let stack: NIOBoringSSLErrorStack
        switch failure {
        case .sslError(let errors), .unknownError(let errors), .invalidSNIName(let errors), .failedToSetALPN(let errors): stack = errors
        default: return ["\(failure)"]
        }
        var seen: [String] = []
        for entry in stack {
            let reason = entry == .eofDuringHandshake ? Self.closedDuringHandshake : Self.reasonName(entry.description)
            if !seen.contains(reason) { seen.append(reason) }
        }
        return seen
    }

    private static func reasonName(_ description: String) -> String {
        // "Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /path:123"
        guard let internalRange = description.range(of: "OPENSSL_internal:") else {
            return description.hasPrefix("Error:  ") ? String(description.dropFirst("Error:  ".count)).lowercased() : description
        }
        let name = description[internalRange.upperBound...].prefix { $0 != " " }
        return name.replacingOccurrences(of: "_", with: " ").lowercased()
    }
}
