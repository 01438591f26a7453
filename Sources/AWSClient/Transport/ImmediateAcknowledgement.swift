import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Acknowledges what a connection received at once (`TCP_QUICKACK` after every read), instead of the kernel's delayed
/// acknowledgement.
///
/// Why: a server that writes a response's headers and its body separately with Nagle's algorithm on (radosgw's
/// default frontend does) holds the body until the headers are acknowledged, and Linux delays the acknowledgement of
/// one small segment by up to 40 ms on a connection that both sends and receives: every small GET took 44 ms against
/// radosgw, HEAD and PUT 3-4 ms. Linux leaves quick-ack mode on its own, so the option is set again after each read.
/// It costs one `setsockopt` per read and a few more acknowledgements on the wire.
final class ImmediateAcknowledgement: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    /// Adds the handler at the front of `channel`'s pipeline, where the connection's bytes arrive (before TLS).
    static func install(on channel: any Channel) -> EventLoopFuture<Void> {
        channel.pipeline.addHandler(ImmediateAcknowledgement(), position: .first)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        #if os(Linux)
        try? context.channel.syncOptions?.setOption(.tcpOption(NIOBSDSocket.Option(rawValue: TCP_QUICKACK)), value: 1)
        #endif
        context.fireChannelReadComplete()
    }
}
