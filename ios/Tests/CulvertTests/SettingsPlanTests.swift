import XCTest
@testable import Culvert

final class SettingsPlanTests: XCTestCase {
    func testIPNetworkParsesBothFamiliesAndCanonicalises() throws {
        let v4 = try XCTUnwrap(IPNetwork("10.8.0.2/24"))
        XCTAssertEqual(v4.family, .ipv4)
        XCTAssertEqual(v4.subnetMask, "255.255.255.0")
        XCTAssertEqual(v4.networkAddress, "10.8.0.0")
        let v6 = try XCTUnwrap(IPNetwork(" ::0/0 "))
        XCTAssertEqual(v6.address, "::")
        XCTAssertTrue(v6.isDefaultRoute)
        XCTAssertEqual(IPNetwork("fd00::1")?.prefixLength, 128)
        XCTAssertEqual(IPNetwork("fd00:1:2:3::9/62")?.networkAddress, "fd00:1:2::")
        XCTAssertEqual(IPNetwork("10.1.2.3/20")?.subnetMask, "255.255.240.0")
        for bad in ["", "10.0.0.1/33", "::/129", "10.0.0.256", "10.0.0.1/", "10.0.0.1/-1", "host.example", "fe80::1%en0", "10.0.0.1/1/2"] {
            XCTAssertNil(IPNetwork(bad), bad)
        }
    }

    func testFullTunnelTranslation() throws {
        let plan = try PacketTunnelSettingsPlan.translate(SettingsInput(
            addresses: ["10.8.0.2/32", "fd00::2/128"],
            includedRoutes: ["0.0.0.0/0", "::0/0"],
            excludedRoutes: ["198.51.100.7/32"],
            dnsServers: ["10.8.0.1", "fd00::1"],
            searchDomains: ["corp.example"],
            mtu: 1420,
            remoteAddress: "198.51.100.7"))
        XCTAssertEqual(plan.tunnelRemoteAddress, "127.0.0.1", "never the server's name or address")
        XCTAssertEqual(plan.ipv4Addresses, [.init(address: "10.8.0.2", subnetMask: "255.255.255.255")])
        XCTAssertEqual(plan.ipv6Addresses, [.init(address: "fd00::2", prefixLength: 120)], "clamped to /120 as WireGuardKit does")
        XCTAssertEqual(plan.ipv4IncludedRoutes.count, 1)
        XCTAssertTrue(plan.ipv4IncludedRoutes[0].isDefault)
        XCTAssertTrue(plan.ipv6IncludedRoutes[0].isDefault)
        XCTAssertEqual(plan.ipv4ExcludedRoutes, [.init(address: "198.51.100.7", subnetMask: "255.255.255.255")])
        XCTAssertEqual(plan.dnsServers, ["10.8.0.1", "fd00::1"])
        XCTAssertEqual(plan.searchDomains, ["corp.example"])
        XCTAssertEqual(plan.matchDomains, [""], "all DNS queries go to the tunnel's servers")
        XCTAssertEqual(plan.mtu, 1420)
        XCTAssertNil(plan.tunnelOverheadBytes)
    }

    func testSplitTunnelNormalisesAndDeduplicatesRoutes() throws {
        let plan = try PacketTunnelSettingsPlan.translate(SettingsInput(
            addresses: ["10.8.0.2/24"], includedRoutes: ["10.8.0.7/24", "10.8.0.0/24", "198.51.100.0/25"]))
        XCTAssertEqual(plan.ipv4IncludedRoutes.map(\.address), ["10.8.0.0", "198.51.100.0"])
        XCTAssertEqual(plan.ipv4IncludedRoutes.map(\.subnetMask), ["255.255.255.0", "255.255.255.128"])
        XCTAssertTrue(plan.ipv6Addresses.isEmpty)
        XCTAssertTrue(plan.dnsServers.isEmpty)
        XCTAssertTrue(plan.matchDomains.isEmpty, "no DNS servers: no DNS settings at all")
        XCTAssertEqual(plan.tunnelRemoteAddress, PacketTunnelSettingsPlan.placeholderRemoteAddress)
        XCTAssertNil(plan.mtu)
        XCTAssertEqual(plan.tunnelOverheadBytes, 80)
    }

