import TandemCore
import TandemState

/// The one place state changes during an apply. Each change is appended to the store's journal (an intent before a
/// create starts, the result after each operation) and the state is written once, by `finish()`; a command killed
/// midway leaves the journal, which the next command replays. Every change costs the same however large the state.
public actor StateRecorder {
    private let store: any StateStore
    private let base: StateFile
    private var working: WorkingState
    /// The journal, opened by the first record (once, however many records race to it).
    private var journal: Task<any JournalWriter, any Error>?

    /// Starts recording onto `state` (as `store.read()` returned it; a new state when nil) in `store`.
    public init(state: StateFile?, store: any StateStore) {
        self.store = store
        self.base = state ?? StateFile()
        self.working = WorkingState(base)
    }

    /// The state so far (sorted; costs a pass over every resource, so for the end of a command and for tests).
    public var state: StateFile { working.stateFile }

    /// The recorded resource at `address`.
    public func resource(_ address: ResourceAddress) -> ResourceState? {
        working.resources[address]
    }

    /// The recorded attributes of those of `addresses` that are managed.
    public func attributes(of addresses: [ResourceAddress]) -> [ResourceAddress: Value] {
        var found: [ResourceAddress: Value] = [:]
        for address in addresses { found[address] = working.resources[address]?.attributes }
        return found
    }

    /// The recorded attributes of every managed resource.
    public var allAttributes: [ResourceAddress: Value] {
        working.resources.mapValues(\.attributes)
    }

    /// Old objects of `create_before_destroy` replacements not deleted yet.
    public var deposed: [ResourceState] { working.deposed }

    /// Records that a create of `planned` is about to start; returns once that is durable, so a kill during the
    /// create leaves a record of the object it may have made.
    public func recordIntent(_ planned: ResourceState) async throws {
        try await record(.intent(planned))
    }

    /// Records a resource's new attributes.
    public func upsert(_ resource: ResourceState) async throws {
        guard working.resources[resource.address] != resource || working.pendingCreates[resource.address] != nil else { return }
        try await record(.upsert(resource))
    }

    /// Records `replacement` at its address and keeps the object it replaces as deposed, in one record, so an
    /// interruption before the old object is deleted leaves it recorded (the next plan deletes it).
    public func replaceDeposing(_ replacement: ResourceState) async throws {
        try await record(.replaceDeposing(replacement))
    }

    /// Records that the deposed object `old` was deleted.
    public func removeDeposed(_ old: ResourceState) async throws {
        guard working.deposed.contains(old) else { return }
        try await record(.removeDeposed(old))
    }

    /// Records that a resource no longer exists.
    public func remove(_ address: ResourceAddress) async throws {
        guard working.resources[address] != nil else { return }
        try await record(.remove(address))
    }

    /// Records that the resource at `from` is now addressed `to` (a `moved:` entry).
    public func move(_ from: ResourceAddress, to: ResourceAddress) async throws {
        guard working.resources[from] != nil else { return }
        try await record(.move(from: from, to: to))
    }

    /// Records output values (replacing all outputs).
    public func setOutputs(_ outputs: [String: OutputState]) async throws {
        guard working.outputs != outputs else { return }
        try await record(.outputs(outputs))
    }

    /// Records that a saved plan was applied (without bumping the serial: nothing managed changed).
    public func recordAppliedPlan(_ id: String) async throws {
        try await record(.appliedPlan(id))
    }

    /// Writes the state once (the serial bumped by one when anything managed changed), which removes the journal,
    /// and returns it. Nothing is written when nothing was recorded.
    @discardableResult
    public func finish() async throws -> StateFile {
        let final = working.stateFile
        guard let journal else { return final }
        try await journal.value.close()
        self.journal = nil
        try await store.write(final)
        return final
    }

    /// Changes the working state, then appends the record and waits until it is durable. Concurrent callers wait
    /// for the same flush, so the journal costs about one fsync per batch of parallel operations.
    private func record(_ record: JournalRecord) async throws {
        if journal == nil {
            journal = Task { [store, base] in try await store.openJournal(base: base) }
        }
        let writer = try await journal!.value
        // No suspension between the two: records reach the working state and the journal in the same order.
        working.apply(record)
        let sequence = try writer.append(record)
        try await writer.makeDurable(upTo: sequence)
    }
}
