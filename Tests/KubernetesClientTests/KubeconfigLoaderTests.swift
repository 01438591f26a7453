import Foundation
@testable import KubernetesClient
import TandemTesting
import Testing

/// kubeconfig files read the way kubectl reads them: KUBECONFIG merging, contexts, relative paths, credentials,
/// proxies, and refusals that name the file and entry. No server is needed: nothing is sent.
@Suite struct KubeconfigLoaderTests {
    private func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-kubeconfig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }

    private func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static let first = """
    apiVersion: v1
    kind: Config
    current-context: site-a
    clusters:
    - name: a
      cluster: {server: "https://a.example:6443"}
    - name: shared
      cluster: {server: "https://first.example:6443"}
    users:
    - name: alice
      user: {token: first-token}
    contexts:
    - name: site-a
      context: {cluster: a, user: alice, namespace: rook-ceph}
    """

    private static let second = """
    apiVersion: v1
    kind: Config
    current-context: site-b
    clusters:
    - name: shared
      cluster: {server: "https://second.example:6443"}
    - name: b
      cluster: {server: "https://b.example:6443", certificate-authority: certs/ca.pem}
    users:
    - name: bob
      user: {tokenFile: tokens/bob}
    contexts:
    - name: site-b
      context: {cluster: b, user: bob}
    - name: on-shared
      context: {cluster: shared, user: alice}
    """

    @Test func kubeconfigListedFilesMergeFirstDefinitionWinsAndFirstCurrentContext() async throws {
        let directory = try scratch()
        try write(Self.first, directory + "/one/config")
        try write(Self.second, directory + "/two/config")
        let authority = try await TestPEM.certificate()
        try write(authority, directory + "/two/certs/ca.pem")
        let environment = ["KUBECONFIG": "\(directory)/one/config:\(directory)/missing:\(directory)/two/config"]

        let current = try KubeconfigLoader.load(environment: environment)
        #expect(current.contextName == "site-a")
        #expect(current.server.absoluteString == "https://a.example:6443")
        #expect(current.namespace == "rook-ceph")
        guard case .token(let token) = current.credential else { Issue.record("expected a token"); return }
        #expect(token == "first-token")
        #expect(current.skipsTLSVerification == false)

        // A context of the second file, whose relative paths resolve against that file's directory.
        let b = try KubeconfigLoader.load(context: "site-b", environment: environment)
        #expect(b.namespace == "default")
        guard case .tokenFile(let path) = b.credential else { Issue.record("expected a token file"); return }
        #expect(path == "\(directory)/two/tokens/bob")
        #expect(b.trust.extraSource == "\(directory)/two/certs/ca.pem")

        // `shared` is defined in both files: the first wins; the user of the first file is found from the second's context.
        let shared = try KubeconfigLoader.load(context: "on-shared", environment: environment)
        #expect(shared.server.host == "first.example")
    }

    @Test func anUnknownContextOrAMissingFileIsRefusedNamingWhatExists() throws {
        let directory = try scratch()
        try write(Self.first, directory + "/config")
        #expect(throws: KubeconfigError.self) { try KubeconfigLoader.load(path: directory + "/nope", environment: [:]) }
        do {
            _ = try KubeconfigLoader.load(path: directory + "/config", context: "site-z", environment: [:])
            Issue.record("an unknown context was accepted")
        } catch let error as KubeconfigError {
            #expect(error.description.contains("no context \"site-z\""))
            #expect(error.description.contains("site-a"))
        }
        do {
            _ = try KubeconfigLoader.load(environment: ["KUBECONFIG": directory + "/a:" + directory + "/b"])
            Issue.record("KUBECONFIG naming no existing file was accepted")
        } catch let error as KubeconfigError {
            #expect(error.description.contains("none of the files KUBECONFIG lists exists"))
        }
    }

    @Test func aBinaryOrHugeFileIsRefusedFastWithoutParsing() throws {
        let directory = try scratch()
        let huge = directory + "/huge"
        _ = FileManager.default.createFile(atPath: huge, contents: Data(repeating: 0x61, count: Kubeconfig.maximumBytes + 10))
        let clock = ContinuousClock()
        let started = clock.now
        #expect(throws: KubeconfigError.self) { try KubeconfigLoader.load(path: huge, environment: [:]) }
        #expect(clock.now - started < .seconds(2))
        let binary = directory + "/binary"
        _ = FileManager.default.createFile(atPath: binary, contents: Data([0xff, 0xfe, 0x00, 0x81]))
        #expect(throws: KubeconfigError.self) { try KubeconfigLoader.load(path: binary, environment: [:]) }
    }

    @Test func clientCertificatesFromDataAndInsecureOnlyWhenSaid() async throws {
        let directory = try scratch()
        let pem = try await TestPEM.certificate()
        let data = Data(pem.utf8).base64EncodedString()
        try write("""
        clusters:
        - name: c
          cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
        users:
        - name: u
          user: {client-certificate-data: \(data), client-key-data: \(data)}
        - name: half
          user: {client-certificate-data: \(data)}
        contexts:
        - {name: x, context: {cluster: c, user: u}}
        - {name: y, context: {cluster: c, user: half}}
        """, directory + "/config")
        let access = try KubeconfigLoader.load(path: directory + "/config", context: "x", environment: [:])
        #expect(access.skipsTLSVerification)
        #expect(access.clientIdentity?.certificatePEM == Array(pem.utf8))
        #expect(access.clientIdentity?.source == "client-certificate-data of user \"u\"")
        do {
            _ = try KubeconfigLoader.load(path: directory + "/config", context: "y", environment: [:])
            Issue.record("a certificate without key was accepted")
        } catch let error as KubeconfigError {
            #expect(error.description.contains("without its key"))
        }
    }

    @Test func execPluginsNeedASupportedVersionAndInteractiveModeAndNeverATerminal() throws {
        let directory = try scratch()
        func load(_ exec: String) throws -> ClusterAccess {
            try write("""
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
            users: [{name: u, user: {exec: \(exec)}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """, directory + "/config")
            return try KubeconfigLoader.load(path: directory + "/config", environment: [:])
        }
        let good = try load("{apiVersion: client.authentication.k8s.io/v1, command: get-token, interactiveMode: Never}")
        guard case .exec(let plugin) = good.credential else { Issue.record("expected an exec plugin"); return }
        #expect(plugin.command == "get-token")
        #expect(throws: KubeconfigError.self) { try load("{apiVersion: client.authentication.k8s.io/v1, command: get-token}") }
        #expect(throws: KubeconfigError.self) { try load("{apiVersion: client.authentication.k8s.io/v1alpha1, command: get-token}") }
        #expect(throws: KubeconfigError.self) { try load("{apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Always}") }
    }

    @Test func execCredentialOutputIsCheckedAndItsExpiryRead() throws {
        let directory = try scratch()
        try write("""
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
        users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: p}}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """, directory + "/config")
        guard case .exec(let plugin) = try KubeconfigLoader.load(path: directory + "/config", environment: [:]).credential else {
            Issue.record("expected an exec plugin"); return
        }
        let credential = try plugin.parse(Array("""
        {"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t0k","expirationTimestamp":"2030-01-02T03:04:05Z"}}
        """.utf8))
        #expect(credential.token == "t0k")
        #expect(credential.expiry == ISO8601DateFormatter().date(from: "2030-01-02T03:04:05Z"))
        for bad in ["not json", #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x"}}"#,
                    #"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{}}"#] {
            do {
                _ = try plugin.parse(Array(bad.utf8))
                Issue.record("accepted \(bad)")
            } catch let error as KubernetesAuthError {
                #expect(!error.description.contains("x\""), "the output must not be echoed")
            }
        }
    }

    @Test func proxiesFollowClientGoRules() throws {
        let server = try #require(URL(string: "https://k8s.example.com:6443"))
        let environment = ["HTTPS_PROXY": "proxy.corp:3128", "NO_PROXY": "internal.example,.svc"]
        #expect(try ProxySelection.proxy(explicit: nil, server: server, environment: environment)?.absoluteString == "http://proxy.corp:3128")
        #expect(try ProxySelection.proxy(explicit: nil, server: URL(string: "https://api.internal.example")!, environment: environment) == nil)
        #expect(try ProxySelection.proxy(explicit: nil, server: URL(string: "https://x.svc")!, environment: environment) == nil)
        #expect(try ProxySelection.proxy(explicit: nil, server: URL(string: "https://127.0.0.1:6443")!, environment: environment) == nil)
        #expect(try ProxySelection.proxy(explicit: "socks5://127.0.0.1:1080", server: server, environment: [:])?.scheme == "socks5")
        #expect(throws: KubeconfigError.self) { try ProxySelection.proxy(explicit: "ftp://x", server: server, environment: [:]) }
    }
}

/// A PEM certificate that parses, from a throw-away CA.
enum TestPEM {
    static func certificate() async throws -> String {
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        return try String(contentsOfFile: authority.caCertificatePath, encoding: .utf8)
    }
}
