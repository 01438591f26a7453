import Foundation
import TLSTrust

/// Everything needed to talk to one cluster, resolved from a kubeconfig context: where, how TLS is checked, who we are.
public struct ClusterAccess: Sendable {
    /// How requests prove who sends them.
    public enum Credential: Sendable {
        /// No credential (anonymous, or a client certificate alone).
        case none
        /// A bearer token given in the kubeconfig.
        case token(String)
        /// A bearer token read from a file on every use, so rotated tokens (projected service account tokens) work.
        case tokenFile(String)
        /// HTTP basic authentication.
        case basic(username: String, password: String)
        /// A client-go credential plugin, run when a credential is needed and cached until its expiry.
        case exec(ExecPlugin)
    }

    /// The context's name ("in-cluster" for a pod's service account).
    public var contextName: String
    /// The API server's base URL.
    public var server: URL
    /// The context's namespace, `default` when it names none.
    public var namespace: String
    /// The CAs the server's certificate is checked against (system roots plus the kubeconfig's CA).
    public var trust: TLSTrust
    /// True only when the kubeconfig says `insecure-skip-tls-verify: true`.
    public var skipsTLSVerification: Bool
    /// The name the server's certificate is checked for, when it differs from the server's host.
    public var tlsServerName: String?
    /// The client certificate and key (PEM), when the user authenticates with one.
    public var clientIdentity: ClientIdentity?
    /// How requests are authenticated.
    public var credential: Credential
    /// The proxy to reach the server through: the kubeconfig's `proxy-url`, else `HTTPS_PROXY`/`HTTP_PROXY` unless
    /// `NO_PROXY` or a loopback server exempts it (as client-go does).
    public var proxy: URL?
}

/// A client certificate chain and its private key, in PEM.
public struct ClientIdentity: Sendable, Hashable {
    /// The certificate chain.
    public var certificatePEM: [UInt8]
    /// The private key. Never printed.
    public var keyPEM: [UInt8]
    /// Where they came from, for messages (`client-certificate-data of user admin`, or a path).
    public var source: String
}
