// The adapter's logic, free of NetworkExtension: the lifecycle, the order of
// operations (settings first, then the tunnel), packet plumbing in callback mode,
// the status cache for app messages, path changes. `CulvertTunnelAdapter` binds it
// to an NEPacketTunnelProvider; tests bind it to an in-memory platform on Linux.

import Foundation

/// What the host platform does for the tunnel (an `NEPacketTunnelProvider`, or a
/// test double). Every method may be called from the controller's queue only.
public protocol TunnelPlatform: AnyObject, Sendable {
    /// Applies network settings (`setTunnelNetworkSettings`); calls `completion`
    /// on any thread with the system's error if it refused them — or never (it
    /// happens): the controller then gives up after `TunnelController.settingsTimeout`.
    func applySettings(_ plan: PacketTunnelSettingsPlan, completion: @escaping @Sendable (Error?) -> Void)
    /// The tunnel interface's file descriptor when the tunnel can own it (Apple:
    /// the utun socket), `nil` to move packets through callbacks instead.
    func tunnelDescriptor() -> Int32?
    /// Starts delivering packets the system sends into the tunnel to `handler`
    /// (`packetFlow.readPackets` re-armed after each batch) until `stopReadingPackets`.
    func startReadingPackets(_ handler: @escaping @Sendable ([Data]) -> Void)
    /// Stops the read loop started by `startReadingPackets`.
    func stopReadingPackets()
    /// Hands packets from the tunnel to the system (`packetFlow.writePackets`).
    func writePackets(_ packets: [Data])
    /// `NETunnelProvider.reasserting`: `true` while the tunnel reconnects (the
    /// system shows "Connecting" and on-demand waits), `false` once it is back.
    func setReasserting(_ reasserting: Bool)
    /// `NEPacketTunnelProvider.cancelTunnelWithError`: the tunnel ended on its own
    /// (the engine stopped or failed); the system then calls `stopTunnel`.
    func cancelTunnel(with error: Error?)
}

/// How the running engine moves packets.
public enum TunnelPacketIO: Sendable {
    /// The engine reads and writes this descriptor itself (Apple utun framing).
    case descriptor(Int32)
    /// Packets cross as batches: the engine calls `deliver` for packets going to the
    /// system and gets packets from the system through `TunnelEngine.sendPackets`.
    case callbacks(deliver: @Sendable ([Data]) -> Void)
}

/// What the engine reports while it runs.
public enum TunnelEngineEvent: Equatable, Sendable {
    /// The tunnel's state changed (`connecting`, `connected`, ...).
    case stateChanged(String)
    /// Anything else worth a log line (handshake completed, peer idle, ...).
    case other(String)
}

/// A configuration checked by the engine and ready to start or apply.
public struct PreparedConfiguration: Sendable {
    /// The network settings it asks for.
    public var settings: SettingsInput
    /// The engine's own parsed form (opaque to the controller).
    public var payload: any Sendable
    /// The configuration as text without secrets (`RedactedConfiguration`), for
    /// `.configuration` app messages; `nil` if the engine has none.
    public var redacted: String?
    /// The underlying network path when the tunnel starts (set by the controller
    /// from the latest `pathUpdated`; `nil` when none arrived yet).
    public var underlyingPath: PathSummary?

    /// Creates a prepared configuration.
    public init(settings: SettingsInput, payload: any Sendable) {
        self.settings = settings
        self.payload = payload
    }
}

/// The tunnel engine (the Rust core through the generated bindings, see
/// `CulvertEngine`; a double in tests). Methods are thread-safe.
public protocol TunnelEngine: AnyObject, Sendable {
    /// Packets from the system into the tunnel (callback mode).
    func sendPackets(_ packets: [Data]) throws
    /// Applies a new configuration without tearing the tunnel down.
    func update(_ configuration: PreparedConfiguration) throws
    /// The device goes to sleep.
    func sleep() throws
    /// The device woke up.
    func wake() throws
    /// The underlying network changed: rebind sockets, re-resolve endpoints.
    func networkChanged() throws
    /// Current statistics.
    func stats() throws -> TunnelStatsSnapshot
    /// Current state name (`connecting`, `connected`, ...).
    func stateName() -> String
    /// Stops the tunnel; later calls throw.
    func stop() throws
}

