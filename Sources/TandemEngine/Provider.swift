import TandemCore

/// A provider: the resource types it offers and how to configure it.
///
/// Providers see values, never configuration syntax; they report problems as `ProviderError`s with an attribute
/// path and the engine attaches the resource address and source range.
public protocol Provider: Sendable {
    /// The name used in configuration (`aws`) and as the resource type prefix.
    var name: String { get }
    /// The attributes of the provider's configuration block.
    var configurationSchema: ResourceSchema { get }
    /// The schema of each resource type, by type name.
    var resourceSchemas: [String: ResourceSchema] { get }
    /// The schema of each data source type, by type name: arguments select the object, computed attributes describe it.
    var dataSourceSchemas: [String: ResourceSchema] { get }
    /// Creates a configured instance from an evaluated provider block (conformed to `configurationSchema`).
    func configure(_ configuration: Value, environment: [String: String]) async throws -> any ConfiguredProvider
    /// Facts a reviewer should know about a planned change, such as a wait the service will impose. `after` is the
    /// planned value; for a delete, the object as it is.
    func notes(type: String, action: ChangeAction, before: Value?, after: Value) -> [String]
    /// Order the service needs between this resource and others, from its (planned or prior) attributes.
    func ordering(type: String, value: Value) -> OrderingKeys
    /// Rules the service enforces across attributes (beyond types and allowed values), checked while planning so a
    /// bad combination is reported at its source before anything changes. Parts may be unknown; skip those.
    func validate(type: String, configuration: Value) -> [ProviderError]
    /// Rules that span the resources of one provider configuration, judged offline from the configuration alone (a
    /// custom resource against a CRD declared beside it or in files the provider block names): `tandem validate` runs
    /// them; planning runs the configured provider's `validate(resources:)`, which may also ask the service. Parts may be unknown.
    func validate(resources: [PlannedResource], providerConfiguration: Value) -> [PlannedResourceProblem]
    /// True when `type`'s create first checks that the object's name is free (refusing an object someone else made)
    /// and then calls `ProgressReporter.willCreate()` right before the call that creates it. The engine then journals
    /// the create's intent at that moment instead of before calling `create`, so a refused name is never recorded.
    func announcesCreates(type: String) -> Bool
}

/// A provider configured with credentials and endpoints, ready to manage resources.
public protocol ConfiguredProvider: Sendable {
    /// Reads the live attributes of a resource from its last known attributes; nil when it no longer exists.
    /// The result must be normalised the same way configuration is, so that no perpetual diff appears.
    func read(type: String, current: Value) async throws -> Value?
    /// Creates a resource and returns all its attributes.
    func create(type: String, planned: Value, progress: ProgressReporter) async throws -> Value
    /// Updates a resource in place and returns all its attributes.
    func update(type: String, prior: Value, planned: Value, progress: ProgressReporter) async throws -> Value
    /// Deletes a resource.
    func delete(type: String, prior: Value, progress: ProgressReporter) async throws
    /// Reads an existing object to bring under management (`tandem import`) from the id users know it by (a bucket
    /// or queue name, a user or role name); nil when there is no such object.
    func importObject(type: String, id: String) async throws -> Value?
    /// Looks up an existing object for a data source from its arguments and returns all its attributes; throws a
    /// `ProviderError` when there is no such object.
    func readDataSource(type: String, arguments: Value) async throws -> Value
    /// Values that unset optional-computed attributes of a new `type` resource will take (e.g. the provider's region),
    /// so a create plan shows them instead of "known after apply".
    func defaults(type: String) -> [String: Value]
    /// Rules that depend on where the provider points (such as settings a Ceph RGW endpoint mishandles), checked while
    /// planning like `Provider.validate`. Parts may be unknown; skip those.
    func validate(type: String, configuration: Value) -> [ProviderError]
    /// What the service would store for this configuration, asked of the service without changing anything (a
    /// Kubernetes server-side dry-run: defaults, admission and validation included), so the plan compares like with
    /// like; nil when the provider has no such preview or cannot make one now (a kind whose definition this plan
    /// creates). Throws `ProviderError`s for what the service refuses. Called while planning, after `validate`.
    func preview(type: String, configuration: Value, prior: Value?) async throws -> Value?
    /// Rules that span resources of this provider configuration (a custom resource against the schema of a definition
    /// declared beside it or installed on the cluster), checked once all its resources are planned. Parts may be unknown.
    func validate(resources: [PlannedResource]) async -> [PlannedResourceProblem]
    /// The object replications a managed resource sets up (a replicator's pipeline, a bucket's replication rules),
    /// with where to list each side, for `tandem drift --data`; none for other types. May ask the service (the
    /// zones of an RGW sync policy).
    func dataReplications(type: String, value: Value) async throws -> [DataReplication]
    /// Where this provider configuration reads and writes `bucket` (its endpoint, region and identity), for commands
    /// that name a provider as an object store (`tandem check aws.dest:bucket`); nil when it is no object store.
    func objectLocation(bucket: String, prefix: String) -> ObjectLocation?
    /// Releases connections.
    func shutdown() async
}

