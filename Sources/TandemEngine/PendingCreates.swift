import TandemCore
import TandemState

/// Settles the creates an interrupted command started and never recorded a result for (`StateFile.pendingCreates`):
/// the provider reads each object from its planned attributes (which name it), and one that exists is recorded at
/// its address, so the next plan shows the updates that finish it, or destroy deletes it. Only these objects, named
/// by this state's own journal, are ever adopted; any other existing object is still refused at create.
public enum PendingCreates {
    /// What adoption found.
    public struct Outcome: Sendable {
        /// Addresses now recorded with the object the interrupted create left.
        public var adopted: [ResourceAddress] = []
        /// Addresses whose create left nothing (it was interrupted before the object was made).
        public var absent: [ResourceAddress] = []
        /// Objects that could not be read; they stay pending and the command must stop.
        public var diagnostics = Diagnostics()
    }

    /// Reads every pending create's object (up to `parallelism` at once) and returns the state with each one
    /// adopted or dropped; the serial is bumped once when anything changed.
    public static func adopt(_ state: StateFile, sessions: ProviderSessions, parallelism: Int = 10) async -> (StateFile, Outcome) {
        var outcome = Outcome()
        guard !state.pendingCreates.isEmpty else { return (state, outcome) }
        let found = await sessions.readAll(state.pendingCreates.map { .init(address: $0.address, provider: $0.provider, attributes: $0.attributes) },
                                           parallelism: parallelism)
        var working = WorkingState(state)
        for pending in state.pendingCreates {
            switch found[pending.address] {
            case .success(let live?)?:
                let adopted = ResourceState(address: pending.address, provider: pending.provider, attributes: live,
                                            dependencies: pending.dependencies, sensitiveAttributes: pending.sensitiveAttributes)
                // A create_before_destroy replacement: the object still recorded there is the old one, now deposed.
                working.apply(working.resources[pending.address] == nil ? .upsert(adopted) : .replaceDeposing(adopted))
                outcome.adopted.append(pending.address)
            case .success(nil)?:
                working.dropPendingCreate(pending.address)
                outcome.absent.append(pending.address)
            case .failure(let error)?:
                outcome.diagnostics.append(contentsOf: EngineErrors.diagnostics(for: error, address: pending.address, operation: "read"))
            case nil:
                break
            }
        }
        return (working.stateFile, outcome)
    }
}
