import TandemCore

/// Turns errors from providers and the engine into diagnostics carrying the resource address.
public enum EngineErrors {
    /// A diagnostic for `error` raised while doing `operation` on `address`.
    public static func diagnostic(for error: Error, address: ResourceAddress, operation: String) -> Diagnostic {
        if let diagnostics = error as? Diagnostics, let first = diagnostics.errors.first {
            var diagnostic = first
            diagnostic.address = diagnostic.address ?? address.description
            return diagnostic
        }
        if let diagnostic = error as? Diagnostic { return diagnostic }
        if let providerError = error as? ProviderError {
            let attribute = providerError.attributePath.map { " (attribute \($0))" } ?? ""
            return .error("\(operation.capitalized) of \(address) failed\(attribute)", detail: providerError.message, address: address.description)
        }
        return .error("\(operation.capitalized) of \(address) failed", detail: "\(error)", address: address.description)
    }
}