/// Makes engines: parses configurations and starts tunnels.
public protocol TunnelEngineFactory: Sendable {
    /// Parses `configText` and derives its network settings. Throws
    /// `CulvertAdapterError.invalidConfiguration` for bad input.
    func prepare(configText: String) throws -> PreparedConfiguration
    /// Resolves the configuration's endpoint names now, on the underlying network,
    /// before the tunnel's settings (and its DNS servers) are applied; the tunnel
    /// then starts with these answers. May block; runs on the controller's queue.
    func resolveEndpoints(_ configuration: PreparedConfiguration)
    /// Starts a tunnel for `configuration` on `io`, reporting to `events`.
    func start(_ configuration: PreparedConfiguration, io: TunnelPacketIO,
               events: @escaping @Sendable (TunnelEngineEvent) -> Void) throws -> TunnelEngine
}

extension TunnelEngineFactory {
    /// Nothing to resolve ahead (engines that resolve by themselves, test doubles).
    public func resolveEndpoints(_ configuration: PreparedConfiguration) {}
}

/// Where the adapter's own log lines go (the Rust core logs through `LogSink`).
public typealias AdapterLogHandler = @Sendable (_ level: AdapterLogLevel, _ message: String) -> Void

/// Severity of an adapter log line.
public enum AdapterLogLevel: String, Sendable {
    /// Something failed.
    case error
    /// A state change.
    case info
    /// Detail for debugging.
    case debug
}

/// Runs one tunnel for a platform: all work on one serial queue, every failure a
/// `CulvertAdapterError`, app messages answered from a cache without that queue.
///
/// Thread safety: every mutable field is touched on `queue` only, except
/// `currentEngine` (its own lock) and the two closures `onEvent` and
/// `configurationSource`, which are set once before `start`.
public final class TunnelController: @unchecked Sendable {
    /// How long `setTunnelNetworkSettings` may take before the start (or update)
    /// fails with `CulvertAdapterError.settingsTimeout` (WireGuardKit: 5 s).
    public static let defaultSettingsTimeout: TimeInterval = 5

    /// The cache `handleAppMessage` answers from.
    public let status: TunnelStatusCache
    /// Called with every engine event (on an engine thread), after the cache saw it.
    /// Set it before `start`.
    public var onEvent: (@Sendable (TunnelEngineEvent) -> Void)?

    private let platform: TunnelPlatform
    private let factory: TunnelEngineFactory
    private let queue: DispatchQueue
    private let statsQueue = DispatchQueue(label: "io.culvert.adapter.stats")
    private let log: AdapterLogHandler
    private let settingsTimeout: TimeInterval
    private var lifecycle = TunnelLifecycle()
    private var startGeneration: UInt64 = 0
    private var pathFilter = PathChangeFilter()
    private var lastPath: PathSummary?
    private var waitingForPath: [@Sendable () -> Void] = []
    private var pathWaitGeneration: UInt64 = 0
    private var pathChangedWhileAsleep = false
    private var reasserting = false
    private let engineLock = NSLock()
    private var currentEngine: TunnelEngine?

    /// Creates a controller for `platform`; `log` receives the adapter's own lines.
    public init(platform: TunnelPlatform, factory: TunnelEngineFactory,
                queue: DispatchQueue = DispatchQueue(label: "io.culvert.adapter"),
                status: TunnelStatusCache = TunnelStatusCache(),
                settingsTimeout: TimeInterval = TunnelController.defaultSettingsTimeout,
                log: @escaping AdapterLogHandler = { _, _ in }) {
        self.platform = platform
        self.factory = factory
        self.queue = queue
        self.status = status
        self.settingsTimeout = settingsTimeout
        self.log = log
    }

    /// The lifecycle state (read on the controller's queue).
    public var state: AdapterState { queue.sync { lifecycle.state } }

    private var engine: TunnelEngine? {
        get { engineLock.lock(); defer { engineLock.unlock() }; return currentEngine }
        set { engineLock.lock(); currentEngine = newValue; engineLock.unlock() }
    }

    private func setLifecycleState() { status.setAdapterState(lifecycle.state) }

