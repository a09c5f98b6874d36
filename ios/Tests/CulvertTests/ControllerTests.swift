import Foundation
import XCTest
@testable import Culvert

/// An in-memory platform: records what the controller asks of the system.
final class FakePlatform: TunnelPlatform, @unchecked Sendable {
    let lock = NSLock()
    var applied: [PacketTunnelSettingsPlan] = []
    var settingsError: Error?
    var descriptor: Int32?
    var reader: (@Sendable ([Data]) -> Void)?
    var written: [Data] = []
    var holdSettings: (@Sendable (@escaping @Sendable () -> Void) -> Void)?
    /// Never answer `applySettings` (what NetworkExtension sometimes does).
    var neverAnswer = false
    var reassertions: [Bool] = []
    var cancelled: [String] = []
    /// What happened, in order, across the platform and the factory.
    let journal: Locked<[String]>

    init(journal: Locked<[String]> = Locked([])) { self.journal = journal }

    func applySettings(_ plan: PacketTunnelSettingsPlan, completion: @escaping @Sendable (Error?) -> Void) {
        journal.mutate { $0.append("applySettings") }
        lock.lock(); applied.append(plan); let error = settingsError; let hold = holdSettings; let never = neverAnswer; lock.unlock()
        if never { return }
        if let hold = hold { hold { completion(error) } } else { DispatchQueue.global().async { completion(error) } }
    }
    func tunnelDescriptor() -> Int32? { descriptor }
    func startReadingPackets(_ handler: @escaping @Sendable ([Data]) -> Void) { lock.lock(); reader = handler; lock.unlock() }
    func stopReadingPackets() { lock.lock(); reader = nil; lock.unlock() }
    func writePackets(_ packets: [Data]) { lock.lock(); written += packets; lock.unlock() }
    func setReasserting(_ reasserting: Bool) { lock.lock(); reassertions.append(reasserting); lock.unlock() }
    func cancelTunnel(with error: Error?) { lock.lock(); cancelled.append(String(describing: error)); lock.unlock() }
    /// Packets the system sends into the tunnel.
    func inject(_ packets: [Data]) { lock.lock(); let r = reader; lock.unlock(); r?(packets) }
    func snapshot<T>(_ read: (FakePlatform) -> T) -> T { lock.lock(); defer { lock.unlock() }; return read(self) }
}

/// An engine double recording calls; its factory parses a tiny `key=value` text.
final class FakeEngine: TunnelEngine, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    private var sentPackets: [Data] = []
    private var isStopped = false
    let io: TunnelPacketIO
    let configuration: PreparedConfiguration
    let events: @Sendable (TunnelEngineEvent) -> Void
    init(io: TunnelPacketIO, configuration: PreparedConfiguration, events: @escaping @Sendable (TunnelEngineEvent) -> Void) {
        self.io = io
        self.configuration = configuration
        self.events = events
    }
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

final class FakeFactory: TunnelEngineFactory, @unchecked Sendable {
    private let lock = NSLock()
    private var started: [FakeEngine] = []
    private var failure: Error?
    let journal: Locked<[String]>
    init(journal: Locked<[String]> = Locked([])) { self.journal = journal }
    /// Engines started so far (read from any thread).
    var engines: [FakeEngine] { lock.lock(); defer { lock.unlock() }; return started }
    var startError: Error? {
        get { lock.lock(); defer { lock.unlock() }; return failure }
        set { lock.lock(); failure = newValue; lock.unlock() }
    }
    func prepare(configText: String) throws -> PreparedConfiguration {
        guard configText.hasPrefix("address=") else {
            throw CulvertAdapterError.invalidConfiguration(kind: "SYNTAX_ERROR", detail: "not a config")
        }
        var prepared = PreparedConfiguration(settings: SettingsInput(addresses: [String(configText.dropFirst(8))]), payload: configText)
        prepared.redacted = "[Interface]\nPrivateKey = (hidden)\n"
        return prepared
    }
    func resolveEndpoints(_ configuration: PreparedConfiguration) { journal.mutate { $0.append("resolveEndpoints") } }
    func start(_ configuration: PreparedConfiguration, io: TunnelPacketIO,
               events: @escaping @Sendable (TunnelEngineEvent) -> Void) throws -> TunnelEngine {
        if let error = startError { throw error }
        journal.mutate { $0.append("start") }
        let engine = FakeEngine(io: io, configuration: configuration, events: events)
        lock.lock(); started.append(engine); lock.unlock()
        events(.stateChanged("connecting"))
        return engine
    }
}

final class ControllerTests: XCTestCase {
    private func run(_ body: (@escaping @Sendable (Error?) -> Void) -> Void) -> Error? {
        let done = Signal()
        let result = Locked<Error?>(nil)
        body { result.value = $0; done.fire() }
        done.wait()
        return result.value
    }

