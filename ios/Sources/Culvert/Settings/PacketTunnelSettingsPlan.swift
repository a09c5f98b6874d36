// NetworkSettings → the values of an NEPacketTunnelNetworkSettings, as plain Swift.
// The translation decides nothing the Rust core has not decided (routes, DNS, MTU
// come from `NetworkSettings`); it only reshapes them. Pure: tested on Linux. The
// NetworkExtension objects are built from a plan in `PacketTunnelSettingsPlan+NE.swift`.

/// What the platform gets from the Rust core's `NetworkSettings`, as strings.
///
/// Addresses and routes are `address/prefix` text; a bare address is a host
/// route. Build one from a generated `NetworkSettings` with
/// `SettingsInput(_:)` (see `Bindings+Culvert.swift`), or by hand in tests.
public struct SettingsInput: Equatable, Sendable {
    /// Interface addresses (`Address =`), e.g. `10.8.0.2/32`, `fd00::2/128`.
    public var addresses: [String]
    /// Routes sent into the tunnel (from the peers' `AllowedIPs`).
    public var includedRoutes: [String]
    /// Routes kept outside the tunnel.
    public var excludedRoutes: [String]
    /// DNS servers (`DNS =` addresses).
    public var dnsServers: [String]
    /// DNS search domains (`DNS =` names).
    public var searchDomains: [String]
    /// Domains whose queries go to `dnsServers`; `nil` means all of them.
    public var matchDomains: [String]?
    /// The interface MTU; `nil` lets the system derive it (see `PacketTunnelSettingsPlan.tunnelOverheadBytes`).
    public var mtu: Int?
    /// Shown by the system as the VPN server; `nil` uses a placeholder.
    public var remoteAddress: String?

    /// Creates an input; every list defaults to empty.
    public init(addresses: [String] = [], includedRoutes: [String] = [], excludedRoutes: [String] = [],
                dnsServers: [String] = [], searchDomains: [String] = [], matchDomains: [String]? = nil,
                mtu: Int? = nil, remoteAddress: String? = nil) {
        self.addresses = addresses
        self.includedRoutes = includedRoutes
        self.excludedRoutes = excludedRoutes
        self.dnsServers = dnsServers
        self.searchDomains = searchDomains
        self.matchDomains = matchDomains
        self.mtu = mtu
        self.remoteAddress = remoteAddress
    }
}

/// Why a `SettingsInput` cannot become tunnel settings.
public enum SettingsTranslationError: Error, Equatable, CustomStringConvertible {
    /// A field holds text that is not `address[/prefix]`.
    case invalidNetwork(field: String, value: String)
    /// A DNS server is not an IP address.
    case invalidDNSServer(String)
    /// The tunnel has no interface address at all.
    case noAddresses
    /// The MTU is outside what NetworkExtension accepts (576...65535 for IPv4, 1280... with IPv6).
    case invalidMTU(Int)

    /// A sentence an app can show or log.
    public var description: String {
        switch self {
        case let .invalidNetwork(field, value): return "\(field): '\(value)' is not an address or address/prefix"
        case let .invalidDNSServer(value): return "DNS: '\(value)' is not an IP address"
        case .noAddresses: return "Address: the tunnel needs at least one interface address"
        case let .invalidMTU(mtu): return "MTU: \(mtu) is outside 576...65535 (1280... when the tunnel has IPv6)"
        }
    }
}

/// The values of an `NEPacketTunnelNetworkSettings`, in plain Swift.
public struct PacketTunnelSettingsPlan: Equatable, Sendable {
    /// An IPv4 address or route in NetworkExtension's form.
    public struct IPv4Entry: Equatable, Sendable {
        /// Dotted-quad address (routes: the network address).
        public var address: String
        /// Dotted-quad subnet mask.
        public var subnetMask: String
        /// `0.0.0.0/0`: built with `NEIPv4Route.default()`.
        public var isDefault: Bool { subnetMask == "0.0.0.0" }
    }

    /// An IPv6 address or route in NetworkExtension's form.
    public struct IPv6Entry: Equatable, Sendable {
        /// Canonical address (routes: the network address).
        public var address: String
        /// Prefix length, 0...128.
        public var prefixLength: Int
        /// `::/0`: built with `NEIPv6Route.default()`.
        public var isDefault: Bool { prefixLength == 0 }
    }

    /// The placeholder remote address when the configuration names none; like
    /// WireGuardKit, the system only displays it.
    public static let placeholderRemoteAddress = "127.0.0.1"
    /// Bytes WireGuard adds to each packet over IPv6 (40 IPv6 + 8 UDP + 32 WireGuard);
    /// used as `tunnelOverheadBytes` when no MTU is configured.
    public static let wireGuardOverheadBytes = 80

