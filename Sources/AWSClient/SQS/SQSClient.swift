import Foundation
import NIOCore
import NIOHTTP1

/// A client for Amazon SQS over the JSON protocol (`POST /`, `X-Amz-Target: AmazonSQS.<Operation>`,
/// `Content-Type: application/x-amz-json-1.0`).
///
/// Errors come back as ``AWSServiceError``; use ``AWSServiceError/isQueueDoesNotExist`` and
/// ``AWSServiceError/isQueueDeletedRecently`` rather than comparing codes, because JSON and Query
/// spellings differ.
public struct SQSClient: Sendable {
    let configuration: AWSClientConfiguration
    let transport: AWSTransport
    let signer: SigV4Signer
    /// Resolved once: resolving parses the endpoint's URL.
    let endpoint: URL

    /// Creates a client; it shares `transport`'s connections and does not own them.
    public init(configuration: AWSClientConfiguration, transport: AWSTransport) {
        self.configuration = configuration
        self.transport = transport
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "sqs")
        self.endpoint = configuration.endpoint(service: "sqs")
    }

    /// Calls `operation` with `input` encoded as JSON and decodes the answer as `Output`.
    func call<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input, as output: Output.Type) async throws -> Output {
        let response = try await send(operation, input)
        do {
            // Some operations answer with an empty body; decode that as an empty object.
            return try JSONDecoder().decode(Output.self, from: response.body.isEmpty ? Data("{}".utf8) : Data(response.body))
        } catch {
            throw AWSClientError(.invalidResponse, "SQS \(operation): could not decode the response (\(error))")
        }
    }

    /// Calls `operation` and ignores the answer's body.
    func call<Input: Encodable>(_ operation: String, _ input: Input) async throws {
        _ = try await send(operation, input)
    }

    private func send<Input: Encodable>(_ operation: String, _ input: Input) async throws -> AWSHTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "x-amz-target", value: "AmazonSQS.\(operation)")
        headers.add(name: "content-type", value: "application/x-amz-json-1.0")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let request = AWSHTTPRequest(
            serviceName: "SQS", operation: operation, endpoint: endpoint, method: .POST, path: "/",
            headers: headers, body: ByteBuffer(bytes: try encoder.encode(input)), trust: configuration.trust)
        return try await transport.send(request, signer: signer)
    }
}
