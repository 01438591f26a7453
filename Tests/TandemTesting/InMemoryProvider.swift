import Foundation
import TandemCore
import TandemEngine

/// A provider whose objects live in memory: the second implementation of `Provider`, for engine tests.
public struct InMemoryProvider: Provider {
    let cloud: InMemoryCloud

    /// A provider over `cloud`.
    public init(cloud: InMemoryCloud) {
        self.cloud = cloud
    }

    /// `mem`.
    public var name: String { "mem" }

    /// An optional region, ignored.
    public var configurationSchema: ResourceSchema {
        ResourceSchema(attributes: ["region": AttributeSchema(.string, .optional)])
    }

    /// `mem_bucket` and `mem_queue`.
    public var resourceSchemas: [String: ResourceSchema] {
        [
            "mem_bucket": ResourceSchema(attributes: [
                "name": AttributeSchema(.string, .required, forcesReplacement: true),
                "versioning": AttributeSchema(.string, .optionalComputed, allowedValues: ["Enabled", "Suspended"]),
                "tags": AttributeSchema(.map(.string), .optional, defaultValue: .map([:])),
                "password": AttributeSchema(.string, .optional, sensitive: true),
                "settings": AttributeSchema(.object(["retention": AttributeSchema(.number, .optional), "owner": AttributeSchema(.string, .optional)]), .optional),
                "arn": AttributeSchema(.string, .computed),
            ]),
            "mem_queue": ResourceSchema(attributes: [
                "name": AttributeSchema(.string, .required, forcesReplacement: true),
                "dlq_arn": AttributeSchema(.string, .optional),
                "arn": AttributeSchema(.string, .computed),
            ]),
        ]
    }

    /// `data.mem_bucket`: looks up a bucket by name.
    public var dataSourceSchemas: [String: ResourceSchema] {
        ["mem_bucket": ResourceSchema(attributes: [
            "name": AttributeSchema(.string, .required),
            "arn": AttributeSchema(.string, .computed),
            "versioning": AttributeSchema(.string, .computed),
        ])]
    }

    /// A note on every replacement, so tests can see notes flow through.
    public func notes(type: String, action: ChangeAction, before: Value?, after: Value) -> [String] {
        action == .replace ? ["replacing \(before?["name"].stringValue ?? "?") takes a moment"] : []
    }

    /// `mem_bucket` refuses an existing name and then announces its create, like the AWS buckets; `mem_queue` does
    /// neither, so the engine journals its intent before calling create.
    public func announcesCreates(type: String) -> Bool { type == "mem_bucket" }

    /// Counts the call and hands out the cloud.
    public func configure(_ configuration: Value, environment: [String: String]) async throws -> any ConfiguredProvider {
        return Configured(cloud: cloud, generation: await cloud.recordConfigure())
    }

    struct Configured: ConfiguredProvider {
        let cloud: InMemoryCloud
        /// Which configuration of the cloud this is (1, 2, ...), so holds can end for later sessions only.
        let generation: Int

        func read(type: String, current: Value) async throws -> Value? {
            await cloud.object(type: type, name: current["name"].stringValue ?? "")
        }

        func importObject(type: String, id: String) async throws -> Value? {
            await cloud.object(type: type, name: id)
        }

        func create(type: String, planned: Value, progress: ProgressReporter) async throws -> Value {
            let name = planned["name"].stringValue ?? ""
            try await cloud.check(operation: "create", name: name)
            if type == "mem_bucket" {
                if await cloud.object(type: type, name: name) != nil {
                    throw ProviderError("mem_bucket \(name) already exists and is not managed by this state", attributePath: "name")
                }
                try await progress.willCreate()
            }
            var entries = planned.mapValue ?? [:]
            entries["arn"] = .string("arn:mem:\(type):\(name)")
            if entries["versioning"] == .unknown { entries["versioning"] = .string("Suspended") }
            // The object exists from here on, like a bucket after CreateBucket; the rest of a create can still fail.
            await cloud.create(type: type, name: name, value: .map(entries), generation: generation)
            try await cloud.check(operation: "configure", name: name)
            await cloud.holdIfAsked(generation: generation)
            return .map(entries)
        }

