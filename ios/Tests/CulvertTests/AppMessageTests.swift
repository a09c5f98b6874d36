import Foundation
import XCTest
@testable import Culvert

final class AppMessageTests: XCTestCase {
    func testRequestsRoundTripAndGarbageGetsAnErrorReply() throws {
        XCTAssertEqual(AppMessageRequest.decode(AppMessageRequest.stats.encoded()), .stats)
        XCTAssertEqual(AppMessageRequest.decode(AppMessageRequest.state.encoded()), .state)
        XCTAssertNil(AppMessageRequest.decode(Data([0xff, 0x00])))
        XCTAssertNil(AppMessageRequest.decode(Data("{\"request\":\"reboot\"}".utf8)))
        let cache = TunnelStatusCache()
        let reply = try AppMessageReply.decode(cache.answer(Data("nonsense".utf8)))
        XCTAssertNotNil(reply.error)
        XCTAssertEqual(reply.adapterState, .idle)
    }

    func testRepliesComeFromTheCacheWithTheirAge() throws {
        let clock = Locked<UInt64>(1_000)
        let cache = TunnelStatusCache(nowMs: { clock.value })
        cache.setAdapterState(.running)
        cache.setTunnelState("connected")
        let stats = TunnelStatsSnapshot(listenPort: 51820, peers: [
            PeerStatsSnapshot(publicKey: "vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=", endpoint: "198.51.100.1:51820",
                              rxBytes: 148, txBytes: 92, lastHandshake: 1_700_000_000, handshakes: 1, rttMs: 12),
        ])
        cache.setStats(stats)
        clock.value += 250
        let reply = try AppMessageReply.decode(cache.answer(AppMessageRequest.stats.encoded()))
        XCTAssertEqual(reply.adapterState, .running)
        XCTAssertEqual(reply.tunnelState, "connected")
        XCTAssertEqual(reply.stats, stats)
        XCTAssertEqual(reply.statsAgeMs, 250)
        XCTAssertNil(reply.error)

        let stateOnly = try AppMessageReply.decode(cache.answer(AppMessageRequest.state.encoded()))
        XCTAssertNil(stateOnly.stats, "a state request does not carry statistics")
        cache.setAdapterState(.stopped)
        XCTAssertNil(cache.reply(to: .state).tunnelState, "a stopped adapter has no tunnel state")
    }

    func testAnswersDoNotWaitForABusyWriter() {
        // A writer holding the adapter busy must not delay answers: the cache is
        // the only thing handleAppMessage touches.
        let cache = TunnelStatusCache()
        let busy = DispatchQueue(label: "busy")
        let release = DispatchSemaphore(value: 0)
        busy.async { release.wait(); cache.setAdapterState(.running) }
        let replied = expectation(description: "reply")
        DispatchQueue.global().async {
            XCTAssertEqual(cache.reply(to: .state).adapterState, .idle)
            replied.fulfill()
        }
        wait(for: [replied], timeout: 5)
        release.signal()
        busy.sync {}
        XCTAssertEqual(cache.reply(to: .state).adapterState, .running)
    }
}
