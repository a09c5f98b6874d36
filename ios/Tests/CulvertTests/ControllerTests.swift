import Foundation
import XCTest
@testable import Culvert

/// An in-memory platform: records what the controller asks of the system.
final class FakePlatform: TunnelPlatform {
    let lock = NSLock()
    var applied: [PacketTunnelSettingsPlan] = []
    var settingsError: Error?
    var descriptor: Int32?
    var reader: (([Data]) -> Void)?
    var written: [Data] = []
    var holdSettings: ((@escaping () -> Void) -> Void)?

    func applySettings(_ plan: PacketTunnelSettingsPlan, completion: @escaping (Error?) -> Void) {
        lock.lock(); applied.append(plan); let error = settingsError; let hold = holdSettings; lock.unlock()
        if let hold = hold { hold { completion(error) } } else { DispatchQueue.global().async { completion(error) } }
    }
    func tunnelDescriptor() -> Int32? { descriptor }
    func startReadingPackets(_ handler: @escaping ([Data]) -> Void) { lock.lock(); reader = handler; lock.unlock() }
    func stopReadingPackets() { lock.lock(); reader = nil; lock.unlock() }
    func writePackets(_ packets: [Data]) { lock.lock(); written += packets; lock.unlock() }
    /// Packets the system sends into the tunnel.
    func inject(_ packets: [Data]) { lock.lock(); let r = reader; lock.unlock(); r?(packets) }
}

/// An engine double recording calls; its factory parses a tiny `key=value` text.
final class FakeEngine: TunnelEngine {
    private let lock = NSLock()
    private var recorded: [String] = []
    private var sentPackets: [Data] = []
    private var isStopped = false
    let io: TunnelPacketIO
    init(io: TunnelPacketIO) { self.io = io }
    var calls: [String] { lock.lock(); defer { lock.unlock() }; return recorded }
    var sent: [Data] { lock.lock(); defer { lock.unlock() }; return sentPackets }
    var stopped: Bool { lock.lock(); defer { lock.unlock() }; return isStopped }
    private func record(_ call: String, _ packets: [Data] = []) throws {
        lock.lock(); defer { lock.unlock() }
        if isStopped { throw CulvertAdapterError.tunnel("stopped") }
        recorded.append(call)
        sentPackets += packets
        if call == "stop" { isStopped = true }
    }
    func sendPackets(_ packets: [Data]) throws { try record("send", packets) }
    func update(_ configuration: PreparedConfiguration) throws { try record("update") }
    func sleep() throws { try record("sleep") }
    func wake() throws { try record("wake") }
    func networkChanged() throws { try record("networkChanged") }
    func stats() throws -> TunnelStatsSnapshot { TunnelStatsSnapshot(listenPort: 4242, peers: []) }
    func stateName() -> String { stopped ? "stopped" : "connecting" }
    func stop() throws { try record("stop") }
}

final class FakeFactory: TunnelEngineFactory {
    private let lock = NSLock()
    private var started: [FakeEngine] = []
    /// Engines started so far (read from any thread).
    var engines: [FakeEngine] { lock.lock(); defer { lock.unlock() }; return started }
    var startError: Error?
    func prepare(configText: String) throws -> PreparedConfiguration {
        guard configText.hasPrefix("address=") else {
            throw CulvertAdapterError.invalidConfiguration(kind: "SYNTAX_ERROR", detail: "not a config")
        }
        return PreparedConfiguration(settings: SettingsInput(addresses: [String(configText.dropFirst(8))]), payload: configText)
    }
    func start(_ configuration: PreparedConfiguration, io: TunnelPacketIO, events: @escaping (TunnelEngineEvent) -> Void) throws -> TunnelEngine {
        if let error = startError { throw error }
        let engine = FakeEngine(io: io)
        lock.lock(); started.append(engine); lock.unlock()
        events(.stateChanged("connecting"))
        return engine
    }
}

final class ControllerTests: XCTestCase {
    private func run(_ body: (@escaping (Error?) -> Void) -> Void) -> Error? {
        let done = expectation(description: "completion")
        var result: Error?
        body { result = $0; done.fulfill() }
        wait(for: [done], timeout: 10)
        return result
    }

