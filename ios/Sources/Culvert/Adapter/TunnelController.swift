// The adapter's logic, free of NetworkExtension: the lifecycle, the order of
// operations (settings first, then the tunnel), packet plumbing in callback mode,
// the status cache for app messages, path changes. `CulvertTunnelAdapter` binds it
// to an NEPacketTunnelProvider; tests bind it to an in-memory platform on Linux.

import Foundation

/// What the host platform does for the tunnel (an `NEPacketTunnelProvider`, or a
/// test double). Every method may be called from the controller's queue only.
public protocol TunnelPlatform: AnyObject {
    /// Applies network settings (`setTunnelNetworkSettings`); calls `completion`
    /// exactly once, on any thread, with the system's error if it refused them.
    func applySettings(_ plan: PacketTunnelSettingsPlan, completion: @escaping (Error?) -> Void)
    /// The tunnel interface's file descriptor when the tunnel can own it (Apple:
    /// the utun socket), `nil` to move packets through callbacks instead.
    func tunnelDescriptor() -> Int32?
    /// Starts delivering packets the system sends into the tunnel to `handler`
    /// (`packetFlow.readPackets` re-armed after each batch) until `stopReadingPackets`.
    func startReadingPackets(_ handler: @escaping ([Data]) -> Void)
    /// Stops the read loop started by `startReadingPackets`.
    func stopReadingPackets()
    /// Hands packets from the tunnel to the system (`packetFlow.writePackets`).
    func writePackets(_ packets: [Data])
}

/// How the running engine moves packets.
public enum TunnelPacketIO {
    /// The engine reads and writes this descriptor itself (Apple utun framing).
    case descriptor(Int32)
    /// Packets cross as batches: the engine calls `deliver` for packets going to the
    /// system and gets packets from the system through `TunnelEngine.sendPackets`.
    case callbacks(deliver: ([Data]) -> Void)
}

/// What the engine reports while it runs.
public enum TunnelEngineEvent: Equatable, Sendable {
    /// The tunnel's state changed (`connecting`, `connected`, ...).
    case stateChanged(String)
    /// Anything else worth a log line (handshake completed, peer idle, ...).
    case other(String)
}

/// A configuration checked by the engine and ready to start or apply.
public struct PreparedConfiguration {
    /// The network settings it asks for.
    public var settings: SettingsInput
    /// The engine's own parsed form (opaque to the controller).
    public var payload: Any

    /// Creates a prepared configuration.
    public init(settings: SettingsInput, payload: Any) {
        self.settings = settings
        self.payload = payload
    }
}

/// The tunnel engine (the Rust core through the generated bindings, see
/// `CulvertEngine`; a double in tests). Methods are thread-safe.
public protocol TunnelEngine: AnyObject {
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
public protocol TunnelEngineFactory {
    /// Parses `configText` and derives its network settings. Throws
    /// `CulvertAdapterError.invalidConfiguration` for bad input.
    func prepare(configText: String) throws -> PreparedConfiguration
    /// Starts a tunnel for `configuration` on `io`, reporting to `events`.
    func start(_ configuration: PreparedConfiguration, io: TunnelPacketIO,
               events: @escaping (TunnelEngineEvent) -> Void) throws -> TunnelEngine
}

/// Where the adapter's own log lines go (the Rust core logs through `LogSink`).
public typealias AdapterLogHandler = (_ level: AdapterLogLevel, _ message: String) -> Void

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
public final class TunnelController {
    /// The cache `handleAppMessage` answers from.
    public let status: TunnelStatusCache
    /// Called with every engine event (on an engine thread), after the cache saw it.
    public var onEvent: ((TunnelEngineEvent) -> Void)?

    private let platform: TunnelPlatform
    private let factory: TunnelEngineFactory
    private let queue: DispatchQueue
    private let statsQueue = DispatchQueue(label: "io.culvert.adapter.stats")
    private let log: AdapterLogHandler
    private var lifecycle = TunnelLifecycle()
    private var startGeneration: UInt64 = 0
    private var pathFilter = PathChangeFilter()
    private let engineLock = NSLock()
    private var currentEngine: TunnelEngine?

    /// Creates a controller for `platform`; `log` receives the adapter's own lines.
    public init(platform: TunnelPlatform, factory: TunnelEngineFactory,
                queue: DispatchQueue = DispatchQueue(label: "io.culvert.adapter"),
                status: TunnelStatusCache = TunnelStatusCache(),
                log: @escaping AdapterLogHandler = { _, _ in }) {
        self.platform = platform
        self.factory = factory
        self.queue = queue
        self.status = status
        self.log = log
    }

    /// The lifecycle state (read on the controller's queue).
    public var state: AdapterState { queue.sync { lifecycle.state } }

