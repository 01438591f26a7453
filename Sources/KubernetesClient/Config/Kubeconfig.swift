import Foundation
import Yams

/// One kubeconfig file as kubectl reads it (`apiVersion: v1`, `kind: Config`). Paths inside it are relative to the
/// file's directory; ``KubeconfigLoader`` resolves them.
struct Kubeconfig: Decodable, Sendable {
    struct NamedCluster: Decodable, Sendable { var name: String; var cluster: Cluster }
    struct NamedUser: Decodable, Sendable { var name: String; var user: User }
    struct NamedContext: Decodable, Sendable { var name: String; var context: Context }

    /// A cluster entry.
    struct Cluster: Decodable, Sendable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?
        var proxyURL: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
            case proxyURL = "proxy-url"
        }
    }

    /// A user (credentials) entry.
    struct User: Decodable, Sendable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var username: String?
        var password: String?
        var exec: ExecConfig?
        var authProvider: AuthProvider?

        enum CodingKeys: String, CodingKey {
            case token, tokenFile, username, password, exec
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case authProvider = "auth-provider"
        }
    }

    /// The legacy `auth-provider` block (gcp, azure, oidc), which kubectl itself no longer supports.
    struct AuthProvider: Decodable, Sendable { var name: String }

    /// An `exec` credential plugin.
    struct ExecConfig: Decodable, Sendable {
        struct Variable: Decodable, Sendable { var name: String; var value: String }
        var apiVersion: String?
        var command: String
        var args: [String]?
        var env: [Variable]?
        var installHint: String?
        var provideClusterInfo: Bool?
        var interactiveMode: String?
    }

    /// A context: a cluster, a user and a default namespace.
    struct Context: Decodable, Sendable {
        var cluster: String
        var user: String?
        var namespace: String?
    }

    var clusters: [NamedCluster]?
    var users: [NamedUser]?
    var contexts: [NamedContext]?
    var currentContext: String?

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    /// The largest kubeconfig read; a bigger file is refused rather than parsed.
    static let maximumBytes = 4 * 1024 * 1024

    /// Parses `text`; `path` names the file in errors.
    static func parse(_ text: String, path: String) throws -> Kubeconfig {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return Kubeconfig() }
        do {
            return try YAMLDecoder().decode(Kubeconfig.self, from: text)
        } catch let error as DecodingError {
            throw KubeconfigError("\(path) is not a kubeconfig: \(Self.describe(error))")
        } catch {
            throw KubeconfigError("\(path) is not valid YAML: \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue) is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    init() {}
}

/// A kubeconfig that cannot be used: the message names the file, the context or the entry.
public struct KubeconfigError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let description: String

    init(_ description: String) { self.description = description }
}
