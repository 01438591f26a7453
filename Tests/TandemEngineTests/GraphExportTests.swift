import Testing
import TandemEngine

@Suite struct GraphExportTests {
    @Test func dotAndMermaidListEveryResourceAndEdge() throws {
        let harness = EngineHarness()
        let configuration = try harness.configuration(PlanApplyTests.queues)
        let (dot, dotDiagnostics) = GraphExport.render(configuration, registry: harness.registry, format: .dot)
        #expect(dotDiagnostics.isEmpty)
        #expect(dot.hasPrefix("digraph tandem {"))
        #expect(dot.contains(#""mem_queue.dlq";"#))
        #expect(dot.contains(#""mem_queue.events" -> "mem_queue.dlq";"#))
        let (mermaid, _) = GraphExport.render(configuration, registry: harness.registry, format: .mermaid)
        #expect(mermaid == """
        flowchart RL
          n0["mem_queue.dlq"]
          n1["mem_queue.events"]
          n1 --> n0

        """)
    }
}
