import CephClient
import TandemCore
import TandemEngine

/// `ceph_sync_pipe`: what a sync group syncs: which buckets of which zones go to which, optionally one key prefix.
struct SyncPipeResource: CephResource {
    static let typeName = "ceph_sync_pipe"
    static let importPath: [String] = []

    static let schema = ResourceSchema(attributes: SyncPolicyScope.attributes.merging([
        "pipe_id": AttributeSchema(.string, .required, forcesReplacement: true),
        "source_zones": AttributeSchema(.list(.string), .optional, forcesReplacement: true, defaultValue: .list([.string("*")])),
        "dest_zones": AttributeSchema(.list(.string), .optional, forcesReplacement: true, defaultValue: .list([.string("*")])),
        "source_bucket": AttributeSchema(.string, .optional, forcesReplacement: true, defaultValue: .string("*")),
        "dest_bucket": AttributeSchema(.string, .optional, forcesReplacement: true, defaultValue: .string("*")),
        "prefix": AttributeSchema(.string, .optional, forcesReplacement: true, description: "Only keys with this prefix."),
    ]) { $1 }, description: "A pipe of a multisite sync group")

    let provider: ConfiguredCephProvider

    func read(current: Value) async throws -> Value? {
        let scope = SyncPolicyScope(provider: provider, value: current)
        guard let pipe = try await scope.group()?.pipes.first(where: { $0.id == current["pipe_id"].stringValue }) else { return nil }
        return .map(scope.readBack.merging([
            "pipe_id": .string(pipe.id),
            "source_zones": .list((pipe.source.zones ?? ["*"]).map(Value.string)), "dest_zones": .list((pipe.dest.zones ?? ["*"]).map(Value.string)),
            "source_bucket": .string(pipe.source.bucket ?? "*"), "dest_bucket": .string(pipe.dest.bucket ?? "*"),
            "prefix": pipe.prefix.flatMap { $0.isEmpty ? nil : Value.string($0) } ?? .null,
        ]) { $1 })
    }

    /// What the pipe syncs, as pairs of buckets on two zones' endpoints: each (source zone, destination zone) of the
    /// pipe that a flow of its group connects, each bucket it covers (every bucket of the realm for `*`, the policy's
    /// bucket for a bucket-level policy), under its prefix. Each side is listed through its zone's endpoint with the
    /// zone's system key, which multisite sync itself uses to read any bucket.
    func dataReplications(_ value: Value) async throws -> [DataReplication] {
        let scope = SyncPolicyScope(provider: provider, value: value)
        let realm = value["realm"].stringValue.map { ["--rgw-realm=\($0)"] } ?? []
        guard let pipeID = value["pipe_id"].stringValue, let zonegroupName = value["zonegroup"].stringValue,
              let group = try await scope.group(),
              let zonegroup = try await provider.admin.jsonIfExists(["zonegroup", "get", "--rgw-zonegroup=\(zonegroupName)"] + realm, as: RGWZoneGroup.self)
        else { return [] }
        let zones = zonegroup.zones.map(\.name)
        func expand(_ list: Value) -> [String] {
            let names = (list.listValue ?? []).compactMap(\.stringValue)
            return names.contains("*") || names.isEmpty ? zones : names
        }
        var flows = Set(group.dataFlow.directional.map { [$0.sourceZone, $0.destZone] })
        for flow in group.dataFlow.symmetrical {
            for source in flow.zones { for destination in flow.zones where destination != source { flows.insert([source, destination]) } }
        }
        let pairs = expand(value["source_zones"]).flatMap { source in expand(value["dest_zones"]).map { [source, $0] } }
            .filter { $0[0] != $0[1] && flows.contains($0) }
        guard !pairs.isEmpty else { return [] }
        let sourceBucket = value["bucket"].stringValue ?? value["source_bucket"].stringValue ?? "*"
        let buckets = sourceBucket == "*" ? try await provider.admin.json(["bucket", "list"] + realm, as: [String].self).sorted() : [sourceBucket]
        let prefix = value["prefix"].stringValue ?? ""
        var keys: [String: RGWKey] = [:]
        for zone in Set(pairs.flatMap { $0 }) {
            keys[zone] = try await provider.admin.jsonIfExists(["zone", "get", "--rgw-zone=\(zone)"] + realm, as: RGWZone.self)?.systemKey
        }
        func location(_ zone: String, bucket: String) -> ObjectLocation? {
            guard let endpoint = zonegroup.zones.first(where: { $0.name == zone })?.endpoints.first, let key = keys[zone] ?? nil,
                  !key.accessKey.isEmpty else { return nil }
            return ObjectLocation(endpoint: endpoint, region: zonegroup.apiName.isEmpty ? zonegroup.name : zonegroup.apiName, bucket: bucket, prefix: prefix,
                                  accessKey: key.accessKey, secretKey: key.secretKey)
        }
        return pairs.flatMap { pair in
            buckets.compactMap { bucket -> DataReplication? in
                let destination = value["dest_bucket"].stringValue.flatMap { $0 == "*" ? nil : $0 } ?? bucket
                let name = "pipe \(pipeID) \(pair[0]) -> \(pair[1]) bucket \(bucket)"
                guard let source = location(pair[0], bucket: bucket), let target = location(pair[1], bucket: destination) else {
                    let placeholder = ObjectLocation(endpoint: nil, region: "", bucket: bucket, prefix: prefix)
                    return DataReplication(name: name, source: placeholder, target: ObjectLocation(endpoint: nil, region: "", bucket: destination, prefix: prefix),
                                           notComparable: "a zone has no endpoint or system key to list it with")
                }
                return DataReplication(name: name, source: source, target: target)
            }
        }
    }

    func create(planned: Value, progress: ProgressReporter) async throws -> Value {
        var arguments = ["pipe", "create", "--pipe-id=\(planned["pipe_id"].stringValue ?? "")",
                         "--source-zones=\(ZoneGroupResource.joined(planned["source_zones"]))", "--dest-zones=\(ZoneGroupResource.joined(planned["dest_zones"]))",
                         "--source-bucket=\(planned["source_bucket"].stringValue ?? "*")", "--dest-bucket=\(planned["dest_bucket"].stringValue ?? "*")"]
        if let prefix = planned["prefix"].stringValue { arguments.append("--prefix=\(prefix)") }
        try await SyncPolicyScope(provider: provider, value: planned).change(arguments, progress: progress)
        return try await readBack(planned, what: "Sync pipe \(planned["pipe_id"].stringValue ?? "")")
    }

    func update(prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
        // Every attribute forces replacement.
        try await readBack(planned, what: "Sync pipe \(planned["pipe_id"].stringValue ?? "")")
    }

    func delete(prior: Value, progress: ProgressReporter) async throws {
        guard try await read(current: prior) != nil else { return }
        try await SyncPolicyScope(provider: provider, value: prior).change(["pipe", "remove", "--pipe-id=\(prior["pipe_id"].stringValue ?? "")"], progress: progress)
    }
}
