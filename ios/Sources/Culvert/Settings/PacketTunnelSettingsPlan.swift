// NetworkSettings → the values of an NEPacketTunnelNetworkSettings, as plain Swift.
// The translation decides nothing the Rust core has not decided (routes, DNS, MTU
// come from `NetworkSettings`); it only reshapes them. Pure: tested on Linux. The
// NetworkExtension objects are built from a plan in `PacketTunnelSettingsPlan+NE.swift`.

/// What the platform gets from the Rust core's `NetworkSettings`, as strings.
///
/// Addresses and routes are `address/prefix` text; a bare address is a host
/// route. Build one from a generated `NetworkSettings` with
/// `SettingsInput(_:)` (see `CulvertEngine.swift`), or by hand in tests.
public struct SettingsInput: Equatable, Sendable {
    /// Interface addresses (`Address =`), e.g. `10.8.0.2/32`, `fd00::2/128`.
    public var addresses: [String]
    /// Routes sent into the tunnel (from the peers' `AllowedIPs`).
    public var includedRoutes: [String]
    /// Routes kept outside the tunnel.
    public var excludedRoutes: [String]
    /// Each interface address's own subnet (the core's `interface_routes`),
    /// added to the included routes as WireGuardKit does.
    public var interfaceRoutes: [String]
    /// Configure IPv4 on the interface (the core's `ipv4_enabled`: an IPv4 address
    /// or included route). `nil`: derived by the same rule from the lists above.
    public var ipv4Enabled: Bool?
    /// Configure IPv6 (the core's `ipv6_enabled`). `nil`: derived as for IPv4.
    public var ipv6Enabled: Bool?
    /// DNS servers (`DNS =` addresses).
    public var dnsServers: [String]
    /// DNS search domains (`DNS =` names).
    public var searchDomains: [String]
    /// The interface MTU; `nil` lets the system derive it (see `PacketTunnelSettingsPlan.tunnelOverheadBytes`).
    public var mtu: Int?
    /// What the system shows as the VPN server in Settings
    /// (`NETunnelProviderProtocol.serverAddress`). Never the tunnel's
    /// `tunnelRemoteAddress`, which is always `127.0.0.1`.
    public var remoteAddress: String?

    /// Creates an input; every list defaults to empty.
    public init(addresses: [String] = [], includedRoutes: [String] = [], excludedRoutes: [String] = [],
                interfaceRoutes: [String] = [], ipv4Enabled: Bool? = nil, ipv6Enabled: Bool? = nil,
                dnsServers: [String] = [], searchDomains: [String] = [],
                mtu: Int? = nil, remoteAddress: String? = nil) {
        self.addresses = addresses
        self.includedRoutes = includedRoutes
        self.excludedRoutes = excludedRoutes
        self.interfaceRoutes = interfaceRoutes
        self.ipv4Enabled = ipv4Enabled
        self.ipv6Enabled = ipv6Enabled
        self.dnsServers = dnsServers
        self.searchDomains = searchDomains
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
        /// Prefix length, 0...128 (interface addresses: at most `maxIPv6AddressPrefix`).
        public var prefixLength: Int
        /// `::/0`: built with `NEIPv6Route.default()`.
        public var isDefault: Bool { prefixLength == 0 }
    }

    /// `tunnelRemoteAddress`, always: the system only displays it and excludes a
    /// route to it, so it must be an address and never the peer's host name (as
    /// WireGuardKit does). The server shown in Settings is `serverAddress`.
    public static let placeholderRemoteAddress = "127.0.0.1"
    /// Bytes WireGuard adds to each packet over IPv6 (40 IPv6 + 8 UDP + 32 WireGuard);
    /// used as `tunnelOverheadBytes` when no MTU is configured.
    public static let wireGuardOverheadBytes = 80
    /// The longest IPv6 interface prefix handed to `NEIPv6Settings`: longer ones
    /// (`/128`) are clamped to `/120`, as WireGuardKit does (NetworkExtension
    /// otherwise fails to configure the address).
    public static let maxIPv6AddressPrefix = 120

