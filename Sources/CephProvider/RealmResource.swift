import CephClient
import TandemCore
import TandemEngine

/// `ceph_realm`: the top of an RGW multisite setup. On the master cluster it is created; on a secondary cluster it
/// is pulled from the master zone's endpoint with the system user's keys (`pull`).
struct RealmResource: CephResource {
    static let typeName = "ceph_realm"
    static let importPath: [String] = ["name"]

    static let schema = ResourceSchema(attributes: [
        "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "Realm name."),
        "default": AttributeSchema(.bool, .optional, defaultValue: .bool(true), description: "Make it the cluster's default realm."),
        "pull": AttributeSchema(.object([
            "url": AttributeSchema(.string, .required, description: "Endpoint of the master zone's gateway."),
            "access_key": AttributeSchema(.string, .required, description: "The master zone's system access key."),
            "secret_key": AttributeSchema(.string, .required, sensitive: true, description: "The master zone's system secret key."),
        ]), .optional, forcesReplacement: true, description: "Pull the realm from another cluster instead of creating it (secondary site)."),
        "id": AttributeSchema(.string, .computed),
    ], description: "An RGW multisite realm")

    let provider: ConfiguredCephProvider

    func read(current: Value) async throws -> Value? {
        guard let name = current["name"].stringValue,
              let realm = try await provider.admin.jsonIfExists(["realm", "get", "--rgw-realm=\(name)"], as: RGWRealm.self) else { return nil }
        let list = try await provider.admin.json(["realm", "list"], as: RGWList.self)
        return .map([
            "name": .string(realm.name), "id": .string(realm.id), "default": .bool(list.defaultInfo == realm.id),
            "pull": current["pull"],
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        if try await provider.admin.jsonIfExists(["realm", "get", "--rgw-realm=\(name)"], as: RGWRealm.self) != nil {
            throw ProviderError("Realm \(name) already exists on this cluster and is not managed by this state; import it with "
                                + "tandem import \(Self.typeName).NAME \(name).", attributePath: "name")
        }
        let makeDefault = planned["default"].boolValue ?? true
        try await progress.willCreate()
        if case .map(let pull) = planned["pull"] {
            progress("pulling realm \(name) from \(pull["url"]?.stringValue ?? "")")
            try await provider.admin.run(["realm", "pull", "--rgw-realm=\(name)", "--url=\(pull["url"]?.stringValue ?? "")"]
                                         + (makeDefault ? ["--default"] : []),
                                         secrets: ["--access-key=\(pull["access_key"]?.stringValue ?? "")", "--secret=\(pull["secret_key"]?.stringValue ?? "")"])
        } else {
            try await provider.admin.run(["realm", "create", "--rgw-realm=\(name)"] + (makeDefault ? ["--default"] : []))
        }
        return try await readBack(planned, what: "Realm \(name)")
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        if planned["default"] == .bool(true), prior["default"] != .bool(true) {
            try await provider.admin.run(["realm", "default", "--rgw-realm=\(name)"])
        } else if planned["default"] == .bool(false), prior["default"] == .bool(true) {
            throw ProviderError("radosgw-admin cannot unset the default realm; make another realm the default instead.", attributePath: "default")
        }
        return try await readBack(planned, what: "Realm \(name)")
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        do {
            try await provider.admin.run(["realm", "delete", "--rgw-realm=\(prior["name"].stringValue ?? "")"])
        } catch let error as RadosGWAdminError where error.isNotFound {
            return
        }
    }
}
