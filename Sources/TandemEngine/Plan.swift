import Foundation
import TandemCore

/// What a plan will do to one resource.
public enum ChangeAction: String, Codable, Sendable, CaseIterable {
    /// Nothing to do.
    case noop = "no-op"
    /// The object will be created.
    case create
    /// The object will be changed in place.
    case update
    /// The object will be deleted and created again (an argument that cannot change in place changed).
    case replace
    /// The object will be deleted.
    case delete

    /// The glyph shown in the human plan.
    public var glyph: String {
        switch self {
        case .noop: return " "
        case .create: return "+"
        case .update: return "~"
        case .replace: return "-/+"
        case .delete: return "-"
        }
    }
}

/// What kind of operation a plan was made for.
public enum PlanMode: String, Codable, Sendable {
    /// Converge live objects to the configuration.
    case normal
    /// Delete everything in the state.
    case destroy
    /// Only accept live values into the state.
    case refreshOnly = "refresh-only"
}

/// Binds a saved plan to the state and configuration it was made from, so a stale plan is refused.
public struct PlanStamp: Codable, Sendable, Equatable {
    /// Lineage of the state the plan was made against; nil when there was no state yet.
    public var lineage: String?
    /// Serial of that state; nil when there was no state yet.
    public var serial: Int?
    /// SHA-256 over the configuration files' paths and contents.
    public var configurationDigest: String
    /// The git commit the configuration was read from (`tandem review`); nil for a plan of the working directory.
    public var commit: String?
    /// The stack's directory relative to the repository's root, with `commit`.
    public var stack: String?

    /// Creates a stamp.
    public init(lineage: String?, serial: Int?, configurationDigest: String, commit: String? = nil, stack: String? = nil) {
        self.lineage = lineage
        self.serial = serial
        self.configurationDigest = configurationDigest
        self.commit = commit
        self.stack = stack
    }

    enum CodingKeys: String, CodingKey {
        case lineage, serial, commit, stack
        case configurationDigest = "configuration_digest"
    }
}

/// A value in a plan: known parts plus a mask marking what is known only after apply.
public struct PlannedValue: Codable, Sendable, Equatable {
    /// The value with unknown parts as null.
    public var known: Value
    /// `true` where the value is unknown (same shape as `known`), `false` when fully known.
    public var unknown: Value

    /// Splits a value that may contain unknowns.
    public init(_ value: Value) {
        (known, unknown) = value.knownParts
    }

    /// The value with unknowns restored.
    public var value: Value { Value(known: known, unknownMask: unknown) }
}

/// One attribute that differs between before and after.
public struct AttributeChange: Codable, Sendable, Equatable {
    /// Dotted path of the attribute (`public_access_block.block_public_acls`).
    public var path: String
    /// The old value (nil for a create).
    public var before: Value?
    /// The new value (nil for a delete); unknown parts are null, marked in `afterUnknown`.
    public var after: Value?
    /// Where the new value is known only after apply: `true` for all of it, `false` for none, or a map/list of the
    /// same shape as `after` marking the unknown parts.
    public var afterUnknown: Value
    /// True when the attribute is sensitive; its values are masked in every rendering.
    public var sensitive: Bool
    /// True when this change forces the resource to be replaced.
    public var forcesReplacement: Bool

    /// Creates an attribute change.
    public init(path: String, before: Value?, after: Value?, afterUnknown: Value, sensitive: Bool, forcesReplacement: Bool) {
        self.path = path
        self.before = before
        self.after = after
        self.afterUnknown = afterUnknown
        self.sensitive = sensitive
        self.forcesReplacement = forcesReplacement
    }

    enum CodingKeys: String, CodingKey {
        case path, before, after, sensitive
        case afterUnknown = "after_unknown"
        case forcesReplacement = "forces_replacement"
    }

    /// Decodes `before`/`after` so that a present JSON null stays `.null` and only a missing key is nil.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode(String.self, forKey: .path)
        before = try container.decodePresentValue(forKey: .before)
        after = try container.decodePresentValue(forKey: .after)
        afterUnknown = try container.decode(Value.self, forKey: .afterUnknown)
        sensitive = try container.decode(Bool.self, forKey: .sensitive)
        forcesReplacement = try container.decode(Bool.self, forKey: .forcesReplacement)
    }

    /// The new value with its unknown parts restored (`.unknown` where known only after apply).
    public var afterValue: Value? {
        after.map { Value(known: $0, unknownMask: afterUnknown) }
    }
}