    /// `tunnelRemoteAddress` (always `placeholderRemoteAddress`).
    public var tunnelRemoteAddress: String = placeholderRemoteAddress
    /// Create `ipv4Settings` (even with no address: the family's routes are then
    /// claimed by the tunnel instead of leaking to the physical interface).
    public var ipv4Enabled = false
    /// `ipv4Settings.addresses` / `subnetMasks` (may be empty when `ipv4Enabled`).
    public var ipv4Addresses: [IPv4Entry] = []
    /// `ipv4Settings.includedRoutes`.
    public var ipv4IncludedRoutes: [IPv4Entry] = []
    /// `ipv4Settings.excludedRoutes`.
    public var ipv4ExcludedRoutes: [IPv4Entry] = []
    /// Create `ipv6Settings` (even with no address, as for IPv4).
    public var ipv6Enabled = false
    /// `ipv6Settings.addresses` / `networkPrefixLengths` (may be empty when `ipv6Enabled`).
    public var ipv6Addresses: [IPv6Entry] = []
    /// `ipv6Settings.includedRoutes`.
    public var ipv6IncludedRoutes: [IPv6Entry] = []
    /// `ipv6Settings.excludedRoutes`.
    public var ipv6ExcludedRoutes: [IPv6Entry] = []
    /// `dnsSettings.servers`.
    public var dnsServers: [String] = []
    /// `dnsSettings.searchDomains`.
    public var searchDomains: [String] = []
    /// `dnsSettings.matchDomains`: `[""]` (every query to the tunnel's servers)
    /// whenever there are servers; empty otherwise.
    public var matchDomains: [String] = []
    /// `mtu`, when configured.
    public var mtu: Int?
    /// `tunnelOverheadBytes`, when no MTU is configured.
    public var tunnelOverheadBytes: Int?

    /// Whether `dnsSettings` is set: there are servers or search domains.
    public var hasDNSSettings: Bool { !dnsServers.isEmpty || !searchDomains.isEmpty }

    /// Translates `input`; throws on text that is not an address.
    ///
    /// Rules (the same as WireGuardKit's `PacketTunnelSettingsGenerator`):
    /// - a family is configured when it has an address or an included route
    ///   (`Address = 10.0.0.2/32` with `AllowedIPs = ::/0` gets `ipv6Settings` with
    ///   no address, so IPv6 cannot leak outside the tunnel);
    /// - IPv6 interface prefixes are clamped to `/120`;
    /// - each address's subnet is an included route; routes are normalised to their
    ///   network address and deduplicated;
    /// - DNS: `matchDomains = [""]` whenever there are servers (every query goes to
    ///   the tunnel's servers; split DNS would be an explicit option); search domains
    ///   are kept even without servers;
    /// - `tunnelRemoteAddress` is `127.0.0.1`; no MTU means `tunnelOverheadBytes = 80`.
    public static func translate(_ input: SettingsInput) throws -> PacketTunnelSettingsPlan {
        var plan = PacketTunnelSettingsPlan()

        for text in input.addresses {
            guard let network = IPNetwork(text) else { throw SettingsTranslationError.invalidNetwork(field: "Address", value: text) }
            switch network.family {
            case .ipv4: plan.ipv4Addresses.append(IPv4Entry(address: network.address, subnetMask: network.subnetMask ?? ""))
            case .ipv6:
                plan.ipv6Addresses.append(IPv6Entry(address: network.address,
                                                    prefixLength: min(network.prefixLength, maxIPv6AddressPrefix)))
            }
        }
        if plan.ipv4Addresses.isEmpty && plan.ipv6Addresses.isEmpty { throw SettingsTranslationError.noAddresses }

        let lists = [("AllowedIPs", input.includedRoutes, true), ("Address", input.interfaceRoutes, true),
                     ("ExcludedRoutes", input.excludedRoutes, false)]
        for (field, list, included) in lists {
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
        plan.ipv4Enabled = input.ipv4Enabled ?? (!plan.ipv4Addresses.isEmpty || !plan.ipv4IncludedRoutes.isEmpty)
        plan.ipv6Enabled = input.ipv6Enabled ?? (!plan.ipv6Addresses.isEmpty || !plan.ipv6IncludedRoutes.isEmpty)

        for server in input.dnsServers {
            guard let network = IPNetwork(server), network.prefixLength == (network.family == .ipv4 ? 32 : 128),
                  !server.contains("/") else { throw SettingsTranslationError.invalidDNSServer(server) }
            plan.dnsServers.append(network.address)
        }
        plan.searchDomains = input.searchDomains
        plan.matchDomains = plan.dnsServers.isEmpty ? [] : [""]

        if let mtu = input.mtu, mtu != 0 {
            let minimum = plan.ipv6Enabled ? 1280 : 576
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
