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
        XCTAssertEqual(plan.tunnelRemoteAddress, "198.51.100.7")
        XCTAssertEqual(plan.ipv4Addresses, [.init(address: "10.8.0.2", subnetMask: "255.255.255.255")])
        XCTAssertEqual(plan.ipv6Addresses, [.init(address: "fd00::2", prefixLength: 128)])
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

    func testExplicitMatchDomainsNarrowDNS() throws {
        let plan = try PacketTunnelSettingsPlan.translate(SettingsInput(
            addresses: ["10.8.0.2"], dnsServers: ["10.8.0.1"], matchDomains: ["corp.example"]))
        XCTAssertEqual(plan.matchDomains, ["corp.example"])
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
