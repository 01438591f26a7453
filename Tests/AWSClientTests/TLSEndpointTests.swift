import AWSClient
import Foundation
import TandemTesting
import Testing
import TLSTrust

/// Clients against moto behind a TLS-terminating proxy whose certificate a throw-away CA signed: untrusted
/// certificates fail at once naming the host and the reason; `ca_bundle` and `AWS_CA_BUNDLE` make the endpoint work
/// for S3, SQS (JSON) and STS (query) calls.
@Suite(.serialized) struct TLSEndpointTests {
    /// moto behind a proxy presenting a certificate for `names` valid for `serverDays` (or, `selfSigned`, the CA's own).
    private func withHTTPSMoto(names: [String] = ["127.0.0.1", "localhost"], serverDays: Int = 2, selfSigned: Bool = false,
                               _ body: (MotoServer, TLSProxy, TestCertificateAuthority) async throws -> Void) async throws {
        let moto = try await MotoServer.shared()
        let authority = try await TestCertificateAuthority.make(names: names, serverDays: serverDays)
        defer { authority.remove() }
        let proxy = try await TLSProxy.start(certificatePath: selfSigned ? authority.caCertificatePath : authority.serverCertificatePath,
                                             keyPath: selfSigned ? authority.caKeyPath : authority.serverKeyPath, backend: moto.endpoint)
        do {
            try await body(moto, proxy, authority)
        } catch {
            try await proxy.stop()
            throw error
        }
        try await proxy.stop()
    }

    private func configuration(_ proxy: TLSProxy, trust: TLSTrust) -> AWSClientConfiguration {
        AWSClientConfiguration(region: "us-east-1", credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing"),
                               endpointOverride: proxy.endpoint, trust: trust)
    }

    /// The error and how long it took, for a call expected to fail with `tlsHandshakeFailed`.
    private func handshakeFailure(_ call: () async throws -> Void) async -> (error: AWSClientError?, elapsed: Duration) {
        let started = ContinuousClock.now
        let error = await #expect(throws: AWSClientError.self) { try await call() }
        let elapsed = ContinuousClock.now - started
        #expect(error?.kind == .tlsHandshakeFailed, "\(String(describing: error))")
        for raw in ["NIOSSL", "BoringSSL", "OPENSSL_internal", "error:"] {
            #expect(error?.message.contains(raw) == false, "no raw TLS library text in: \(error?.message ?? "")")
        }
        return (error, elapsed)
    }

