import Foundation
import XCTest
@testable import Culvert
#if CULVERT_NE_STANDINS
import NetworkExtension
import Security
#endif

/// Issue 18: the Apple edge's decisions, made in portable Swift (and, with the
/// stand-in modules, the NetworkExtension calls built from them).
final class AppleEdgeTests: XCTestCase {
    private func config(address: String, allowedIPs: String, dns: String? = nil, psk: Bool = false) throws -> String {
        let key = generatePrivateKey()
        let peer = try publicKey(privateKey: generatePrivateKey())
        return """
        [Interface]
        PrivateKey = \(key)
        Address = \(address)
        \(dns.map { "DNS = \($0)" } ?? "")

        [Peer]
        PublicKey = \(peer)
        \(psk ? "PresharedKey = \(generatePresharedKey())" : "")
        AllowedIPs = \(allowedIPs)
        Endpoint = vpn.example.com:51820
        """
    }

    private func plan(address: String, allowedIPs: String) throws -> PacketTunnelSettingsPlan {
        let prepared = try CulvertEngineFactory(resolver: nil).prepare(configText: config(address: address, allowedIPs: allowedIPs))
        return try PacketTunnelSettingsPlan.translate(prepared.settings)
    }

    /// Item 5 through the core's NetworkSettings: v4-only, v6-only and dual configs.
    func testPerFamilyPlansFromTheCore() throws {
        let v4 = try plan(address: "10.0.0.2/32", allowedIPs: "0.0.0.0/0, ::/0")
        XCTAssertTrue(v4.ipv4Enabled)
        XCTAssertTrue(v4.ipv6Enabled, "no IPv6 address, but ::/0 is claimed: no IPv6 leak")
        XCTAssertTrue(v4.ipv6Addresses.isEmpty)
        XCTAssertTrue(v4.ipv6IncludedRoutes.contains { $0.isDefault })

        let v6 = try plan(address: "fd00::2/128", allowedIPs: "0.0.0.0/0, ::/0")
        XCTAssertTrue(v6.ipv4Enabled, "the IPv4 default route is kept")
        XCTAssertTrue(v6.ipv4Addresses.isEmpty)
        XCTAssertEqual(v6.ipv6Addresses.map(\.prefixLength), [120])

        let dual = try plan(address: "10.0.0.2/24, fd00::2/64", allowedIPs: "198.51.100.0/24")
        XCTAssertTrue(dual.ipv4Enabled && dual.ipv6Enabled)
        XCTAssertTrue(dual.ipv4IncludedRoutes.contains(.init(address: "10.0.0.0", subnetMask: "255.255.255.0")),
                      "the interface subnet is routed into the tunnel")
        XCTAssertTrue(dual.ipv6IncludedRoutes.contains(.init(address: "fd00::", prefixLength: 64)))

        let split = try plan(address: "10.0.0.2/32", allowedIPs: "198.51.100.0/24")
        XCTAssertFalse(split.ipv6Enabled, "a v4 split tunnel claims nothing of IPv6")
        XCTAssertEqual(split.tunnelRemoteAddress, "127.0.0.1")
    }

