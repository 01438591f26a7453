import TandemCore

/// One entry of a state journal: an operation's intent before it starts, or its result after it finished.
///
/// Folding a journal's records, in order, onto the state it began from (`WorkingState.apply(_:)`) gives the state
/// the command had reached; the wire form is specified in `state/README.md`.
public enum JournalRecord: Sendable, Equatable {
    /// The first record: the lineage and serial of the state the journal's operations start from.
    case begin(lineage: String, serial: Int)
    /// A create is about to start and may leave this object (planned attributes) behind even if it never returns.
    case intent(ResourceState)
    /// A resource was created, updated or adopted with these attributes (resolves an intent at its address).
    case upsert(ResourceState)
    /// A resource no longer exists.
    case remove(ResourceAddress)
    /// `create_before_destroy`: this replacement was created; the object at its address becomes deposed.
    case replaceDeposing(ResourceState)
    /// A deposed object was deleted.
    case removeDeposed(ResourceState)
    /// A `moved:` entry renamed a resource.
    case move(from: ResourceAddress, to: ResourceAddress)
    /// The outputs were replaced.
    case outputs([String: OutputState])
    /// A saved plan was applied (single-use check); changes nothing managed.
    case appliedPlan(String)
}

extension JournalRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case op, lineage, serial, resource, address, to, outputs, plan
    }

    private enum Operation: String, Codable {
        case begin, intent, upsert, remove, replaceDeposing = "replace_deposing", removeDeposed = "remove_deposed"
        case move, outputs, appliedPlan = "applied_plan"
    }

    /// Decodes `{"op": ..., ...}`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Operation.self, forKey: .op) {
        case .begin: self = .begin(lineage: try container.decode(String.self, forKey: .lineage), serial: try container.decode(Int.self, forKey: .serial))
        case .intent: self = .intent(try container.decode(ResourceState.self, forKey: .resource))
        case .upsert: self = .upsert(try container.decode(ResourceState.self, forKey: .resource))
        case .remove: self = .remove(try container.decode(ResourceAddress.self, forKey: .address))
        case .replaceDeposing: self = .replaceDeposing(try container.decode(ResourceState.self, forKey: .resource))
        case .removeDeposed: self = .removeDeposed(try container.decode(ResourceState.self, forKey: .resource))
        case .move: self = .move(from: try container.decode(ResourceAddress.self, forKey: .address), to: try container.decode(ResourceAddress.self, forKey: .to))
        case .outputs: self = .outputs(try container.decode([String: OutputState].self, forKey: .outputs))
        case .appliedPlan: self = .appliedPlan(try container.decode(String.self, forKey: .plan))
        }
    }

    /// Encodes `{"op": ..., ...}` with only the fields of the operation.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .begin(let lineage, let serial):
            try container.encode(Operation.begin, forKey: .op)
            try container.encode(lineage, forKey: .lineage)
            try container.encode(serial, forKey: .serial)
        case .intent(let resource):
            try container.encode(Operation.intent, forKey: .op)
            try container.encode(resource, forKey: .resource)
        case .upsert(let resource):
            try container.encode(Operation.upsert, forKey: .op)
            try container.encode(resource, forKey: .resource)
        case .remove(let address):
            try container.encode(Operation.remove, forKey: .op)
            try container.encode(address, forKey: .address)
        case .replaceDeposing(let resource):
            try container.encode(Operation.replaceDeposing, forKey: .op)
            try container.encode(resource, forKey: .resource)
        case .removeDeposed(let resource):
            try container.encode(Operation.removeDeposed, forKey: .op)
            try container.encode(resource, forKey: .resource)
        case .move(let from, let to):
            try container.encode(Operation.move, forKey: .op)
            try container.encode(from, forKey: .address)
            try container.encode(to, forKey: .to)
        case .outputs(let outputs):
            try container.encode(Operation.outputs, forKey: .op)
            try container.encode(outputs, forKey: .outputs)
        case .appliedPlan(let id):
            try container.encode(Operation.appliedPlan, forKey: .op)
            try container.encode(id, forKey: .plan)
        }
    }
}