extension KeyedDecodingContainer {
    /// nil when the key is missing; the value (`.null` included) when present.
    func decodePresentValue(forKey key: Key) throws -> Value? {
        contains(key) ? try decode(Value.self, forKey: key) : nil
    }
}

/// The planned change of one resource.
public struct ResourceChange: Codable, Sendable, Equatable {
    /// The resource's address.
    public var address: ResourceAddress
    /// The provider configuration managing it.
    public var provider: String
    /// What will happen.
    public var action: ChangeAction
    /// The attributes before (refreshed state); nil for a create.
    public var before: Value?
    /// The planned attributes; nil for a delete.
    public var after: PlannedValue?
    /// The attribute-level differences, sorted by path.
    public var attributeChanges: [AttributeChange]
    /// Resources this one depends on.
    public var dependencies: [ResourceAddress]
    /// Facts the reviewer should know (e.g. waits the provider will have to make).
    public var notes: [String]
    /// Dotted paths of the sensitive attributes, masked in every rendering.
    public var sensitiveAttributes: [String]
    /// The address the object was recorded at before a `moved:` entry renamed it; apply renames it in the state.
    public var movedFrom: ResourceAddress?
    /// For a replacement: true when the new object is created before the old one is deleted (`create_before_destroy`).
    public var createBeforeDestroy: Bool

    /// Creates a resource change.
    public init(address: ResourceAddress, provider: String, action: ChangeAction, before: Value?, after: PlannedValue?,
                attributeChanges: [AttributeChange], dependencies: [ResourceAddress], notes: [String] = [], sensitiveAttributes: [String] = [],
                movedFrom: ResourceAddress? = nil, createBeforeDestroy: Bool = false) {
        self.movedFrom = movedFrom
        self.createBeforeDestroy = createBeforeDestroy
        self.address = address
        self.provider = provider
        self.action = action
        self.before = before
        self.after = after
        self.attributeChanges = attributeChanges
        self.dependencies = dependencies
        self.notes = notes
        self.sensitiveAttributes = sensitiveAttributes
    }

    enum CodingKeys: String, CodingKey {
        case address, provider, action, before, after, dependencies, notes
        case attributeChanges = "attribute_changes"
        case sensitiveAttributes = "sensitive_attributes"
        case movedFrom = "moved_from"
        case createBeforeDestroy = "create_before_destroy"
    }

    /// The glyph shown in the human plan (`+/-` for a replacement that creates first).
    public var glyph: String {
        action == .replace && createBeforeDestroy ? "+/-" : action.glyph
    }
}

/// A difference between the state and the live object found by refresh (a change made outside Tandem).
public struct ResourceDrift: Codable, Sendable, Equatable {
    /// The resource's address.
    public var address: ResourceAddress
    /// `changed` or `deleted`.
    public var kind: Kind
    /// The attributes that differ (empty for a deleted object).
    public var attributeChanges: [AttributeChange]

    /// How the live object differs from the state.
    public enum Kind: String, Codable, Sendable {
        /// Attributes differ.
        case changed
        /// The object no longer exists.
        case deleted
    }

    /// Creates a drift record.
    public init(address: ResourceAddress, kind: Kind, attributeChanges: [AttributeChange]) {
        self.address = address
        self.kind = kind
        self.attributeChanges = attributeChanges
    }

    enum CodingKeys: String, CodingKey {
        case address, kind
        case attributeChanges = "attribute_changes"
    }
}

/// A planned change of an output value.
public struct OutputChange: Codable, Sendable, Equatable {
    /// The output's name.
    public var name: String
    /// create, update, delete or no-op.
    public var action: ChangeAction
    /// Old value.
    public var before: Value?
    /// New value (unknown parts marked).
    public var after: PlannedValue?
    /// Masked in renderings.
    public var sensitive: Bool

    /// Creates an output change.
    public init(name: String, action: ChangeAction, before: Value?, after: PlannedValue?, sensitive: Bool) {
        self.name = name
        self.action = action
        self.before = before
        self.after = after
        self.sensitive = sensitive
    }

