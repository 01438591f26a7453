import CephClient
import TandemCore
import TandemEngine

/// `ceph_user`: an RGW user with its S3 key and admin capabilities. The secret key is sensitive: it is kept in the
/// 0600 state, never printed, and reaches radosgw-admin through standard input, never its arguments.
struct UserResource: CephResource {
    static let typeName = "ceph_user"
    static let importPath: [String] = ["uid"]

    static let schema = ResourceSchema(attributes: [
        "uid": AttributeSchema(.string, .required, forcesReplacement: true, description: "User id."),
        "tenant": AttributeSchema(.string, .optional, forcesReplacement: true, description: "Tenant; the user is then tenant$uid."),
        "display_name": AttributeSchema(.string, .required),
        "email": AttributeSchema(.string, .optional, defaultValue: .string("")),
        "system": AttributeSchema(.bool, .optional, defaultValue: .bool(false), description: "A system user (multisite sync) bypasses permissions."),
        "suspended": AttributeSchema(.bool, .optional, defaultValue: .bool(false)),
        "max_buckets": AttributeSchema(.number, .optionalComputed, description: "How many buckets the user may own (RGW default 1000)."),
        "caps": AttributeSchema(.map(.string), .optional, defaultValue: .map([:]),
                                description: "Admin capabilities by type, e.g. {users: \"*\", buckets: read}."),
        "realm": AttributeSchema(.string, .optional, forcesReplacement: true, description: "Realm to create the user in (multisite)."),
        "zone": AttributeSchema(.string, .optional, forcesReplacement: true, description: "Zone to create the user in; the master zone in multisite."),
        "purge_data": AttributeSchema(.bool, .optional, defaultValue: .bool(false),
                                      description: "Let destroy delete the user's buckets and objects (radosgw-admin refuses otherwise)."),
        "access_key": AttributeSchema(.string, .optionalComputed, description: "S3 access key; generated when unset."),
        "secret_key": AttributeSchema(.string, .optionalComputed, sensitive: true, description: "S3 secret key; generated when unset."),
    ], description: "An RGW user")

    let provider: ConfiguredCephProvider

    private var users: any UserAdministration { get throws { try provider.users } }

    private func scope(_ value: Value) -> UserScope {
        UserScope(uid: value["uid"].stringValue ?? "", tenant: value["tenant"].stringValue, realm: value["realm"].stringValue, zone: value["zone"].stringValue)
    }

    private func settings(_ value: Value) -> UserSettings {
        UserSettings(displayName: value["display_name"].stringValue ?? "", email: value["email"].stringValue ?? "",
                     system: value["system"] == .bool(true), maxBuckets: value["max_buckets"].intValue)
    }

    func read(current: Value) async throws -> Value? {
        guard let user = try await users.info(scope(current)) else { return nil }
        // The key this state manages when it still exists, else the user's first one.
        let key = user.keys.first { $0.accessKey == current["access_key"].stringValue } ?? user.keys.first
        return .map([
            "uid": current["uid"], "tenant": current["tenant"], "realm": current["realm"], "zone": current["zone"],
            "purge_data": current["purge_data"].boolValue.map(Value.bool) ?? .bool(false),
            "display_name": .string(user.displayName), "email": .string(user.email),
            "system": .bool(user.system?.value ?? false), "suspended": .bool(user.suspended != 0),
            "max_buckets": .number(Double(user.maxBuckets)),
            "caps": .map(Dictionary(user.caps.map { ($0.type, Value.string($0.perm)) }, uniquingKeysWith: { first, _ in first })),
            "access_key": key.map { .string($0.accessKey) } ?? .null, "secret_key": key.map { .string($0.secretKey) } ?? .null,
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let uid = planned["uid"].stringValue ?? ""
        if try await users.info(scope(planned)) != nil {
            throw ProviderError("RGW user \(uid) already exists and is not managed by this state; import it with "
                                + "tandem import \(Self.typeName).NAME \(uid).", attributePath: "uid")
        }
        let access = planned["access_key"].stringValue, secret = planned["secret_key"].stringValue
        try await progress.willCreate()
        let user = try await users.create(scope(planned), settings: settings(planned), caps: Self.capsArgument(Self.caps(planned["caps"])),
                                          accessKey: access, secretKey: secret)
        if let access, let secret, !user.keys.contains(where: { $0.accessKey == access && $0.secretKey == secret }) {
            throw ProviderError("RGW user \(uid) was created without the configured secret key (does the command prefix forward standard input?)")
        }
        if planned["suspended"] == .bool(true) { try await users.setSuspended(scope(planned), true) }
        return try await readBack(planned, what: "RGW user \(uid)")
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        let scope = scope(planned)
        try await users.modify(scope, settings: settings(planned))
        if planned["suspended"] != prior["suspended"] { try await users.setSuspended(scope, planned["suspended"] == .bool(true)) }
        let before = Self.caps(prior["caps"]), after = Self.caps(planned["caps"])
        let removed = before.filter { after[$0.key] != $0.value }, added = after.filter { before[$0.key] != $0.value }
        if !removed.isEmpty { try await users.removeCaps(scope, Self.capsArgument(removed)) }
        if !added.isEmpty { try await users.addCaps(scope, Self.capsArgument(added)) }
        if let access = planned["access_key"].stringValue, let secret = planned["secret_key"].stringValue,
           access != prior["access_key"].stringValue || secret != prior["secret_key"].stringValue {
            // Rotation: the new key first, so the user is never without one.
            try await users.createKey(scope, accessKey: access, secretKey: secret)
            if let old = prior["access_key"].stringValue, old != access { try await users.removeKey(scope, accessKey: old) }
        }
        return try await readBack(planned, what: "RGW user \(planned["uid"].stringValue ?? "")")
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        do {
            try await users.remove(scope(prior), purgeData: prior["purge_data"] == .bool(true))
        } catch let error as UserOwnsBuckets {
            throw ProviderError("RGW user \(prior["uid"].stringValue ?? "") still owns buckets. Delete them first, or set purge_data: true "
                                + "and apply before destroying (\(error.detail)).")
        }
    }

    private static func caps(_ value: Value) -> [String: String] {
        (value.mapValue ?? [:]).compactMapValues(\.stringValue)
    }

    private static func capsArgument(_ caps: [String: String]) -> String {
        caps.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }
}
