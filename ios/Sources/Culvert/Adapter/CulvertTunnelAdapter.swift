// The NetworkExtension edge of the adapter: binds a `TunnelController` (all the
// logic, tested on Linux) to an NEPacketTunnelProvider, its packetFlow, the utun
// descriptor and NWPathMonitor. Apple platforms only.
//
//     final class PacketTunnelProvider: NEPacketTunnelProvider {
//         private lazy var adapter = CulvertTunnelAdapter(provider: self)
//         override func startTunnel(options: [String: NSObject]?, completionHandler: @escaping (Error?) -> Void) {
//             adapter.start(completionHandler: completionHandler)
//         }
//         override func stopTunnel(with reason: NEProviderStopReason, completionHandler: @escaping () -> Void) {
//             adapter.stop(completionHandler: completionHandler)
//         }
//         override func handleAppMessage(_ data: Data, completionHandler: ((Data?) -> Void)?) {
//             adapter.handleAppMessage(data, completionHandler: completionHandler)
//         }
//         override func sleep(completionHandler: @escaping () -> Void) { adapter.sleep(completionHandler: completionHandler) }
//         override func wake() { adapter.wake() }
//     }

#if canImport(NetworkExtension)
import Foundation
import Network
import NetworkExtension
import os

/// Runs a Culvert tunnel inside an `NEPacketTunnelProvider`.
///
/// Start watches the path first (so the tunnel knows whether the network has
/// IPv4), resolves the endpoints on the underlying network, applies the network
/// settings (giving up after 5 s without an answer), then starts the tunnel on the
/// utun descriptor (found by scanning the whole descriptor table), falling back to
/// `packetFlow` callbacks when there is none. Sleep and wake are forwarded, path
/// changes from `NWPathMonitor` become `networkChanged()`, reconnects set
/// `reasserting`, a tunnel that ends by itself calls `cancelTunnelWithError`, and
/// app messages are answered at once from cached state.
public final class CulvertTunnelAdapter: @unchecked Sendable {
    /// Adapter options.
    public struct Options: Sendable {
        /// Look for the utun descriptor and let the Rust core read and write it
        /// (fastest); `false` always uses `packetFlow` callbacks.
        public var useUtunDescriptor: Bool
        /// Where the adapter's own lines go; the default is the unified log
        /// (subsystem `io.culvert`, category `adapter`). The Rust core logs to the
        /// unified log by itself unless `setLogSink` is called.
        public var log: AdapterLogHandler
        /// The App Group shared with the containing app: when set, the adapter and
        /// the Rust core also write a bounded ring log (`RingLog.fileName`) into its
        /// container, which the app reads with `RingLog.read(url:)` or the `.log`
        /// app message.
        public var appGroup: String?

        /// Creates options.
        public init(useUtunDescriptor: Bool = true, log: @escaping AdapterLogHandler = CulvertTunnelAdapter.unifiedLog,
                    appGroup: String? = nil) {
            self.useUtunDescriptor = useUtunDescriptor
            self.log = log
            self.appGroup = appGroup
        }
    }

    /// Logs adapter lines to the unified log (`os_log`).
    public static let unifiedLog: AdapterLogHandler = { level, message in
        let logger = Logger(subsystem: "io.culvert", category: "adapter")
        switch level {
        case .error: logger.error("\(message, privacy: .public)")
        case .info: logger.info("\(message, privacy: .public)")
        case .debug: logger.debug("\(message, privacy: .public)")
        }
    }

    /// How long start waits for the first path update (it comes at once in practice).
    static let pathWait: TimeInterval = 1

    /// The controller doing the work (exposed for `onEvent` and the status cache).
    public let controller: TunnelController
    /// The ring log, when `Options.appGroup` is set and its container is reachable.
    public let ringLog: RingLog?
    private let platform: ProviderPlatform
    private let log: AdapterLogHandler
    private let monitorLock = NSLock()
    private var monitor: NWPathMonitor?
    private let monitorQueue = DispatchQueue(label: "io.culvert.adapter.path")

    /// Creates an adapter for `provider`. Keep it for the provider's lifetime.
    public init(provider: NEPacketTunnelProvider, options: Options = Options(),
                factory: TunnelEngineFactory = CulvertEngineFactory()) {
        platform = ProviderPlatform(provider: provider, useDescriptor: options.useUtunDescriptor)
        let ring = options.appGroup.flatMap(RingLog.openInAppGroup)
        ringLog = ring
        let baseLog = options.log
        if let ring = ring {
            let both: AdapterLogHandler = { level, message in
                ring.append(level: level.rawValue, "adapter: \(message)")
                baseLog(level, message)
            }
            log = both
            #if canImport(os)
            CulvertLogging.configure(level: .info, sink: RingLogSink(ring, next: OSLogSink()))
            #else
            CulvertLogging.configure(level: .info, sink: RingLogSink(ring))
            #endif
        } else {
            log = baseLog
        }
        var logSource: (@Sendable () -> [RingLog.Entry])?
        if let ring = ring { logSource = { ring.entries() } }
        let status = TunnelStatusCache(logSource: logSource)
        controller = TunnelController(platform: platform, factory: factory, status: status, log: log)
        // `.reload` app messages re-read the configuration the app saved.
        controller.configurationSource = { [weak platform = self.platform] in
            try TunnelConfigurationStore.configuration(for: platform?.protocolConfiguration())
        }
    }

