import AWSClient
import Foundation
import StateBackends
import TandemLanguage
import TandemState
import TLSTrust

/// The state store a command uses: `--state FILE`, else the configuration's `backend:` block (a local file or an S3
/// object), else `state/WORKSPACE.json` in the configuration directory.
enum StateStoreSelection {
    /// The HTTP client of S3 backends: one per process, living until it exits.
    private static let transport = AWSTransport(requestTimeout: .seconds(30), connectTimeout: .seconds(5))

    /// The store for `options` and the configuration's `backend` block, and the directory local replicators of that
    /// state keep their files under.
    static func store(for options: GlobalOptions, backend: BackendDeclaration?, environment: [String: String]) -> (store: any StateStore, replicators: String) {
        if let path = options.statePath { return local(LocalStateStore(path: path)) }
        let base = options.directory
        func inBase(_ path: String) -> String { path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path) }
        if let s3 = backend?.s3 {
            let key = s3.key(workspace: options.workspace)
            let replicators = inBase(".tandem/\(options.workspace).replicators")
            do {
                return (try s3Store(s3, key: key, environment: environment), replicators)
            } catch {
                return (UnavailableStateStore(location: "s3://\(s3.bucket)/\(key)", reason: "\(error)"), replicators)
            }
        }
        if let path = backend?.path {
            // One named file; another workspace gets a sibling file named after it.
            guard options.workspace != "default" else { return local(LocalStateStore(path: inBase(path))) }
            let file = inBase(path) as NSString
            let name = "\((file.lastPathComponent as NSString).deletingPathExtension)-\(options.workspace).json"
            return local(LocalStateStore(path: file.deletingLastPathComponent.isEmpty ? name : (file.deletingLastPathComponent as NSString).appendingPathComponent(name)))
        }
        let directory = inBase(backend?.directory ?? "state")
        return local(LocalStateStore(path: (directory as NSString).appendingPathComponent("\(options.workspace).json")))
    }

    /// Local replicators of a state file live next to it: `state/default.json` -> `state/default.replicators/`.
    private static func local(_ store: LocalStateStore) -> (store: any StateStore, replicators: String) {
        (store, ((store.path as NSString).deletingPathExtension as String) + ".replicators")
    }

    /// An S3 store with the aws provider's resolution of region, credentials and trust.
    private static func s3Store(_ settings: BackendDeclaration.S3Backend, key: String, environment: [String: String]) throws -> S3StateStore {
        guard let region = RegionResolver.region(explicit: settings.region, profile: settings.profile, environment: environment)
            ?? (settings.endpoint != nil ? "us-east-1" : nil) else {
            throw StateError.backendUnsupported(location: "s3://\(settings.bucket)/\(key)", reason: "no region: set region in the backend block or AWS_REGION")
        }
        let credentials = try CredentialResolver.resolve(accessKeyID: nil, secretAccessKey: nil, sessionToken: nil, profile: settings.profile,
                                                         environment: environment)
        let configuration = AWSClientConfiguration(region: region, credentials: credentials, endpointOverride: settings.endpoint, environment: environment,
                                                   trust: try TLSTrust.resolve(caBundle: settings.caBundle, environment: environment))
        return S3StateStore(client: S3Client(configuration: configuration, transport: transport), bucket: settings.bucket, key: key,
                            requireEncryption: settings.requireEncryption ?? (settings.endpoint == nil))
    }
}

/// A backend that could not be set up (no credentials, an unreadable CA bundle): every use says why.
struct UnavailableStateStore: StateStore {
    let location: String
    let reason: String

    private func fail() throws -> Never { throw StateError.backendUnsupported(location: location, reason: reason) }
    func read() throws -> StateFile? { try fail() }
    func write(_ state: StateFile) throws { try fail() }
    func hasJournal() throws -> Bool { try fail() }
    func openJournal(base: StateFile) throws -> any JournalWriter { try fail() }
    func lock(_ info: LockInfo) throws { try fail() }
    func unlock(_ info: LockInfo) throws { try fail() }
    func currentLock() throws -> LockInfo? { try fail() }
    func forceUnlock(id: String) throws { try fail() }
}
