import Foundation

/// Which proxy a cluster is reached through, as client-go chooses it.
enum ProxySelection {
    /// The kubeconfig's `proxy-url` when set; else `HTTPS_PROXY` (https servers) or `HTTP_PROXY` (http servers), upper
    /// or lower case, unless `NO_PROXY` lists the host (exact, a `.suffix`, a domain and its subdomains, or `*`) or the
    /// host is loopback, which Go's proxy selection never proxies.
    static func proxy(explicit: String?, server: URL, environment: [String: String]) throws -> URL? {
        if let explicit, !explicit.isEmpty {
            guard let url = URL(string: explicit), let scheme = url.scheme?.lowercased(), ["http", "https", "socks5"].contains(scheme), url.host != nil else {
                throw KubeconfigError("proxy-url \(explicit) is not an http, https or socks5 URL")
            }
            return url
        }
        let host = (server.host ?? "").lowercased()
        if host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]" { return nil }
        func variable(_ name: String) -> String? {
            (environment[name] ?? environment[name.lowercased()]).flatMap { $0.isEmpty ? nil : $0 }
        }
        let chosen = server.scheme?.lowercased() == "https" ? variable("HTTPS_PROXY") : variable("HTTP_PROXY")
        guard let chosen else { return nil }
        if let exempt = variable("NO_PROXY"), exempts(host: host, list: exempt) { return nil }
        let text = chosen.contains("://") ? chosen : "http://" + chosen
        guard let url = URL(string: text), url.host != nil else { throw KubeconfigError("the proxy \(chosen) from the environment is not a URL") }
        return url
    }

    static func exempts(host: String, list: String) -> Bool {
        for raw in list.split(separator: ",") {
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if let colon = entry.lastIndex(of: ":"), !entry.contains("]") || entry.hasSuffix("]") == false { entry = String(entry[..<colon]) }
            if entry.isEmpty { continue }
            if entry.hasPrefix(".") ? host.hasSuffix(entry) : (host == entry || host.hasSuffix("." + entry)) { return true }
        }
        return false
    }
}