        func update(type: String, prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value {
            let name = prior["name"].stringValue ?? ""
            try await cloud.check(operation: "update", name: name)
            await cloud.put(type: type, name: name, value: planned, operation: "update")
            return planned
        }

        func delete(type: String, prior: Value, progress: ProgressReporter) async throws {
            let name = prior["name"].stringValue ?? ""
            try await cloud.check(operation: "delete", name: name)
            await cloud.remove(type: type, name: name)
        }

        func readDataSource(type: String, arguments: Value) async throws -> Value {
            let name = arguments["name"].stringValue ?? ""
            guard let object = await cloud.object(type: type, name: name) else { throw ProviderError("no \(type) named \(name)", attributePath: "name") }
            return .map(["name": .string(name), "arn": object["arn"], "versioning": object["versioning"]])
        }

        func defaults(type: String) -> [String: Value] {
            type == "mem_bucket" ? ["versioning": .string("Suspended")] : [:]
        }

        func shutdown() async {}
    }
}

/// The objects of the in-memory provider, with an operation log and injectable failures.
public actor InMemoryCloud {
    /// Objects by `TYPE/NAME`.
    public private(set) var objects: [String: Value] = [:]
    /// Every create, update and delete, as `OPERATION NAME`, in order.
    public private(set) var operations: [String] = []
    /// How often the provider was configured.
    public private(set) var configureCount = 0
    private var failing: Set<String> = []
    private var createsBeforeHold: Int?
    private var holdEndsAfterGeneration: Int?
    private var holding: [UnsafeContinuation<Void, Never>] = []
    private var killedThroughGeneration: Int?
    private var killed: [UnsafeContinuation<Void, Never>] = []

    /// An empty cloud.
    public init() {}

    func recordConfigure() -> Int {
        configureCount += 1
        return configureCount
    }

    /// The object `TYPE/NAME`, if it exists.
    public func object(type: String, name: String) -> Value? { objects["\(type)/\(name)"] }

    /// Makes the object of a create, unless the providers configured up to `generation` were killed: then the create
    /// stops for good before its object exists. Checked and made in one step, so nothing appears after a kill.
    func create(type: String, name: String, value: Value, generation: Int) async {
        if let killedThroughGeneration, generation <= killedThroughGeneration {
            await withUnsafeContinuation { killed.append($0) }
            return
        }
        put(type: type, name: name, value: value, operation: "create")
    }

    /// Kills what the providers configured so far are doing, as a SIGKILL would: none of their creates makes an
    /// object from now on (those already made stay), so the objects stop changing however slowly the machine runs.
    public func killConfiguredProviders() { killedThroughGeneration = configureCount }

    func put(type: String, name: String, value: Value, operation: String) {
        objects["\(type)/\(name)"] = value
        operations.append("\(operation) \(name)")
    }

    /// Deletes an object behind Tandem's back.
    public func remove(type: String, name: String) {
        objects["\(type)/\(name)"] = nil
        operations.append("delete \(name)")
    }

    /// Changes an attribute behind Tandem's back.
    public func tamper(type: String, name: String, attribute: String, value: Value) {
        guard case .map(var entries)? = objects["\(type)/\(name)"] else { return }
        entries[attribute] = value
        objects["\(type)/\(name)"] = .map(entries)
    }

    /// Makes `OPERATION NAME` (e.g. `create b`) fail from now on.
    public func fail(_ operationAndName: String) { failing.insert(operationAndName) }

    /// Lets `OPERATION NAME` succeed again.
    public func recover(_ operationAndName: String) { failing.remove(operationAndName) }

    /// Makes every create after the first `count` from now on stop for good once its object exists, as if the
    /// process were killed while those creates were still configuring their objects.
    public func holdCreates(after count: Int) {
        createsBeforeHold = count
        holdEndsAfterGeneration = nil
    }

    /// Creates of providers configured from now on run to the end again; those configured before stay held, so an
    /// abandoned apply cannot go on behind the next one's back.
    public func stopHolding() { holdEndsAfterGeneration = configureCount }

    /// How many creates are stopped by `holdCreates(after:)`.
    public var heldCount: Int { holding.count }

    func holdIfAsked(generation: Int) async {
        guard let remaining = createsBeforeHold, generation <= holdEndsAfterGeneration ?? .max else { return }
        guard remaining == 0 else {
            createsBeforeHold = remaining - 1
            return
        }
        await withUnsafeContinuation { holding.append($0) }
    }

    func check(operation: String, name: String) throws {
        if failing.contains("\(operation) \(name)") { throw ProviderError("injected failure: \(operation) \(name)") }
    }
}