    /// `tunnelRemoteAddress`.
    public var tunnelRemoteAddress: String
    /// `ipv4Settings.addresses` / `subnetMasks`; empty means no `ipv4Settings`.
    public var ipv4Addresses: [IPv4Entry] = []
    /// `ipv4Settings.includedRoutes`.
    public var ipv4IncludedRoutes: [IPv4Entry] = []
    /// `ipv4Settings.excludedRoutes`.
    public var ipv4ExcludedRoutes: [IPv4Entry] = []
    /// `ipv6Settings.addresses` / `networkPrefixLengths`; empty means no `ipv6Settings`.
    public var ipv6Addresses: [IPv6Entry] = []
    /// `ipv6Settings.includedRoutes`.
    public var ipv6IncludedRoutes: [IPv6Entry] = []
    /// `ipv6Settings.excludedRoutes`.
    public var ipv6ExcludedRoutes: [IPv6Entry] = []
    /// `dnsSettings.servers`; empty means no `dnsSettings`.
    public var dnsServers: [String] = []
    /// `dnsSettings.searchDomains`.
    public var searchDomains: [String] = []
    /// `dnsSettings.matchDomains`; `[""]` sends every query to the tunnel's servers.
    public var matchDomains: [String] = []
    /// `mtu`, when configured.
    public var mtu: Int?
    /// `tunnelOverheadBytes`, when no MTU is configured.
    public var tunnelOverheadBytes: Int?

    /// Translates `input`; throws on text that is not an address.
    ///
    /// Rules (the same as WireGuardKit's `PacketTunnelSettingsGenerator` where it
    /// has one): routes are normalised to their network address; DNS queries for
    /// every domain go to the tunnel's servers unless `matchDomains` narrows them
    /// (`matchDomains = [""]`); no MTU means `tunnelOverheadBytes = 80`.
    public static func translate(_ input: SettingsInput) throws -> PacketTunnelSettingsPlan {
        var plan = PacketTunnelSettingsPlan(
            tunnelRemoteAddress: input.remoteAddress.flatMap { $0.isEmpty ? nil : $0 } ?? placeholderRemoteAddress)

        for text in input.addresses {
            guard let network = IPNetwork(text) else { throw SettingsTranslationError.invalidNetwork(field: "Address", value: text) }
            switch network.family {
            case .ipv4: plan.ipv4Addresses.append(IPv4Entry(address: network.address, subnetMask: network.subnetMask ?? ""))
            case .ipv6: plan.ipv6Addresses.append(IPv6Entry(address: network.address, prefixLength: network.prefixLength))
            }
        }
        if plan.ipv4Addresses.isEmpty && plan.ipv6Addresses.isEmpty { throw SettingsTranslationError.noAddresses }

        for (field, list, included) in [("AllowedIPs", input.includedRoutes, true), ("ExcludedRoutes", input.excludedRoutes, false)] {
            for text in list {
                guard let network = IPNetwork(text) else { throw SettingsTranslationError.invalidNetwork(field: field, value: text) }
                switch network.family {
                case .ipv4:
                    let entry = IPv4Entry(address: network.networkAddress, subnetMask: network.subnetMask ?? "")
                    if included { plan.ipv4IncludedRoutes.appendUnique(entry) } else { plan.ipv4ExcludedRoutes.appendUnique(entry) }
                case .ipv6:
                    let entry = IPv6Entry(address: network.networkAddress, prefixLength: network.prefixLength)
                    if included { plan.ipv6IncludedRoutes.appendUnique(entry) } else { plan.ipv6ExcludedRoutes.appendUnique(entry) }
                }
            }
        }

        for server in input.dnsServers {
            guard let network = IPNetwork(server), network.prefixLength == (network.family == .ipv4 ? 32 : 128),
                  !server.contains("/") else { throw SettingsTranslationError.invalidDNSServer(server) }
            plan.dnsServers.append(network.address)
        }
        if !plan.dnsServers.isEmpty {
            plan.searchDomains = input.searchDomains
            plan.matchDomains = input.matchDomains ?? [""]
        }

        if let mtu = input.mtu, mtu != 0 {
            let minimum = plan.ipv6Addresses.isEmpty ? 576 : 1280
            guard (minimum...65535).contains(mtu) else { throw SettingsTranslationError.invalidMTU(mtu) }
            plan.mtu = mtu
        } else {
            plan.tunnelOverheadBytes = wireGuardOverheadBytes
        }
        return plan
    }
}

extension Array where Element: Equatable {
    mutating func appendUnique(_ element: Element) {
        if !contains(element) { append(element) }
    }
}
