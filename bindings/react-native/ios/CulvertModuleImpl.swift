// The iOS side of react-native-culvert. `RNCulvert.mm` registers the module
// (old bridge and TurboModule) and forwards every call here.
//
// App side only: the tunnel runs in the app's Packet Tunnel extension (see
// examples/react-native/ios/CulvertTunnel), which the app controls through its
// `NETunnelProviderManager` and asks for statistics with `sendProviderMessage`.

import Foundation
import NetworkExtension
import CoreLocation
import Culvert

/// Resolves a promise with a JSON-compatible value.
public typealias CulvertResolve = (Any?) -> Void
/// Rejects a promise: code (a TS `CulvertErrorCode` or `HOTSPOT_<reason>`), message, userInfo.
public typealias CulvertReject = (String, String, [String: Any]?) -> Void

@objc(CulvertModuleImpl)
public final class CulvertModuleImpl: NSObject {
    /// Sends an event to JS (`CulvertStateChanged`, `CulvertHandshake`); set by `RNCulvert`.
    @objc public var emit: ((String, [String: Any]) -> Void)?

    private var manager: NETunnelProviderManager?
    private var statusObserver: NSObjectProtocol?
    private var listeners = 0
    private let queue = DispatchQueue(label: "io.culvert.reactnative")

    /// Event names, as `src/native.ts` listens for them.
    @objc public static let supportedEvents = ["CulvertStateChanged", "CulvertHandshake"]

    deinit {
        if let o = statusObserver { NotificationCenter.default.removeObserver(o) }
    }

    // MARK: Parsing (Culvert core through the Swift package)

    @objc public func parseConfig(_ text: String, resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        queue.async { resolve(CulvertCoreBridge.parseConfig(text)) }
    }

    @objc public func parseQr(_ text: String, resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        queue.async { resolve(CulvertCoreBridge.parseQr(text)) }
    }

    @objc public func hotspotParse(_ text: String, resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        queue.async { resolve(CulvertCoreBridge.parseHotspot(text)) }
    }

    // MARK: VPN lifecycle

    @objc public func prepare(_ options: NSDictionary, resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        let name = options["tunnelName"] as? String
        let providerId = options["providerBundleIdentifier"] as? String
        loadManager { manager, error in
            if let error = error { return reject("PROVIDER_ERROR", "Could not load the VPN configuration: \(error.localizedDescription)", nil) }
            if let manager = manager, manager.protocolConfiguration is NETunnelProviderProtocol {
                self.adopt(manager)
                return resolve(["alreadyPrepared": true])
            }
            let manager = NETunnelProviderManager()
            let proto = NETunnelProviderProtocol()
            proto.providerBundleIdentifier = providerId ?? Self.defaultProviderBundleIdentifier()
            proto.serverAddress = "Culvert"
            manager.protocolConfiguration = proto
            manager.localizedDescription = name ?? Self.appName()
            manager.isEnabled = true
            // Shows the system "Add VPN Configurations" prompt the first time.
            manager.saveToPreferences { error in
                if let error = error { return reject(Self.permissionCode(error), Self.permissionMessage(error), nil) }
                manager.loadFromPreferences { _ in
                    self.adopt(manager)
                    resolve(["alreadyPrepared": false])
                }
            }
        }
    }