    /// Starts: configuration parsed, endpoints resolved on the underlying network,
    /// settings applied, then the tunnel on the platform's descriptor (or on packet
    /// callbacks). `completion` gets `nil` or a `CulvertAdapterError`.
    ///
    /// - Parameter pathWait: when no `pathUpdated` arrived yet, wait up to this long
    ///   for the first one, so the tunnel starts knowing whether the network has
    ///   IPv4 (`PreparedConfiguration.underlyingPath`). The adapter passes 1 s.
    public func start(configText: String, pathWait: TimeInterval = 0,
                      completion: @escaping @Sendable (Error?) -> Void) {
        queue.async { [self] in
            guard pathWait > 0, lastPath == nil else { return startNow(configText: configText, completion: completion) }
            let once = OnceFlag()
            let generation = pathWaitGeneration
            let go: @Sendable () -> Void = { [self] in
                guard once.claim() else { return }
                // A stop while waiting for the path wins: nothing starts afterwards.
                guard generation == pathWaitGeneration else { return completion(CulvertAdapterError.stopped(.start)) }
                startNow(configText: configText, completion: completion)
            }
            waitingForPath.append(go)
            queue.asyncAfter(deadline: .now() + pathWait, execute: go)
        }
    }

    /// The start itself, on `queue`.
    private func startNow(configText: String, completion: @escaping @Sendable (Error?) -> Void) {
        do {
            guard try lifecycle.begin(.start) == .perform else { return completion(nil) }
        } catch { return completion(error) }
        startGeneration &+= 1
        let generation = startGeneration
        setLifecycleState()
        var prepared: PreparedConfiguration
        let plan: PacketTunnelSettingsPlan
        do {
            prepared = try factory.prepare(configText: configText)
            plan = try Self.translate(prepared.settings)
        } catch {
            return failStart(error, completion)
        }
        prepared.underlyingPath = lastPath
        // Before the tunnel's DNS servers exist: on a NAT64 network the system
        // resolver synthesises the IPv6 address only on the underlying path.
        factory.resolveEndpoints(prepared)
        let ready = prepared
        log(.info, "start: applying network settings")
        applySettings(plan) { [self] settingsError in
            if let settingsError = settingsError {
                return failStart(settingsError, completion)
            }
            guard lifecycle.state == .starting, generation == startGeneration else {
                // stop() came while the settings were being applied (and
                // perhaps a newer start after it, which this one must not run).
                if generation == startGeneration {
                    lifecycle.finish(.start, succeeded: false)
                    setLifecycleState()
                }
                return completion(CulvertAdapterError.stopped(.start))
            }
            do {
                try startEngine(ready)
            } catch {
                return failStart(error, completion)
            }
            lifecycle.finish(.start, succeeded: true)
            setLifecycleState()
            log(.info, "start: tunnel running")
            completion(nil)
        }
    }

    /// `platform.applySettings` with a deadline; `next` runs once on `queue` with
    /// `nil`, `settingsRejected` or `settingsTimeout`. A late answer is ignored.
    private func applySettings(_ plan: PacketTunnelSettingsPlan, next: @escaping @Sendable (Error?) -> Void) {
        let once = OnceFlag()
        let timeout = settingsTimeout
        platform.applySettings(plan) { [self] settingsError in
            guard once.claim() else {
                return log(.error, "setTunnelNetworkSettings answered after the \(timeout) s timeout; ignored")
            }
            queue.async { next(settingsError.map { CulvertAdapterError.settingsRejected(String(describing: $0)) }) }
        }
        queue.asyncAfter(deadline: .now() + timeout) { [self] in
            guard once.claim() else { return }
            log(.error, "setTunnelNetworkSettings did not answer within \(timeout) s")
            next(CulvertAdapterError.settingsTimeout(seconds: timeout))
        }
    }

    private func startEngine(_ prepared: PreparedConfiguration) throws {
        let io: TunnelPacketIO
        if let fd = platform.tunnelDescriptor() {
            log(.info, "start: tunnel on the utun descriptor")
            io = .descriptor(fd)
        } else {
            log(.info, "start: tunnel on packet callbacks")
            io = .callbacks(deliver: { [weak platform] packets in platform?.writePackets(packets) })
        }
        let started: TunnelEngine
        do {
            started = try factory.start(prepared, io: io, events: { [weak self] event in self?.handle(event) })
        } catch let error as CulvertAdapterError {
            throw error
        } catch {
            throw CulvertAdapterError.tunnel(String(describing: error))
        }
        engine = started
        reasserting = false
        status.setConfiguration(prepared.redacted)
        status.setTunnelState(started.stateName())
        if case .callbacks = io {
            platform.startReadingPackets { [weak self] packets in
                guard let engine = self?.engine else { return }
                do { try engine.sendPackets(packets) } catch { self?.log(.debug, "packets dropped: \(error)") }
            }
        }
        refreshStats()
    }

