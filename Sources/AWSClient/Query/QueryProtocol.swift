import NIOCore
import NIOHTTP1

/// The AWS Query protocol shared by STS and IAM: a form-encoded POST of `Action`, `Version` and parameters to `/`,
/// answered with XML.
struct QueryProtocol: Sendable {
    let serviceName: String
    let apiVersion: String
    let configuration: AWSClientConfiguration
    let transport: AWSTransport
    let signer: SigV4Signer

    /// Sends `action` with `parameters` and parses the XML answer.
    func call(action: String, parameters: [(name: String, value: String)]) async throws -> XMLNode {
        let form = ([("Action", action), ("Version", apiVersion)] + parameters)
            .map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }
            .joined(separator: "&")
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/x-www-form-urlencoded; charset=utf-8")
        let request = AWSHTTPRequest(
            serviceName: serviceName, operation: action, endpoint: configuration.endpoint(service: serviceName.lowercased()), method: .POST, path: "/",
            headers: headers, body: ByteBuffer(string: form), trust: configuration.trust)
        let response = try await transport.send(request, signer: signer)
        do {
            return try XMLNode.parse(response.body)
        } catch let error as AWSClientError {
            throw AWSClientError(.invalidResponse, "\(serviceName) \(action): \(error.message)")
        }
    }
}
