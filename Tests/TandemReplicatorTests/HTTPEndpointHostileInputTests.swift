import Foundation
import Testing
@testable import TandemReplicator

/// The replicator's HTTP endpoint against clients that do not speak HTTP: garbage and binary bytes end their
/// connection promptly (an HTTP 400 or a close, never a hang), a body past the limit is answered without being kept,
/// and the endpoint keeps serving everyone else.
struct HTTPEndpointHostileInputTests {
    /// Sends `bytes` on a new connection and reads until the server closes it or 50 s pass (less than the endpoint's
    /// 60 s idle timeout, so only a connection the server itself ends counts); returns what came back and whether the
    /// server closed the connection.
    private func exchange(_ address: String, _ bytes: [UInt8]) throws -> (reply: String, closed: Bool) {
        let (host, port) = try Replicator.hostAndPort(address)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 50, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(port).bigEndian)
        target.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(connected == 0)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return (String(decoding: reply, as: UTF8.self), true) }
            if count < 0 { return (String(decoding: reply, as: UTF8.self), errno == ECONNRESET) }
            reply += buffer[..<count]
        }
    }

    /// ``exchange(_:_:)`` on a thread of its own: its blocking reads must not hold one of the few threads the
    /// concurrency pool has, which the server in this process (and every other test) needs to answer.
    private func exchangeOnItsOwnThread(_ address: String, _ bytes: [UInt8]) async throws -> (reply: String, closed: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try exchange(address, bytes) }) }.start()
        }
    }

    @Test func garbageEndsItsOwnConnectionOnlyAndQuickly() async throws {
        let server = try await ReplicatorHTTPServer.start(host: "127.0.0.1", port: 0, routes: .init(push: [:], metrics: ReplicatorMetrics(), isReady: { true }))
        defer { Task { await server.stop() } }
        var generator = SystemRandomNumberGenerator()
        let inputs: [[UInt8]] = [
            Array("\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03} TLS hello to a plain endpoint\r\n\r\n".utf8),
            (0..<8192).map { _ in UInt8.random(in: .min ... .max, using: &generator) },
            Array("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n".utf8),
        ]
        for (index, input) in inputs.enumerated() {
            let started = ContinuousClock.now
            let (reply, closed) = try await exchangeOnItsOwnThread(server.address, input)
            let took = ContinuousClock.now - started
            #expect(closed, "input \(index): the connection ends (got \(reply.prefix(80)) after \(took))")
            #expect(reply.isEmpty || reply.hasPrefix("HTTP/1.1 400"), "input \(index): \(reply.prefix(200))")
            // At once when alone; a loaded CI machine may take seconds, but far from the idle timeout.
            #expect(took < .seconds(30), "input \(index) was not left hanging: \(took)")
        }
        let healthy = try await exchangeOnItsOwnThread(server.address, Array("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        #expect(healthy.reply.hasPrefix("HTTP/1.1 200") && healthy.reply.hasSuffix("ok\n"), "still serving: \(healthy.reply)")
        let oversized = try await exchangeOnItsOwnThread(server.address, Array("POST /events/none/secret HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\nConnection: close\r\n\r\n".utf8)
                                        + [UInt8](repeating: 0x78, count: 300_000))
        #expect(oversized.reply.hasPrefix("HTTP/1.1 404"), "a pipeline that does not exist, before the body: \(oversized.reply.prefix(80))")
    }
}