    func testStartAppliesSettingsThenRunsOnCallbacks() throws {
        let platform = FakePlatform(), factory = FakeFactory()
        let controller = TunnelController(platform: platform, factory: factory)
        XCTAssertNil(run { controller.start(configText: "address=10.8.0.2/32", completion: $0) })
        XCTAssertEqual(controller.state, .running)
        XCTAssertEqual(platform.applied.first?.ipv4Addresses.first?.address, "10.8.0.2")
        let engine = try XCTUnwrap(factory.engines.first)
        guard case let .callbacks(deliver) = engine.io else { return XCTFail("no descriptor: callbacks expected") }

        platform.inject([Data([0x45, 0, 0, 20]), Data([0x60, 0, 0, 0])])
        XCTAssertEqual(engine.sent.count, 2, "system → tunnel through sendPackets")
        deliver([Data([0x45, 1])])
        XCTAssertEqual(platform.written, [Data([0x45, 1])], "tunnel → system through writePackets")

        XCTAssertNil(run { controller.update(configText: "address=10.8.0.3/32", completion: $0) })
        XCTAssertEqual(platform.applied.count, 2)
        controller.sleep()
        controller.wake()
        controller.pathUpdated(PathSummary(isSatisfied: true, interfaces: ["en0"]))
        controller.pathUpdated(PathSummary(isSatisfied: true, interfaces: ["pdp_ip0"]))
        XCTAssertEqual(controller.state, .running)
        XCTAssertEqual(engine.calls.filter { $0 != "send" }, ["update", "sleep", "wake", "networkChanged", "networkChanged"])

        let stopped = expectation(description: "stopped")
        controller.stop { stopped.fulfill() }
        wait(for: [stopped], timeout: 10)
        XCTAssertEqual(controller.state, .stopped)
        XCTAssertTrue(engine.stopped)
        platform.inject([Data([0x45])])
        XCTAssertEqual(engine.sent.count, 2, "no reading after stop")
        XCTAssertEqual(run { controller.update(configText: "address=10.8.0.3/32", completion: $0) } as? CulvertAdapterError, .stopped(.update))
    }

    func testDescriptorModeWhenThePlatformHasOne() throws {
        let platform = FakePlatform(), factory = FakeFactory()
        platform.descriptor = 77
        let controller = TunnelController(platform: platform, factory: factory)
        XCTAssertNil(run { controller.start(configText: "address=fd00::2/128", completion: $0) })
        guard case .descriptor(77)? = factory.engines.first?.io else { return XCTFail("descriptor mode expected") }
        XCTAssertNil(platform.reader, "no packetFlow loop in descriptor mode")
    }

    func testFailuresAreTypedAndLeaveTheAdapterRestartable() {
        let platform = FakePlatform(), factory = FakeFactory()
        let controller = TunnelController(platform: platform, factory: factory)
        guard case .invalidConfiguration(kind: "SYNTAX_ERROR", _)? = run({ controller.start(configText: "garbage", completion: $0) }) as? CulvertAdapterError
        else { return XCTFail("bad config must be invalidConfiguration") }
        XCTAssertEqual(controller.state, .stopped)
        XCTAssertTrue(platform.applied.isEmpty, "nothing applied for a rejected config")

        guard case .invalidSettings? = run({ controller.start(configText: "address=nonsense", completion: $0) }) as? CulvertAdapterError
        else { return XCTFail("bad address must be invalidSettings") }

        platform.settingsError = NSError(domain: "NEVPNErrorDomain", code: 1)
        guard case .settingsRejected? = run({ controller.start(configText: "address=10.0.0.2", completion: $0) }) as? CulvertAdapterError
        else { return XCTFail("refused settings must be settingsRejected") }
        platform.settingsError = nil

        factory.startError = CulvertAdapterError.tunnel("no sockets")
        XCTAssertEqual(run { controller.start(configText: "address=10.0.0.2", completion: $0) } as? CulvertAdapterError, .tunnel("no sockets"))
        factory.startError = nil
        XCTAssertNil(run { controller.start(configText: "address=10.0.0.2", completion: $0) })
        XCTAssertEqual(run { controller.start(configText: "address=10.0.0.2", completion: $0) } as? CulvertAdapterError, .alreadyStarted)
    }