    @Test func anUntrustedCertificateFailsAtOnceNamingTheHostAndTheRemedy() async throws {
        try await withHTTPSMoto { _, proxy, _ in
            // The connect timeout the failure used to wait out (retried handshakes until it passed).
            let transport = AWSTransport(connectTimeout: .seconds(10))
            let s3 = S3Client(configuration: configuration(proxy, trust: .system), transport: transport)
            let (error, elapsed) = await handshakeFailure { try await s3.createBucket("never-made", locationConstraint: nil) }
            print("untrusted certificate: failed after \(elapsed)")
            #expect(error?.message == "TLS certificate of 127.0.0.1:\(proxy.port) (S3) is not trusted: it was issued by CN=Tandem Test CA, which is "
                    + "not among the trusted CAs (set ca_bundle or AWS_CA_BUNDLE to a PEM file holding the CA that signed it)", "\(error?.message ?? "")")
            #expect(elapsed < .seconds(2), "took \(elapsed)")
            try await transport.shutdown()
        }
    }

    @Test func aCABundleMakesS3SQSAndSTSWorkThroughTheHTTPSEndpoint() async throws {
        try await withHTTPSMoto { moto, proxy, authority in
            try await moto.withFreshState {
                let trust = try TLSTrust.resolve(caBundle: authority.caCertificatePath, environment: [:])
                let settings = configuration(proxy, trust: trust)
                let transport = AWSTransport(connectTimeout: .seconds(10))
                let s3 = S3Client(configuration: settings, transport: transport)
                try await s3.createBucket("over-tls", locationConstraint: nil)
                try await s3.putObject(bucket: "over-tls", key: "hello.txt", body: Array("hello over TLS".utf8), contentType: "text/plain")
                #expect(try await s3.getObjectBytes(bucket: "over-tls", key: "hello.txt") == Array("hello over TLS".utf8))
                // The same bucket seen directly on moto's plain port: the proxy really fronted moto.
                #expect(try await S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport).bucketExists("over-tls"))
                let queueURL = try await SQSClient(configuration: settings, transport: transport).createQueue(name: "over-tls", attributes: [:], tags: [:])
                #expect(queueURL.hasSuffix("/over-tls"))
                #expect(try await STSClient(configuration: settings, transport: transport).getCallerIdentity().account == "123456789012")
                try await transport.shutdown()
            }
        }
    }

    @Test func awsCABundleInTheEnvironmentMakesTheEndpointTrusted() async throws {
        try await withHTTPSMoto { _, proxy, authority in
            let trust = try TLSTrust.resolve(caBundle: nil, environment: ["AWS_CA_BUNDLE": authority.caCertificatePath])
            let transport = AWSTransport()
            #expect(try await STSClient(configuration: configuration(proxy, trust: trust), transport: transport).getCallerIdentity().account == "123456789012")
            try await transport.shutdown()
        }
    }

    @Test func aCertificateFromAnotherCAIsRefused() async throws {
        try await withHTTPSMoto { _, proxy, _ in
            let other = try await TestCertificateAuthority.make(commonName: "Some Other CA")
            defer { other.remove() }
            let transport = AWSTransport()
            let sts = STSClient(configuration: configuration(proxy, trust: try TLSTrust.resolve(caBundle: other.caCertificatePath, environment: [:])),
                                transport: transport)
            let (error, _) = await handshakeFailure { _ = try await sts.getCallerIdentity() }
            #expect(error?.message.hasPrefix("TLS certificate of 127.0.0.1:\(proxy.port) (STS) is not trusted: it was issued by CN=Tandem Test CA, "
                                             + "which is not among the trusted CAs") == true, "\(error?.message ?? "")")
            try await transport.shutdown()
        }
    }

    @Test func aCAOfTheSameNameButAnotherKeyIsNamedAsTheBundles() async throws {
        try await withHTTPSMoto { _, proxy, _ in
            let namesake = try await TestCertificateAuthority.make(commonName: "Tandem Test CA")
            defer { namesake.remove() }
            let transport = AWSTransport()
            let sts = STSClient(configuration: configuration(proxy, trust: try TLSTrust.resolve(caBundle: namesake.caCertificatePath, environment: [:])),
                                transport: transport)
            let (error, _) = await handshakeFailure { _ = try await sts.getCallerIdentity() }
            #expect(error?.message.contains("is not trusted: it was issued by CN=Tandem Test CA, a name ca_bundle \(namesake.caCertificatePath) holds, "
                                            + "but does not verify against that certificate") == true, "\(error?.message ?? "")")
            try await transport.shutdown()
        }
    }

    @Test func aCertificateForAnotherNameIsRefusedSayingSo() async throws {
        try await withHTTPSMoto(names: ["s3.example.test"]) { _, proxy, authority in
            let transport = AWSTransport()
            let sts = STSClient(configuration: configuration(proxy, trust: try TLSTrust.resolve(caBundle: authority.caCertificatePath, environment: [:])),
                                transport: transport)
            let (error, elapsed) = await handshakeFailure { _ = try await sts.getCallerIdentity() }
            #expect(error?.message.hasPrefix("TLS certificate of 127.0.0.1:\(proxy.port) (STS) is not trusted: the certificate does not name this host")
                    == true, "\(error?.message ?? "")")
            #expect(elapsed < .seconds(2), "took \(elapsed)")
            try await transport.shutdown()
        }
    }

    @Test func anExpiredCertificateIsCalledSoWithoutSuggestingACABundle() async throws {
        try await withHTTPSMoto(serverDays: -1) { _, proxy, authority in
            let transport = AWSTransport()
            let sts = STSClient(configuration: configuration(proxy, trust: try TLSTrust.resolve(caBundle: authority.caCertificatePath, environment: [:])),
                                transport: transport)
            let (error, _) = await handshakeFailure { _ = try await sts.getCallerIdentity() }
            let message = error?.message ?? ""
            #expect(message.hasPrefix("TLS certificate of 127.0.0.1:\(proxy.port) (STS) is not trusted: it expired on 20"), "\(message)")
            #expect(!message.contains("ca_bundle"), "a CA bundle would not help: \(message)")
            try await transport.shutdown()
        }
    }

    @Test func aSelfSignedCertificateIsCalledSo() async throws {
        try await withHTTPSMoto(selfSigned: true) { _, proxy, _ in
            let transport = AWSTransport()
            let s3 = S3Client(configuration: configuration(proxy, trust: .system), transport: transport)
            let (error, _) = await handshakeFailure { _ = try await s3.bucketExists("any") }
            #expect(error?.message.hasPrefix("TLS certificate of 127.0.0.1:\(proxy.port) (S3) is not trusted: it is self-signed (CN=Tandem Test CA) (set ca_bundle")
                    == true, "\(error?.message ?? "")")
            try await transport.shutdown()
        }
    }

    @Test func httpsToAPlainHTTPPortFailsAtOnceWithoutRetrying() async throws {
        let moto = try await MotoServer.shared()
        let port = try #require(URLComponents(string: moto.endpoint)?.port)
        let transport = AWSTransport(connectTimeout: .seconds(10))
        var settings = moto.configuration(region: "us-east-1")
        settings.endpointOverride = "https://127.0.0.1:\(port)"
        let started = ContinuousClock.now
        let error = await #expect(throws: AWSClientError.self) { _ = try await STSClient(configuration: settings, transport: transport).getCallerIdentity() }
        #expect(error?.kind == .tlsHandshakeFailed)
        #expect(error?.message.hasPrefix("TLS handshake with 127.0.0.1:\(port) (STS) failed:") == true, "\(error?.message ?? "")")
        #expect(ContinuousClock.now - started < .seconds(2))
        try await transport.shutdown()
    }

    @Test func aServerClosingDuringTheHandshakeIsTriedAgainUntilTheConnectTimeout() async throws {
        let server = try await ClosingServer.start()
        let transport = AWSTransport(connectTimeout: .seconds(1))
        var settings = AWSClientConfiguration(region: "us-east-1", credentials: AWSCredentials(accessKeyID: "a", secretAccessKey: "b"))
        settings.endpointOverride = "https://127.0.0.1:\(server.port)"
        let started = ContinuousClock.now
        let error = await #expect(throws: AWSClientError.self) { _ = try await STSClient(configuration: settings, transport: transport).getCallerIdentity() }
        let elapsed = ContinuousClock.now - started
        #expect(error?.message == "TLS handshake with 127.0.0.1:\(server.port) (STS) failed: the server closed the connection during the handshake", "\(error?.message ?? "")")
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(3), "tried again until the connect timeout: \(elapsed)")
        try await transport.shutdown()
        try await server.stop()
    }

    @Test func aRefusedConnectionIsStillTriedAgainUntilTheConnectTimeout() async throws {
        let transport = AWSTransport(connectTimeout: .seconds(1))
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { _ = try await transport.sendUnsigned(method: "GET", url: "http://127.0.0.1:9/") }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(900), "gave up after \(elapsed), before the connect timeout")
        #expect(elapsed < .seconds(3))
        try await transport.shutdown()
    }
}
