import Foundation
import XCTest
@testable import Culvert
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// A UDP port on 127.0.0.1 that was free a moment ago.
func freeUDPPort() -> UInt16 {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_DGRAM, 0)
    #endif
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}

/// An IPv4/UDP packet with valid checksums.
func udpPacket(from source: [UInt8], to destination: [UInt8], payload: [UInt8]) -> Data {
    let total = 20 + 8 + payload.count
    var header: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 1, 0x40, 0, 64, 17, 0, 0] + source + destination
    var sum: UInt32 = 0
    for i in stride(from: 0, to: 20, by: 2) { sum += UInt32(header[i]) << 8 | UInt32(header[i + 1]) }
    while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
    let checksum = ~UInt16(sum)
    header[10] = UInt8(checksum >> 8); header[11] = UInt8(checksum & 0xff)
    let udp: [UInt8] = [0x30, 0x39, 0x30, 0x3a, UInt8((8 + payload.count) >> 8), UInt8((8 + payload.count) & 0xff), 0, 0]
    return Data(header + udp + payload)
}

/// Two wg-quick configs that point at each other over loopback.
struct TunnelPair {
    let configA: String
    let configB: String
    let publicA: String
    let publicB: String

    init() throws {
        let privateA = generatePrivateKey(), privateB = generatePrivateKey()
        publicA = try publicKey(privateKey: privateA)
        publicB = try publicKey(privateKey: privateB)
        let portA = freeUDPPort(), portB = freeUDPPort()
        configA = """
        [Interface]
        PrivateKey = \(privateA)
        Address = 10.77.0.1/32
        ListenPort = \(portA)

        [Peer]
        PublicKey = \(publicB)
        AllowedIPs = 10.77.0.2/32
        Endpoint = 127.0.0.1:\(portB)
        """
        configB = """
        [Interface]
        PrivateKey = \(privateB)
        Address = 10.77.0.2/32
        ListenPort = \(portB)

        [Peer]
        PublicKey = \(publicA)
        AllowedIPs = 10.77.0.1/32
        Endpoint = 127.0.0.1:\(portA)
        """
    }
}

/// Collects what callbacks deliver, thread-safely.
final class Collector<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ new: [T]) { lock.lock(); items += new; lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return items }
}

final class TunnelTests: XCTestCase {
    func testTwoTunnelsExchangePacketsThroughSwiftCallbacks() throws {
        let pair = try TunnelPair()
        let deliveredA = Collector<Data>(), deliveredB = Collector<Data>()
        let eventsA = Collector<TunnelEvent>()
        let a = try Tunnel.startWithCallbacks(config: try TunnelConfig.parse(text: pair.configA),
                                              sink: ClosurePacketSink { deliveredA.add($0) },
                                              observer: ClosureTunnelObserver { eventsA.add([$0]) })
        let b = try Tunnel.startWithCallbacks(config: try TunnelConfig.parse(text: pair.configB),
                                              sink: ClosurePacketSink { deliveredB.add($0) })
        defer { try? a.stop(); try? b.stop() }

        let ping = udpPacket(from: [10, 77, 0, 1], to: [10, 77, 0, 2], payload: Array("hello from A".utf8))
        // The first packet triggers the handshake; resend until one arrives (bounded).
        XCTAssertTrue(waitUntil(15) {
            try? a.sendPackets(packets: [ping])
            return deliveredB.all.contains(ping)
        }, "B's Swift sink never got A's packet")
        let pong = udpPacket(from: [10, 77, 0, 2], to: [10, 77, 0, 1], payload: Array("hello from B".utf8))
        try b.sendPackets(packets: [pong])
        XCTAssertTrue(waitUntil(10) { deliveredA.all.contains(pong) }, "A's Swift sink never got B's reply")

        // A packet from an address B's peer is not allowed to use is dropped (cryptokey routing).
        let spoofed = udpPacket(from: [10, 77, 0, 9], to: [10, 77, 0, 2], payload: [1])
        try a.sendPackets(packets: [spoofed])

        let statsA = try a.stats()
        XCTAssertEqual(statsA.peers.count, 1)
        XCTAssertEqual(statsA.peers[0].publicKey, pair.publicB)
        XCTAssertGreaterThanOrEqual(statsA.peers[0].handshakes, 1)
        XCTAssertGreaterThan(statsA.peers[0].txBytes, 0)
        XCTAssertGreaterThan(statsA.peers[0].rxBytes, 0)
        XCTAssertNotNil(statsA.peers[0].lastHandshakeEpochMillis)
        XCTAssertTrue(waitUntil(10) { eventsA.all.contains { if case .handshakeCompleted(pair.publicB) = $0 { return true }; return false } },
                      "no HandshakeCompleted event: \(eventsA.all)")
        XCTAssertTrue(waitUntil(10) { eventsA.all.contains(.stateChanged(state: .connected)) }, "no Connected event")
        XCTAssertEqual(a.state(), .connected)
        XCTAssertFalse(deliveredB.all.contains(spoofed))

        try a.stop()
        XCTAssertEqual(a.state(), .stopped)
        for call in [{ try a.sendPackets(packets: [ping]) }, { _ = try a.stats() }, { try a.wake() }, { try a.stop() }] as [() throws -> Void] {
            XCTAssertThrowsError(try call()) { error in
                guard case TunnelError.Stopped = error else { return XCTFail("expected TunnelError.Stopped, got \(error)") }
            }
        }
    }

