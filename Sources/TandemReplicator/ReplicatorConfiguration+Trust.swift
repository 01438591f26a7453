import TLSTrust

extension ReplicatorConfiguration {
    /// This configuration with every endpoint's CAs loaded (its `ca_bundle`, else `AWS_CA_BUNDLE` in `environment`,
    /// on top of `SSL_CERT_FILE`/`SSL_CERT_DIR` or the system's), so that a missing or unparsable file stops the
    /// replicator at start, naming the file and the field. `path` names the configuration in errors.
    public func loadingTrust(environment: [String: String], path: String) throws -> ReplicatorConfiguration {
        var loaded = self
        for (index, pipeline) in pipelines.enumerated() {
            let at = "\(path): pipelines[\(index)]"
            loaded.pipelines[index].source = try Self.loadingTrust(pipeline.source, field: "\(at).source", environment)
            loaded.pipelines[index].target.endpoint = try Self.loadingTrust(pipeline.target.endpoint, field: "\(at).target.endpoint", environment)
            if let queueEndpoint = pipeline.events.sqs?.endpoint {
                loaded.pipelines[index].events.sqs?.endpoint = try Self.loadingTrust(queueEndpoint, field: "\(at).events.sqs.endpoint", environment)
            }
        }
        return loaded
    }

    private static func loadingTrust(_ endpoint: EndpointConfiguration, field: String, _ environment: [String: String]) throws -> EndpointConfiguration {
        do {
            return try endpoint.loadingTrust(environment: environment)
        } catch let error as TLSTrustError {
            // A variable (AWS_CA_BUNDLE, SSL_CERT_FILE) names itself; the field is the endpoint's.
            throw ConfigurationError("\(field)\(error.origin == "ca_bundle" ? ".ca_bundle" : ""): \(error.description)")
        }
    }
}