    private var engine: TunnelEngine? {
        get { engineLock.lock(); defer { engineLock.unlock() }; return currentEngine }
        set { engineLock.lock(); currentEngine = newValue; engineLock.unlock() }
    }

    private func setLifecycleState() { status.setAdapterState(lifecycle.state) }

    /// Starts: configuration parsed, settings applied, then the tunnel on the
    /// platform's descriptor (or on packet callbacks). `completion` gets `nil` or
    /// a `CulvertAdapterError`.
    public func start(configText: String, completion: @escaping (Error?) -> Void) {
        queue.async { [self] in
            do {
                guard try lifecycle.begin(.start) == .perform else { return completion(nil) }
            } catch { return completion(error) }
            startGeneration &+= 1
            let generation = startGeneration
            setLifecycleState()
            let prepared: PreparedConfiguration
            let plan: PacketTunnelSettingsPlan
            do {
                prepared = try factory.prepare(configText: configText)
                plan = try Self.translate(prepared.settings)
            } catch {
                return failStart(error, completion)
            }
            log(.info, "start: applying network settings")
            platform.applySettings(plan) { [self] settingsError in
                queue.async { [self] in
                    if let settingsError = settingsError {
                        return failStart(CulvertAdapterError.settingsRejected(String(describing: settingsError)), completion)
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
                        try startEngine(prepared)
                    } catch {
                        return failStart(error, completion)
                    }
                    lifecycle.finish(.start, succeeded: true)
                    setLifecycleState()
                    log(.info, "start: tunnel running")
                    completion(nil)
                }
            }
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
        status.setTunnelState(started.stateName())
        if case .callbacks = io {
            platform.startReadingPackets { [weak self] packets in
                guard let engine = self?.engine else { return }
                do { try engine.sendPackets(packets) } catch { self?.log(.debug, "packets dropped: \(error)") }
            }
        }
        refreshStats()
    }

    private func failStart(_ error: Error, _ completion: @escaping (Error?) -> Void) {
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
        }
        onEvent?(event)
        refreshStats()
    }

    /// Stops the tunnel; `completion` runs once it is down (also when it was not running).
    public func stop(completion: @escaping () -> Void) {
        queue.async { [self] in
            let decision = (try? lifecycle.begin(.stop)) ?? .ignore
            guard decision == .perform else { setLifecycleState(); return completion() }
            setLifecycleState()
            platform.stopReadingPackets()
            if let running = engine {
                do { try running.stop() } catch { log(.error, "stop: \(error)") }
            }
            engine = nil
            status.setStats(nil)
            lifecycle.finish(.stop, succeeded: true)
            setLifecycleState()
            log(.info, "stopped")
            completion()
        }
    }

    /// Applies a new configuration live: settings re-applied, then the tunnel updated.
    public func update(configText: String, completion: @escaping (Error?) -> Void) {
        queue.async { [self] in
            do {
                guard try lifecycle.begin(.update) == .perform else { return completion(nil) }
                let prepared = try factory.prepare(configText: configText)
                let plan = try Self.translate(prepared.settings)
                platform.applySettings(plan) { [self] settingsError in
                    queue.async { [self] in
                        if let settingsError = settingsError {
                            return completion(CulvertAdapterError.settingsRejected(String(describing: settingsError)))
                        }
                        guard let running = engine else { return completion(CulvertAdapterError.stopped(.update)) }
                        do { try running.update(prepared) } catch { return completion(Self.wrap(error)) }
                        log(.info, "configuration updated")
                        completion(nil)
                    }
                }
            } catch {
                completion(error)
            }
        }
    }

    /// The device goes to sleep; `completion` runs once the tunnel is quiet.
    public func sleep(completion: @escaping () -> Void = {}) {
        perform(.sleep) { try $0.sleep() } completion: { _ in completion() }
    }

    /// The device woke up. Also tells the tunnel the network may have changed.
    public func wake() {
        perform(.wake) { engine in
            try engine.wake()
            try engine.networkChanged()
        } completion: { _ in }
    }

    /// A new `NWPath`: calls `networkChanged` only for real changes (see `PathChangeFilter`).
    public func pathUpdated(_ path: PathSummary) {
        queue.async { [self] in
            guard pathFilter.shouldNotify(path) else { return }
            log(.info, "network changed: \(path.interfaces.joined(separator: ","))")
            _ = performOnQueue(.networkChanged) { try $0.networkChanged() }
        }
    }

    private func perform(_ operation: AdapterOperation, _ work: @escaping (TunnelEngine) throws -> Void,
                         completion: @escaping (Error?) -> Void) {
        queue.async { [self] in completion(performOnQueue(operation, work)) }
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
    /// sets it to the Keychain item); `nil` answers `.reload` with an error.
    public var configurationSource: (() throws -> String)?

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