    /// Starts with the configuration the app stored in the Keychain through
    /// `TunnelManagerInstaller` (`protocolConfiguration.passwordReference`).
    public func start(completionHandler: @escaping (Error?) -> Void) {
        let configText: String
        do {
            configText = try TunnelConfigurationStore.configuration(for: platform.protocolConfiguration())
        } catch {
            log(.error, "start: \(error)")
            return completionHandler(error)
        }
        start(configText: configText, completionHandler: completionHandler)
    }

    /// Starts with wg-quick `configText`.
    public func start(configText: String, completionHandler: @escaping (Error?) -> Void) {
        let completion = UncheckedSendable(completionHandler)
        startPathMonitor()
        controller.start(configText: configText, pathWait: Self.pathWait) { [weak self] error in
            if error != nil { self?.stopPathMonitor() }
            completion.value(error)
        }
    }

    /// Stops the tunnel and the path monitor.
    public func stop(completionHandler: @escaping () -> Void) {
        let completion = UncheckedSendable(completionHandler)
        stopPathMonitor()
        controller.stop { completion.value() }
    }

    /// Applies a new configuration without tearing the tunnel down.
    public func update(configText: String, completionHandler: @escaping (Error?) -> Void) {
        let completion = UncheckedSendable(completionHandler)
        controller.update(configText: configText) { completion.value($0) }
    }

    /// Forwards `NEProvider.sleep`.
    public func sleep(completionHandler: @escaping () -> Void) {
        let completion = UncheckedSendable(completionHandler)
        controller.sleep { completion.value() }
    }

    /// Forwards `NEProvider.wake`.
    public func wake() {
        controller.wake()
    }

    /// Answers an `AppMessageRequest` at once from cached state.
    public func handleAppMessage(_ messageData: Data, completionHandler: ((Data?) -> Void)?) {
        completionHandler?(controller.handleAppMessage(messageData))
    }

    private func startPathMonitor() {
        monitorLock.lock(); defer { monitorLock.unlock() }
        guard monitor == nil else { return }
        let monitor = NWPathMonitor()
        let controller = self.controller
        monitor.pathUpdateHandler = { path in
            controller.pathUpdated(PathSummary(path))
        }
        monitor.start(queue: monitorQueue)
        self.monitor = monitor
    }

    private func stopPathMonitor() {
        monitorLock.lock(); defer { monitorLock.unlock() }
        monitor?.cancel()
        monitor = nil
    }
}

extension PathSummary {
    /// The summary of an `NWPath`.
    init(_ path: NWPath) {
        let status: Status
        switch path.status {
        case .satisfied: status = .satisfied
        case .requiresConnection: status = .requiresConnection
        default: status = .unsatisfied
        }
        let interfaces = path.availableInterfaces.map(\.name)
        self.init(status: status, interfaces: interfaces, supportsIPv4: path.supportsIPv4,
                  supportsIPv6: path.supportsIPv6, gateways: path.gateways.map(\.debugDescription),
                  addresses: interfaces.first.map(InterfaceAddresses.of) ?? [])
    }
}

/// `TunnelPlatform` over an NEPacketTunnelProvider. The provider is used from the
/// controller's queue and the packet-flow callbacks; NetworkExtension documents
/// these calls as callable from any thread.
final class ProviderPlatform: TunnelPlatform, @unchecked Sendable {
    private let lock = NSLock()
    private weak var provider: NEPacketTunnelProvider?
    private let useDescriptor: Bool
    private var reading = false

    init(provider: NEPacketTunnelProvider, useDescriptor: Bool) {
        self.provider = provider
        self.useDescriptor = useDescriptor
    }

    private var current: NEPacketTunnelProvider? {
        lock.lock(); defer { lock.unlock() }
        return provider
    }

    func protocolConfiguration() -> NEVPNProtocol? { current?.protocolConfiguration }

    func applySettings(_ plan: PacketTunnelSettingsPlan, completion: @escaping @Sendable (Error?) -> Void) {
        guard let provider = current else { return completion(CulvertAdapterError.stopped(.start)) }
        provider.setTunnelNetworkSettings(plan.networkSettings()) { error in completion(error) }
    }

    func tunnelDescriptor() -> Int32? {
        guard useDescriptor, let found = UtunDescriptor.findInProcess() else { return nil }
        // The descriptor belongs to NetworkExtension; the tunnel gets its own copy.
        let copy = dup(found.fd)
        return copy >= 0 ? copy : nil
    }

    func startReadingPackets(_ handler: @escaping @Sendable ([Data]) -> Void) {
        lock.lock(); reading = true; lock.unlock()
        readNext(handler)
    }

    private func readNext(_ handler: @escaping @Sendable ([Data]) -> Void) {
        current?.packetFlow.readPackets { [weak self] packets, _ in
            guard let self = self else { return }
            self.lock.lock(); let reading = self.reading; self.lock.unlock()
            guard reading else { return }
            handler(packets)
            self.readNext(handler)
        }
    }

    func stopReadingPackets() {
        lock.lock(); reading = false; lock.unlock()
    }

    func writePackets(_ packets: [Data]) {
        var kept: [Data] = []
        var families: [NSNumber] = []
        kept.reserveCapacity(packets.count)
        for packet in packets {
            guard let family = IPPacketFamily.protocolFamily(of: packet) else { continue }
            kept.append(packet)
            families.append(NSNumber(value: family))
        }
        current?.packetFlow.writePackets(kept, withProtocols: families)
    }

    func setReasserting(_ reasserting: Bool) {
        current?.reasserting = reasserting
    }

    func cancelTunnel(with error: Error?) {
        current?.cancelTunnelWithError(error)
    }
}
#endif