    func testAdapterControllersRunTheRealEngine() throws {
        let pair = try TunnelPair()
        let platformA = FakePlatform(), platformB = FakePlatform()
        let controllerA = TunnelController(platform: platformA, factory: CulvertEngineFactory())
        let controllerB = TunnelController(platform: platformB, factory: CulvertEngineFactory())
        for (controller, config) in [(controllerA, pair.configA), (controllerB, pair.configB)] {
            let started = expectation(description: "started")
            controller.start(configText: config) { error in XCTAssertNil(error); started.fulfill() }
            wait(for: [started], timeout: 15)
        }
        defer {
            let stopped = expectation(description: "stopped"); stopped.expectedFulfillmentCount = 2
            controllerA.stop { stopped.fulfill() }; controllerB.stop { stopped.fulfill() }
            wait(for: [stopped], timeout: 15)
        }
        let plan = try XCTUnwrap(platformA.applied.first)
        XCTAssertEqual(plan.ipv4Addresses.first?.address, "10.77.0.1")
        XCTAssertEqual(plan.ipv4IncludedRoutes.first?.address, "10.77.0.2")
        XCTAssertEqual(plan.tunnelRemoteAddress, "127.0.0.1", "single peer: its endpoint host")

        let packet = udpPacket(from: [10, 77, 0, 1], to: [10, 77, 0, 2], payload: Array("through the adapter".utf8))
        XCTAssertTrue(waitUntil(15) {
            platformA.inject([packet])        // the system sends into A's tunnel ...
            platformB.lock.lock(); defer { platformB.lock.unlock() }
            return platformB.written.contains(packet)  // ... and B hands it to its system
        })
        XCTAssertTrue(waitUntil(10) {
            let reply = try? AppMessageReply.decode(controllerA.handleAppMessage(AppMessageRequest.stats.encoded()))
            return (reply?.stats?.peers.first?.handshakes ?? 0) >= 1 && reply?.tunnelState == "connected"
        }, "app message never showed the handshake")
        let reply = try AppMessageReply.decode(controllerA.handleAppMessage(AppMessageRequest.stats.encoded()))
        XCTAssertEqual(reply.adapterState, .running)
        XCTAssertEqual(reply.stats?.peers.first?.publicKey, pair.publicB)
    }

    func testSettingsFromTheCoreTranslateAsIs() throws {
        let text = """
        [Interface]
        PrivateKey = \(generatePrivateKey())
        Address = 10.8.0.2/24, fd00:8::2/64
        DNS = 10.8.0.1, corp.example
        MTU = 1380

        [Peer]
        PublicKey = \(try publicKey(privateKey: generatePrivateKey()))
        AllowedIPs = 0.0.0.0/0, ::/0
        Endpoint = [fd00::7]:51820
        """
        let factory = CulvertEngineFactory(settingsOptions: SettingsOptions(excludePrivate: false, excludedRoutes: ["198.51.100.0/24"]))
        let prepared = try factory.prepare(configText: text)
        let config = try XCTUnwrap(prepared.payload as? TunnelConfig)
        let core = try config.networkSettings(options: factory.settingsOptions)
        let plan = try PacketTunnelSettingsPlan.translate(prepared.settings)

        XCTAssertEqual(plan.tunnelRemoteAddress, "127.0.0.1", "the endpoint is shown as serverAddress, never used here")
        XCTAssertEqual(prepared.settings.remoteAddress, "fd00::7")
        XCTAssertEqual(plan.ipv4Addresses, [.init(address: "10.8.0.2", subnetMask: "255.255.255.0")])
        XCTAssertEqual(plan.ipv6Addresses, [.init(address: "fd00:8::2", prefixLength: 64)])
        let coreRoutes = Set((core.includedRoutes + core.interfaceRoutes).map { "\($0.address)/\($0.prefixLength)" })
        XCTAssertEqual(plan.ipv4IncludedRoutes.count + plan.ipv6IncludedRoutes.count, coreRoutes.count,
                       "every included and interface route of the core, no more")
        XCTAssertTrue(plan.ipv4IncludedRoutes.contains { $0.isDefault })
        XCTAssertTrue(plan.ipv6IncludedRoutes.contains { $0.isDefault })
        XCTAssertEqual(plan.ipv4ExcludedRoutes.count + plan.ipv6ExcludedRoutes.count, core.excludedRoutes.count)
        XCTAssertTrue(plan.ipv4ExcludedRoutes.contains(.init(address: "198.51.100.0", subnetMask: "255.255.255.0")))
        XCTAssertEqual(plan.dnsServers, core.dnsServers)
        XCTAssertEqual(plan.searchDomains, ["corp.example"])
        XCTAssertEqual(plan.matchDomains, [""], "DNS servers: every domain goes to them")
        XCTAssertEqual(plan.mtu, 1380)
    }

    func testBadConfigThroughTheFactoryCarriesItsKind() {
        XCTAssertThrowsError(try CulvertEngineFactory().prepare(configText: "[Interface]\nPrivateKey = nope\n")) { error in
            guard case let CulvertAdapterError.invalidConfiguration(kind, detail)? = error as? CulvertAdapterError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(kind, "INVALID_KEY")
            XCTAssertFalse(detail.contains("nope"))
        }
        XCTAssertEqual(endpointHost("198.51.100.7:51820"), "198.51.100.7")
        XCTAssertEqual(endpointHost("[fd00::1]:51820"), "fd00::1")
        XCTAssertEqual(endpointHost("vpn.example:443"), "vpn.example")
        XCTAssertNil(endpointHost(":51820"))
    }
}
