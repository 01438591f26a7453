import Foundation

/// This machine's addresses as other processes on it can reach them.
public enum HostAddress {
    /// The first IPv4 address of an interface that is up and not the loopback: an address the API server's pod
    /// proxy accepts (it refuses loopback pod IPs). Throws, saying so, on a machine without one.
    public static func nonLoopbackIPv4() throws -> String {
        var interfaces: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&interfaces) == 0, let first = interfaces else { throw TestScriptError("getifaddrs failed: errno \(errno)") }
        defer { freeifaddrs(interfaces) }
        for interface in sequence(first: first, next: { $0.pointee.ifa_next }) {
            let flags = Int32(interface.pointee.ifa_flags)
            guard let address = interface.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                  flags & Int32(IFF_UP) != 0, flags & Int32(IFF_LOOPBACK) == 0 else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            return String(cString: host)
        }
        throw TestScriptError("this machine has no IPv4 address besides the loopback; the pod-proxy test needs one (the API server refuses to proxy to 127.0.0.1)")
    }
}