    private func failStart(_ error: Error, _ completion: @escaping @Sendable (Error?) -> Void) {
        lifecycle.finish(.start, succeeded: false)
        setLifecycleState()
        log(.error, "start failed: \(error)")
        completion(error)
    }

    private static func translate(_ settings: SettingsInput) throws -> PacketTunnelSettingsPlan {
        do { return try PacketTunnelSettingsPlan.translate(settings) } catch let error as SettingsTranslationError {
            throw CulvertAdapterError.invalidSettings(error)
        }
    }

    private func handle(_ event: TunnelEngineEvent) {
        if case let .stateChanged(name) = event {
            status.setTunnelState(name)
            log(.info, "tunnel \(name)")
            queue.async { [self] in tunnelStateChanged(name) }
        }
        onEvent?(event)
        refreshStats()
    }

    /// The system learns about reconnects (`reasserting`) and about a tunnel that
    /// ended by itself (`cancelTunnelWithError`), so it never shows Connected while
    /// traffic goes nowhere. Runs on `queue`.
    private func tunnelStateChanged(_ name: String) {
        switch ReassertingRule.action(state: name, reasserting: reasserting,
                                      adapterRunning: lifecycle.state == .running || lifecycle.state == .sleeping) {
        case .none:
            break
        case .setReasserting(let value):
            reasserting = value
            platform.setReasserting(value)
        case .cancel:
            log(.error, "the tunnel stopped on its own: cancelling")
            lifecycle.engineStopped()
            setLifecycleState()
            platform.stopReadingPackets()
            engine = nil
            status.setStats(nil)
            if reasserting { reasserting = false; platform.setReasserting(false) }
            platform.cancelTunnel(with: CulvertAdapterError.tunnel("the tunnel stopped on its own"))
        }
    }

    /// Stops the tunnel; `completion` runs once it is down (also when it was not running).
    public func stop(completion: @escaping @Sendable () -> Void) {
        queue.async { [self] in
            if !waitingForPath.isEmpty {
                pathWaitGeneration &+= 1
                let waiting = waitingForPath
                waitingForPath = []
                waiting.forEach { $0() }
            }
            let decision = (try? lifecycle.begin(.stop)) ?? .ignore
            guard decision == .perform else { setLifecycleState(); return completion() }
            setLifecycleState()
            platform.stopReadingPackets()
            let running = engine
            engine = nil
            if let running = running {
                do { try running.stop() } catch { log(.error, "stop: \(error)") }
            }
            status.setStats(nil)
            lifecycle.finish(.stop, succeeded: true)
            setLifecycleState()
            log(.info, "stopped")
            completion()
        }
    }

    /// Applies a new configuration live: settings re-applied, then the tunnel updated.
    public func update(configText: String, completion: @escaping @Sendable (Error?) -> Void) {
        queue.async { [self] in
            do {
                guard try lifecycle.begin(.update) == .perform else { return completion(nil) }
                let prepared = try factory.prepare(configText: configText)
                let plan = try Self.translate(prepared.settings)
                factory.resolveEndpoints(prepared)
                applySettings(plan) { [self] settingsError in
                    if let settingsError = settingsError { return completion(settingsError) }
                    guard let running = engine else { return completion(CulvertAdapterError.stopped(.update)) }
                    do { try running.update(prepared) } catch { return completion(Self.wrap(error)) }
                    status.setConfiguration(prepared.redacted)
                    log(.info, "configuration updated")
                    completion(nil)
                }
            } catch {
                completion(error)
            }
        }
    }

    /// The device goes to sleep; `completion` runs once the tunnel is quiet.
    public func sleep(completion: @escaping @Sendable () -> Void = {}) {
        queue.async { [self] in
            pathChangedWhileAsleep = false
            _ = performOnQueue(.sleep) { try $0.sleep() }
            completion()
        }
    }

    /// The device woke up. Sockets are rebound and a handshake forced only when
    /// the network path changed while the device slept (see `pathUpdated`).
    public func wake() {
        queue.async { [self] in
            let rebind = pathChangedWhileAsleep
            pathChangedWhileAsleep = false
            _ = performOnQueue(.wake) { engine in
                try engine.wake()
                if rebind { try engine.networkChanged() }
            }
        }
    }

