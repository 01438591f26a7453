import TandemCore
import TandemState

/// The one place state changes during an apply: every change is written through to the store at once,
/// so a crash or Ctrl-C never forgets a resource that was created.
public actor StateRecorder {
    private let store: any StateStore
    /// The state as last written.
    public private(set) var state: StateFile

    /// Starts recording onto `state` (a new state when nil) in `store`.
    public init(state: StateFile?, store: any StateStore) {
        self.store = store
        self.state = state ?? StateFile()
    }

    /// Records a resource's new attributes.
    public func upsert(_ resource: ResourceState) throws {
        guard state.resource(resource.address) != resource else { return }
        state.upsert(resource)
        try persist()
    }

    /// Records `replacement` at its address and keeps the object it replaces as deposed, in one write, so an
    /// interruption before the old object is deleted leaves it recorded (the next plan deletes it).
    public func replaceDeposing(_ replacement: ResourceState) throws {
        if let old = state.resource(replacement.address) { state.deposed.append(old) }
        state.upsert(replacement)
        try persist()
    }

    /// Records that the deposed object `old` was deleted.
    public func removeDeposed(_ old: ResourceState) throws {
        guard let index = state.deposed.firstIndex(of: old) else { return }
        state.deposed.remove(at: index)
        try persist()
    }

    /// Records that a resource no longer exists.
    public func remove(_ address: ResourceAddress) throws {
        guard state.remove(address) else { return }
        try persist()
    }

    /// Records that the resource at `from` is now addressed `to` (a `moved:` entry).
    public func move(_ from: ResourceAddress, to: ResourceAddress) throws {
        guard state.move(from, to: to) else { return }
        try persist()
    }

    /// Records output values (replacing all outputs).
    public func setOutputs(_ outputs: [String: OutputState]) throws {
        guard state.outputs != outputs else { return }
        state.outputs = outputs
        try persist()
    }

    /// Records that a saved plan was applied; written without bumping the serial (nothing managed changed).
    public func recordAppliedPlan(_ id: String) throws {
        state.recordAppliedPlan(id)
        try store.write(state)
    }

    private func persist() throws {
        state.serial += 1
        try store.write(state)
    }
}