    func testStopDuringSettingsWinsAndAppMessagesAnswerMeanwhile() {
        let platform = FakePlatform(), factory = FakeFactory()
        var release: (() -> Void)?
        let held = expectation(description: "settings held")
        platform.holdSettings = { finish in release = finish; held.fulfill() }
        let controller = TunnelController(platform: platform, factory: factory)
        let started = expectation(description: "start completion")
        var startError: Error?
        controller.start(configText: "address=10.0.0.2") { startError = $0; started.fulfill() }
        wait(for: [held], timeout: 10)

        // The controller is mid-start: app messages are still answered immediately.
        let reply = try? AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.state.encoded()))
        XCTAssertEqual(reply?.adapterState, .starting)

        let stopped = expectation(description: "stopped")
        controller.stop { stopped.fulfill() }
        wait(for: [stopped], timeout: 10)
        release?()
        wait(for: [started], timeout: 10)
        XCTAssertEqual(startError as? CulvertAdapterError, .stopped(.start))
        XCTAssertTrue(factory.engines.isEmpty, "no tunnel started after stop")
        XCTAssertEqual(controller.state, .stopped)
    }

    func testReloadMessageIsAnsweredAtOnceAndAppliedAfter() throws {
        let platform = FakePlatform(), factory = FakeFactory()
        let controller = TunnelController(platform: platform, factory: factory)
        var reply = try AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.reload.encoded()))
        XCTAssertEqual(reply.reloading, false)
        XCTAssertNotNil(reply.error, "no source, not running")

        XCTAssertNil(run { controller.start(configText: "address=10.0.0.2", completion: $0) })
        controller.configurationSource = { "address=10.0.0.3" }
        reply = try AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.reload.encoded()))
        XCTAssertEqual(reply.reloading, true)
        XCTAssertNil(reply.error)
        XCTAssertTrue(waitUntil(10) { factory.engines.first?.calls.contains("update") == true })
        platform.lock.lock(); let last = platform.applied.last; platform.lock.unlock()
        XCTAssertEqual(last?.ipv4Addresses.first?.address, "10.0.0.3", "the new settings were applied")

        controller.configurationSource = { throw CulvertAdapterError.tunnel("keychain unavailable") }
        reply = try AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.reload.encoded()))
        XCTAssertEqual(reply.reloading, true, "accepted; the failure is logged, the tunnel keeps running")
        XCTAssertEqual(controller.state, .running)
    }

    func testAStaleStartNeverRunsAfterStopAndRestart() {
        let platform = FakePlatform(), factory = FakeFactory()
        var releases: [() -> Void] = []
        let lock = NSLock()
        platform.holdSettings = { finish in lock.lock(); releases.append(finish); lock.unlock() }
        let controller = TunnelController(platform: platform, factory: factory)
        let first = expectation(description: "first start")
        var firstError: Error?
        controller.start(configText: "address=10.0.0.2") { firstError = $0; first.fulfill() }
        XCTAssertTrue(waitUntil(10) { lock.lock(); defer { lock.unlock() }; return releases.count == 1 })
        let stopped = expectation(description: "stopped")
        controller.stop { stopped.fulfill() }
        wait(for: [stopped], timeout: 10)
        let second = expectation(description: "second start")
        var secondError: Error?
        controller.start(configText: "address=10.0.0.3") { secondError = $0; second.fulfill() }
        XCTAssertTrue(waitUntil(10) { lock.lock(); defer { lock.unlock() }; return releases.count == 2 })

        lock.lock(); let pending = releases; lock.unlock()
        pending[0]()   // the first start's settings complete late
        wait(for: [first], timeout: 10)
        XCTAssertEqual(firstError as? CulvertAdapterError, .stopped(.start))
        XCTAssertTrue(factory.engines.isEmpty, "the stale start started nothing")
        XCTAssertEqual(controller.state, .starting, "the second start is still in progress")
        pending[1]()
        wait(for: [second], timeout: 10)
        XCTAssertNil(secondError)
        XCTAssertEqual(factory.engines.count, 1)
        XCTAssertEqual(controller.state, .running)
    }

    func testPacketFamilies() {
        XCTAssertEqual(IPPacketFamily.protocolFamily(of: Data([0x45, 0])), 2)
        XCTAssertEqual(IPPacketFamily.protocolFamily(of: Data([0x60, 0])), IPPacketFamily.ipv6Family)
        XCTAssertNil(IPPacketFamily.protocolFamily(of: Data()))
        XCTAssertNil(IPPacketFamily.protocolFamily(of: Data([0x10])))
    }
}
