import KubernetesClient
import TandemCore
import TandemEngine

/// A resource type that manages one Kubernetes object by server-side apply: how its attributes become the manifest
/// applied, and how the part of the live object Tandem manages becomes its attributes again. The settings every such
/// type shares (`force_conflicts`, `wait_for`, `wait_timeout`, `delete_propagation`) are added by ``schema``.
protocol KubernetesObjectType: Sendable {
    /// The resource type name.
    static var typeName: String { get }
    /// What the type manages, for the schema's description.
    static var summary: String { get }
    /// The type's own attributes.
    static var attributes: [String: AttributeSchema] { get }
    /// The object to apply for `value` (parts may be unknown).
    static func manifest(_ value: Value) -> Value
    /// The attributes for `manifest` (the managed part of a live or dry-run object), keeping the shared settings of `like`.
    static func attributes(from manifest: Value, like: Value) throws -> Value
    /// The attribute path in configuration of a field path of the manifest (`spec.zone.name` -> `manifest.spec.zone.name`).
    static func attributePath(ofField field: String) -> String
    /// Plan-time checks of the type.
    static func validate(_ value: Value) -> [ProviderError]
    /// The object an import id names, and a description of the id's form for errors.
    static func reference(importID: String) -> ObjectReference?
    /// The form of an import id, for messages.
    static var importForm: String { get }
    /// The import id of an object.
    static func importID(of reference: ObjectReference) -> String
    /// True when the type sets fields of an object something else creates (it must exist; destroy releases the
    /// fields), false when the type creates and deletes the object.
    static var patchesExisting: Bool { get }
}

extension KubernetesObjectType {
    static var patchesExisting: Bool { false }

    /// The type's attributes plus the shared settings.
    static var schema: ResourceSchema {
        var all = attributes
        all["force_conflicts"] = AttributeSchema(.bool, .optional, defaultValue: .bool(false),
                                                 description: "Take over fields another field manager owns (server-side apply force); off by default, so a conflict is reported.")
        all["wait_for"] = AttributeSchema(.string, .optional, defaultValue: .string("none"), allowedValues: ["none", "ready"],
                                          description: "ready: after applying, wait until the object is ready for its kind (Rook status.phase Ready/Connected, an Integration Running, a Ready condition). CRDs always wait for Established.")
        all["wait_timeout"] = AttributeSchema(.string, .optional, defaultValue: .string("10m"),
                                              description: "How long apply waits for readiness and delete waits for the object to be gone (e.g. 90s, 10m).")
        all["delete_propagation"] = AttributeSchema(.string, .optional, defaultValue: .string("Background"), allowedValues: ["Background", "Foreground", "Orphan"],
                                                    description: "What happens to the object's dependents when it is deleted.")
        return ResourceSchema(attributes: all, description: summary)
    }

    /// The shared settings of `value`.
    static func settings(of value: Value) -> [String: Value] {
        ["force_conflicts", "wait_for", "wait_timeout", "delete_propagation"].reduce(into: [:]) { $0[$1] = value[$1] }
    }

    /// The settings' checks (a timeout that parses).
    static func validateSettings(_ value: Value) -> [ProviderError] {
        guard let text = value["wait_timeout"].stringValue else { return [] }
        return WaitTimeout.parse(text) == nil
            ? [ProviderError("wait_timeout \"\(text)\" is not a duration such as 90s, 10m or 1h", attributePath: "wait_timeout")] : []
    }
}

/// Durations as users write them in `wait_timeout`: a number and a unit (s, m, h), or several (`1h30m`).
enum WaitTimeout {
    static func parse(_ text: String) -> Duration? {
        var total = 0, number = ""
        for character in text {
            if character.isNumber { number.append(character); continue }
            guard let amount = Int(number) else { return nil }
            switch character {
            case "s": total += amount
            case "m": total += amount * 60
            case "h": total += amount * 3600
            default: return nil
            }
            number = ""
        }
        return number.isEmpty && !text.isEmpty ? .seconds(total) : nil
    }
}

/// The resource types of the provider, listed once.
enum KubernetesObjectTypes {
    static let all: [any KubernetesObjectType.Type] = [ManifestResource.self, PatchResource.self, SecretResource.self, NamespaceResource.self]

    static func named(_ type: String) throws -> any KubernetesObjectType.Type {
        guard let found = all.first(where: { $0.typeName == type }) else { throw ProviderError("The kubernetes provider has no resource type \(type)") }
        return found
    }
}
