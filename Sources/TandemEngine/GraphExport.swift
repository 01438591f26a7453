import Foundation
import TandemCore
import TandemLanguage

/// The resource dependency graph as text a person can look at: Graphviz DOT or Mermaid.
public enum GraphExport {
    /// Output formats.
    public enum Format: String, CaseIterable, Sendable {
        /// Graphviz `digraph`.
        case dot
        /// Mermaid `flowchart`.
        case mermaid
    }

    /// Renders the resource instances of `configuration` (modules and `count`/`for_each` expanded with the variables'
    /// defaults); edges point from a resource to what it depends on, directly or through locals, module inputs and outputs.
    public static func render(_ configuration: Configuration, registry: ProviderRegistry, format: Format) -> (String, Diagnostics) {
        let variables = configuration.variables.mapValues { $0.defaultValue ?? .unknown }
        var (expansion, diagnostics) = Expansion.expand(configuration, variables: variables, requireKnownRepetition: false)
        let (built, graphDiagnostics) = ConfigurationGraph.build(expansion, registry: registry)
        diagnostics.append(contentsOf: graphDiagnostics)
        let graph = built.resourceGraph
        let nodes = graph.nodes
        let edges = nodes.flatMap { node in (graph.dependencies[node] ?? []).sorted().map { (node, $0) } }
        switch format {
        case .dot:
            var lines = ["digraph tandem {", "  rankdir = \"RL\";", "  node [shape = box];"]
            func quoted(_ address: ResourceAddress) -> String { "\"" + address.description.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            lines += nodes.map { "  \(quoted($0));" }
            lines += edges.map { "  \(quoted($0.0)) -> \(quoted($0.1));" }
            lines.append("}")
            return (lines.joined(separator: "\n") + "\n", diagnostics)
        case .mermaid:
            // Mermaid ids cannot hold dots or brackets: number the nodes and label them with the address.
            let ids = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element, "n\($0.offset)") })
            var lines = ["flowchart RL"]
            lines += nodes.map { "  \(ids[$0]!)[\"\($0.description.replacingOccurrences(of: "\"", with: "#quot;"))\"]" }
            lines += edges.map { "  \(ids[$0.0]!) --> \(ids[$0.1]!)" }
            return (lines.joined(separator: "\n") + "\n", diagnostics)
        }
    }
}
