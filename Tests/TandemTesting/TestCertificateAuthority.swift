import Foundation

/// A throw-away certificate authority and a server certificate it signed, made with the `openssl` command in a fresh
/// 0700 directory, for HTTPS endpoints tests start on 127.0.0.1 (see ``TLSProxy``).
public struct TestCertificateAuthority: Sendable {
    /// The directory holding every file (mode 0700).
    public let directory: String
    /// The CA's certificate (PEM): what a client must trust.
    public let caCertificatePath: String
    /// The server's certificate (PEM), signed by the CA.
    public let serverCertificatePath: String
    /// The server's private key (PEM).
    public let serverKeyPath: String
    /// The CA's private key (PEM), for a server that presents the CA's own, self-signed, certificate (the CA may sign
    /// with it: BoringSSL refuses a server certificate whose key usage lacks digitalSignature).
    public var caKeyPath: String { directory + "/ca-key.pem" }

    /// Makes a CA named `commonName` and a server certificate for `names` (IP addresses and DNS names), valid from now
    /// for `serverDays` days (-1: expired yesterday). Fails with a clear message when `openssl` is missing
    /// (`scripts/prerequisites` installs it).
    public static func make(commonName: String = "Tandem Test CA", names: [String] = ["127.0.0.1", "localhost"],
                            serverDays: Int = 2) async throws -> TestCertificateAuthority {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let authority = TestCertificateAuthority(directory: directory, caCertificatePath: directory + "/ca.pem",
                                                 serverCertificatePath: directory + "/server.pem", serverKeyPath: directory + "/server-key.pem")
        let alternativeNames = names.map { name in
            name.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? "IP:\(name)" : "DNS:\(name)"
        }
        try Data("""
            subjectAltName=\(alternativeNames.joined(separator: ","))
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """.utf8).write(to: URL(fileURLWithPath: directory + "/server.ext"))
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await openssl(["req", "-x509"] + curve + ["-keyout", directory + "/ca-key.pem", "-out", authority.caCertificatePath, "-days", "2",
                          "-subj", "/CN=\(commonName)", "-addext", "basicConstraints=critical,CA:TRUE",
                          "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"], in: directory)
        try await openssl(["req"] + curve + ["-keyout", authority.serverKeyPath, "-out", directory + "/server.csr", "-subj", "/CN=tandem-test-server"],
                          in: directory)
        try await openssl(["x509", "-req", "-in", directory + "/server.csr", "-CA", authority.caCertificatePath, "-CAkey", directory + "/ca-key.pem",
                           "-CAcreateserial", "-out", authority.serverCertificatePath, "-days", "\(serverDays)", "-extfile", directory + "/server.ext"],
                          in: directory)
        return authority
    }

    /// Deletes the directory.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func openssl(_ arguments: [String], in directory: String) async throws {
        guard let program = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"].first(where: FileManager.default.isExecutableFile) else {
            throw TestScriptError("openssl is not installed: run scripts/prerequisites (it installs the openssl package)")
        }
        let log = URL(fileURLWithPath: directory + "/openssl.log")
        let (_, status) = try await TestScript.run(program, arguments: arguments, stderr: log)
        guard status == 0 else {
            let detail = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw TestScriptError("openssl \(arguments.first ?? "") failed (status \(status)): \(detail)")
        }
    }
}