    func testDNSMatchesEveryDomainWithServersAndKeepsSearchDomainsWithout() throws {
        // Split tunnel with DNS servers: still every query to the tunnel's servers.
        var plan = try PacketTunnelSettingsPlan.translate(SettingsInput(
            addresses: ["10.8.0.2"], includedRoutes: ["10.8.0.0/24"], dnsServers: ["10.8.0.1"]))
        XCTAssertEqual(plan.matchDomains, [""])
        XCTAssertTrue(plan.hasDNSSettings)
        // Search domains alone: kept (NEDNSSettings with no servers), no matchDomains.
        plan = try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["10.8.0.2"], searchDomains: ["corp.example"]))
        XCTAssertEqual(plan.searchDomains, ["corp.example"])
        XCTAssertTrue(plan.dnsServers.isEmpty)
        XCTAssertTrue(plan.matchDomains.isEmpty)
        XCTAssertTrue(plan.hasDNSSettings)
        plan = try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["10.8.0.2"], remoteAddress: "vpn.example.com"))
        XCTAssertFalse(plan.hasDNSSettings)
        XCTAssertEqual(plan.tunnelRemoteAddress, "127.0.0.1", "a host name never becomes tunnelRemoteAddress")
    }

    /// The per-family rule (item 5): a family with routes is configured even with
    /// no address, so its traffic cannot leave outside the tunnel.
    func testV4OnlyAddressWithDualStackRoutesClaimsIPv6() throws {
        let plan = try PacketTunnelSettingsPlan.translate(SettingsInput(
            addresses: ["10.0.0.2/32"], includedRoutes: ["0.0.0.0/0", "::/0"], interfaceRoutes: ["10.0.0.2/32"]))
        XCTAssertTrue(plan.ipv4Enabled)
        XCTAssertTrue(plan.ipv6Enabled, "IPv6 default route without an IPv6 address: ipv6Settings still created")
        XCTAssertTrue(plan.ipv6Addresses.isEmpty)
        XCTAssertEqual(plan.ipv6IncludedRoutes.map(\.isDefault), [true])
    }

    func testV6OnlyAddressWithDualStackRoutesClaimsIPv4() throws {
        let plan = try PacketTunnelSettingsPlan.translate(SettingsInput(
            addresses: ["fd00::2/64"], includedRoutes: ["0.0.0.0/0", "::/0"], interfaceRoutes: ["fd00::/64"], mtu: 1280))
        XCTAssertTrue(plan.ipv4Enabled, "the IPv4 default route is kept without an IPv4 address")
        XCTAssertTrue(plan.ipv4Addresses.isEmpty)
        XCTAssertEqual(plan.ipv4IncludedRoutes.map(\.isDefault), [true])
        XCTAssertEqual(plan.ipv6Addresses, [.init(address: "fd00::2", prefixLength: 64)])
        XCTAssertEqual(plan.ipv6IncludedRoutes.map(\.address), ["::", "fd00::"], "the interface subnet is a route")
    }

    func testDualStackSplitTunnelWithInterfaceRoutes() throws {
        let plan = try PacketTunnelSettingsPlan.translate(SettingsInput(
            addresses: ["10.8.0.2/24", "fd00::2/128"], includedRoutes: ["198.51.100.0/24"],
            interfaceRoutes: ["10.8.0.0/24", "fd00::2/128"]))
        XCTAssertTrue(plan.ipv4Enabled && plan.ipv6Enabled)
        XCTAssertEqual(plan.ipv4IncludedRoutes.map(\.address), ["198.51.100.0", "10.8.0.0"])
        XCTAssertEqual(plan.ipv6Addresses.map(\.prefixLength), [120])
        XCTAssertEqual(plan.ipv6IncludedRoutes, [.init(address: "fd00::2", prefixLength: 128)], "the route keeps /128")
        // A v4-only split tunnel leaves IPv6 alone (nothing of it is claimed).
        let v4 = try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["10.8.0.2/32"], includedRoutes: ["10.8.0.0/24"]))
        XCTAssertFalse(v4.ipv6Enabled)
        // The core's decision wins over the derived one.
        let forced = try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["10.8.0.2/32"], ipv4Enabled: true, ipv6Enabled: true))
        XCTAssertTrue(forced.ipv6Enabled)
    }

    func testBadInputIsATypedError() {
        XCTAssertThrowsError(try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: []))) {
            XCTAssertEqual($0 as? SettingsTranslationError, .noAddresses)
        }
        XCTAssertThrowsError(try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["10.0.0.300/32"]))) {
            XCTAssertEqual($0 as? SettingsTranslationError, .invalidNetwork(field: "Address", value: "10.0.0.300/32"))
        }
        XCTAssertThrowsError(try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["10.0.0.1"], includedRoutes: ["nope"]))) {
            XCTAssertEqual($0 as? SettingsTranslationError, .invalidNetwork(field: "AllowedIPs", value: "nope"))
        }
        XCTAssertThrowsError(try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["10.0.0.1"], dnsServers: ["10.0.0.0/24"]))) {
            XCTAssertEqual($0 as? SettingsTranslationError, .invalidDNSServer("10.0.0.0/24"))
        }
        XCTAssertThrowsError(try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["fd00::2"], mtu: 1000))) {
            XCTAssertEqual($0 as? SettingsTranslationError, .invalidMTU(1000), "IPv6 needs 1280")
        }
        XCTAssertNoThrow(try PacketTunnelSettingsPlan.translate(SettingsInput(addresses: ["10.0.0.2"], mtu: 1000)))
    }
}
