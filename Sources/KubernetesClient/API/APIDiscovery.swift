import Foundation
import TandemCore

/// What the API server says about one kind: its plural (the path segment), scope and verbs.
public struct APIResource: Sendable, Hashable {
    /// The group (empty for the core group).
    public var group: String
    /// The version.
    public var version: String
    /// The kind.
    public var kind: String
    /// The plural name used in paths.
    public var plural: String
    /// True for namespaced kinds.
    public var namespaced: Bool
    /// The verbs the server allows on it.
    public var verbs: [String]
    /// True when it has a `status` subresource.
    public var hasStatus: Bool

    /// `apps/v1` or `v1`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The path of the collection (in `namespace` for namespaced kinds).
    public func collectionPath(namespace: String?) -> String {
        let base = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        guard namespaced, let namespace else { return "\(base)/\(plural)" }
        return "\(base)/namespaces/\(Self.segment(namespace))/\(plural)"
    }

    /// The path of one object.
    public func objectPath(namespace: String?, name: String) -> String {
        collectionPath(namespace: namespace) + "/" + Self.segment(name)
    }

    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}

/// Discovery of kinds, one group version at a time, cached for the connection's life. A kind that is not found is
/// looked up again on the next request (its CRD may have just been created); a found one is remembered.
actor APIDiscovery {
    private let connection: KubernetesConnection
    private var byGroupVersion: [String: [String: APIResource]] = [:]

    init(connection: KubernetesConnection) {
        self.connection = connection
    }

    /// The resource for `apiVersion`/`kind`; nil when the server does not serve that kind (yet).
    func resource(apiVersion: String, kind: String) async throws -> APIResource? {
        if let found = byGroupVersion[apiVersion]?[kind] { return found }
        let kinds = try await fetch(apiVersion)
        byGroupVersion[apiVersion] = kinds
        return kinds[kind]
    }

    /// Forgets what was learnt about `apiVersion` (after a CRD changed).
    func forget(apiVersion: String) {
        byGroupVersion[apiVersion] = nil
    }

    private func fetch(_ apiVersion: String) async throws -> [String: APIResource] {
        let parts = apiVersion.split(separator: "/").map(String.init)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
            throw KubernetesConnectionError("\"\(apiVersion)\" is not an apiVersion (VERSION or GROUP/VERSION)")
        }
        let group = parts.count == 2 ? parts[0] : "", version = parts.last!
        let path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        let body: [UInt8]
        do {
            body = try await connection.send(.GET, path, operation: "discover \(apiVersion)")
        } catch let error as KubernetesAPIError where error.isNotFound {
            return [:]
        }
        guard let list = try? Value(jsonData: Data(body)), list["kind"].stringValue == "APIResourceList" else {
            throw KubernetesConnectionError("discover \(apiVersion): the server's answer is not an APIResourceList")
        }
        let entries = list["resources"].listValue ?? []
        let subresources = Set(entries.compactMap { $0["name"].stringValue }.filter { $0.contains("/") })
        var kinds: [String: APIResource] = [:]
        for entry in entries {
            guard let name = entry["name"].stringValue, !name.contains("/"), let kind = entry["kind"].stringValue else { continue }
            kinds[kind] = APIResource(
                group: group, version: version, kind: kind, plural: name, namespaced: entry["namespaced"].boolValue ?? false,
                verbs: (entry["verbs"].listValue ?? []).compactMap(\.stringValue), hasStatus: subresources.contains(name + "/status"))
        }
        return kinds
    }
}
