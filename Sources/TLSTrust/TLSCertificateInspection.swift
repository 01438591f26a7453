import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Why a server's certificate is refused, in words: the TLS library says only "certificate verify failed", so the
/// certificate is fetched again without verifying it and read (expired, not yet valid, self-signed, or which CA
/// issued it). Used only after a handshake failed; it sends no request.
public enum TLSCertificateInspection {
    /// The reason `host:port`'s certificate is refused under `trust`, or nil when the server cannot be reached within
    /// `timeout` or presents no certificate.
    public static func reason(host: String, port: Int, trust: TLSTrust,
                              timeout: Duration = .seconds(2)) async -> (text: String, isIssuerUntrusted: Bool)? {
        guard let leaf = try? await presentedCertificate(host: host, port: port, timeout: timeout) else { return nil }
        return reason(for: leaf, trust: trust, now: Date())
    }

    /// The reason `leaf` is refused at `now` under `trust` (separate from the fetch so it reads top to bottom).
    static func reason(for leaf: NIOSSLCertificate, trust: TLSTrust, now: Date) -> (text: String, isIssuerUntrusted: Bool) {
        let formatter = ISO8601DateFormatter()
        let notAfter = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        let notBefore = Date(timeIntervalSince1970: TimeInterval(leaf.notValidBefore))
        if notAfter < now { return ("it expired on \(formatter.string(from: notAfter))", false) }
        if notBefore > now { return ("it is not valid before \(formatter.string(from: notBefore))", false) }
        let issuer = describe(leaf.issuerName)
        if leaf.issuerName == leaf.subjectName { return ("it is self-signed (\(issuer))", true) }
        if let source = trust.extraSource, trust.extraCertificates.contains(where: { $0.subjectName == leaf.issuerName }) {
            return ("it was issued by \(issuer), a name \(source) holds, but does not verify against that certificate "
                    + "(another CA of the same name, or an intermediate the server does not send)", true)
        }
        return ("it was issued by \(issuer), which is not among the trusted CAs", true)
    }

    private static func describe(_ name: [SSLCertificateName]) -> String {
        let common = name.filter { $0.type == .commonName }.map(\.value)
        return common.isEmpty ? "an unnamed CA" : "CN=\(common.joined(separator: ","))"
    }

    /// The leaf certificate `host:port` presents, fetched with verification off (nothing is sent over it).
    private static func presentedCertificate(host: String, port: Int, timeout: Duration) async throws -> NIOSSLCertificate? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let serverName = host.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" } ? nil : host
        let limit = TimeAmount.milliseconds(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let handshake = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Void.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(limit)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(try NIOSSLClientHandler(context: context, serverHostname: serverName),
                                                                        HandshakeCompletion(handshake))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            handshake.fail(error)
            throw error
        }
        // A server that accepts and never answers: closing fails the handshake promise.
        let deadline = channel.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        try await handshake.futureResult.get()
        return try await channel.nioSSL_peerCertificate().get()
    }
}

/// Completes a promise once: succeeded when the TLS handshake completes, failed when the channel fails or closes first.
private final class HandshakeCompletion: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<Void>
    private var completed = false

    init(_ promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    private func complete(_ result: Result<Void, any Error>) {
        guard !completed else { return }
        completed = true
        promise.completeWith(result)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { complete(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(.failure(ChannelError.ioOnClosedChannel))
        context.fireChannelInactive()
    }
}
