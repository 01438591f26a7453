import AWSClient
import Foundation
import Testing
import TandemTesting
@testable import TandemReplicator

/// A pipeline read from a configuration file whose source and target are moto behind a TLS proxy signed by a
/// throw-away CA: with `ca_bundle` on both sides the object is copied through the HTTPS endpoint; without it the
/// copy fails at once naming the host.
@Suite(.serialized) struct TLSPipelineTests {
    /// The configuration file's text: one pipeline between two buckets of `endpoint`; `caBundle` on both sides when given.
    private func configurationFile(endpoint: String, caBundle: String?) -> Data {
        let trust = caBundle.map { #", "ca_bundle": "\#($0)""# } ?? ""
        let side = { (bucket: String) in
            #"{"endpoint": "\#(endpoint)", "region": "us-east-1", "bucket": "\#(bucket)", "access_key": "testing", "secret_key": "testing"\#(trust)}"#
        }
        return Data("""
            {"listen": "127.0.0.1:0", "state_directory": "/tmp/tandem-tls-pipeline", "pipelines": [{
              "name": "over-tls", "source": \(side("tls-source")), "target": {"endpoint": \(side("tls-target")), "key_template": "copied/{key}"},
              "events": {"http": {"secret": "0123456789abcdef0123456789abcdef"}}, "skip_principals": [], "concurrency": 1,
              "copy": {"multipart_threshold": 16777216, "part_size": 8388608, "parts_in_flight": 2, "server_side": false}}]}
            """.utf8)
    }

    @Test func aPipelineCopiesThroughTheHTTPSEndpointWithItsCABundles() async throws {
        let moto = try await MotoServer.shared()
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        let proxy = try await TLSProxy.start(certificatePath: authority.serverCertificatePath, keyPath: authority.serverKeyPath, backend: moto.endpoint)
        try await moto.withFreshState {
            let plain = S3Client(configuration: moto.configuration(region: "us-east-1"), transport: moto.transport)
            try await plain.createBucket("tls-source", locationConstraint: nil)
            try await plain.createBucket("tls-target", locationConstraint: nil)
            try await plain.putObject(bucket: "tls-source", key: "report.csv", body: Array("a,b\n1,2\n".utf8), contentType: "text/csv")
            let event = ObjectEvent(change: .created, name: "ObjectCreated:Put", bucket: "tls-source", key: "report.csv", eventSource: "aws:s3")
            let transport = AWSTransport(connectTimeout: .seconds(10))
            do {
                try await copyAndRefuse(event, through: proxy, authority: authority, transport: transport, plain: plain)
            } catch {
                try await transport.shutdown()
                throw error
            }
            try await transport.shutdown()
        }
        try await proxy.stop()
    }

    /// With the CA the event's object is copied; without it the copy fails at once naming the host.
    private func copyAndRefuse(_ event: ObjectEvent, through proxy: TLSProxy, authority: TestCertificateAuthority, transport: AWSTransport,
                               plain: S3Client) async throws {
        let trusted = try ReplicatorConfiguration.decode(configurationFile(endpoint: proxy.endpoint, caBundle: authority.caCertificatePath),
                                                         path: "tls.json").loadingTrust(environment: [:], path: "tls.json")
        let result = try await Pipeline(trusted.pipelines[0], transport: transport).handle(event)
        #expect(result == .replicated(bytes: 8))
        #expect(try await plain.getObjectBytes(bucket: "tls-target", key: "copied/report.csv") == Array("a,b\n1,2\n".utf8))

        let untrusted = try ReplicatorConfiguration.decode(configurationFile(endpoint: proxy.endpoint, caBundle: nil), path: "tls.json")
            .loadingTrust(environment: [:], path: "tls.json")
        let started = ContinuousClock.now
        let error = await #expect(throws: AWSClientError.self) { _ = try await Pipeline(untrusted.pipelines[0], transport: transport).handle(event) }
        #expect(error?.kind == .tlsHandshakeFailed)
        #expect(error?.message.contains("TLS certificate of 127.0.0.1:\(proxy.port) (S3) is not trusted") == true, "\(error?.message ?? "")")
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
