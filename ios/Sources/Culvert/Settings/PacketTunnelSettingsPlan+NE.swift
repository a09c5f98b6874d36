// The NetworkExtension edge of the settings translation: a plan (plain values,
// tested on Linux) becomes an NEPacketTunnelNetworkSettings. Apple platforms only.

#if canImport(NetworkExtension)
import Foundation
import NetworkExtension

extension PacketTunnelSettingsPlan {
    /// The settings to pass to `setTunnelNetworkSettings`.
    public func networkSettings() -> NEPacketTunnelNetworkSettings {
        let settings = NEPacketTunnelNetworkSettings(tunnelRemoteAddress: tunnelRemoteAddress)

        // Every family with an address or a route gets its settings, even with no
        // address: otherwise its routes stay on the physical interface (a leak).
        if ipv4Enabled {
            let ipv4 = NEIPv4Settings(addresses: ipv4Addresses.map(\.address),
                                      subnetMasks: ipv4Addresses.map(\.subnetMask))
            ipv4.includedRoutes = ipv4IncludedRoutes.map(Self.route)
            ipv4.excludedRoutes = ipv4ExcludedRoutes.map(Self.route)
            settings.ipv4Settings = ipv4
        }
        if ipv6Enabled {
            let ipv6 = NEIPv6Settings(addresses: ipv6Addresses.map(\.address),
                                      networkPrefixLengths: ipv6Addresses.map { NSNumber(value: $0.prefixLength) })
            ipv6.includedRoutes = ipv6IncludedRoutes.map(Self.route)
            ipv6.excludedRoutes = ipv6ExcludedRoutes.map(Self.route)
            settings.ipv6Settings = ipv6
        }
        if hasDNSSettings {
            let dns = NEDNSSettings(servers: dnsServers)
            dns.searchDomains = searchDomains
            if !matchDomains.isEmpty { dns.matchDomains = matchDomains }
            settings.dnsSettings = dns
        }
        if let mtu = mtu {
            settings.mtu = NSNumber(value: mtu)
        } else if let overhead = tunnelOverheadBytes {
            settings.tunnelOverheadBytes = NSNumber(value: overhead)
        }
        return settings
    }

    private static func route(_ entry: IPv4Entry) -> NEIPv4Route {
        entry.isDefault ? NEIPv4Route.default() : NEIPv4Route(destinationAddress: entry.address, subnetMask: entry.subnetMask)
    }

    private static func route(_ entry: IPv6Entry) -> NEIPv6Route {
        entry.isDefault ? NEIPv6Route.default()
            : NEIPv6Route(destinationAddress: entry.address, networkPrefixLength: NSNumber(value: entry.prefixLength))
    }
}
#endif
