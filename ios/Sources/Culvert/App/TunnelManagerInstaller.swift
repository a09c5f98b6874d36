// App side: installs the tunnel in the system's VPN settings
// (NETunnelProviderManager) with leak protection and on-demand rules, the
// configuration kept in the Keychain (`passwordReference`) rather than in
// `providerConfiguration`, which is stored unencrypted in the VPN preferences.
// Apple platforms only; the options themselves are plain values in
// `TunnelProtection.swift`, tested on Linux.

#if canImport(NetworkExtension) && canImport(Security)
import Foundation
import NetworkExtension
import Security

/// Reads and writes tunnel configurations in the Keychain.
///
/// The containing app and the Packet Tunnel extension must share a keychain
/// access group (the `keychain-access-groups` entitlement of both targets) so the
/// extension can read what the app saved.
///
/// macOS: every call names the data-protection keychain
/// (`kSecUseDataProtectionKeychain`), which app extensions use; without it macOS
/// goes to the file-based login keychain and the extension cannot read the item.
/// A **system extension** runs as root and has no data-protection keychain: set
/// `mode = .systemExtension(...)` in both the app and the extension; items then
/// go to the file-based keychain with an access list naming the app and the
/// extension (as WireGuard's macOS app does). See docs/ios.md.
public enum TunnelConfigurationStore {
    /// Keychain failures, with the `OSStatus`.
    public enum StoreError: Error, Equatable, CustomStringConvertible {
        /// `SecItemAdd` failed.
        case saveFailed(OSStatus)
        /// The reference points at nothing (deleted, or another access group).
        case notFound(OSStatus)
        /// The extension was started without a `passwordReference`.
        case noReference
        /// The stored item is not UTF-8 text.
        case corrupt
        /// The access list for `.systemExtension` could not be made (macOS only).
        case accessListFailed(OSStatus)

        /// A sentence for logs.
        public var description: String {
            switch self {
            case let .saveFailed(status): return "Keychain: saving the configuration failed (OSStatus \(status))"
            case let .notFound(status): return "Keychain: no configuration behind the reference (OSStatus \(status)); do the app and the extension share a keychain access group?"
            case .noReference: return "the tunnel has no configuration reference; install it with TunnelManagerInstaller"
            case .corrupt: return "Keychain: the stored configuration is not text"
            case let .accessListFailed(status): return "Keychain: the access list for a system extension could not be made (OSStatus \(status))"
            }
        }
    }

    /// Which keychain the items live in.
    public enum Mode: Equatable, Sendable {
        /// The data-protection keychain (iOS; macOS apps and app extensions):
        /// `kSecUseDataProtectionKeychain` on every call.
        case dataProtection
        /// macOS system extension (runs as root): the file-based keychain, with an
        /// access list trusting the applications at these paths (the containing app
        /// and the extension bundle). macOS only.
        case systemExtension(trustedApplicationPaths: [String])
    }

    /// The Keychain service of Culvert's items.
    public static let service = "io.culvert.tunnel"

    /// The keychain used by every call; set it once, before the first call, in
    /// both the app and the extension.
    nonisolated(unsafe) public static var mode: Mode = .dataProtection

    /// The attributes every SecItem call carries for `mode`.
    static func common(_ mode: Mode) -> [CFString: Any] {
        switch mode {
        case .dataProtection: return [kSecUseDataProtectionKeychain: true]
        case .systemExtension: return [:]
        }
    }

    /// Saves `configText`; returns the persistent reference for `passwordReference`.
    public static func save(_ configText: String, label: String, accessGroup: String?) throws -> Data {
        let mode = self.mode
        var query = common(mode)
        query[kSecClass] = kSecClassGenericPassword
        query[kSecAttrService] = service
        query[kSecAttrAccount] = UUID().uuidString
        query[kSecAttrLabel] = label
        query[kSecValueData] = Data(configText.utf8)
        query[kSecReturnPersistentRef] = true
        switch mode {
        case .dataProtection:
            // The extension starts on demand after a reboot, once the device was unlocked.
            query[kSecAttrAccessible] = kSecAttrAccessibleAfterFirstUnlock
            if let group = accessGroup { query[kSecAttrAccessGroup] = group }
        case let .systemExtension(paths):
            // `kSecAttrAccess`, `SecAccess` and `SecTrustedApplication` exist only in
            // the macOS SDK: naming them outside `os(macOS)` breaks the iOS build.
            #if os(macOS)
            query[kSecAttrAccess] = try systemExtensionAccess(label: label, trustedApplicationPaths: paths)
            #else
            _ = paths
            throw StoreError.accessListFailed(errSecUnimplementedStatus)
            #endif
        }
        var result: CFTypeRef?
        let status = SecItemAdd(query as CFDictionary, &result)
        guard status == errSecSuccess, let reference = result as? Data else { throw StoreError.saveFailed(status) }
        return reference
    }

