// NWPathMonitor updates → `network_changed()` calls, decided on plain values.
// Pure (plus `getifaddrs`): tested on Linux. The monitor itself lives in the
// NetworkExtension edge.

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// The parts of an `NWPath` that matter to the tunnel.
public struct PathSummary: Equatable, Sendable {
    /// `NWPath.Status`.
    public enum Status: String, Equatable, Sendable {
        /// `.satisfied`.
        case satisfied
        /// `.unsatisfied`: no network.
        case unsatisfied
        /// `.requiresConnection`: usable once something connects (on-demand
        /// cellular, a VPN on demand); satisfiable, so not "no network".
        case requiresConnection
    }

    /// `path.status`.
    public var status: Status
    /// Names of `path.availableInterfaces`, in order (the first one carries traffic).
    public var interfaces: [String]
    /// `path.supportsIPv4`.
    public var supportsIPv4: Bool
    /// `path.supportsIPv6`.
    public var supportsIPv6: Bool
    /// `path.gateways`, as text: a new gateway on the same interface (Wi-Fi to
    /// Wi-Fi) is a different network.
    public var gateways: [String]
    /// The addresses of the first interface (`InterfaceAddresses.of`): new
    /// addresses on the same interface are a different network too.
    public var addresses: [String]

    /// Creates a summary.
    public init(status: Status, interfaces: [String], supportsIPv4: Bool = true, supportsIPv6: Bool = false,
                gateways: [String] = [], addresses: [String] = []) {
        self.status = status
        self.interfaces = interfaces
        self.supportsIPv4 = supportsIPv4
        self.supportsIPv6 = supportsIPv6
        self.gateways = gateways
        self.addresses = addresses
    }

    /// Creates a summary from a satisfied/unsatisfied flag.
    public init(isSatisfied: Bool, interfaces: [String], supportsIPv4: Bool = true, supportsIPv6: Bool = false,
                gateways: [String] = [], addresses: [String] = []) {
        self.init(status: isSatisfied ? .satisfied : .unsatisfied, interfaces: interfaces, supportsIPv4: supportsIPv4,
                  supportsIPv6: supportsIPv6, gateways: gateways, addresses: addresses)
    }

    /// There is (or can be) a network: `.satisfied` or `.requiresConnection`.
    public var isUsable: Bool { status != .unsatisfied }
}

/// Turns the stream of path updates into the few moments the tunnel must rebind
/// its sockets and re-resolve endpoints.
///
/// - The first update is the path at start: it is the baseline, not a change.
/// - An unsatisfied path changes nothing (no network to rebind to); it is remembered.
/// - A usable path (`.satisfied` or `.requiresConnection`) that differs from the
///   last usable one — other interfaces, gateways, addresses or IP families, so a
///   Wi-Fi to Wi-Fi switch on `en0` with no unsatisfied moment counts — or that
///   follows an unsatisfied one, is a change. `.satisfied` ⇄ `.requiresConnection`
///   alone is not.
public struct PathChangeFilter: Sendable {
    private var lastUsable: PathSummary?
    private var sawUnsatisfied = false
    private var started = false

    /// Creates a filter with no baseline.
    public init() {}

    /// `true` when `path` should trigger `network_changed()`.
    public mutating func shouldNotify(_ path: PathSummary) -> Bool {
        defer { started = true }
        guard path.isUsable else {
            sawUnsatisfied = true
            return false
        }
        var comparable = path
        comparable.status = .satisfied
        let changed = started && (sawUnsatisfied || lastUsable != comparable)
        lastUsable = comparable
        sawUnsatisfied = false
        return changed
    }
}

/// The IP addresses of a network interface (`getifaddrs`).
public enum InterfaceAddresses {
    /// The numeric addresses of interface `name`, sorted; empty if it has none.
    public static func of(_ name: String) -> [String] {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0, let first = head else { return [] }
        defer { freeifaddrs(first) }
        var result: Set<String> = []
        var node: UnsafeMutablePointer<ifaddrs>? = first
        while let current = node {
            defer { node = current.pointee.ifa_next }
            guard let cname = current.pointee.ifa_name, String(cString: cname) == name,
                  let address = current.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                result.insert(String(nulTerminated: buffer))
            }
        }
        return result.sorted()
    }
}