    @objc public func connect(_ configText: String, options: NSDictionary, resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        if let error = CulvertCoreBridge.validate(configText) {
            return reject("CONFIG_INVALID", error.message, error.userInfo)
        }
        loadManager { manager, error in
            guard error == nil, let manager = manager, let proto = manager.protocolConfiguration as? NETunnelProviderProtocol else {
                return reject("VPN_NOT_PREPARED", "Call prepare() first: no VPN configuration is installed for this app.", nil)
            }
            self.adopt(manager)
            do {
                let old = proto.passwordReference
                // The same store the extension's CulvertTunnelAdapter reads (passwordReference).
                proto.passwordReference = try TunnelConfigurationStore.save(
                    configText, label: manager.localizedDescription ?? "Culvert", accessGroup: Self.keychainAccessGroup())
                if let old = old { TunnelConfigurationStore.delete(reference: old) }
            } catch {
                return reject("PROVIDER_ERROR", "Could not store the configuration in the Keychain (\(error)).", nil)
            }
            if #available(iOS 14.0, macOS 11.0, *) {
                proto.includeAllNetworks = options["includeAllNetworks"] as? Bool ?? false
            }
            if #available(iOS 14.2, macOS 11.0, *) {
                proto.excludeLocalNetworks = options["excludeLocalNetworks"] as? Bool ?? false
            }
            if #available(iOS 14.2, macOS 11.0, *) {
                proto.enforceRoutes = options["enforceRoutes"] as? Bool ?? false
            }
            if let name = options["tunnelName"] as? String { manager.localizedDescription = name }
            let onDemand = options["onDemand"] as? Bool ?? false
            manager.onDemandRules = onDemand ? [NEOnDemandRuleConnect()] : nil
            manager.isOnDemandEnabled = onDemand
            manager.isEnabled = true
            manager.protocolConfiguration = proto
            manager.saveToPreferences { error in
                if let error = error { return reject(Self.permissionCode(error), Self.permissionMessage(error), nil) }
                manager.loadFromPreferences { _ in
                    do {
                        try manager.connection.startVPNTunnel()
                        resolve(nil)
                    } catch {
                        reject("PROVIDER_ERROR", "The system refused to start the tunnel: \(error.localizedDescription)", nil)
                    }
                }
            }
        }
    }

    @objc public func disconnect(_ resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        loadManager { manager, _ in
            guard let manager = manager else { return resolve(nil) }
            if manager.isOnDemandEnabled {
                // Otherwise on-demand rules would start the tunnel again at once.
                manager.isOnDemandEnabled = false
                manager.saveToPreferences { _ in manager.connection.stopVPNTunnel(); resolve(nil) }
            } else {
                manager.connection.stopVPNTunnel()
                resolve(nil)
            }
        }
    }

    @objc public func getStatus(_ resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        loadManager { manager, _ in
            guard let manager = manager else {
                return resolve(["state": "invalid", "prepared": false])
            }
            self.adopt(manager)
            var status: [String: Any] = [
                "state": Self.stateName(manager.connection.status),
                "prepared": true,
                "tunnelName": manager.localizedDescription ?? NSNull(),
            ]
            if let since = manager.connection.connectedDate { status["since"] = since.timeIntervalSince1970 * 1000 }
            guard manager.connection.status == .disconnected || manager.connection.status == .invalid else { return resolve(status) }
            if #available(iOS 16.0, macOS 13.0, *) {
                manager.connection.fetchLastDisconnectError { error in
                    if let error = error as NSError? {
                        status["reason"] = Self.disconnectReason(error)
                        status["message"] = error.localizedDescription
                    }
                    resolve(status)
                }
            } else {
                resolve(status)
            }
        }
    }

    @objc public func getStats(_ resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        loadManager { manager, _ in
            guard let manager = manager, let session = manager.connection as? NETunnelProviderSession,
                  session.status == .connected || session.status == .reasserting else {
                return resolve(["peers": [], "collectedAt": Date().timeIntervalSince1970 * 1000])
            }
            // The extension answers from a cache without waiting for its own work;
            // still, never leave the JS promise hanging on a missing reply.
            let once = OnceFlag()
            self.queue.asyncAfter(deadline: .now() + 2) {
                if once.take() { reject("TIMEOUT", "The tunnel extension did not answer the stats request within 2 s.", nil) }
            }
            do {
                try session.sendProviderMessage(CulvertCoreBridge.statsRequest()) { data in
                    guard once.take() else { return }
                    guard let data = data, let stats = CulvertCoreBridge.decodeStats(data) else {
                        return reject("PROVIDER_ERROR", "The tunnel extension sent no statistics.", nil)
                    }
                    resolve(stats)
                }
            } catch {
                if once.take() { reject("PROVIDER_ERROR", "Could not reach the tunnel extension: \(error.localizedDescription)", nil) }
            }
        }
    }

    // MARK: Hotspot

    @objc public func hotspotConnect(_ request: NSDictionary, resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        let options = request["options"] as? [String: Any] ?? [:]
        let joinOnce = options["joinOnce"] as? Bool ?? false
        let configuration: NEHotspotConfiguration
        do {
            if let text = request["text"] as? String {
                configuration = try CulvertCoreBridge.hotspotConfiguration(text: text, joinOnce: joinOnce)
            } else if let config = request["config"] as? [String: Any] {
                configuration = try HotspotMapping.configuration(from: config, joinOnce: joinOnce)
            } else {
                return reject("INVALID_ARGUMENT", "hotspotConnect needs text or config", nil)
            }
        } catch let error as HotspotMapping.Failure {
            return reject("HOTSPOT_\(error.reason)", error.message, nil)
        } catch {
            return reject("HOTSPOT_invalid", "The hotspot configuration was rejected.", nil)
        }
        NEHotspotConfigurationManager.shared.apply(configuration) { error in
            guard let error = error as NSError? else {
                return resolve(["alreadyConnected": false, "method": "hotspotConfiguration"])
            }
            if error.domain == NEHotspotConfigurationErrorDomain,
               error.code == NEHotspotConfigurationError.alreadyAssociated.rawValue {
                return resolve(["alreadyConnected": true, "method": "hotspotConfiguration"])
            }
            let reason = HotspotMapping.reason(for: error)
            reject("HOTSPOT_\(reason)", error.localizedDescription, nil)
        }
    }

    @objc public func hotspotCurrentSsid(_ resolve: @escaping CulvertResolve, reject: @escaping CulvertReject) {
        loadManager { manager, _ in
            // Apps with a VPN configuration installed need no location permission.
            let exempt = manager != nil
            Task {
                switch await CurrentWiFi.fetch(exemptFromLocation: exempt) {
                case .success(let network):
                    resolve(["ssid": network.ssid, "bssid": network.bssid])
                case .failure(let reason):
                    resolve(HotspotMapping.unknownSsid(reason))
                }
            }
        }
    }

    // MARK: Events

    @objc public func addListener(_ eventName: String) {
        listeners += 1
        // Follow the installed configuration's status even if prepare() ran in an
        // earlier launch of the app.
        if manager == nil {
            loadManager { manager, _ in if let manager = manager { self.adopt(manager) } }
        }
    }

    @objc public func removeListeners(_ count: Double) {
        listeners = max(0, listeners - Int(count))
    }

    private func adopt(_ manager: NETunnelProviderManager) {
        self.manager = manager
        guard statusObserver == nil else { return }
        statusObserver = NotificationCenter.default.addObserver(
            forName: .NEVPNStatusDidChange, object: manager.connection, queue: nil
        ) { [weak self] note in
            guard let self = self, self.listeners > 0, let connection = note.object as? NEVPNConnection else { return }
            var body: [String: Any] = ["state": Self.stateName(connection.status), "at": Date().timeIntervalSince1970 * 1000]
            if connection.status == .disconnected, #available(iOS 16.0, macOS 13.0, *) {
                connection.fetchLastDisconnectError { error in
                    if let error = error as NSError? {
                        body["reason"] = Self.disconnectReason(error)
                        body["message"] = error.localizedDescription
                    }
                    self.emit?("CulvertStateChanged", body)
                }
            } else {
                self.emit?("CulvertStateChanged", body)
            }
        }
    }

    // MARK: Helpers

    private func loadManager(_ done: @escaping (NETunnelProviderManager?, Error?) -> Void) {
        NETunnelProviderManager.loadAllFromPreferences { managers, error in
            // An app owns at most one Culvert configuration.
            done(managers?.first, error)
        }
    }

    static func stateName(_ status: NEVPNStatus) -> String {
        switch status {
        case .invalid: return "invalid"
        case .disconnected: return "disconnected"
        case .connecting: return "connecting"
        case .connected: return "connected"
        case .reasserting: return "reasserting"
        case .disconnecting: return "disconnecting"
        @unknown default: return "disconnected"
        }
    }

    /// `NEVPNConnectionError` → the reason names `src/mapping.ts` reads.
    static func disconnectReason(_ error: NSError) -> String {
        guard #available(iOS 16.0, macOS 13.0, *), error.domain == NEVPNConnectionErrorDomain,
              let code = NEVPNConnectionError.Code(rawValue: error.code) else { return "unknown" }
        switch code {
        case .overslept: return "overslept"
        case .noNetworkAvailable: return "noNetworkAvailable"
        case .unrecoverableNetworkChange: return "unrecoverableNetworkChange"
        case .configurationFailed, .configurationNotFound: return "configurationFailed"
        case .pluginFailed: return "pluginFailed"
        case .pluginDisabled: return "pluginDisabled"
        default: return "connectionFailed"
        }
    }

    static func permissionCode(_ error: Error) -> String {
        let e = error as NSError
        return e.domain == NEVPNErrorDomain && e.code == NEVPNError.Code.configurationReadWriteFailed.rawValue
            ? "VPN_PERMISSION_DENIED" : "PROVIDER_ERROR"
    }

    static func permissionMessage(_ error: Error) -> String {
        permissionCode(error) == "VPN_PERMISSION_DENIED"
            ? "The user did not allow adding the VPN configuration."
            : "Could not save the VPN configuration: \(error.localizedDescription)"
    }

    /// `CulvertProviderBundleIdentifier` from Info.plist (the Expo plugin sets it),
    /// else `<app bundle id>.network-extension`.
    static func defaultProviderBundleIdentifier() -> String {
        if let id = Bundle.main.object(forInfoDictionaryKey: "CulvertProviderBundleIdentifier") as? String, !id.isEmpty { return id }
        return (Bundle.main.bundleIdentifier ?? "app") + ".network-extension"
    }

    /// `CulvertKeychainAccessGroup` from Info.plist: the keychain group the app
    /// shares with its Packet Tunnel extension (nil: the app's default group).
    static func keychainAccessGroup() -> String? {
        Bundle.main.object(forInfoDictionaryKey: "CulvertKeychainAccessGroup") as? String
    }

    static func appName() -> String {
        Bundle.main.object(forInfoDictionaryKey: "CFBundleDisplayName") as? String
            ?? Bundle.main.object(forInfoDictionaryKey: "CFBundleName") as? String ?? "VPN"
    }
}

/// A flag that can be taken once, from any thread.
final class OnceFlag {
    private let lock = NSLock()
    private var taken = false

    func take() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if taken { return false }
        taken = true
        return true
    }
}