    /// Replaces the text behind an existing reference (the reference stays the
    /// same, so a running extension re-reads the new text); `false` if it is gone.
    public static func update(reference: Data, configText: String) -> Bool {
        var query = common(mode)
        query[kSecValuePersistentRef] = reference
        let changes: [CFString: Any] = [kSecValueData: Data(configText.utf8)]
        return SecItemUpdate(query as CFDictionary, changes as CFDictionary) == errSecSuccess
    }

    /// The configuration text behind a persistent reference.
    public static func load(reference: Data) throws -> String {
        var query = common(mode)
        query[kSecValuePersistentRef] = reference
        query[kSecReturnData] = true
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        guard status == errSecSuccess, let data = result as? Data else { throw StoreError.notFound(status) }
        guard let text = String(data: data, encoding: .utf8) else { throw StoreError.corrupt }
        return text
    }

    /// The configuration of the tunnel the extension was started for.
    public static func configuration(for protocolConfiguration: NEVPNProtocol?) throws -> String {
        guard let reference = protocolConfiguration?.passwordReference else { throw StoreError.noReference }
        return try load(reference: reference)
    }

    /// Deletes the item behind a persistent reference (missing items are fine).
    public static func delete(reference: Data) {
        var query = common(mode)
        query[kSecValuePersistentRef] = reference
        _ = SecItemDelete(query as CFDictionary)
    }

    #if os(macOS)
    /// The access list of a system extension's item (macOS only; review-only here).
    /// `SecTrustedApplicationCreateFromPath` and `SecAccessCreate` are deprecated
    /// (macOS 10.15 and 10.10) but remain the only way to give a file-based keychain
    /// item an access list; expect two deprecation warnings on macOS.
    private static func systemExtensionAccess(label: String, trustedApplicationPaths: [String]) throws -> SecAccess {
        var trusted: [SecTrustedApplication] = []
        for path in trustedApplicationPaths {
            var application: SecTrustedApplication?
            let status = SecTrustedApplicationCreateFromPath(path, &application)
            guard status == errSecSuccess, let application = application else { throw StoreError.accessListFailed(status) }
            trusted.append(application)
        }
        var access: SecAccess?
        let status = SecAccessCreate(label as CFString, trusted as CFArray, &access)
        guard status == errSecSuccess, let access = access else { throw StoreError.accessListFailed(status) }
        return access
    }
    #endif

    /// `errSecUnimplemented`.
    static let errSecUnimplementedStatus: OSStatus = -4
}

/// Installs, updates and removes Culvert tunnels in the system's VPN settings.
public enum TunnelManagerInstaller {
    /// What to install.
    public struct Request {
        /// The name shown in Settings › VPN.
        public var name: String
        /// The wg-quick configuration (checked before anything is saved).
        public var configText: String
        /// The bundle identifier of the Packet Tunnel extension.
        public var providerBundleIdentifier: String
        /// The keychain access group shared by the app and the extension.
        public var keychainAccessGroup: String?
        /// Leak protection (`includeAllNetworks`, `excludeLocalNetworks`, `enforceRoutes`,
        /// `excludeAPNs`, `excludeCellularServices`, `excludeDeviceCommunication`).
        public var leakProtection: LeakProtection
        /// When the system starts the tunnel by itself.
        public var onDemand: OnDemandPolicy

        /// Creates a request.
        public init(name: String, configText: String, providerBundleIdentifier: String, keychainAccessGroup: String? = nil,
                    leakProtection: LeakProtection = .none, onDemand: OnDemandPolicy = .off) {
            self.name = name
            self.configText = configText
            self.providerBundleIdentifier = providerBundleIdentifier
            self.keychainAccessGroup = keychainAccessGroup
            self.leakProtection = leakProtection
            self.onDemand = onDemand
        }
    }

