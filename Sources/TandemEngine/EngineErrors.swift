import TandemCore
import TandemLanguage

/// Turns errors from providers and the engine into diagnostics carrying the resource address and, when the
/// resource is declared, the source range of the argument the error is about.
public enum EngineErrors {
    /// Diagnostics for `error` raised while doing `operation` on `address`.
    public static func diagnostics(for error: Error, address: ResourceAddress, operation: String,
                                   declaration resource: ResourceDeclaration? = nil) -> [Diagnostic] {
        if let diagnostics = error as? Diagnostics {
            return diagnostics.items.map { diagnostic in
                var diagnostic = diagnostic
                diagnostic.address = diagnostic.address ?? address.description
                return diagnostic
            }
        }
        if let diagnostic = error as? Diagnostic { return [diagnostic] }
        if let providerError = error as? ProviderError {
            let attribute = providerError.attributePath.map { " (argument \($0))" } ?? ""
            let argument = providerError.attributePath.flatMap { path in
                resource?.arguments.first { $0.key == String(path.prefix { $0 != "." && $0 != "[" }) }
            }
            // A nested path, or any value judged while planning, points at its value; otherwise a top-level argument at its key.
            let nested = providerError.attributePath.flatMap { path in
                operation == "validation" || path.contains(where: { $0 == "." || $0 == "[" })
                    ? resource.map { SchemaConformance.range(of: path, in: $0.body) } : nil
            }
            return [.error("\(operation.capitalized) of \(address) failed\(attribute)", detail: providerError.message,
                           range: nested ?? argument?.keyRange ?? resource?.range, address: address.description)]
        }
        return [.error("\(operation.capitalized) of \(address) failed", detail: "\(error)", range: resource?.range, address: address.description)]
    }
}
