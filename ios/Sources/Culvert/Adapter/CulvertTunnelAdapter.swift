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
/// Start applies the network settings first, then starts the tunnel on the utun
/// descriptor (found by scanning the whole descriptor table), falling back to
/// `packetFlow` callbacks when there is none. Sleep and wake are forwarded, path
/// changes from `NWPathMonitor` become `networkChanged()`, and app messages are
/// answered at once from cached state.
public final class CulvertTunnelAdapter {
    /// Adapter options.
    public struct Options {
        /// Look for the utun descriptor and let the Rust core read and write it
        /// (fastest); `false` always uses `packetFlow` callbacks.
        public var useUtunDescriptor: Bool
        /// Where the adapter's own lines go; the default is the unified log
        /// (subsystem `io.culvert`, category `adapter`). The Rust core logs to the
        /// unified log by itself unless `setLogSink` is called.
        public var log: AdapterLogHandler

        /// Creates options.
        public init(useUtunDescriptor: Bool = true, log: @escaping AdapterLogHandler = CulvertTunnelAdapter.unifiedLog) {
            self.useUtunDescriptor = useUtunDescriptor
            self.log = log
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

    /// The controller doing the work (exposed for `onEvent` and the status cache).
    public let controller: TunnelController
    private let platform: ProviderPlatform
    private let log: AdapterLogHandler
    private var monitor: NWPathMonitor?
    private let monitorQueue = DispatchQueue(label: "io.culvert.adapter.path")

    /// Creates an adapter for `provider`. Keep it for the provider's lifetime.
    public init(provider: NEPacketTunnelProvider, options: Options = Options(),
                factory: TunnelEngineFactory = CulvertEngineFactory()) {
        platform = ProviderPlatform(provider: provider, useDescriptor: options.useUtunDescriptor)
        log = options.log
        controller = TunnelController(platform: platform, factory: factory, log: options.log)
        // `.reload` app messages re-read the configuration the app saved.
        controller.configurationSource = { [weak platform = self.platform] in
            try TunnelConfigurationStore.configuration(for: platform?.provider?.protocolConfiguration)
        }
    }

    /// Starts with the configuration the app stored in the Keychain through
    /// `TunnelManagerInstaller` (`protocolConfiguration.passwordReference`).
    public func start(completionHandler: @escaping (Error?) -> Void) {
        let configText: String
        do {
            configText = try TunnelConfigurationStore.configuration(for: platform.provider?.protocolConfiguration)
        } catch {
            log(.error, "start: \(error)")
            return completionHandler(error)
        }
        start(configText: configText, completionHandler: completionHandler)
    }

    /// Starts with wg-quick `configText`.
    public func start(configText: String, completionHandler: @escaping (Error?) -> Void) {
        controller.start(configText: configText) { [weak self] error in
            if error == nil { self?.startPathMonitor() }
            completionHandler(error)
        }
    }

    /// Stops the tunnel and the path monitor.
    public func stop(completionHandler: @escaping () -> Void) {
        monitor?.cancel()
        monitor = nil
        controller.stop(completion: completionHandler)
    }

    /// Applies a new configuration without tearing the tunnel down.
    public func update(configText: String, completionHandler: @escaping (Error?) -> Void) {
        controller.update(configText: configText, completion: completionHandler)
    }

    /// Forwards `NEProvider.sleep`.
    public func sleep(completionHandler: @escaping () -> Void) {
        controller.sleep(completion: completionHandler)
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
        let monitor = NWPathMonitor()
        monitor.pathUpdateHandler = { [weak self] path in
            self?.controller.pathUpdated(PathSummary(
                isSatisfied: path.status == .satisfied,
                interfaces: path.availableInterfaces.map(\.name),
                supportsIPv4: path.supportsIPv4,
                supportsIPv6: path.supportsIPv6))
        }
        monitor.start(queue: monitorQueue)
        self.monitor = monitor
    }
}

/// `TunnelPlatform` over an NEPacketTunnelProvider.
final class ProviderPlatform: TunnelPlatform {
    weak var provider: NEPacketTunnelProvider?
    private let useDescriptor: Bool
    private let lock = NSLock()
    private var reading = false

    init(provider: NEPacketTunnelProvider, useDescriptor: Bool) {
        self.provider = provider
        self.useDescriptor = useDescriptor
    }

    func applySettings(_ plan: PacketTunnelSettingsPlan, completion: @escaping (Error?) -> Void) {
        guard let provider = provider else { return completion(CulvertAdapterError.stopped(.start)) }
        provider.setTunnelNetworkSettings(plan.networkSettings(), completionHandler: completion)
    }

    func tunnelDescriptor() -> Int32? {
        guard useDescriptor, let found = UtunDescriptor.findInProcess() else { return nil }
        // The descriptor belongs to NetworkExtension; the tunnel gets its own copy.
        let copy = dup(found.fd)
        return copy >= 0 ? copy : nil
    }

    func startReadingPackets(_ handler: @escaping ([Data]) -> Void) {
        lock.lock(); reading = true; lock.unlock()
        readNext(handler)
    }

    private func readNext(_ handler: @escaping ([Data]) -> Void) {
        provider?.packetFlow.readPackets { [weak self] packets, _ in
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
        provider?.packetFlow.writePackets(kept, withProtocols: families)
    }
}
#endif
