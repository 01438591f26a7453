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

    /// Renders the graph of `configuration`; edges point from a resource to what it depends on.
    public static func render(_ configuration: Configuration, registry: ProviderRegistry, format: Format) -> (String, Diagnostics) {
        let (graph, diagnostics) = ConfigurationGraph.build(configuration, registry: registry)
        let nodes = graph.nodes
        let edges = nodes.flatMap { node in (graph.dependencies[node] ?? []).sorted().map { (node, $0) } }
        switch format {
        case .dot:
            var lines = ["digraph tandem {", "  rankdir = \"RL\";", "  node [shape = box];"]
            lines += nodes.map { "  \"\($0)\";" }
            lines += edges.map { "  \"\($0.0)\" -> \"\($0.1)\";" }
            lines.append("}")
            return (lines.joined(separator: "\n") + "\n", diagnostics)
        case .mermaid:
            // Mermaid ids cannot hold dots or brackets: number the nodes and label them with the address.
            let ids = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element, "n\($0.offset)") })
            var lines = ["flowchart RL"]
            lines += nodes.map { "  \(ids[$0]!)[\"\($0)\"]" }
            lines += edges.map { "  \(ids[$0.0]!) --> \(ids[$0.1]!)" }
            return (lines.joined(separator: "\n") + "\n", diagnostics)
        }
    }
}
