import Foundation
import TandemCore

/// The persisted state of one workspace: what Tandem created and the attributes it last saw.
///
/// The format is specified in `state/README.md` at the top of the repository.
public struct StateFile: Codable, Sendable, Equatable {
    /// The version of the file format this code writes.
    public static let currentFormatVersion = 1

    /// Format version of the file.
    public var formatVersion: Int
    /// Identifies one state's history; a plan made against another lineage is refused.
    public var lineage: String
    /// Bumped by one for every write that changes resources or outputs.
    public var serial: Int
    /// Managed resources, sorted by address.
    public var resources: [ResourceState]
    /// Output values after the last apply, by name.
    public var outputs: [String: OutputState]
    /// Ids of saved plans already applied to this state (most recent last), so a plan file is single-use.
    public var appliedPlans: [String]
    /// Old objects of `create_before_destroy` replacements whose replacement exists but which are not deleted yet
    /// (the apply was interrupted or the delete failed); the next plan deletes them.
    public var deposed: [ResourceState]
    /// Creates that started but reported no result (the command was killed, or the create failed after its first
    /// call), with their planned attributes: the object may exist. The next command asks the provider and adopts
    /// what it finds at that address (`PendingCreates` in the engine); only these objects are ever adopted.
    public var pendingCreates: [ResourceState]

    /// A new, empty state with a fresh lineage.
    public init(lineage: String = UUID().uuidString.lowercased()) {
        self.formatVersion = Self.currentFormatVersion
        self.lineage = lineage
        self.serial = 0
        self.resources = []
        self.outputs = [:]
        self.appliedPlans = []
        self.deposed = []
        self.pendingCreates = []
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case lineage, serial, resources, outputs
        case appliedPlans = "applied_plans"
        case deposed
        case pendingCreates = "pending_creates"
    }

    /// Decodes a state; `deposed` and `pending_creates` may be absent (files written before it existed).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        lineage = try container.decode(String.self, forKey: .lineage)
        serial = try container.decode(Int.self, forKey: .serial)
        resources = try container.decode([ResourceState].self, forKey: .resources)
        outputs = try container.decode([String: OutputState].self, forKey: .outputs)
        appliedPlans = try container.decode([String].self, forKey: .appliedPlans)
        deposed = try container.decodeIfPresent([ResourceState].self, forKey: .deposed) ?? []
        pendingCreates = try container.decodeIfPresent([ResourceState].self, forKey: .pendingCreates) ?? []
    }

    /// The resource at `address`, if managed.
    public func resource(_ address: ResourceAddress) -> ResourceState? {
        resources.first { $0.address == address }
    }

    /// Inserts or replaces the resource with the same address, keeping the list sorted; a pending create at that
    /// address is settled by it (`tandem import` of the object an interrupted create left).
    public mutating func upsert(_ resource: ResourceState) {
        pendingCreates.removeAll { $0.address == resource.address }
        resources.removeAll { $0.address == resource.address }
        resources.append(resource)
        resources.sort { $0.address < $1.address }
    }

    /// Removes the resource at `address`; returns whether it was present.
    @discardableResult
    public mutating func remove(_ address: ResourceAddress) -> Bool {
        let before = resources.count
        resources.removeAll { $0.address == address }
        return resources.count != before
    }

    /// Renames the resource at `from` to `to` (a `moved:` entry); returns whether it was present.
    @discardableResult
    public mutating func move(_ from: ResourceAddress, to: ResourceAddress) -> Bool {
        guard let index = resources.firstIndex(where: { $0.address == from }) else { return false }
        resources[index].address = to
        for i in resources.indices {
            resources[i].dependencies = resources[i].dependencies.map { $0 == from ? to : $0 }.sorted()
        }
        resources.sort { $0.address < $1.address }
        return true
    }

    /// The most recent applied plan ids kept for the single-use check.
    public static let appliedPlanHistory = 50

    /// Records that the plan `id` was applied.
    public mutating func recordAppliedPlan(_ id: String) {
        appliedPlans.append(id)
        if appliedPlans.count > Self.appliedPlanHistory { appliedPlans.removeFirst(appliedPlans.count - Self.appliedPlanHistory) }
    }
}

/// One managed resource instance in the state.
public struct ResourceState: Codable, Sendable, Equatable {
    /// The resource's address.
    public var address: ResourceAddress
    /// The provider configuration key that manages it (`aws`, `aws.dest`).
    public var provider: String
    /// Every schema attribute as last read or written (sensitive values included: the file is mode 0600).
    public var attributes: Value
    /// Addresses this resource depended on when it was last applied, so it can be destroyed in order without config.
    public var dependencies: [ResourceAddress]
    /// Attribute paths holding sensitive values (schema-marked or derived from sensitive inputs), masked when shown.
    public var sensitiveAttributes: [String]

    /// Creates a resource entry.
    public init(address: ResourceAddress, provider: String, attributes: Value, dependencies: [ResourceAddress], sensitiveAttributes: [String] = []) {
        self.address = address
        self.provider = provider
        self.attributes = attributes
        self.dependencies = dependencies.sorted()
        self.sensitiveAttributes = sensitiveAttributes.sorted()
    }

    enum CodingKeys: String, CodingKey {
        case address, provider, attributes, dependencies
        case sensitiveAttributes = "sensitive_attributes"
    }

    /// Decodes an entry; `sensitive_attributes` may be absent.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decode(ResourceAddress.self, forKey: .address)
        provider = try container.decode(String.self, forKey: .provider)
        attributes = try container.decode(Value.self, forKey: .attributes)
        dependencies = try container.decode([ResourceAddress].self, forKey: .dependencies)
        sensitiveAttributes = try container.decodeIfPresent([String].self, forKey: .sensitiveAttributes) ?? []
    }
}

/// An output value in the state.
public struct OutputState: Codable, Sendable, Equatable {
    /// The value.
    public var value: Value
    /// True when the value is masked in output.
    public var sensitive: Bool

    /// Creates an output entry.
    public init(value: Value, sensitive: Bool) {
        self.value = value
        self.sensitive = sensitive
    }
}

extension StateFile {
    /// Serialises the state as pretty, key-sorted JSON (stable diffs, readable by people).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Parses a state file, refusing versions this code does not understand.
    public static func decode(_ data: Data, path: String) throws -> StateFile {
        struct VersionProbe: Decodable { var format_version: Int }
        let probe: VersionProbe
        do {
            probe = try JSONDecoder().decode(VersionProbe.self, from: data)
        } catch {
            throw StateError.corrupt(path: path, reason: "\(error)")
        }
        guard probe.format_version <= currentFormatVersion else {
            throw StateError.unsupportedVersion(path: path, version: probe.format_version)
        }
        let state: StateFile
        do {
            state = try JSONDecoder().decode(StateFile.self, from: data)
        } catch {
            throw StateError.corrupt(path: path, reason: "\(error)")
        }
        var seen: Set<ResourceAddress> = []
        for resource in state.resources where !seen.insert(resource.address).inserted {
            throw StateError.corrupt(path: path, reason: "\(resource.address) appears more than once")
        }
        return state
    }
}
