import TandemCore

/// Order a service needs between objects whether or not the configuration refers from one to the other, as keys:
/// a resource that `requires` a key is created after (and deleted before) every resource that `provides` it. A key
/// ending in `*` (a name not known yet) matches every key that starts with the rest, on either side.
///
/// Example: S3 refuses a replication configuration until versioning is enabled on both buckets, so a bucket
/// provides `s3:bucket:NAME` and a replication configuration requires it for its source and destination.
public struct OrderingKeys: Sendable, Equatable {
    /// Keys this resource satisfies.
    public var provides: [String]
    /// Keys whose providers must be applied first.
    public var requires: [String]

    /// Creates ordering keys.
    public init(provides: [String] = [], requires: [String] = []) {
        self.provides = provides
        self.requires = requires
    }
}

/// Adds the providers' implicit ordering to the dependencies of planned changes.
enum ImplicitOrdering {
    /// Adds an edge for every required key to each change providing it (from the planned values, or the prior ones for
    /// deletes), skipping edges that would close a cycle with the dependencies the configuration already states.
    /// `plannedValues[i]` is the planned value of `changes[i]` whole (its `after` not split into known parts and
    /// unknown marks); the changes after them are deletes.
    static func addDependencies(to changes: inout [ResourceChange], plannedValues: [Value], registry: ProviderRegistry) {
        var provided: [(index: Int, keys: [String])] = []
        var requirements: [(index: Int, keys: [String])] = []
        for index in changes.indices {
            let address = changes[index].address
            guard let provider = registry.providers[address.providerName] else { continue }
            let value = index < plannedValues.count ? plannedValues[index] : (changes[index].after?.value ?? changes[index].before ?? .null)
            let keys = provider.ordering(type: address.type, value: value)
            if !keys.provides.isEmpty { provided.append((index, keys.provides)) }
            if !keys.requires.isEmpty { requirements.append((index, keys.requires)) }
        }
        // Most plans require nothing: the keys provided are only indexed when something requires one.
        guard !requirements.isEmpty else { return }
        var providers: [String: [ResourceAddress]] = [:]
        for (index, keys) in provided {
            for key in keys { providers[key, default: []].append(changes[index].address) }
        }
        var dependencies = Dictionary(changes.map { ($0.address, Set($0.dependencies)) }) { first, _ in first }
        func reaches(_ start: ResourceAddress, _ goal: ResourceAddress) -> Bool {
            var pending = [start]
            var seen: Set<ResourceAddress> = [start]
            while let next = pending.popLast() {
                if next == goal { return true }
                for dependency in dependencies[next] ?? [] where seen.insert(dependency).inserted { pending.append(dependency) }
            }
            return false
        }
        for (index, keys) in requirements {
            let address = changes[index].address
            for key in keys {
                let matching = providers.keys.filter { Self.matches(required: key, provided: $0) }.sorted().flatMap { providers[$0] ?? [] }
                for provider in matching where provider != address && !(dependencies[address]?.contains(provider) ?? false) {
                    guard !reaches(provider, address) else { continue }
                    dependencies[address, default: []].insert(provider)
                    changes[index].dependencies.append(provider)
                }
            }
            changes[index].dependencies.sort()
        }
    }

    /// Equal keys match; a trailing `*` on either side matches any key starting with what precedes it.
    static func matches(required: String, provided: String) -> Bool {
        if required == provided { return true }
        if required.hasSuffix("*"), provided.hasPrefix(required.dropLast()) { return true }
        return provided.hasSuffix("*") && required.hasPrefix(provided.dropLast())
    }
}
