import Foundation
import TLSTrust

/// Reads kubeconfig files the way kubectl does and resolves one context into a ``ClusterAccess``.
///
/// - An explicit path reads that file only. Otherwise `KUBECONFIG` lists files (separated by `:`), merged in order:
///   the first file that defines a cluster, user or context name wins, and the first `current-context` set wins;
///   listed files that do not exist are skipped. Without `KUBECONFIG`, `~/.kube/config`. Inside a pod with none of
///   these, the pod's service account (`in-cluster`).
/// - Relative paths inside a file are relative to that file's directory.
public enum KubeconfigLoader {
    /// The access for `context` (default: the merged `current-context`) of the kubeconfig at `path` (default: as
    /// kubectl finds it).
    public static func load(path: String? = nil, context: String? = nil, environment: [String: String]) throws -> ClusterAccess {
        let files: [String]
        if let path {
            files = [expandHome(path, environment)]
            guard FileManager.default.fileExists(atPath: files[0]) else { throw KubeconfigError("kubeconfig \(files[0]) does not exist") }
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            files = list.split(separator: ":").map { expandHome(String($0), environment) }.filter { FileManager.default.fileExists(atPath: $0) }
            guard !files.isEmpty else { throw KubeconfigError("none of the files KUBECONFIG lists exists (\(list))") }
        } else if let home = environment["HOME"], FileManager.default.fileExists(atPath: home + "/.kube/config") {
            files = [home + "/.kube/config"]
        } else if context == nil, let access = try InClusterAccess.load(environment: environment) {
            return access
        } else {
            throw KubeconfigError("no kubeconfig: set KUBECONFIG, create ~/.kube/config, or give the provider's kubeconfig")
        }
        let merged = try MergedKubeconfig(files: files)
        return try merged.access(context: context, environment: environment)
    }

    static func expandHome(_ path: String, _ environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}

/// Several kubeconfig files merged by kubectl's rules, each entry remembering the directory of its file.
struct MergedKubeconfig {
    private(set) var clusters: [String: (Kubeconfig.Cluster, directory: String)] = [:]
    private(set) var users: [String: (Kubeconfig.User, directory: String)] = [:]
    private(set) var contexts: [String: Kubeconfig.Context] = [:]
    private(set) var currentContext: String?
    private let files: [String]

    init(files: [String]) throws {
        self.files = files
        for file in files {
            let config = try Kubeconfig.parse(try Self.read(file), path: file)
            let directory = (file as NSString).deletingLastPathComponent
            for entry in config.clusters ?? [] where clusters[entry.name] == nil { clusters[entry.name] = (entry.cluster, directory) }
            for entry in config.users ?? [] where users[entry.name] == nil { users[entry.name] = (entry.user, directory) }
            for entry in config.contexts ?? [] where contexts[entry.name] == nil { contexts[entry.name] = entry.context }
            if currentContext == nil, let current = config.currentContext, !current.isEmpty { currentContext = current }
        }
    }