    /// A new `NWPath`: calls `networkChanged` only for real changes (see
    /// `PathChangeFilter`); while asleep the change is kept for `wake`.
    public func pathUpdated(_ path: PathSummary) {
        queue.async { [self] in
            lastPath = path
            let waiting = waitingForPath
            waitingForPath = []
            waiting.forEach { $0() }
            guard pathFilter.shouldNotify(path) else { return }
            if lifecycle.state == .sleeping {
                pathChangedWhileAsleep = true
                return
            }
            log(.info, "network changed: \(path.interfaces.joined(separator: ","))")
            _ = performOnQueue(.networkChanged) { try $0.networkChanged() }
        }
    }

    /// Runs `operation` now; the caller is on `queue`.
    private func performOnQueue(_ operation: AdapterOperation, _ work: (TunnelEngine) throws -> Void) -> Error? {
        do {
            guard try lifecycle.begin(operation) == .perform else { return nil }
            setLifecycleState()
            guard let running = engine else { return CulvertAdapterError.notStarted(operation) }
            try work(running)
            return nil
        } catch {
            log(.error, "\(operation.rawValue): \(error)")
            return Self.wrap(error)
        }
    }

    private static func wrap(_ error: Error) -> Error {
        error is CulvertAdapterError ? error : CulvertAdapterError.tunnel(String(describing: error))
    }

    /// Where `.reload` app messages read the new configuration from (the adapter
    /// sets it to the Keychain item); `nil` answers `.reload` with an error. Set it
    /// before `start`.
    public var configurationSource: (@Sendable () throws -> String)?

    /// Answers an app message at once from the cache (never waiting for the
    /// controller's queue), then does any work it asked for: statistics are
    /// refreshed, a `.reload` applies the configuration from `configurationSource`.
    public func handleAppMessage(_ message: Data) -> Data {
        let request = AppMessageRequest.decode(message)
        var reply = status.reply(to: request)
        if request == .reload {
            if let source = configurationSource, reply.adapterState == .running || reply.adapterState == .sleeping {
                reply.reloading = true
                queue.async { [self] in
                    do {
                        let text = try source()
                        update(configText: text) { [self] error in
                            if let error = error { log(.error, "reload: \(error)") }
                        }
                    } catch {
                        log(.error, "reload: \(error)")
                    }
                }
            } else {
                reply.reloading = false
                reply.error = configurationSource == nil ? "reload: no configuration source" : "reload: the tunnel is not running"
            }
        }
        refreshStats()
        return reply.encoded()
    }

    /// Re-reads statistics into the cache, off the controller's queue.
    public func refreshStats() {
        statsQueue.async { [weak self] in
            guard let self = self, let running = self.engine else { return }
            if let snapshot = try? running.stats() { self.status.setStats(snapshot) }
        }
    }
}

/// What the system must be told when the tunnel's state changes. Pure: tested on Linux.
public enum ReassertingRule {
    /// The platform call to make.
    public enum Action: Equatable, Sendable {
        /// Nothing.
        case none
        /// Set `reasserting` to this value.
        case setReasserting(Bool)
        /// The engine stopped although nobody asked it to: `cancelTunnelWithError`.
        case cancel
    }

    /// The action for the core's new `state` (`TunnelState.name`), given whether
    /// `reasserting` is set and whether the adapter still considers itself running.
    public static func action(state: String, reasserting: Bool, adapterRunning: Bool) -> Action {
        switch state {
        case "reasserting": return reasserting ? .none : .setReasserting(true)
        case "connected": return reasserting ? .setReasserting(false) : .none
        case "stopped": return adapterRunning ? .cancel : .none
        default: return .none
        }
    }
}

/// A flag that can be claimed once, from any thread.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false
    /// `true` for the first caller only.
    func claim() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}

/// Wraps a value the compiler cannot prove `Sendable` (NetworkExtension's
/// completion handlers, documented as callable from any thread) for one hop
/// into a `@Sendable` closure.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The IP version of a packet, as `packetFlow.writePackets(_:withProtocols:)` wants it.
public enum IPPacketFamily {
    /// `AF_INET` for IPv4, `AF_INET6` for IPv6, `nil` for anything else.
    public static func protocolFamily(of packet: Data) -> Int32? {
        guard let first = packet.first else { return nil }
        switch first >> 4 {
        case 4: return 2          // AF_INET on every platform
        case 6: return ipv6Family // AF_INET6 differs: 30 on Darwin, 10 on Linux
        default: return nil
        }
    }

    #if canImport(Darwin)
    static let ipv6Family: Int32 = 30
    #else
    static let ipv6Family: Int32 = 10
    #endif
}