    /// Installs `request`, replacing the manager of the same name if there is one.
    /// The configuration is validated first (a `CulvertAdapterError.invalidConfiguration`
    /// before the user sees the system's VPN permission prompt).
    @discardableResult
    public static func install(_ request: Request, factory: TunnelEngineFactory = CulvertEngineFactory()) async throws -> NETunnelProviderManager {
        let prepared = try factory.prepare(configText: request.configText)
        if let reason = request.onDemand.unsupportedReason(on: .current) { throw InstallerError.unsupportedOnDemand(reason) }
        let managers = try await NETunnelProviderManager.loadAllFromPreferences()
        let manager = managers.first { $0.localizedDescription == request.name } ?? NETunnelProviderManager()
        let previousReference = manager.protocolConfiguration?.passwordReference

        let proto = NETunnelProviderProtocol()
        proto.providerBundleIdentifier = request.providerBundleIdentifier
        proto.serverAddress = prepared.settings.remoteAddress ?? request.name
        // Same manager again: rewrite its Keychain item in place, so the reference a
        // running extension holds stays valid (`AppMessageRequest.reload`).
        var reusedReference = false
        if let old = previousReference, TunnelConfigurationStore.update(reference: old, configText: request.configText) {
            proto.passwordReference = old
            reusedReference = true
        } else {
            proto.passwordReference = try TunnelConfigurationStore.save(request.configText, label: request.name,
                                                                        accessGroup: request.keychainAccessGroup)
        }
        apply(request.leakProtection, to: proto)

        manager.localizedDescription = request.name
        manager.protocolConfiguration = proto
        manager.onDemandRules = try onDemandRules(request.onDemand)
        manager.isOnDemandEnabled = request.onDemand.isEnabled
        manager.isEnabled = true
        do {
            try await manager.saveToPreferences()
            // Reload: a manager used right after saving can fail to start (a
            // long-standing NetworkExtension quirk).
            try await manager.loadFromPreferences()
        } catch {
            if !reusedReference, let reference = proto.passwordReference { TunnelConfigurationStore.delete(reference: reference) }
            throw error
        }
        if !reusedReference, let old = previousReference { TunnelConfigurationStore.delete(reference: old) }
        return manager
    }

    /// Stops the tunnel for good: on-demand is switched off (and saved) first,
    /// otherwise the system starts the tunnel again at once.
    public static func disconnect(_ manager: NETunnelProviderManager) async throws {
        if manager.isOnDemandEnabled {
            manager.isOnDemandEnabled = false
            try await manager.saveToPreferences()
        }
        manager.connection.stopVPNTunnel()
    }

    /// Removes the manager and its Keychain item.
    public static func remove(_ manager: NETunnelProviderManager) async throws {
        if let reference = manager.protocolConfiguration?.passwordReference {
            TunnelConfigurationStore.delete(reference: reference)
        }
        try await manager.removeFromPreferences()
    }

    /// Sets the leak-protection switches on `proto`.
    /// Options the running OS does not have are left alone (`LeakProtection.availability`).
    public static func apply(_ protection: LeakProtection, to proto: NETunnelProviderProtocol) {
        // includeAllNetworks (iOS 14.0/macOS 10.15), excludeLocalNetworks and
        // enforceRoutes (iOS 14.2/macOS 10.15, 11.0) predate the package minimum
        // (iOS 15, macOS 12): an `#available` for them would only draw an
        // "unnecessary check" warning on Apple platforms.
        proto.includeAllNetworks = protection.includeAllNetworks
        proto.excludeLocalNetworks = protection.excludeLocalNetworks
        proto.enforceRoutes = protection.enforceRoutes
        if #available(iOS 16.4, macOS 13.3, *) {
            proto.excludeAPNs = protection.excludeAPNs
            proto.excludeCellularServices = protection.excludeCellularServices
        }
        if #available(iOS 17.4, macOS 14.4, *) {
            proto.excludeDeviceCommunication = protection.excludeDeviceCommunication
        }
    }

    /// Why an install was refused before anything was saved.
    public enum InstallerError: Error, Equatable, CustomStringConvertible {
        /// The on-demand policy cannot be expressed on this OS.
        case unsupportedOnDemand(String)
        /// A sentence for logs and UI.
        public var description: String {
            switch self {
            case let .unsupportedOnDemand(reason): return "on-demand: \(reason)"
            }
        }
    }

    /// The `NEOnDemandRule`s of a policy. Throws `unsupportedOnDemand` for a rule
    /// this OS cannot express (cellular on macOS), never widening it to any interface.
    public static func onDemandRules(_ policy: OnDemandPolicy) throws -> [NEOnDemandRule] {
        if let reason = policy.unsupportedReason(on: .current) { throw InstallerError.unsupportedOnDemand(reason) }
        var result: [NEOnDemandRule] = []
        for rule in policy.rules {
            let onDemand: NEOnDemandRule = rule.action == .connect ? NEOnDemandRuleConnect() : NEOnDemandRuleDisconnect()
            switch rule.interface {
            case .wifi?: onDemand.interfaceTypeMatch = .wiFi
            case .cellular?:
                #if os(macOS)
                throw InstallerError.unsupportedOnDemand("macOS has no cellular interface type")
                #else
                onDemand.interfaceTypeMatch = .cellular
                #endif
            case nil: onDemand.interfaceTypeMatch = .any
            }
            onDemand.ssidMatch = rule.ssids
            result.append(onDemand)
        }
        return result
    }
}
#endif
