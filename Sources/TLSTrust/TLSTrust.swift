import Foundation
import NIOSSL

/// The certificate authorities an HTTPS client trusts: the system's roots, plus the CAs of a PEM bundle (a private
/// CA of an on-premises endpoint). Verification is always on; nothing here turns it off.
///
/// Shared by every client that opens TLS connections (the AWS and Ceph clients, the replicator, a Kubernetes
/// client), so that they all read `ca_bundle`, `AWS_CA_BUNDLE`, `SSL_CERT_FILE` and `SSL_CERT_DIR` the same way.
public struct TLSTrust: Sendable, Hashable {
    /// Where the base set of roots comes from.
    public enum SystemRoots: Sendable, Hashable {
        /// The platform's store (on Debian `/etc/ssl/certs/ca-certificates.crt`).
        case platform
        /// A PEM bundle file or a hashed certificate directory that replaces the platform's store, as OpenSSL
        /// does for `SSL_CERT_FILE` and `SSL_CERT_DIR`.
        case replaced(path: String)
    }

    /// The base roots.
    public let systemRoots: SystemRoots
    /// Where the extra CAs came from, for messages (a path, or a name such as `certificate-authority-data`); nil
    /// when there are none.
    public let extraSource: String?
    /// The extra CAs, trusted in addition to the base roots.
    public let extraCertificates: [NIOSSLCertificate]
    /// The PEM file the extra CAs were read from, when they came from one: connections name the file rather than
    /// carry the certificates, because the HTTP client hashes a request's TLS configuration to find its connection
    /// pool, and hashing a bundle means serialising every certificate in it (a system-sized `AWS_CA_BUNDLE`, about 140
    /// certificates, cost more CPU than the rest of a request).
    let extraFile: String?

    /// The platform's roots and nothing else.
    public static let system = TLSTrust(systemRoots: .platform, extraSource: nil, extraCertificates: [], extraFile: nil)

    /// The base roots plus the certificates of a PEM bundle that has been read already (for example a kubeconfig's
    /// `certificate-authority-data`); `source` names it in errors.
    ///
    /// - Throws: ``TLSTrustError`` when `pem` holds no certificate or one that cannot be parsed.
    public init(systemRoots: SystemRoots = .platform, pem: [UInt8], source: String) throws {
        try self.init(systemRoots: systemRoots, pem: pem, source: source, file: nil)
    }

    private init(systemRoots: SystemRoots, pem: [UInt8], source: String, file: String?) throws {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(pem)
        } catch {
            throw TLSTrustError(origin: source, "\(source) is not a PEM certificate bundle: it must hold one or more "
                                + "-----BEGIN CERTIFICATE----- blocks, and each must parse")
        }
        self.init(systemRoots: systemRoots, extraSource: source, extraCertificates: certificates, extraFile: file)
    }

    private init(systemRoots: SystemRoots, extraSource: String?, extraCertificates: [NIOSSLCertificate], extraFile: String?) {
        self.systemRoots = systemRoots
        self.extraSource = extraSource
        self.extraCertificates = extraCertificates
        self.extraFile = extraFile
    }

    /// The trust a client configured with `caBundle` (a PEM file path, the `ca_bundle` option) should use in
    /// `environment`: `caBundle`, else `AWS_CA_BUNDLE`, on top of `SSL_CERT_FILE`, else `SSL_CERT_DIR`, else the
    /// platform's roots.
    ///
    /// - Throws: ``TLSTrustError`` naming the file (and the option or variable) when a file is missing, unreadable
    ///   or not PEM.
    public static func resolve(caBundle: String?, environment: [String: String]) throws -> TLSTrust {
        let roots = try systemRoots(environment: environment)
        let bundle: (path: String, origin: String)? =
            if let caBundle, !caBundle.isEmpty { (caBundle, "ca_bundle") }
            else if let path = environment["AWS_CA_BUNDLE"], !path.isEmpty { (path, "AWS_CA_BUNDLE") }
            else { nil }
        guard let bundle else {
            return TLSTrust(systemRoots: roots, extraSource: nil, extraCertificates: [], extraFile: nil)
        }
        let pem: Data
        do {
            pem = try Data(contentsOf: URL(fileURLWithPath: bundle.path))
        } catch {
            throw TLSTrustError(origin: bundle.origin, "\(bundle.origin) \(bundle.path) cannot be read: \(Self.readFailure(bundle.path, error))")
        }
        do {
            return try TLSTrust(systemRoots: roots, pem: Array(pem), source: "\(bundle.origin) \(bundle.path)",
                                file: URL(fileURLWithPath: bundle.path).standardizedFileURL.path)
        } catch let error as TLSTrustError {
            throw TLSTrustError(origin: bundle.origin, error.description)
        }
    }

    /// `SSL_CERT_FILE`, else `SSL_CERT_DIR`, else the platform's store; a variable naming nothing is an error
    /// rather than a silent fallback to roots the user meant to replace.
    private static func systemRoots(environment: [String: String]) throws -> SystemRoots {
        for (name, wantsDirectory) in [("SSL_CERT_FILE", false), ("SSL_CERT_DIR", true)] {
            guard let path = environment[name], !path.isEmpty else { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue == wantsDirectory else {
                throw TLSTrustError(origin: name, "\(name) names \(path), which is not \(wantsDirectory ? "a directory" : "a file")")
            }
            return .replaced(path: path)
        }
        return .platform
    }

    private static func readFailure(_ path: String, _ error: any Error) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "it is a directory (give a PEM file)" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return error.localizedDescription
    }

    /// The client TLS configuration: full verification against the base roots plus the extra CAs. Nil when that is
    /// the HTTP client's own default (platform roots, no extra CA), so such requests share its connections.
    public var clientConfiguration: TLSConfiguration? {
        guard self != .system else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        switch systemRoots {
        case .platform: configuration.trustRoots = .default
        case .replaced(let path): configuration.trustRoots = .file(path)
        }
        if let extraFile {
            configuration.additionalTrustRoots = [.file(extraFile)]
        } else if !extraCertificates.isEmpty {
            configuration.additionalTrustRoots = [.certificates(extraCertificates)]
        }
        return configuration
    }
}

/// A CA bundle or trust setting that cannot be used; the message names the file and where it was configured.
public struct TLSTrustError: Error, Sendable, CustomStringConvertible {
    /// Where the file was named: the option (`ca_bundle`) or the variable (`AWS_CA_BUNDLE`, `SSL_CERT_FILE`), or
    /// the source given to ``TLSTrust/init(systemRoots:pem:source:)``.
    public let origin: String
    /// What is wrong, naming the file.
    public let description: String

    init(origin: String, _ description: String) {
        self.origin = origin
        self.description = description
    }
}
