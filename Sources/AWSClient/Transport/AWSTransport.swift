import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TLSTrust

/// The HTTP connection pool that every service client shares.
///
/// Owns one `HTTPClient`. Call ``shutdown()`` once when done; it must happen before the
/// transport is released.
public final class AWSTransport: Sendable {
    let httpClient: HTTPClient
    let logger: Logger
    let requestTimeout: TimeAmount
    let connectTimeout: Duration
    let retryPolicy: RetryPolicy

    /// The largest response body read into memory; larger answers fail rather than exhaust memory.
    static let maximumResponseBytes = 64 * 1024 * 1024

    /// Creates a transport.
    ///
    /// - Parameters:
    ///   - requestTimeout: The deadline of one attempt of one request (connect, send and receive).
    ///   - connectTimeout: How long to keep trying to open a connection: a refused or unreachable endpoint is
    ///     tried again within this time; a failed TLS handshake is not (see ``execute(_:service:endpoint:trust:)``).
    ///   - connectionsPerHost: Connections kept open to one endpoint (requests beyond wait for one).
    ///   - logger: Receives one debug line per attempt (service, method, path, status, request id);
    ///     never headers or bodies.
    public init(
        requestTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(10), connectionsPerHost: Int = 8,
        logger: Logger = Logger(label: "tandem.aws")
    ) {
        let timeout = Self.timeAmount(requestTimeout)
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: Self.timeAmount(connectTimeout), read: timeout))
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connectionsPerHost, 1))
        // The client would retry every failed connection attempt until the connect timeout, a refused certificate
        // included (10 s to report an error that cannot go away); `execute` retries only what can.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.http1_1ConnectionDebugInitializer = ImmediateAcknowledgement.install
        // Tandem bootstraps no tracer: without this the client builds span attributes for the no-op tracer on every
        // request (about 3 % of the replicator's CPU per event). A tracer bootstrapped one day must be set here.
        configuration.tracing.tracer = nil
        self.httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.logger = logger
        self.requestTimeout = timeout
        self.connectTimeout = connectTimeout
        self.retryPolicy = RetryPolicy()
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Closes every connection. Call once, when no request is running.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// Sends an unsigned request and returns the status and body. For health checks and local
    /// test servers (for example moto's `POST /moto-api/reset`), not for AWS APIs.
    public func sendUnsigned(method: String, url: String, body: [UInt8] = []) async throws -> (statusCode: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        if !body.isEmpty { request.body = .bytes(body) }
        let response = try await execute(request, service: "HTTP", endpoint: URL(string: url), trust: .system)
        let bytes = try await response.body.collect(upTo: Self.maximumResponseBytes)
        return (Int(response.status.code), Array(buffer: bytes))
    }

    /// Signs and sends `request`, retrying per the retry policy. Returns a 2xx response;
    /// throws ``AWSServiceError`` for any other status, ``AWSClientError`` when the endpoint
    /// cannot be reached.
    func send(_ request: AWSHTTPRequest, signer: SigV4Signer) async throws -> AWSHTTPResponse {
        let payload = request.payload ?? .sha256Hex(request.body.withUnsafeReadableBytes { SigV4Signer.hex(SHA256.hash(data: $0)) })
        var attempt = 1
        while true {
            do {
                let response = try await sendOnce(request, signer: signer, payload: payload, attempt: attempt)
                if (200..<300).contains(response.statusCode) {
                    return response
                }
                let error = AWSServiceError(
                    service: request.serviceName, operation: request.operation, statusCode: response.statusCode, headers: response.headers, body: response.body)
                guard error.isRetryable, attempt < retryPolicy.maximumAttempts else { throw error }
            } catch let error where RetryPolicy.isConnectFailure(error) {
                throw AWSClientError(
                    .connectionFailed, "could not connect to \(request.serviceName) at \(request.endpoint.absoluteString): \(error)")
            } catch let error where RetryPolicy.isRetryableTransportError(error) {
                guard attempt < retryPolicy.maximumAttempts else {
                    throw AWSClientError(
                        .connectionFailed,
                        "could not reach \(request.serviceName) at \(request.endpoint.absoluteString) after \(attempt) attempts: \(error)")
                }
                logger.debug("aws transport error, retrying", metadata: [
                    "service": "\(request.serviceName)", "attempt": "\(attempt)", "error": "\(error)",
                ])
            }
            try await Task.sleep(for: retryPolicy.delay(afterAttempt: attempt))
            attempt += 1
        }
    }

    /// Executes `request`, connecting again after a refused or unreachable endpoint (or one that closed during the
    /// TLS handshake) until the connect timeout has passed. Any other failed TLS handshake ends at once with
    /// ``AWSClientError/Kind-swift.struct/tlsHandshakeFailed`` (the same certificate would be presented again), its
    /// reason made plain under `trust`.
    private func execute(_ request: HTTPClientRequest, service: String, endpoint: URL?, trust: TLSTrust) async throws -> HTTPClientResponse {
        let clock = ContinuousClock()
        let giveUp = clock.now + connectTimeout
        var failedConnects = 0
        while true {
            do {
                return try await httpClient.execute(request, timeout: requestTimeout, logger: logger)
            } catch {
                let handshake = TLSHandshakeFailure(error)
                let connectAgain = (RetryPolicy.isConnectFailure(error) || handshake?.isTransient == true) && clock.now < giveUp
                if let handshake, !connectAgain {
                    let host = endpoint?.host ?? "", port = endpoint?.port ?? (endpoint?.scheme?.lowercased() == "http" ? 80 : 443)
                    throw AWSClientError.tlsHandshake(await handshake.explained(host: host, port: port, trust: trust), service: service, host: host, port: port)
                }
                guard connectAgain else { throw error }
                failedConnects += 1
                try await Task.sleep(for: min(retryPolicy.connectDelay(afterFailure: failedConnects), giveUp - clock.now))
            }
        }
    }

    /// Signs and sends `request` once and hands a 2xx response's headers and body, as it arrives, to `consume`
    /// (nothing is collected: memory is what `consume` keeps); any other status throws ``AWSServiceError`` as `send`
    /// does. Not retried: what `consume` did with part of a body cannot be taken back.
    func streaming<T>(_ request: AWSHTTPRequest, signer: SigV4Signer, consume: (HTTPHeaders, ResponseBody) async throws -> T) async throws -> T {
        let payload = request.payload ?? .sha256Hex(request.body.withUnsafeReadableBytes { SigV4Signer.hex(SHA256.hash(data: $0)) })
        let response: HTTPClientResponse
        do {
            response = try await execute(signed(request, signer: signer, payload: payload), service: request.serviceName, endpoint: request.endpoint,
                                         trust: request.trust)
        } catch let error where RetryPolicy.isConnectFailure(error) {
            throw AWSClientError(.connectionFailed, "could not connect to \(request.serviceName) at \(request.endpoint.absoluteString): \(error)")
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let body = try await response.body.collect(upTo: Self.maximumResponseBytes)
            throw AWSServiceError(service: request.serviceName, operation: request.operation, statusCode: Int(response.status.code),
                                  headers: response.headers, body: Array(buffer: body))
        }
        return try await consume(response.headers, ResponseBody(body: response.body))
    }

    /// Signs (`UNSIGNED-PAYLOAD`) and sends `request` once with its `streamedBody`, sent as it arrives: a body read
    /// once cannot be sent again, so nothing is retried. Returns a 2xx response; throws as `send` does otherwise.
    func sendStreamedBody(_ request: AWSHTTPRequest, signer: SigV4Signer) async throws -> AWSHTTPResponse {
        let response: AWSHTTPResponse
        do {
            response = try await sendOnce(request, signer: signer, payload: .unsigned, attempt: 1)
        } catch let error where RetryPolicy.isConnectFailure(error) {
            throw AWSClientError(.connectionFailed, "could not connect to \(request.serviceName) at \(request.endpoint.absoluteString): \(error)")
        }
        guard (200..<300).contains(response.statusCode) else {
            throw AWSServiceError(service: request.serviceName, operation: request.operation, statusCode: response.statusCode,
                                  headers: response.headers, body: response.body)
        }
        return response
    }

    /// The request as sent: signed, with its body and the TLS trust of its endpoint.
    private func signed(_ request: AWSHTTPRequest, signer: SigV4Signer, payload: SigV4Payload) -> HTTPClientRequest {
        // The endpoint's parts are read once here: each read of a `URL` component parses again.
        let scheme = request.scheme, host = request.hostHeader(scheme: scheme), path = request.wirePath
        var headers = request.headers
        headers.replaceOrAdd(name: "host", value: host)
        let signed = signer.sign(
            SigV4Request(method: request.method.rawValue, path: path, query: request.query, headers: headers, payload: payload),
            date: Date())

        var httpRequest = HTTPClientRequest(url: request.url(scheme: scheme, host: host, path: path))
        httpRequest.method = request.method
        httpRequest.headers = signed.headers
        httpRequest.headers.replaceOrAdd(name: "user-agent", value: "tandem-awsclient/0.1")
        if let streamed = request.streamedBody {
            httpRequest.body = streamed
        } else if request.body.readableBytes > 0 || [.PUT, .POST].contains(request.method) {
            httpRequest.body = .bytes(request.body)
        }
        // Plain HTTP gets none: the client hashes a request's TLS configuration to find its connection pool.
        httpRequest.tlsConfiguration = scheme == "https" ? request.trust.clientConfiguration : nil
        return httpRequest
    }

    private func sendOnce(_ request: AWSHTTPRequest, signer: SigV4Signer, payload: SigV4Payload, attempt: Int) async throws -> AWSHTTPResponse {
        let response = try await execute(signed(request, signer: signer, payload: payload), service: request.serviceName, endpoint: request.endpoint,
                                         trust: request.trust)
        // Into one buffer of the announced size (a HEAD announces the object's but has no body): no regrowing, and
        // copying, while a large body arrives. `collect` still stops at the limit whatever was announced.
        let announced = request.method == .HEAD ? 0 : response.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
        var body = ByteBufferAllocator().buffer(capacity: min(announced, Self.maximumResponseBytes))
        try await response.body.collect(upTo: Self.maximumResponseBytes, into: &body)
        let result = AWSHTTPResponse(statusCode: Int(response.status.code), headers: response.headers, buffer: body)
        logger.debug("aws request", metadata: [
            "service": "\(request.serviceName)",
            "operation": "\(request.operation)",
            "method": "\(request.method.rawValue)",
            "path": "\(request.wirePath)",
            "status": "\(result.statusCode)",
            "attempt": "\(attempt)",
            "request-id": "\(result.headers.first(name: "x-amz-request-id") ?? result.headers.first(name: "x-amzn-requestid") ?? "-")",
        ])
        return result
    }
}

/// A response body as it arrives, in the buffers the connection delivers (reading slowly holds the sender back).
public struct ResponseBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let body: HTTPClientResponse.Body

    /// Iterates the buffers.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: HTTPClientResponse.Body.AsyncIterator

        /// The next buffer; nil at the end.
        public mutating func next() async throws -> ByteBuffer? {
            try await base.next()
        }
    }

    /// Starts iterating (once).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: body.makeAsyncIterator())
    }
}
