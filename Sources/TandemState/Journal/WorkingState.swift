import TandemCore

/// The state while a command changes it, one journal record at a time at constant cost (resources by address), and
/// the same fold that replays a journal left by a killed command, so a replay reaches exactly the state the command had.
public struct WorkingState: Sendable {
    /// The lineage of the state.
    public let lineage: String
    /// The serial of the state the operations started from.
    public let baseSerial: Int
    /// Managed resources by address.
    public private(set) var resources: [ResourceAddress: ResourceState]
    /// Creates that started and did not report a result, by address (see `StateFile.pendingCreates`).
    public private(set) var pendingCreates: [ResourceAddress: ResourceState]
    /// Old objects of `create_before_destroy` replacements not deleted yet.
    public private(set) var deposed: [ResourceState]
    /// Output values by name.
    public private(set) var outputs: [String: OutputState]
    /// Ids of applied saved plans, most recent last.
    public private(set) var appliedPlans: [String]
    /// True once a record changed resources, pending creates, deposed objects or outputs (the serial is bumped once).
    public private(set) var changed = false

    /// Starts from `state`.
    public init(_ state: StateFile) {
        lineage = state.lineage
        baseSerial = state.serial
        resources = Dictionary(state.resources.map { ($0.address, $0) }) { _, last in last }
        pendingCreates = Dictionary(state.pendingCreates.map { ($0.address, $0) }) { _, last in last }
        deposed = state.deposed
        outputs = state.outputs
        appliedPlans = state.appliedPlans
    }

    /// Applies one record; returns whether it changed anything.
    @discardableResult
    public mutating func apply(_ record: JournalRecord) -> Bool {
        switch record {
        case .begin:
            return false
        case .intent(let planned):
            guard pendingCreates[planned.address] != planned else { return false }
            pendingCreates[planned.address] = planned
        case .upsert(let resource):
            let resolved = pendingCreates.removeValue(forKey: resource.address) != nil
            guard resolved || resources[resource.address] != resource else { return false }
            resources[resource.address] = resource
        case .remove(let address):
            guard resources.removeValue(forKey: address) != nil else { return false }
        case .replaceDeposing(let replacement):
            pendingCreates.removeValue(forKey: replacement.address)
            if let old = resources[replacement.address] { deposed.append(old) }
            resources[replacement.address] = replacement
        case .removeDeposed(let old):
            guard let index = deposed.firstIndex(of: old) else { return false }
            deposed.remove(at: index)
        case .move(let from, let to):
            guard let moved = resources.removeValue(forKey: from) else { return false }
            var renamed = moved
            renamed.address = to
            resources[to] = renamed
            for (address, resource) in resources where resource.dependencies.contains(from) {
                var updated = resource
                updated.dependencies = resource.dependencies.map { $0 == from ? to : $0 }.sorted()
                resources[address] = updated
            }
        case .outputs(let new):
            guard outputs != new else { return false }
            outputs = new
        case .appliedPlan(let id):
            appliedPlans.append(id)
            if appliedPlans.count > StateFile.appliedPlanHistory { appliedPlans.removeFirst(appliedPlans.count - StateFile.appliedPlanHistory) }
            return true
        }
        changed = true
        return true
    }

    /// Forgets the pending create at `address`: its object turned out not to exist.
    public mutating func dropPendingCreate(_ address: ResourceAddress) {
        if pendingCreates.removeValue(forKey: address) != nil { changed = true }
    }

    /// The state file to write: sorted, with the serial bumped by one when anything managed changed.
    public var stateFile: StateFile {
        var state = StateFile(lineage: lineage)
        state.serial = baseSerial + (changed ? 1 : 0)
        state.resources = resources.values.sorted { $0.address < $1.address }
        state.pendingCreates = pendingCreates.values.sorted { $0.address < $1.address }
        state.deposed = deposed
        state.outputs = outputs
        state.appliedPlans = appliedPlans
        return state
    }
}