    static func read(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw KubeconfigError("cannot read \(path)") }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: Kubeconfig.maximumBytes + 1) ?? Data()
        guard data.count <= Kubeconfig.maximumBytes else {
            throw KubeconfigError("\(path) is larger than \(Kubeconfig.maximumBytes / 1024 / 1024) MiB: not a kubeconfig")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw KubeconfigError("\(path) is not UTF-8 text: not a kubeconfig") }
        return text
    }

    private var origin: String { files.count == 1 ? files[0] : "the merged kubeconfig (\(files.joined(separator: ":")))" }

    func access(context requested: String?, environment: [String: String]) throws -> ClusterAccess {
        guard let name = requested ?? currentContext else {
            throw KubeconfigError("\(origin) sets no current-context: name a context (contexts: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let context = contexts[name] else {
            throw KubeconfigError("\(origin) has no context \"\(name)\" (contexts: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let (cluster, clusterDirectory) = clusters[context.cluster] else {
            throw KubeconfigError("context \"\(name)\" names cluster \"\(context.cluster)\", which \(origin) does not define")
        }
        guard let serverText = cluster.server, let server = URL(string: serverText), let scheme = server.scheme?.lowercased(),
              ["https", "http"].contains(scheme), server.host != nil else {
            throw KubeconfigError("cluster \"\(context.cluster)\" has no valid server URL (\(cluster.server ?? "none"))")
        }
        var user = Kubeconfig.User()
        var userDirectory = clusterDirectory
        if let userName = context.user, !userName.isEmpty {
            guard let found = users[userName] else {
                throw KubeconfigError("context \"\(name)\" names user \"\(userName)\", which \(origin) does not define")
            }
            (user, userDirectory) = found
        }
        func resolve(_ path: String, _ directory: String) -> String {
            let expanded = KubeconfigLoader.expandHome(path, environment)
            return expanded.hasPrefix("/") ? expanded : directory + "/" + expanded
        }
        let trust = try Self.trust(cluster, name: context.cluster, resolve: { resolve($0, clusterDirectory) }, environment: environment)
        let identity = try Self.identity(user, name: context.user ?? "", resolve: { resolve($0, userDirectory) })
        let credential = try Self.credential(user, name: context.user ?? "", resolve: { resolve($0, userDirectory) }, cluster: cluster, server: serverText)
        return ClusterAccess(
            contextName: name, server: server, namespace: context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            trust: trust, skipsTLSVerification: cluster.insecureSkipTLSVerify == true, tlsServerName: cluster.tlsServerName,
            clientIdentity: identity, credential: credential,
            proxy: try ProxySelection.proxy(explicit: cluster.proxyURL, server: server, environment: environment))
    }

    private static func trust(_ cluster: Kubeconfig.Cluster, name: String, resolve: (String) -> String, environment: [String: String]) throws -> TLSTrust {
        let base = try TLSTrust.resolve(caBundle: nil, environment: environment)
        if let data = cluster.certificateAuthorityData {
            guard let pem = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                throw KubeconfigError("certificate-authority-data of cluster \"\(name)\" is not base64")
            }
            return try TLSTrust(systemRoots: base.systemRoots, pem: Array(pem), source: "certificate-authority-data of cluster \"\(name)\"")
        }
        if let file = cluster.certificateAuthority {
            let path = resolve(file)
            guard let pem = FileManager.default.contents(atPath: path) else {
                throw KubeconfigError("certificate-authority \(path) of cluster \"\(name)\" cannot be read")
            }
            return try TLSTrust(systemRoots: base.systemRoots, pem: Array(pem), source: path)
        }
        return base
    }

    private static func identity(_ user: Kubeconfig.User, name: String, resolve: (String) -> String) throws -> ClientIdentity? {
        func material(data: String?, file: String?, what: String) throws -> ([UInt8], String)? {
            if let data {
                guard let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                    throw KubeconfigError("\(what)-data of user \"\(name)\" is not base64")
                }
                return (Array(bytes), "\(what)-data of user \"\(name)\"")
            }
            guard let file else { return nil }
            let path = resolve(file)
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw KubeconfigError("\(what) \(path) of user \"\(name)\" cannot be read")
            }
            return (Array(bytes), path)
        }
        let certificate = try material(data: user.clientCertificateData, file: user.clientCertificate, what: "client-certificate")
        let key = try material(data: user.clientKeyData, file: user.clientKey, what: "client-key")
        switch (certificate, key) {
        case (nil, nil): return nil
        case (let certificate?, let key?): return ClientIdentity(certificatePEM: certificate.0, keyPEM: key.0, source: certificate.1)
        default: throw KubeconfigError("user \"\(name)\" has a client certificate without its key or a key without its certificate")
        }
    }

    private static func credential(_ user: Kubeconfig.User, name: String, resolve: (String) -> String,
                                   cluster: Kubeconfig.Cluster, server: String) throws -> ClusterAccess.Credential {
        if let provider = user.authProvider {
            throw KubeconfigError("user \"\(name)\" uses the auth-provider \"\(provider.name)\", which kubectl no longer supports either: "
                                  + "use its exec credential plugin (for example kubelogin or gke-gcloud-auth-plugin)")
        }
        if let token = user.token, !token.isEmpty { return .token(token) }
        if let file = user.tokenFile, !file.isEmpty { return .tokenFile(resolve(file)) }
        if let exec = user.exec { return .exec(try ExecPlugin(exec, user: name, cluster: cluster, server: server)) }
        if let username = user.username, let password = user.password { return .basic(username: username, password: password) }
        return .none
    }
}
