import ArgumentParser
import Foundation
import TandemCore
import TandemEngine

/// One side of `tandem check`: `REMOTE:BUCKET[/DIR]`, REMOTE a provider configuration of the stack (`aws`,
/// `aws.dest`, `ceph`), or `http(s)://HOST[:PORT]/BUCKET[/DIR]` with credentials from the environment (as the aws
/// provider finds them). A directory is a key prefix ending in `/`, as rclone reads `remote:bucket/dir`. No bucket
/// (`aws:`, `http://host:9000/`) names the whole store, every bucket (for `tandem sync`).
struct ObjectRemote: Sendable, CustomStringConvertible {
    enum Store: Sendable, Equatable {
        /// A provider configuration key.
        case provider(String)
        /// An S3 endpoint URL.
        case endpoint(String)
    }

    var store: Store
    /// Empty for the whole store.
    var bucket: String
    var prefix: String
    /// As written.
    var description: String

    /// Parses `text`, or says what is wrong with it.
    static func parse(_ text: String) throws -> ObjectRemote {
        let store: Store, path: Substring
        if let scheme = ["http://", "https://"].first(where: text.hasPrefix) {
            let rest = text.dropFirst(scheme.count)
            guard let slash = rest.firstIndex(of: "/"), rest.startIndex != slash else { throw Self.invalid(text) }
            store = .endpoint(scheme + rest[..<slash])
            path = rest[rest.index(after: slash)...]
        } else {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { throw Self.invalid(text) }
            store = .provider(String(text[..<colon]))
            path = text[text.index(after: colon)...]
        }
        let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bucket = parts.first else { throw Self.invalid(text) }
        guard !bucket.isEmpty || parts.count == 1 else { throw Self.invalid(text) }
        var directory = parts.count > 1 ? String(parts[1]) : ""
        while directory.hasSuffix("//") { directory.removeLast() }
        if !directory.isEmpty, !directory.hasSuffix("/") { directory += "/" }
        return ObjectRemote(store: store, bucket: String(bucket), prefix: directory, description: text)
    }

    private static func invalid(_ text: String) -> Diagnostic {
        .error("\"\(text)\" names no bucket", detail: "Write PROVIDER:BUCKET[/DIR] (a provider of the configuration, e.g. aws.dest:replica/logs) "
               + "or an endpoint URL and bucket, e.g. http://127.0.0.1:9000/replica.")
    }

    /// The locations of a command's two sides; the configuration in `--dir` is loaded (and its providers configured)
    /// only when a side names a provider.
    static func locations(_ remotes: (ObjectRemote, ObjectRemote), context: inout CommandContext,
                          variables: VariableOptions) async throws -> (ObjectLocation, ObjectLocation) {
        var sessions: ProviderSessions?
        if [remotes.0.store, remotes.1.store].contains(where: { if case .provider = $0 { true } else { false } }) {
            let configuration = try context.loadConfiguration()
            sessions = context.sessions(configuration, variables: try context.variables(for: configuration, variables, requiringAll: false))
        }
        let locations = (try await remotes.0.location(sessions: sessions, environment: context.environment),
                         try await remotes.1.location(sessions: sessions, environment: context.environment))
        await sessions?.shutdown()
        return locations
    }

    /// The location to list: the provider configuration's endpoint and identity, or the URL with the environment's.
    func location(sessions: ProviderSessions?, environment: [String: String]) async throws -> ObjectLocation {
        switch store {
        case .endpoint(let url):
            let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
            return ObjectLocation(endpoint: url, region: region, bucket: bucket, prefix: prefix)
        case .provider(let key):
            guard let sessions else { throw Diagnostic.error("No configuration names provider \(key)") }
            guard let location = try await sessions.provider(key).objectLocation(bucket: bucket, prefix: prefix) else {
                throw Diagnostic.error("Provider \(key) is no object store", detail: "Name an aws or ceph provider configuration, or an endpoint URL.")
            }
            return location
        }
    }
}

/// The two sides `tandem check` and `tandem sync` take, as arguments.
struct ObjectSideArguments: ParsableArguments {
    @Argument(help: "PROVIDER:BUCKET[/DIR] (a provider of the configuration in --dir) or http(s)://HOST[:PORT]/BUCKET[/DIR].")
    var source: String

    @Argument(help: "The same forms as SOURCE.")
    var target: String

    /// Both sides parsed, or what is wrong with one.
    func remotes() throws -> (ObjectRemote, ObjectRemote) {
        (try ObjectRemote.parse(source), try ObjectRemote.parse(target))
    }
}