    func testRedactedConfigurationHasNoSecrets() throws {
        let text = try config(address: "10.0.0.2/32", allowedIPs: "0.0.0.0/0", psk: true)
        let parsed = try TunnelConfig.parse(text: text)
        let redacted = RedactedConfiguration.text(parsed)
        let privateKey = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("PrivateKey") }?.split(separator: " ").last)
        let psk = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("PresharedKey") }?.split(separator: " ").last)
        XCTAssertFalse(redacted.contains(String(privateKey)))
        XCTAssertFalse(redacted.contains(String(psk)))
        XCTAssertTrue(redacted.contains("PrivateKey = (hidden)"))
        XCTAssertTrue(redacted.contains("PresharedKey = (hidden)"))
        XCTAssertTrue(redacted.contains("Endpoint = vpn.example.com:51820"))
    }

    /// Item 9: the resolver answers ahead of the settings, then live.
    func testUnderlyingNetworkResolverPrimesThenResolvesLive() throws {
        let asked = Locked<[String]>([])
        let resolver = UnderlyingNetworkResolver { host in
            asked.mutate { $0.append(host) }
            if host == "198.51.100.7" { return ["64:ff9b::c633:6407"] }   // what NAT64 synthesis answers
            throw EndpointLookupError(code: 8, detail: "no such host")
        }
        resolver.prime(["198.51.100.7", "gone.example"])
        XCTAssertEqual(resolver.primedHosts, ["198.51.100.7"], "failures are left for the core to retry")
        XCTAssertEqual(try resolver.resolve(host: "198.51.100.7"), ["64:ff9b::c633:6407"])
        XCTAssertEqual(asked.value, ["198.51.100.7", "gone.example"], "the primed answer is served without asking again")
        XCTAssertEqual(try resolver.resolve(host: "198.51.100.7"), ["64:ff9b::c633:6407"])
        XCTAssertEqual(asked.value.count, 3, "then live")
        XCTAssertThrowsError(try resolver.resolve(host: "gone.example"))

        let text = try config(address: "10.0.0.2/32", allowedIPs: "0.0.0.0/0")
        XCTAssertEqual(UnderlyingNetworkResolver.endpointHosts(of: try TunnelConfig.parse(text: text)), ["vpn.example.com"])
        let literal = text.replacingOccurrences(of: "vpn.example.com", with: "198.51.100.7")
        XCTAssertEqual(UnderlyingNetworkResolver.endpointHosts(of: try TunnelConfig.parse(text: literal)), ["198.51.100.7"],
                       "IPv4 literals go through getaddrinfo too (NAT64 synthesis)")
        let v6 = text.replacingOccurrences(of: "vpn.example.com", with: "[2001:db8::1]")
        XCTAssertEqual(UnderlyingNetworkResolver.endpointHosts(of: try TunnelConfig.parse(text: v6)), [])
        XCTAssertThrowsError(try EndpointLookup.addresses(of: "no..such..host")) { XCTAssertTrue($0 is EndpointLookupError) }
    }

    /// Item 10.
    func testPathFilterRequiresConnectionAndSameInterfaceSwitches() {
        var filter = PathChangeFilter()
        let home = PathSummary(status: .satisfied, interfaces: ["en0"], gateways: ["192.168.1.1:0"], addresses: ["192.168.1.20"])
        XCTAssertFalse(filter.shouldNotify(home))
        var pending = home
        pending.status = .requiresConnection
        XCTAssertFalse(filter.shouldNotify(pending), "requiresConnection is satisfiable and the same network")
        XCTAssertFalse(filter.shouldNotify(home))
        let cafe = PathSummary(status: .satisfied, interfaces: ["en0"], gateways: ["10.1.0.1:0"], addresses: ["10.1.0.30"])
        XCTAssertTrue(filter.shouldNotify(cafe), "Wi-Fi to Wi-Fi on en0 with no unsatisfied moment")
        var readdressed = cafe
        readdressed.addresses = ["10.1.0.31"]
        XCTAssertTrue(filter.shouldNotify(readdressed), "new address on the same interface and gateway")
        XCTAssertTrue(InterfaceAddresses.of("lo").contains("127.0.0.1"))
        XCTAssertEqual(InterfaceAddresses.of("no-such-interface0"), [])
    }

    /// Item 15.
    func testRingLogIsBoundedOrderedAndSurvivesReopening() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("culvert-ring-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: url) }
        var ring: RingLog? = try RingLog(url: url, slots: 3, slotSize: 64)
        for i in 1...5 { ring?.append(level: "info", "line \(i)") }
        XCTAssertEqual(try RingLog.read(url: url).map(\.text), ["line 3", "line 4", "line 5"])
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int, 16 + 3 * 64)
        ring = nil
        let reopened = try RingLog(url: url, slots: 3, slotSize: 64)
        reopened.append(level: "error", String(repeating: "é", count: 100))
        let entries = try RingLog.read(url: url)
        XCTAssertEqual(entries.map(\.sequence), [4, 5, 6], "numbering continues after reopening")
        XCTAssertEqual(entries.last?.level, "error")
        XCTAssertEqual(entries.last?.text, String(repeating: "é", count: 22), "cut at the slot, never inside a character")
        XCTAssertEqual(try RingLog.read(url: url, limit: 1).count, 1)
        _ = try RingLog(url: url, slots: 4, slotSize: 64)
        XCTAssertEqual(try RingLog.read(url: url), [], "another layout resets the file")

        let sinkRing = try RingLog(url: url, slots: 8, slotSize: 128)
        try RingLogSink(sinkRing).log(record: LogRecord(level: .warn, target: "culvert::runtime", text: "handshake failing"))
        XCTAssertEqual(sinkRing.entries().map(\.text), ["culvert::runtime: handshake failing"])
        let cache = TunnelStatusCache(logSource: { sinkRing.entries() })
        let reply = try AppMessageReply.decode(cache.answer(AppMessageRequest.log.encoded()))
        XCTAssertEqual(reply.logLines?.map(\.level), ["warn"])
    }

    /// Items 13 and 14.
    func testOnDemandAndLeakProtectionRules() {
        XCTAssertNotNil(OnDemandPolicy.cellularOnly.unsupportedReason(on: .macOS), "refused, not widened to any interface")
        XCTAssertNil(OnDemandPolicy.cellularOnly.unsupportedReason(on: .iOS))
        for policy in [OnDemandPolicy.off, .always, .wifiOnly, .exceptWiFi(trustedSSIDs: ["Home"])] {
            XCTAssertNil(policy.unsupportedReason(on: .macOS))
        }
        XCTAssertEqual(LeakProtection.none.excludeAPNs, true, "Apple's defaults")
        XCTAssertEqual(LeakProtection.strict.excludeCellularServices, false)
        XCTAssertEqual(LeakProtection.strict.excludeDeviceCommunication, false)
        XCTAssertEqual(LeakProtection.availability.map(\.option),
                       ["includeAllNetworks", "excludeLocalNetworks", "enforceRoutes", "excludeAPNs",
                        "excludeCellularServices", "excludeDeviceCommunication"])
        XCTAssertEqual(LeakProtection(excludeAPNs: false).warnings, ["excludeAPNs = false has no effect without includeAllNetworks"])
        XCTAssertEqual(LeakProtection.strict.warnings, ["enforceRoutes is implied by includeAllNetworks"])
    }

    #if CULVERT_NE_STANDINS
    /// Items 5 and 6 at the NetworkExtension call sites (stand-in objects record
    /// what Culvert set; Apple's behaviour is not simulated).
    func testNetworkSettingsObjectsOnStandIns() throws {
        let plan = try PacketTunnelSettingsPlan.translate(SettingsInput(
            addresses: ["10.0.0.2/32"], includedRoutes: ["0.0.0.0/0", "::/0"], searchDomains: ["corp.example"]))
        let settings = plan.networkSettings()
        XCTAssertEqual(settings.tunnelRemoteAddress, "127.0.0.1")
        let ipv6 = try XCTUnwrap(settings.ipv6Settings, "IPv6 settings even with no IPv6 address")
        XCTAssertEqual(ipv6.addresses, [])
        XCTAssertEqual(ipv6.includedRoutes?.count, 1)
        XCTAssertEqual(settings.ipv4Settings?.addresses, ["10.0.0.2"])
        let dns = try XCTUnwrap(settings.dnsSettings, "search domains kept without servers")
        XCTAssertEqual(dns.servers, [])
        XCTAssertEqual(dns.searchDomains, ["corp.example"])
        XCTAssertNil(dns.matchDomains)
        XCTAssertEqual(settings.tunnelOverheadBytes, 80)
    }

    /// Item 11: every SecItem call names the data-protection keychain.
    func testKeychainCallsUseTheDataProtectionKeychain() throws {
        _ = StandInKeychain.takeCalls()
        TunnelConfigurationStore.mode = .dataProtection
        let reference = try TunnelConfigurationStore.save("[Interface]", label: "Office", accessGroup: "TEAM.group")
        _ = TunnelConfigurationStore.update(reference: reference, configText: "[Interface]")
        XCTAssertThrowsError(try TunnelConfigurationStore.load(reference: reference))
        TunnelConfigurationStore.delete(reference: reference)
        let calls = StandInKeychain.takeCalls()
        XCTAssertEqual(calls.map(\.function), ["SecItemAdd", "SecItemUpdate", "SecItemCopyMatching", "SecItemDelete"])
        for call in calls {
            XCTAssertTrue(call.attributes.contains("kSecUseDataProtectionKeychain"), call.function)
        }
        XCTAssertTrue(calls[0].attributes.isSuperset(of: ["kSecAttrAccessGroup", "kSecAttrAccessible"]))

        TunnelConfigurationStore.mode = .systemExtension(trustedApplicationPaths: ["/Applications/App.app"])
        defer { TunnelConfigurationStore.mode = .dataProtection }
        XCTAssertThrowsError(try TunnelConfigurationStore.save("x", label: "Office", accessGroup: nil), "macOS only")
        TunnelConfigurationStore.delete(reference: reference)
        XCTAssertEqual(StandInKeychain.takeCalls().map { $0.attributes.contains("kSecUseDataProtectionKeychain") }, [false],
                       "a system extension uses the file-based keychain")
    }
    #endif
}
