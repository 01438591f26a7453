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
