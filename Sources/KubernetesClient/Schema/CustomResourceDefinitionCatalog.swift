import TandemCore

/// CRDs found by the kind of object they define, whichever way they were obtained (files, the cluster, the
/// configuration): the lookup a validator needs for each custom resource.
public struct CustomResourceDefinitionCatalog: Sendable {
    private var byGroupAndKind: [String: CustomResourceDefinition] = [:]

    /// A catalog of `definitions`; a later definition of the same group and kind replaces an earlier one.
    public init(_ definitions: [CustomResourceDefinition] = []) {
        for definition in definitions { add(definition) }
    }

    /// Adds `definition`, replacing one of the same group and kind.
    public mutating func add(_ definition: CustomResourceDefinition) {
        byGroupAndKind[Self.key(group: definition.group, kind: definition.names.kind)] = definition
    }

    /// Every definition, by name.
    public var definitions: [CustomResourceDefinition] {
        byGroupAndKind.values.sorted { $0.name < $1.name }
    }

    /// The CRD of objects with this `apiVersion` (`group/version`) and `kind`, whatever the version; nil for
    /// built-in kinds (`v1`, `apps/v1`, ...) and unknown ones.
    public func definition(apiVersion: String, kind: String) -> CustomResourceDefinition? {
        guard let slash = apiVersion.firstIndex(of: "/") else { return nil }
        return byGroupAndKind[Self.key(group: String(apiVersion[..<slash]), kind: kind)]
    }

    private static func key(group: String, kind: String) -> String { "\(group)/\(kind)" }
}
