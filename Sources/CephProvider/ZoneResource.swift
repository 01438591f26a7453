import CephClient
import TandemCore
import TandemEngine

/// `ceph_zone`: one site of a zonegroup, with the system keys its gateways use to sync with the other zones.
///
/// A master zone may own its system user (`system_user`): apply creates it in the zone with generated keys and sets
/// them as the zone's system key, so a secondary zone can take them by reference (`ceph_zone.a.system_secret_key`)
/// and nobody types a key. Changes are committed to the realm's period.
struct ZoneResource: CephResource {
    static let typeName = "ceph_zone"
    static let importPath: [String] = ["realm", "zonegroup", "name"]

    static let schema = ResourceSchema(attributes: [
        "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "Zone name."),
        "zonegroup": AttributeSchema(.string, .required, forcesReplacement: true, description: "The zonegroup's name."),
        "realm": AttributeSchema(.string, .required, forcesReplacement: true, description: "The realm's name."),
        "endpoints": AttributeSchema(.list(.string), .required, description: "URLs of the zone's gateways, reachable from the other zones."),
        "master": AttributeSchema(.bool, .optional, defaultValue: .bool(false), description: "The zonegroup's master zone."),
        "default": AttributeSchema(.bool, .optional, defaultValue: .bool(false), description: "The cluster's default zone."),
        "system_user": AttributeSchema(.string, .optional, forcesReplacement: true,
                                       description: "uid of a system user to create in this zone and use as its system key."),
        "system_access_key": AttributeSchema(.string, .optionalComputed, description: "The zone's system access key."),
        "system_secret_key": AttributeSchema(.string, .optionalComputed, sensitive: true, description: "The zone's system secret key."),
        "id": AttributeSchema(.string, .computed),
    ], description: "An RGW multisite zone")

    let provider: ConfiguredCephProvider

    private func scope(_ value: Value) -> [String] {
        ["--rgw-realm=\(value["realm"].stringValue ?? "")", "--rgw-zonegroup=\(value["zonegroup"].stringValue ?? "")",
         "--rgw-zone=\(value["name"].stringValue ?? "")"]
    }

    func read(current: Value) async throws -> Value? {
        let realm = "--rgw-realm=\(current["realm"].stringValue ?? "")"
        guard let zone = try await provider.admin.jsonIfExists(["zone", "get"] + scope(current), as: RGWZone.self) else { return nil }
        let group = try await provider.admin.jsonIfExists(
            ["zonegroup", "get", realm, "--rgw-zonegroup=\(current["zonegroup"].stringValue ?? "")"], as: RGWZoneGroup.self)
        let member = group?.zones.first { $0.id == zone.id }
        let list = try await provider.admin.json(["zone", "list", realm], as: RGWList.self)
        return .map([
            "name": .string(zone.name), "zonegroup": current["zonegroup"], "realm": current["realm"],
            // A zone outside its zonegroup (removed by hand) reads as having no endpoints there.
            "endpoints": .list((member?.endpoints ?? []).map(Value.string)),
            "master": .bool(group?.masterZone == zone.id), "default": .bool(list.defaultInfo == zone.id),
            "system_user": current["system_user"],
            "system_access_key": .string(zone.systemKey.accessKey), "system_secret_key": .string(zone.systemKey.secretKey),
            "id": .string(zone.id),
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        let importID = "\(planned["realm"].stringValue ?? "")/\(planned["zonegroup"].stringValue ?? "")/\(name)"
        if try await provider.admin.jsonIfExists(["zone", "get"] + scope(planned), as: RGWZone.self) != nil {
            throw ProviderError("Zone \(name) already exists on this cluster and is not managed by this state; import it with "
                                + "tandem import \(Self.typeName).NAME \(importID).", attributePath: "name")
        }
        try await progress.willCreate()
        try await provider.admin.run(["zone", "create"] + scope(planned) + settings(planned), secrets: keySecrets(planned))
        return try await completing("Zone \(name)", importID: importID) {
            if let uid = planned["system_user"].stringValue {
                let keys = try await createSystemUser(uid, planned: planned)
                try await provider.admin.run(["zone", "modify"] + scope(planned),
                                             secrets: ["--access-key=\(keys.accessKey)", "--secret=\(keys.secretKey)"])
            }
            try await provider.period.commitIfNeeded(realm: planned["realm"].stringValue, progress: progress)
            return try await readBack(planned, what: "Zone \(name)")
        }
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        if prior["master"] == .bool(true), planned["master"] == .bool(false) {
            throw ProviderError("A zone stops being master only when another zone becomes master (failover); set master on that zone instead.",
                                attributePath: "master")
        }
        let keysChanged = planned["system_access_key"] != prior["system_access_key"] || planned["system_secret_key"] != prior["system_secret_key"]
        try await provider.admin.run(["zone", "modify"] + scope(planned) + settings(planned), secrets: keysChanged ? keySecrets(planned) : [])
        try await provider.period.commitIfNeeded(realm: planned["realm"].stringValue, progress: progress)
        return try await readBack(planned, what: "Zone \(planned["name"].stringValue ?? "")")
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        let realm = "--rgw-realm=\(prior["realm"].stringValue ?? "")"
        do {
            try await provider.admin.run(["zonegroup", "remove", realm, "--rgw-zonegroup=\(prior["zonegroup"].stringValue ?? "")",
                                          "--rgw-zone=\(prior["name"].stringValue ?? "")"])
            try await provider.period.commitIfNeeded(realm: prior["realm"].stringValue, progress: progress)
        } catch let error as RadosGWAdminError where error.isNotFound {}
        if let uid = prior["system_user"].stringValue {
            do {
                try await provider.admin.run(["user", "rm", "--uid=\(uid)", realm, "--rgw-zone=\(prior["name"].stringValue ?? "")"])
            } catch let error as RadosGWAdminError where error.isNotFound {}
        }
        do {
            try await provider.admin.run(["zone", "delete"] + scope(prior))
        } catch let error as RadosGWAdminError where error.isNotFound {}
    }

    private func settings(_ planned: Value) -> [String] {
        var arguments = ["--endpoints=\(ZoneGroupResource.joined(planned["endpoints"]))"]
        if planned["master"] == .bool(true) { arguments.append("--master") }
        if planned["default"] == .bool(true) { arguments.append("--default") }
        return arguments
    }

    /// The configured system key, as secret options.
    private func keySecrets(_ planned: Value) -> [String] {
        guard let access = planned["system_access_key"].stringValue, let secret = planned["system_secret_key"].stringValue else { return [] }
        return ["--access-key=\(access)", "--secret=\(secret)"]
    }

    /// Creates the zone's system user (with the configured keys, or generated ones) and returns its key.
    private func createSystemUser(_ uid: String, planned: Value) async throws -> RGWUserKey {
        let user = try await provider.admin.json(
            ["user", "create", "--uid=\(uid)", "--display-name=\(uid)", "--system", "--rgw-realm=\(planned["realm"].stringValue ?? "")",
             "--rgw-zone=\(planned["name"].stringValue ?? "")"]
                + (planned["system_access_key"].stringValue.map { ["--access-key=\($0)"] } ?? []),
            secrets: planned["system_secret_key"].stringValue.map { ["--secret-key=\($0)"] } ?? [], as: RGWUser.self)
        guard let key = user.keys.first(where: { planned["system_access_key"].stringValue == nil || $0.accessKey == planned["system_access_key"].stringValue })
        else {
            throw ProviderError("System user \(uid) was created without the configured access key (does the command prefix forward standard input?)")
        }
        return key
    }
}
