import AWSClient
import Foundation
import Logging
import Synchronization

/// Records the requests an `AWSTransport` sends (from its debug line per attempt): method, path, status and operation, so a test
/// can count what an operation cost on the wire.
public final class RequestRecorder: Sendable {
    /// One request as the transport logged it.
    public struct Request: Sendable, Equatable, CustomStringConvertible {
        /// `GET`, `PUT`, `HEAD`, ...
        public var method: String
        /// The path as sent (percent-encoded), without the query.
        public var path: String
        /// The response's status code.
        public var status: Int
        /// The operation the client named (`GetObject`, `DeleteMessageBatch`, ...).
        public var operation: String = ""
        /// "METHOD PATH STATUS".
        public var description: String { "\(method) \(path) \(status)" }
    }

    private let recorded = Mutex<[Request]>([])

    /// Creates an empty recorder.
    public init() {}

    /// Runs `body` with a transport whose requests this recorder sees, and shuts the transport down after it.
    public func withTransport<T>(_ body: (AWSTransport) async throws -> T) async throws -> T {
        let transport = AWSTransport(requestTimeout: .seconds(60), logger: Logger(label: "tandem.test-requests") { _ in Handler(recorder: self) })
        do {
            let result = try await body(transport)
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// Returns the requests recorded since the last call, and forgets them.
    public func take() -> [Request] {
        recorded.withLock { requests in
            defer { requests = [] }
            return requests
        }
    }

    private struct Handler: LogHandler {
        let recorder: RequestRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            guard message.description == "aws request", let metadata, let method = metadata["method"], let path = metadata["path"] else { return }
            let request = Request(method: "\(method)", path: "\(path)".components(separatedBy: "?")[0], status: Int("\(metadata["status"] ?? "0")") ?? 0,
                                  operation: "\(metadata["operation"] ?? "")")
            recorder.recorded.withLock { $0.append(request) }
        }
    }
}
