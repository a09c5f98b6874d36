import Foundation
import XCTest
@testable import Culvert
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The descriptor path of the adapter, on Linux: a datagram socketpair stands in
/// for the utun socket (it keeps packet boundaries, as utun does), and the tunnel
/// reads and writes it with Apple's utun framing (4-byte address family first).
final class DescriptorTests: XCTestCase {
    private func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        #if canImport(Glibc)
        let type = Int32(SOCK_DGRAM.rawValue)
        #else
        let type = SOCK_DGRAM
        #endif
        XCTAssertEqual(socketpair(AF_UNIX, type, 0, &fds), 0)
        return (fds[0], fds[1])
    }

    #if canImport(Glibc)
    private let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private let noSignal: Int32 = 0  // Darwin has no MSG_NOSIGNAL; datagram sends raise no SIGPIPE
    #endif

    private func utunFrame(_ packet: Data) -> Data {
        Data([0, 0, 0, 2]) + packet   // AF_INET, big-endian, as utun prefixes IPv4
    }

    private func receive(_ fd: Int32, timeoutMs: Int32) -> Data? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMs) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? Data(buffer[0..<count]) : nil
    }

    func testControllerRunsTheTunnelOnTheDescriptorWithUtunFraming() throws {
        let pair = try TunnelPair()
        let (system, tunnelEnd) = try socketPair()
        defer { close(system) }

        let platformA = FakePlatform()
        platformA.descriptor = tunnelEnd   // the tunnel owns (and closes) this end
        let controllerA = TunnelController(platform: platformA, factory: CulvertEngineFactory())
        let deliveredB = Collector<Data>()
        let b = try Tunnel.startWithCallbacks(config: try TunnelConfig.parse(text: pair.configB),
                                              sink: ClosurePacketSink { deliveredB.add($0) })
        defer { try? b.stop() }
        let started = expectation(description: "started")
        controllerA.start(configText: pair.configA) { error in XCTAssertNil(error); started.fulfill() }
        wait(for: [started], timeout: 15)
        XCTAssertNil(platformA.reader, "descriptor mode: no packetFlow loop")

        // The system writes a framed packet into "utun"; B's sink gets the bare packet.
        let ping = udpPacket(from: [10, 77, 0, 1], to: [10, 77, 0, 2], payload: Array("over the descriptor".utf8))
        XCTAssertTrue(waitUntil(15) {
            _ = utunFrame(ping).withUnsafeBytes { send(system, $0.baseAddress, $0.count, 0) }
            return deliveredB.all.contains(ping)
        }, "B never got the packet written to the descriptor")

        // B's answer comes out of "utun" with the 4-byte family prefix.
        let pong = udpPacket(from: [10, 77, 0, 2], to: [10, 77, 0, 1], payload: Array("back".utf8))
        var framed: Data?
        XCTAssertTrue(waitUntil(15) {
            try? b.sendPackets(packets: [pong])
            framed = receive(system, timeoutMs: 200)
            return framed != nil
        })
        XCTAssertEqual(framed, utunFrame(pong))

        let stopped = expectation(description: "stopped")
        controllerA.stop { stopped.fulfill() }
        wait(for: [stopped], timeout: 15)
        // The tunnel closed its end: sending into "utun" now fails (peer gone).
        XCTAssertTrue(waitUntil(5) {
            utunFrame(ping).withUnsafeBytes { send(system, $0.baseAddress, $0.count, noSignal) } == -1
        }, "stop() closes the descriptor the tunnel owned")
    }

    func testScanFindsADescriptorAboveTheFirstThousand() throws {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        XCTAssertEqual(getrlimit(resource, &limit), 0)
        let saved = limit
        if limit.rlim_cur < 4096 && limit.rlim_max >= 4096 {
            limit.rlim_cur = 4096
            XCTAssertEqual(setrlimit(resource, &limit), 0)
        }
        defer { var restore = saved; _ = setrlimit(resource, &restore) }
        let tableSize = UtunDescriptor.descriptorTableSize()
        try XCTSkipIf(tableSize < 3001, "descriptor limit \(tableSize) too small to test")

        let (a, b) = try socketPair()
        defer { close(a); close(b) }
        let high: Int32 = 3000
        XCTAssertEqual(dup2(a, high), high)
        defer { close(high) }
        var target = stat()
        XCTAssertEqual(fstat(a, &target), 0)
        // The probe names a descriptor "utun" when it is our socket (same inode),
        // as the Darwin probe does for the utun control socket.
        let found = UtunDescriptor.find(tableSize: tableSize) { fd in
            guard fd != a else { return nil }
            var info = stat()
            return fstat(fd, &info) == 0 && info.st_ino == target.st_ino && info.st_dev == target.st_dev ? "utun5" : nil
        }
        XCTAssertEqual(found?.fd, high)
        XCTAssertEqual(found?.interface, "utun5")
    }
}