    enum CodingKeys: String, CodingKey {
        case name, action, before, after, sensitive
    }

    /// Decodes `before` so that a present JSON null stays `.null`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        action = try container.decode(ChangeAction.self, forKey: .action)
        before = try container.decodePresentValue(forKey: .before)
        after = try container.decodeIfPresent(PlannedValue.self, forKey: .after)
        sensitive = try container.decode(Bool.self, forKey: .sensitive)
    }
}

/// The result of planning: everything `apply` will do, as data. The human plan and `--json` are both rendered from it.
public struct Plan: Codable, Sendable, Equatable {
    /// The version of the plan format this code writes.
    public static let currentFormatVersion = 1

    /// Format version.
    public var formatVersion: Int
    /// Unique id; a saved plan is applied at most once.
    public var id: String
    /// When the plan was made, ISO 8601.
    public var createdAt: String
    /// Normal, destroy or refresh-only.
    public var mode: PlanMode
    /// What state and configuration the plan was made from.
    public var stamp: PlanStamp
    /// Variable values used (needed to apply a saved plan; sensitive ones are masked in `--json`).
    public var variables: [String: Value]
    /// Names of sensitive variables.
    public var sensitiveVariables: [String]
    /// `--target` addresses the plan was limited to.
    public var targets: [ResourceAddress]
    /// Changes made outside Tandem, found by refresh.
    public var drift: [ResourceDrift]
    /// Resource changes, sorted by address.
    public var resourceChanges: [ResourceChange]
    /// Deletes of deposed objects: old objects of `create_before_destroy` replacements an earlier apply did not get
    /// to delete. Kept apart because their addresses are also in `resourceChanges` (the replacement).
    public var deposedDeletes: [ResourceChange]
    /// Output changes, sorted by name.
    public var outputChanges: [OutputChange]
    /// Refreshed attributes of every managed resource by address (what a refresh-only apply writes to state).
    public var refreshedState: [String: Value]
    /// Attributes of every data source instance read while planning, by address; apply evaluates with these.
    public var dataSources: [String: Value]
    /// Warnings found while planning.
    public var warnings: [Diagnostic]

    /// Creates a plan.
    public init(id: String = UUID().uuidString.lowercased(), createdAt: Date = Date(), mode: PlanMode, stamp: PlanStamp,
                variables: [String: Value], sensitiveVariables: [String], targets: [ResourceAddress], drift: [ResourceDrift],
                resourceChanges: [ResourceChange], outputChanges: [OutputChange], refreshedState: [String: Value],
                dataSources: [String: Value] = [:], deposedDeletes: [ResourceChange] = [], warnings: [Diagnostic]) {
        self.dataSources = dataSources
        self.deposedDeletes = deposedDeletes
        self.formatVersion = Self.currentFormatVersion
        self.id = id
        self.createdAt = createdAt.rfc3339
        self.mode = mode
        self.stamp = stamp
        self.variables = variables
        self.sensitiveVariables = sensitiveVariables
        self.targets = targets
        self.drift = drift
        self.resourceChanges = resourceChanges
        self.outputChanges = outputChanges
        self.refreshedState = refreshedState
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case id
        case createdAt = "created_at"
        case mode, stamp, variables, targets, drift, warnings
        case sensitiveVariables = "sensitive_variables"
        case resourceChanges = "resource_changes"
        case outputChanges = "output_changes"
        case refreshedState = "refreshed_state"
        case dataSources = "data_sources"
        case deposedDeletes = "deposed_deletes"
    }

    /// True when applying would change resources, outputs or (refresh-only) the state.
    public var hasChanges: Bool {
        switch mode {
        case .refreshOnly:
            return !drift.isEmpty
        case .normal, .destroy:
            return resourceChanges.contains { $0.action != .noop || $0.movedFrom != nil } || !deposedDeletes.isEmpty
                || outputChanges.contains { $0.action != .noop }
        }
    }

    /// The number of resources per action (deposed objects count as deletes).
    public var counts: [ChangeAction: Int] {
        var result: [ChangeAction: Int] = [:]
        // Counted in place: joining the two lists first copied every change of a large plan.
        for change in resourceChanges { result[change.action, default: 0] += 1 }
        for change in deposedDeletes { result[change.action, default: 0] += 1 }
        return result
    }
}
