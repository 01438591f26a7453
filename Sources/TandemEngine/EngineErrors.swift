import TandemCore
import TandemLanguage

/// Turns errors from providers and the engine into diagnostics carrying the resource address and, when the
/// configuration declares the resource, the source range of the argument the error is about.
public enum EngineErrors {
    /// Diagnostics for `error` raised while doing `operation` on `address`.
    public static func diagnostics(for error: Error, address: ResourceAddress, operation: String,
                                   configuration: Configuration? = nil) -> [Diagnostic] {
        if let diagnostics = error as? Diagnostics {
            return diagnostics.items.map { diagnostic in
                var diagnostic = diagnostic
                diagnostic.address = diagnostic.address ?? address.description
                return diagnostic
            }
        }
        if let diagnostic = error as? Diagnostic { return [diagnostic] }
        let resource = configuration?.resource(address)
        if let providerError = error as? ProviderError {
            let attribute = providerError.attributePath.map { " (argument \($0))" } ?? ""
            let argument = providerError.attributePath.flatMap { path in
                resource?.arguments.first { $0.key == String(path.prefix { $0 != "." && $0 != "[" }) }
            }
            return [.error("\(operation.capitalized) of \(address) failed\(attribute)", detail: providerError.message,
                           range: argument?.keyRange ?? resource?.range, address: address.description)]
        }
        return [.error("\(operation.capitalized) of \(address) failed", detail: "\(error)", range: resource?.range, address: address.description)]
    }
}
