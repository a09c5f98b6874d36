// Endpoint names resolved the way Apple asks VPN apps to (NAT64/DNS64: App Review
// tests on IPv6-only networks): `getaddrinfo` with `AI_DEFAULT`, IPv4 literals
// passed through it too so that the system synthesises their NAT64 address, on
// the underlying network, before the tunnel's DNS settings exist. Portable:
// compiled and tested on Linux (where `AI_DEFAULT` does not exist and the flags are
// spelled out; there is no NAT64 synthesis there).

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif
import Foundation

/// `getaddrinfo` for endpoint hosts.
public enum EndpointLookup {
    /// The `ai_flags` used: `AI_DEFAULT` (`AI_V4MAPPED_CFG | AI_ADDRCONFIG`) on
    /// Apple platforms, `AI_V4MAPPED | AI_ADDRCONFIG` elsewhere.
    public static var flags: Int32 {
        #if canImport(Darwin)
        return AI_DEFAULT
        #else
        return AI_V4MAPPED | AI_ADDRCONFIG
        #endif
    }

    /// The addresses of `host` (a name or an IP literal) as text, deduplicated, in
    /// the system's order. Throws `EndpointLookupError` when the system has none.
    public static func addresses(of host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_flags = flags
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        #else
        hints.ai_socktype = SOCK_DGRAM
        #endif
        hints.ai_protocol = Int32(IPPROTO_UDP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw EndpointLookupError(code: status, detail: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var result: [String] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            if let text = numericHost(current.pointee), !result.contains(text) { result.append(text) }
            node = current.pointee.ai_next
        }
        if result.isEmpty { throw EndpointLookupError(code: 0, detail: "no address") }
        return result
    }

    private static func numericHost(_ info: addrinfo) -> String? {
        guard let address = info.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = getnameinfo(address, info.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        guard status == 0 else { return nil }
        let text = String(nulTerminated: buffer)
        // A scope id (`fe80::1%en0`) cannot be parsed by the core: drop it.
        return text.split(separator: "%").first.map(String.init)
    }
}

/// `getaddrinfo` found no address.
public struct EndpointLookupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `EAI_*` code (0: answered, but with nothing usable).
    public let code: Int32
    /// `gai_strerror`'s text.
    public let detail: String
    /// A sentence for logs (never the host: it may identify the user's server).
    public var description: String { "endpoint lookup failed: \(detail) (\(code))" }
}

/// The core's `Resolver` hook answered by `EndpointLookup`, with answers fetched
/// ahead by `prime` (before the tunnel's settings are applied) served first.
///
/// The core asks it for host names and, because a platform resolver is set, for
/// IPv4 literal endpoints too (see docs/ios.md, NAT64): the system's answer — a
/// NAT64-synthesised IPv6 address on an IPv6-only network — wins over the
/// literal.
public final class UnderlyingNetworkResolver: Resolver, @unchecked Sendable {
    private let lock = NSLock()
    private var primed: [String: [String]] = [:]
    private let lookup: @Sendable (String) throws -> [String]

    /// Creates a resolver; `lookup` defaults to `EndpointLookup.addresses(of:)`.
    public init(lookup: @escaping @Sendable (String) throws -> [String] = EndpointLookup.addresses(of:)) {
        self.lookup = lookup
    }

    /// Resolves `hosts` now and keeps the answers for the tunnel's first lookups.
    /// Failures are left for the core to retry.
    public func prime(_ hosts: [String]) {
        for host in hosts {
            guard let answer = try? lookup(host) else { continue }
            lock.lock(); primed[host] = answer; lock.unlock()
        }
    }

    /// Hosts primed and not yet asked for (tests).
    public var primedHosts: [String] {
        lock.lock(); defer { lock.unlock() }
        return primed.keys.sorted()
    }

    /// Called by the core on its resolver thread: a primed answer once, then live lookups.
    public func resolve(host: String) throws -> [String] {
        lock.lock()
        let ready = primed.removeValue(forKey: host)
        lock.unlock()
        if let ready = ready { return ready }
        do { return try lookup(host) } catch { throw CallbackError.Failed(detail: String(describing: error)) }
    }

    /// The hosts worth priming in `config`: every peer endpoint that is a name or
    /// an IPv4 literal (IPv6 literals need no synthesis).
    public static func endpointHosts(of config: TunnelConfig) -> [String] {
        config.peers().compactMap { $0.endpoint.flatMap(endpointHost) }.filter { host in
            IPNetwork(host)?.family != .ipv6
        }
    }
}
