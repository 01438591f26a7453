import CephClient
import TandemCore
import TandemEngine

/// `ceph_zonegroup`: a group of zones that replicate each other's data. Changes are committed to the realm's period.
struct ZoneGroupResource: CephResource {
    static let typeName = "ceph_zonegroup"
    static let importPath: [String] = ["realm", "name"]

    static let schema = ResourceSchema(attributes: [
        "name": AttributeSchema(.string, .required, forcesReplacement: true, description: "Zonegroup name."),
        "realm": AttributeSchema(.string, .required, forcesReplacement: true, description: "The realm's name."),
        "endpoints": AttributeSchema(.list(.string), .required, description: "URLs of the master zone's gateways."),
        "master": AttributeSchema(.bool, .optional, defaultValue: .bool(false), description: "The realm's master zonegroup."),
        "default": AttributeSchema(.bool, .optional, defaultValue: .bool(false), description: "The cluster's default zonegroup."),
        "api_name": AttributeSchema(.string, .optionalComputed, description: "The region name S3 clients use; defaults to the name."),
        "id": AttributeSchema(.string, .computed),
    ], description: "An RGW multisite zonegroup")

    let provider: ConfiguredCephProvider

    private func scope(_ value: Value) -> [String] {
        ["--rgw-realm=\(value["realm"].stringValue ?? "")", "--rgw-zonegroup=\(value["name"].stringValue ?? "")"]
    }

    func read(current: Value) async throws -> Value? {
        guard let group = try await provider.admin.jsonIfExists(["zonegroup", "get"] + scope(current), as: RGWZoneGroup.self) else { return nil }
        let list = try await provider.admin.json(["zonegroup", "list", "--rgw-realm=\(current["realm"].stringValue ?? "")"], as: RGWList.self)
        return .map([
            "name": .string(group.name), "realm": current["realm"], "endpoints": .list(group.endpoints.map(Value.string)),
            "master": .bool(group.isMaster.value), "default": .bool(list.defaultInfo == group.id),
            "api_name": .string(group.apiName), "id": .string(group.id),
        ])
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        let name = planned["name"].stringValue ?? ""
        let importID = "\(planned["realm"].stringValue ?? "")/\(name)"
        if try await provider.admin.jsonIfExists(["zonegroup", "get"] + scope(planned), as: RGWZoneGroup.self) != nil {
            throw ProviderError("Zonegroup \(name) already exists in this realm and is not managed by this state; import it with "
                                + "tandem import \(Self.typeName).NAME \(importID).", attributePath: "name")
        }
        try await progress.willCreate()
        try await provider.admin.run(["zonegroup", "create"] + scope(planned) + settings(planned))
        return try await completing("Zonegroup \(name)", importID: importID) {
            try await provider.period.commitIfNeeded(realm: planned["realm"].stringValue, progress: progress)
            return try await readBack(planned, what: "Zonegroup \(name)")
        }
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        if prior["master"] == .bool(true), planned["master"] == .bool(false) {
            throw ProviderError("A zonegroup stops being master only when another one becomes master; set master on that one instead.",
                                attributePath: "master")
        }
        try await provider.admin.run(["zonegroup", "modify"] + scope(planned) + settings(planned))
        try await provider.period.commitIfNeeded(realm: planned["realm"].stringValue, progress: progress)
        return try await readBack(planned, what: "Zonegroup \(planned["name"].stringValue ?? "")")
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        do {
            try await provider.admin.run(["zonegroup", "delete"] + scope(prior))
        } catch let error as RadosGWAdminError where error.isNotFound {
            return
        }
        try await provider.period.commitIfNeeded(realm: prior["realm"].stringValue, progress: progress)
    }

    private func settings(_ planned: Value) -> [String] {
        var arguments = ["--endpoints=\(Self.joined(planned["endpoints"]))"]
        if planned["master"] == .bool(true) { arguments.append("--master") }
        if planned["default"] == .bool(true) { arguments.append("--default") }
        if let apiName = planned["api_name"].stringValue { arguments.append("--api-name=\(apiName)") }
        return arguments
    }

    /// A list of strings as radosgw-admin takes it: comma-separated.
    static func joined(_ list: Value) -> String {
        (list.listValue ?? []).compactMap(\.stringValue).joined(separator: ",")
    }
}
