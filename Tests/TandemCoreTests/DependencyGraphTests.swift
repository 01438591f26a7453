import Testing
import TandemCore

@Suite struct DependencyGraphTests {
    private func address(_ text: String) -> ResourceAddress { ResourceAddress(parsing: text)! }

    @Test func topologicalOrderPutsDependenciesFirst() {
        var graph = DependencyGraph<ResourceAddress>()
        graph.add(address("aws_sqs_queue.events"), dependsOn: address("aws_sqs_queue.dlq"))
        graph.add(address("aws_s3_bucket.replica"))
        let order = graph.topologicalOrder()
        #expect(order.count == 3)
        #expect(order.firstIndex(of: address("aws_sqs_queue.dlq"))! < order.firstIndex(of: address("aws_sqs_queue.events"))!)
    }

    @Test func cycleIsReportedWithEveryMemberInOrder() {
        var graph = DependencyGraph<ResourceAddress>()
        graph.add(address("aws_sqs_queue.a"), dependsOn: address("aws_sqs_queue.b"))
        graph.add(address("aws_sqs_queue.b"), dependsOn: address("aws_sqs_queue.c"))
        graph.add(address("aws_sqs_queue.c"), dependsOn: address("aws_sqs_queue.a"))
        graph.add(address("aws_s3_bucket.unrelated"), dependsOn: address("aws_sqs_queue.a"))
        let cycles = graph.cycles()
        #expect(cycles.count == 1)
        #expect(cycles.first?.map(\.description) == ["aws_sqs_queue.a", "aws_sqs_queue.b", "aws_sqs_queue.c"])
    }

    @Test func selfReferenceIsACycle() {
        var graph = DependencyGraph<ResourceAddress>()
        graph.add(address("aws_sqs_queue.a"), dependsOn: address("aws_sqs_queue.a"))
        #expect(graph.cycles().map { $0.map(\.description) } == [["aws_sqs_queue.a"]])
    }

    @Test func acyclicGraphHasNoCycles() {
        var graph = DependencyGraph<ResourceAddress>()
        graph.add(address("t_x.a"), dependsOn: address("t_x.b"))
        graph.add(address("t_x.a"), dependsOn: address("t_x.c"))
        graph.add(address("t_x.b"), dependsOn: address("t_x.c"))
        #expect(graph.cycles().isEmpty)
    }

    @Test func walkStartsNodesOnlyAfterTheirDependenciesAndRespectsTheLimit() async {
        var graph = DependencyGraph<ResourceAddress>()
        for i in 0..<6 { graph.add(address("t_x.leaf\(i)")) }
        graph.add(address("t_x.root"), dependsOn: address("t_x.leaf0"))
        graph.add(address("t_x.root"), dependsOn: address("t_x.leaf5"))
        let log = Log()
        let outcomes = await graph.walk(parallelism: 2) { node in
            await log.start(node)
            try? await Task.sleep(for: .milliseconds(10))
            await log.finish(node)
            return true
        }
        #expect(outcomes.values.allSatisfy { $0 == .succeeded })
        #expect(await log.maxRunning <= 2)
        #expect(await log.started.count == 7)
        #expect(await log.startedAfterDependencies(address("t_x.root"), [address("t_x.leaf0"), address("t_x.leaf5")]))
    }

    @Test func failedNodeSkipsItsDependentsButNotOthers() async {
        var graph = DependencyGraph<ResourceAddress>()
        graph.add(address("t_x.child"), dependsOn: address("t_x.broken"))
        graph.add(address("t_x.grandchild"), dependsOn: address("t_x.child"))
        graph.add(address("t_x.other"))
        let outcomes = await graph.walk(parallelism: 4) { node in node != address("t_x.broken") }
        #expect(outcomes[address("t_x.broken")] == .failed)
        #expect(outcomes[address("t_x.child")] == .skipped)
        #expect(outcomes[address("t_x.grandchild")] == .skipped)
        #expect(outcomes[address("t_x.other")] == .succeeded)
    }

    @Test func reversedGraphSwapsEdges() {
        var graph = DependencyGraph<ResourceAddress>()
        graph.add(address("t_x.a"), dependsOn: address("t_x.b"))
        let reversed = graph.reversed
        #expect(reversed.dependencies[address("t_x.b")] == [address("t_x.a")])
        #expect(reversed.topologicalOrder() == [address("t_x.a"), address("t_x.b")])
    }
}

/// Records the order of a walk's visits and the peak concurrency.
private actor Log {
    var started: [ResourceAddress] = []
    var finished: [ResourceAddress] = []
    var running = 0
    var maxRunning = 0

    func start(_ node: ResourceAddress) {
        finishedAtStart[node] = Set(finished)
        started.append(node)
        running += 1
        maxRunning = max(maxRunning, running)
    }

    func finish(_ node: ResourceAddress) {
        finished.append(node)
        running -= 1
    }

    func startedAfterDependencies(_ node: ResourceAddress, _ dependencies: [ResourceAddress]) -> Bool {
        dependencies.allSatisfy { finishedAtStart[node]?.contains($0) ?? false }
    }

    private var finishedAtStart: [ResourceAddress: Set<ResourceAddress>] = [:]
}
