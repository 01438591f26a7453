import TandemCore

extension ProviderSessions {
    /// One object to read: its address, its provider key and the attributes that find it.
    public struct ReadRequest: Sendable {
        let address: ResourceAddress, provider: String, attributes: Value

        /// Creates a request.
        public init(address: ResourceAddress, provider: String, attributes: Value) {
            self.address = address
            self.provider = provider
            self.attributes = attributes
        }
    }

    /// Reads every object, at most `parallelism` at once: its live attributes, nil when it does not exist, or the
    /// error that reading it (or configuring its provider) raised.
    public nonisolated func readAll(_ requests: [ReadRequest], parallelism: Int) async -> [ResourceAddress: Result<Value?, any Error>] {
        var results: [ResourceAddress: Result<Value?, any Error>] = [:]
        await withTaskGroup(of: (ResourceAddress, Result<Value?, any Error>).self) { group in
            var remaining = requests[...]
            func startNext() {
                guard let request = remaining.popFirst() else { return }
                group.addTask {
                    do {
                        let provider = try await self.provider(request.provider)
                        return (request.address, .success(try await provider.read(type: request.address.type, current: request.attributes)))
                    } catch {
                        return (request.address, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, parallelism) { startNext() }
            for await (address, result) in group {
                results[address] = result
                startNext()
            }
        }
        return results
    }
}
