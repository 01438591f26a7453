import Foundation
import TandemTesting
import Testing
import TLSTrust

/// `TLSTrust.resolve` with real files: which bundle wins, and that every unusable file is an error naming it and
/// where it was configured.
@Suite struct TLSTrustTests {
    private func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }

    @Test func withoutBundleOrVariablesTheSystemRootsAreUsedAsTheClientsDefault() throws {
        let trust = try TLSTrust.resolve(caBundle: nil, environment: ["HOME": "/root"])
        #expect(trust == .system)
        #expect(trust.clientConfiguration == nil)
    }

    @Test func theCABundleOptionAddsItsCertificatesToTheSystemRoots() async throws {
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        let trust = try TLSTrust.resolve(caBundle: authority.caCertificatePath, environment: [:])
        #expect(trust.systemRoots == .platform)
        #expect(trust.extraCertificates.count == 1)
        #expect(trust.extraSource == "ca_bundle \(authority.caCertificatePath)")
        let configuration = try #require(trust.clientConfiguration)
        #expect(configuration.trustRoots == .default)
        // By the file's name: the HTTP client hashes a request's TLS configuration, and certificates would be serialised
        // for every request.
        #expect(configuration.additionalTrustRoots == [.file(authority.caCertificatePath)])
        #expect(configuration.certificateVerification == .fullVerification)
        // A bundle read already (a kubeconfig's certificate-authority-data) is carried as certificates.
        let data = try TLSTrust(pem: Array(try Data(contentsOf: URL(fileURLWithPath: authority.caCertificatePath))), source: "certificate-authority-data")
        #expect(data.clientConfiguration?.additionalTrustRoots == [.certificates(data.extraCertificates)])
    }

    @Test func awsCABundleIsUsedWhenTheOptionIsUnsetAndTheOptionWins() async throws {
        let first = try await TestCertificateAuthority.make(commonName: "First CA")
        let second = try await TestCertificateAuthority.make(commonName: "Second CA")
        defer { first.remove(); second.remove() }
        let environment = ["AWS_CA_BUNDLE": second.caCertificatePath]
        let fromVariable = try TLSTrust.resolve(caBundle: nil, environment: environment)
        #expect(fromVariable.extraSource == "AWS_CA_BUNDLE \(second.caCertificatePath)")
        let fromOption = try TLSTrust.resolve(caBundle: first.caCertificatePath, environment: environment)
        #expect(fromOption.extraSource == "ca_bundle \(first.caCertificatePath)")
        #expect(fromOption != fromVariable)
    }

    @Test func aMissingBundleIsNamedWithWhereItWasConfigured() throws {
        let missing = try scratch() + "/absent.pem"
        let optionError = #expect(throws: TLSTrustError.self) { try TLSTrust.resolve(caBundle: missing, environment: [:]) }
        #expect(optionError?.description == "ca_bundle \(missing) cannot be read: no such file")
        #expect(optionError?.origin == "ca_bundle")
        let variableError = #expect(throws: TLSTrustError.self) { try TLSTrust.resolve(caBundle: nil, environment: ["AWS_CA_BUNDLE": missing]) }
        #expect(variableError?.description == "AWS_CA_BUNDLE \(missing) cannot be read: no such file")
    }

    @Test func aDirectoryOrTextThatIsNotPEMIsRefused() throws {
        let directory = try scratch()
        let directoryError = #expect(throws: TLSTrustError.self) { try TLSTrust.resolve(caBundle: directory, environment: [:]) }
        #expect(directoryError?.description == "ca_bundle \(directory) cannot be read: it is a directory (give a PEM file)")

        let garbage = directory + "/garbage.pem"
        try Data("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n".utf8).write(to: URL(fileURLWithPath: garbage))
        let garbageError = #expect(throws: TLSTrustError.self) { try TLSTrust.resolve(caBundle: garbage, environment: [:]) }
        #expect(garbageError?.description.hasPrefix("ca_bundle \(garbage) is not a PEM certificate bundle") == true)

        let empty = directory + "/empty.pem"
        try Data().write(to: URL(fileURLWithPath: empty))
        let emptyError = #expect(throws: TLSTrustError.self) { try TLSTrust.resolve(caBundle: empty, environment: [:]) }
        #expect(emptyError?.description.hasPrefix("ca_bundle \(empty) is not a PEM certificate bundle") == true)
    }

    @Test func sslCertFileAndDirReplaceTheSystemRootsAndMustExist() async throws {
        let authority = try await TestCertificateAuthority.make()
        defer { authority.remove() }
        let fromFile = try TLSTrust.resolve(caBundle: nil, environment: ["SSL_CERT_FILE": authority.caCertificatePath, "SSL_CERT_DIR": "/etc/ssl/certs"])
        #expect(fromFile.systemRoots == .replaced(path: authority.caCertificatePath))
        #expect(try #require(fromFile.clientConfiguration).trustRoots == .file(authority.caCertificatePath))
        let fromDirectory = try TLSTrust.resolve(caBundle: nil, environment: ["SSL_CERT_DIR": authority.directory])
        #expect(fromDirectory.systemRoots == .replaced(path: authority.directory))

        let error = #expect(throws: TLSTrustError.self) {
            try TLSTrust.resolve(caBundle: nil, environment: ["SSL_CERT_FILE": authority.directory + "/absent.pem"])
        }
        #expect(error?.description == "SSL_CERT_FILE names \(authority.directory)/absent.pem, which is not a file")
    }

    @Test func pemDataFromElsewhereIsNamedBySource() throws {
        let error = #expect(throws: TLSTrustError.self) { try TLSTrust(pem: Array("hello".utf8), source: "certificate-authority-data") }
        #expect(error?.description.hasPrefix("certificate-authority-data is not a PEM certificate bundle") == true)
    }
}