extension ConfiguredProvider {
    /// No rules beyond the provider's own unless the configured provider declares some.
    public func validate(type: String, configuration: Value) -> [ProviderError] { [] }
    /// No preview unless the configured provider offers one.
    public func preview(type: String, configuration: Value, prior: Value?) async throws -> Value? { nil }
    /// No rules across resources unless the configured provider declares some.
    public func validate(resources: [PlannedResource]) async -> [PlannedResourceProblem] { [] }
    /// No object replications unless the configured provider manages some.
    public func dataReplications(type: String, value: Value) async throws -> [DataReplication] { [] }
    /// Not an object store unless the configured provider says where.
    public func objectLocation(bucket: String, prefix: String) -> ObjectLocation? { nil }
}

/// A resource as planned, for rules that span resources of one provider configuration.
public struct PlannedResource: Sendable {
    /// Its address.
    public var address: ResourceAddress
    /// Its planned attributes (parts may be unknown).
    public var value: Value

    /// Creates one.
    public init(address: ResourceAddress, value: Value) {
        self.address = address
        self.value = value
    }
}

/// A problem found by `ConfiguredProvider.validate(resources:)`, about one resource.
public struct PlannedResourceProblem: Sendable {
    /// The resource the problem is about.
    public var address: ResourceAddress
    /// The problem, with the attribute path it is about.
    public var error: ProviderError

    /// Creates one.
    public init(address: ResourceAddress, error: ProviderError) {
        self.address = address
        self.error = error
    }
}

extension Provider {
    /// No data sources unless the provider declares some.
    public var dataSourceSchemas: [String: ResourceSchema] { [:] }
    /// No order beyond the references in the configuration unless the provider declares some.
    public func ordering(type: String, value: Value) -> OrderingKeys { OrderingKeys() }
    /// No rules beyond the schema unless the provider declares some.
    public func validate(type: String, configuration: Value) -> [ProviderError] { [] }
    /// No rules across resources unless the provider declares some.
    public func validate(resources: [PlannedResource], providerConfiguration: Value) -> [PlannedResourceProblem] { [] }
    /// Creates are journaled before `create` is called unless the provider declares otherwise.
    public func announcesCreates(type: String) -> Bool { false }
}

/// Lets a provider tell the user what it is waiting for (retries, eventual consistency) while an operation runs,
/// and tell the engine when a create is about to make its object.
public struct ProgressReporter: Sendable {
    private let report: @Sendable (String) -> Void
    private let creating: (@Sendable () async throws -> Void)?

    /// Creates a reporter that forwards messages to `report` and create announcements to `willCreate`.
    public init(_ report: @escaping @Sendable (String) -> Void, willCreate: (@Sendable () async throws -> Void)? = nil) {
        self.report = report
        self.creating = willCreate
    }

    /// Called by a create (of a type whose provider `announcesCreates`) after it checked that the name is free and
    /// right before the call that creates the object; returns once the engine durably recorded that the object may
    /// exist from now on. Throws when that cannot be recorded: the create must then not go on.
    public func willCreate() async throws {
        try await creating?()
    }

    /// A reporter that discards messages.
    public static let silent = ProgressReporter { _ in }

    /// Reports a progress message.
    public func callAsFunction(_ message: String) { report(message) }
}

/// An error from a provider, optionally about one attribute.
public struct ProviderError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, including the service's error code and message when there is one.
    public var message: String
    /// The attribute the error is about, as a dotted path.
    public var attributePath: String?

    /// Creates a provider error.
    public init(_ message: String, attributePath: String? = nil) {
        self.message = message
        self.attributePath = attributePath
    }

    /// The message.
    public var description: String { message }
}