    private func stop(_ controller: TunnelController) {
        let stopped = Signal()
        controller.stop { stopped.fire() }
        stopped.wait()
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
        XCTAssertEqual(engine.calls.filter { $0 != "send" }, ["update", "sleep", "wake", "networkChanged"],
                       "wake with no path change does not rebind; the first path is the baseline")
        stop(controller)
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
        let release = Locked<(@Sendable () -> Void)?>(nil)
        let held = Signal()
        platform.holdSettings = { finish in release.value = finish; held.fire() }
        let controller = TunnelController(platform: platform, factory: factory)
        let started = Signal()
        let startError = Locked<Error?>(nil)
        controller.start(configText: "address=10.0.0.2") { startError.value = $0; started.fire() }
        held.wait()

        // The controller is mid-start: app messages are still answered immediately.
        let reply = try? AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.state.encoded()))
        XCTAssertEqual(reply?.adapterState, .starting)

        stop(controller)
        release.value?()
        started.wait()
        XCTAssertEqual(startError.value as? CulvertAdapterError, .stopped(.start))
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
        let last = platform.snapshot { $0.applied.last }
        XCTAssertEqual(last?.ipv4Addresses.first?.address, "10.0.0.3", "the new settings were applied")

        controller.configurationSource = { throw CulvertAdapterError.tunnel("keychain unavailable") }
        reply = try AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.reload.encoded()))
        XCTAssertEqual(reply.reloading, true, "accepted; the failure is logged, the tunnel keeps running")
        XCTAssertEqual(controller.state, .running)
    }

    func testAStaleStartNeverRunsAfterStopAndRestart() {
        let platform = FakePlatform(), factory = FakeFactory()
        let releases = Locked<[@Sendable () -> Void]>([])
        platform.holdSettings = { finish in releases.mutate { $0.append(finish) } }
        let controller = TunnelController(platform: platform, factory: factory)
        let first = Signal()
        let firstError = Locked<Error?>(nil)
        controller.start(configText: "address=10.0.0.2") { firstError.value = $0; first.fire() }
        XCTAssertTrue(waitUntil(10) { releases.value.count == 1 })
        stop(controller)
        let second = Signal()
        let secondError = Locked<Error?>(CulvertAdapterError.alreadyStarted)
        controller.start(configText: "address=10.0.0.3") { secondError.value = $0; second.fire() }
        XCTAssertTrue(waitUntil(10) { releases.value.count == 2 })

        let pending = releases.value
        pending[0]()   // the first start's settings complete late
        first.wait()
        XCTAssertEqual(firstError.value as? CulvertAdapterError, .stopped(.start))
        XCTAssertTrue(factory.engines.isEmpty, "the stale start started nothing")
        XCTAssertEqual(controller.state, .starting, "the second start is still in progress")
        pending[1]()
        second.wait()
        XCTAssertNil(secondError.value)
        XCTAssertEqual(factory.engines.count, 1)
        XCTAssertEqual(controller.state, .running)
    }

    func testSettingsThatNeverAnswerFailTheStartAfterTheTimeout() {
        let platform = FakePlatform(), factory = FakeFactory()
        platform.neverAnswer = true
        let controller = TunnelController(platform: platform, factory: factory, settingsTimeout: 0.2)
        let error = run { controller.start(configText: "address=10.0.0.2", completion: $0) }
        XCTAssertEqual(error as? CulvertAdapterError, .settingsTimeout(seconds: 0.2))
        XCTAssertEqual(controller.state, .stopped, "not left in starting (Connecting) forever")
        XCTAssertTrue(factory.engines.isEmpty)
        // The next start works.
        platform.lock.lock(); platform.neverAnswer = false; platform.lock.unlock()
        XCTAssertNil(run { controller.start(configText: "address=10.0.0.2", completion: $0) })
        XCTAssertEqual(controller.state, .running)
    }

    func testEndpointsAreResolvedBeforeTheSettingsAndThePathReachesTheEngine() throws {
        let journal = Locked<[String]>([])
        let platform = FakePlatform(journal: journal), factory = FakeFactory(journal: journal)
        let controller = TunnelController(platform: platform, factory: factory)
        let ipv6Only = PathSummary(status: .satisfied, interfaces: ["en0"], supportsIPv4: false, supportsIPv6: true)
        let started = Signal()
        controller.start(configText: "address=10.0.0.2", pathWait: 10) { _ in started.fire() }
        controller.pathUpdated(ipv6Only)   // the start waits for the first path
        started.wait()
        XCTAssertEqual(journal.value, ["resolveEndpoints", "applySettings", "start"],
                       "getaddrinfo runs before the tunnel's DNS settings exist")
        let engine = try XCTUnwrap(factory.engines.first)
        XCTAssertEqual(engine.configuration.underlyingPath, ipv6Only)
        let options = CulvertEngineFactory(resolver: nil).options(for: engine.configuration.underlyingPath)
        XCTAssertEqual(options?.assumeIpv6Only, true, "supportsIPv4 == false reaches the core")
        XCTAssertNil(CulvertEngineFactory(resolver: nil).options(for: PathSummary(isSatisfied: true, interfaces: ["en0"])))

        // No path at all: the start goes ahead after the wait.
        let other = TunnelController(platform: FakePlatform(), factory: FakeFactory())
        XCTAssertNil(run { other.start(configText: "address=10.0.0.2", pathWait: 0.1, completion: $0) })
        XCTAssertEqual(other.state, .running)
    }

    func testAStopWhileWaitingForThePathStartsNothing() {
        let platform = FakePlatform(), factory = FakeFactory()
        let controller = TunnelController(platform: platform, factory: factory)
        let started = Signal()
        let startError = Locked<Error?>(nil)
        controller.start(configText: "address=10.0.0.2", pathWait: 30) { startError.value = $0; started.fire() }
        stop(controller)
        started.wait()
        XCTAssertEqual(startError.value as? CulvertAdapterError, .stopped(.start))
        controller.pathUpdated(PathSummary(isSatisfied: true, interfaces: ["en0"]))
        XCTAssertEqual(controller.state, .stopped)
        XCTAssertTrue(factory.engines.isEmpty, "no tunnel after the stop")
        XCTAssertTrue(platform.snapshot { $0.applied }.isEmpty)
    }

    func testReconnectsSetReassertingAndAStopFromBelowCancelsTheTunnel() throws {
        let platform = FakePlatform(), factory = FakeFactory()
        let controller = TunnelController(platform: platform, factory: factory)
        XCTAssertNil(run { controller.start(configText: "address=10.0.0.2", completion: $0) })
        let engine = try XCTUnwrap(factory.engines.first)
        engine.events(.stateChanged("connected"))
        engine.events(.stateChanged("reasserting"))
        engine.events(.stateChanged("reasserting"))
        engine.events(.stateChanged("connected"))
        XCTAssertTrue(waitUntil(10) { platform.snapshot { $0.reassertions } == [true, false] })
        XCTAssertTrue(platform.snapshot { $0.cancelled }.isEmpty)

        engine.events(.stateChanged("stopped"))   // nobody asked: a fatal stop
        XCTAssertTrue(waitUntil(10) { platform.snapshot { $0.cancelled.count } == 1 })
        XCTAssertEqual(controller.state, .stopped, "the system's stopTunnel will find it stopped")
        stop(controller)
        XCTAssertEqual(platform.snapshot { $0.cancelled.count }, 1, "a requested stop does not cancel")

        XCTAssertEqual(ReassertingRule.action(state: "stopped", reasserting: false, adapterRunning: false), ReassertingRule.Action.none)
        XCTAssertEqual(ReassertingRule.action(state: "reasserting", reasserting: false, adapterRunning: true), .setReasserting(true))
    }

    func testWakeRebindsOnlyWhenThePathChangedWhileAsleep() throws {
        let platform = FakePlatform(), factory = FakeFactory()
        let controller = TunnelController(platform: platform, factory: factory)
        controller.pathUpdated(PathSummary(isSatisfied: true, interfaces: ["en0"], gateways: ["192.168.1.1:0"]))
        XCTAssertNil(run { controller.start(configText: "address=10.0.0.2", completion: $0) })
        let engine = try XCTUnwrap(factory.engines.first)
        controller.sleep()
        controller.wake()
        controller.sleep()
        // Another Wi-Fi on the same interface, no unsatisfied moment in between.
        controller.pathUpdated(PathSummary(isSatisfied: true, interfaces: ["en0"], gateways: ["10.0.0.1:0"]))
        controller.wake()
        XCTAssertEqual(controller.state, .running)
        XCTAssertEqual(engine.calls, ["sleep", "wake", "sleep", "wake", "networkChanged"])
        stop(controller)
    }

    func testConfigurationAndLogAppMessages() throws {
        let platform = FakePlatform(), factory = FakeFactory()
        let controller = TunnelController(platform: platform, factory: factory)
        var reply = try AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.configuration.encoded()))
        XCTAssertNil(reply.configuration)
        XCTAssertNotNil(reply.error)
        XCTAssertNil(run { controller.start(configText: "address=10.0.0.2", completion: $0) })
        reply = try AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.configuration.encoded()))
        XCTAssertEqual(reply.configuration, "[Interface]\nPrivateKey = (hidden)\n")
        reply = try AppMessageReply.decode(controller.handleAppMessage(AppMessageRequest.log.encoded()))
        XCTAssertNil(reply.logLines)
        XCTAssertNotNil(reply.error, "no ring log configured")
        stop(controller)
    }

    func testPacketFamilies() {
        XCTAssertEqual(IPPacketFamily.protocolFamily(of: Data([0x45, 0])), 2)
        XCTAssertEqual(IPPacketFamily.protocolFamily(of: Data([0x60, 0])), IPPacketFamily.ipv6Family)
        XCTAssertNil(IPPacketFamily.protocolFamily(of: Data()))
        XCTAssertNil(IPPacketFamily.protocolFamily(of: Data([0x10])))
    }
}
