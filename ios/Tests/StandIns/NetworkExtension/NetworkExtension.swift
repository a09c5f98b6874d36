// Stand-in for the NetworkExtension API Culvert uses. Transcribed from
// developer.apple.com/documentation/networkextension: class hierarchy,
// initializers, optionality and availability as documented. Completion blocks
// are `@Sendable` exactly where Apple's Swift declarations say so (startTunnel,
// stopTunnel, handleAppMessage, setTunnelNetworkSettings, readPackets) and not
// elsewhere (sendProviderMessage). Read-only properties are `let`.
// Compile check only: nothing here behaves like iOS.
import Foundation
import Security

// MARK: - Tunnel network settings

/// `NETunnelNetworkSettings`.
open class NETunnelNetworkSettings: NSObject {
    /// `init(tunnelRemoteAddress:)`.
    public init(tunnelRemoteAddress address: String) { tunnelRemoteAddress = address }
    /// `tunnelRemoteAddress` (read-only).
    public let tunnelRemoteAddress: String
    /// `dnsSettings`.
    open var dnsSettings: NEDNSSettings?
}

/// `NEPacketTunnelNetworkSettings`.
open class NEPacketTunnelNetworkSettings: NETunnelNetworkSettings {
    /// `ipv4Settings`.
    open var ipv4Settings: NEIPv4Settings?
    /// `ipv6Settings`.
    open var ipv6Settings: NEIPv6Settings?
    /// `tunnelOverheadBytes`.
    open var tunnelOverheadBytes: NSNumber?
    /// `mtu`.
    open var mtu: NSNumber?
}

/// `NEIPv4Settings`.
open class NEIPv4Settings: NSObject {
    /// `init(addresses:subnetMasks:)`.
    public init(addresses: [String], subnetMasks: [String]) {
        self.addresses = addresses
        self.subnetMasks = subnetMasks
    }
    /// `addresses` (read-only).
    public let addresses: [String]
    /// `subnetMasks` (read-only).
    public let subnetMasks: [String]
    /// `includedRoutes`.
    open var includedRoutes: [NEIPv4Route]?
    /// `excludedRoutes`.
    open var excludedRoutes: [NEIPv4Route]?
}

/// `NEIPv6Settings`.
open class NEIPv6Settings: NSObject {
    /// `init(addresses:networkPrefixLengths:)`.
    public init(addresses: [String], networkPrefixLengths: [NSNumber]) {
        self.addresses = addresses
        self.networkPrefixLengths = networkPrefixLengths
    }
    /// `addresses` (read-only).
    public let addresses: [String]
    /// `networkPrefixLengths` (read-only).
    public let networkPrefixLengths: [NSNumber]
    /// `includedRoutes`.
    open var includedRoutes: [NEIPv6Route]?
    /// `excludedRoutes`.
    open var excludedRoutes: [NEIPv6Route]?
}

/// `NEIPv4Route`.
open class NEIPv4Route: NSObject {
    /// `init(destinationAddress:subnetMask:)`.
    public init(destinationAddress address: String, subnetMask: String) {
        destinationAddress = address
        destinationSubnetMask = subnetMask
    }
    /// `destinationAddress` (read-only).
    public let destinationAddress: String
    /// `destinationSubnetMask` (read-only).
    public let destinationSubnetMask: String
    /// `gatewayAddress`.
    open var gatewayAddress: String?
    /// `default()`.
    open class func `default`() -> NEIPv4Route { NEIPv4Route(destinationAddress: "0.0.0.0", subnetMask: "0.0.0.0") }
}

/// `NEIPv6Route`.
open class NEIPv6Route: NSObject {
    /// `init(destinationAddress:networkPrefixLength:)`.
    public init(destinationAddress address: String, networkPrefixLength: NSNumber) {
        destinationAddress = address
        destinationNetworkPrefixLength = networkPrefixLength
    }
    /// `destinationAddress` (read-only).
    public let destinationAddress: String
    /// `destinationNetworkPrefixLength` (read-only).
    public let destinationNetworkPrefixLength: NSNumber
    /// `gatewayAddress`.
    open var gatewayAddress: String?
    /// `default()`.
    open class func `default`() -> NEIPv6Route { NEIPv6Route(destinationAddress: "::", networkPrefixLength: 0) }
}

/// `NEDNSSettings`.
open class NEDNSSettings: NSObject {
    /// `init(servers:)`.
    public init(servers: [String]) { self.servers = servers }
    /// `servers` (read-only).
    public let servers: [String]
    /// `searchDomains`.
    open var searchDomains: [String]?
    /// `domainName`.
    open var domainName: String?
    /// `matchDomains`.
    open var matchDomains: [String]?
    /// `matchDomainsNoSearch`.
    open var matchDomainsNoSearch: Bool = false
}

// MARK: - Providers

/// `NEProviderStopReason` (subset).
public enum NEProviderStopReason: Int, Sendable {
    case none = 0, userInitiated = 1, providerFailed = 2, noNetworkAvailable = 3, unrecoverableNetworkChange = 4,
         providerDisabled = 5, authenticationCanceled = 6, configurationFailed = 7, idleTimeout = 8,
         configurationDisabled = 9, configurationRemoved = 10, superceded = 11, userLogout = 12,
         userSwitch = 13, connectionFailed = 14, sleep = 15, appUpdate = 16
}

/// `NEProvider`.
open class NEProvider: NSObject {
    public override init() {}
    /// `sleep(completionHandler:)`.
    open func sleep(completionHandler: @escaping @Sendable () -> Void) { completionHandler() }
    /// `wake()`.
    open func wake() {}
}

/// `NETunnelProvider`.
open class NETunnelProvider: NEProvider {
    /// `protocolConfiguration` (non-optional).
    open var protocolConfiguration: NEVPNProtocol { NETunnelProviderProtocol() }
    /// `reasserting`: set while the tunnel reconnects (the system shows "Connecting").
    open var reasserting: Bool = false
    /// `handleAppMessage(_:completionHandler:)`.
    open func handleAppMessage(_ messageData: Data, completionHandler: (@Sendable (Data?) -> Void)? = nil) {}
    /// `setTunnelNetworkSettings(_:completionHandler:)`.
    open func setTunnelNetworkSettings(_ tunnelNetworkSettings: NETunnelNetworkSettings?,
                                       completionHandler: (@Sendable (Error?) -> Void)? = nil) {}
}

/// `NEPacketTunnelFlow`.
open class NEPacketTunnelFlow: NSObject {
    /// `readPackets(completionHandler:)`.
    open func readPackets(completionHandler: @escaping @Sendable (_ packets: [Data], _ protocols: [NSNumber]) -> Void) {}
    /// `writePackets(_:withProtocols:)`.
    @discardableResult
    open func writePackets(_ packets: [Data], withProtocols protocols: [NSNumber]) -> Bool { true }
}

/// `NEPacketTunnelProvider`.
open class NEPacketTunnelProvider: NETunnelProvider {
    /// `startTunnel(options:completionHandler:)`.
    open func startTunnel(options: [String: NSObject]? = nil, completionHandler: @escaping @Sendable (Error?) -> Void) {}
    /// `stopTunnel(with:completionHandler:)`.
    open func stopTunnel(with reason: NEProviderStopReason, completionHandler: @escaping @Sendable () -> Void) {}
    /// `cancelTunnelWithError(_:)`.
    open func cancelTunnelWithError(_ error: Error?) {}
    /// `packetFlow`.
    open var packetFlow: NEPacketTunnelFlow { NEPacketTunnelFlow() }
}

// MARK: - Configuration (app side)

/// `NEVPNProtocol`.
open class NEVPNProtocol: NSObject {
    public override init() {}
    /// `serverAddress`.
    open var serverAddress: String?
    /// `username`.
    open var username: String?
    /// `passwordReference`: a Keychain persistent reference.
    open var passwordReference: Data?
    /// `disconnectOnSleep`.
    open var disconnectOnSleep: Bool = false
    /// `includeAllNetworks` (iOS 14.0+, macOS 10.15+).
    @available(iOS 14.0, macOS 10.15, *)
    open var includeAllNetworks: Bool = false
    /// `excludeLocalNetworks` (iOS 14.2+, macOS 10.15+).
    @available(iOS 14.2, macOS 10.15, *)
    open var excludeLocalNetworks: Bool = false
    /// `enforceRoutes` (iOS 14.2+, macOS 11.0+).
    @available(iOS 14.2, macOS 11.0, *)
    open var enforceRoutes: Bool = false
    /// `excludeCellularServices` (iOS 16.4+, macOS 13.3+).
    @available(iOS 16.4, macOS 13.3, *)
    open var excludeCellularServices: Bool = true
    /// `excludeAPNs` (iOS 16.4+, macOS 13.3+).
    @available(iOS 16.4, macOS 13.3, *)
    open var excludeAPNs: Bool = true
    /// `excludeDeviceCommunication` (iOS 17.4+, macOS 14.4+).
    @available(iOS 17.4, macOS 14.4, *)
    open var excludeDeviceCommunication: Bool = true
}

/// `NETunnelProviderProtocol`.
open class NETunnelProviderProtocol: NEVPNProtocol {
    /// `providerConfiguration`.
    open var providerConfiguration: [String: Any]?
    /// `providerBundleIdentifier`.
    open var providerBundleIdentifier: String?
}

/// `NEOnDemandRuleInterfaceType`.
public enum NEOnDemandRuleInterfaceType: Int, Sendable {
    case any = 0
    /// macOS only.
    @available(macOS 10.15, *) @available(iOS, unavailable)
    case ethernet = 1
    case wiFi = 2
    /// iOS only.
    @available(iOS 9.0, *) @available(macOS, unavailable)
    case cellular = 3
}

/// `NEOnDemandRule`.
open class NEOnDemandRule: NSObject {
    public override init() {}
    /// `interfaceTypeMatch`.
    open var interfaceTypeMatch: NEOnDemandRuleInterfaceType = .any
    /// `ssidMatch`.
    open var ssidMatch: [String]?
    /// `dnsSearchDomainMatch`.
    open var dnsSearchDomainMatch: [String]?
}
/// `NEOnDemandRuleConnect`.
open class NEOnDemandRuleConnect: NEOnDemandRule {}
/// `NEOnDemandRuleDisconnect`.
open class NEOnDemandRuleDisconnect: NEOnDemandRule {}

/// `NEVPNStatus`.
public enum NEVPNStatus: Int, Sendable {
    case invalid = 0, disconnected = 1, connecting = 2, connected = 3, reasserting = 4, disconnecting = 5
}

/// `NEVPNConnection`.
open class NEVPNConnection: NSObject {
    /// `status`.
    open var status: NEVPNStatus { .invalid }
    /// `startVPNTunnel()`.
    open func startVPNTunnel() throws {}
    /// `stopVPNTunnel()`.
    open func stopVPNTunnel() {}
}

/// `NETunnelProviderSession`.
open class NETunnelProviderSession: NEVPNConnection {
    /// `sendProviderMessage(_:responseHandler:)`. Apple does **not** mark the
    /// handler `@Sendable`: a closure written in `@MainActor` code is inferred
    /// main-actor isolated and, called on NetworkExtension's queue, traps at run
    /// time under Swift 6. Callers write `{ @Sendable ... }` (see the example app).
    open func sendProviderMessage(_ messageData: Data, responseHandler: ((Data?) -> Void)? = nil) throws {}
}

/// `NEVPNManager`.
open class NEVPNManager: NSObject {
    /// `localizedDescription`.
    open var localizedDescription: String?
    /// `protocolConfiguration`.
    open var protocolConfiguration: NEVPNProtocol?
    /// `onDemandRules`.
    open var onDemandRules: [NEOnDemandRule]?
    /// `isOnDemandEnabled`.
    open var isOnDemandEnabled: Bool = false
    /// `isEnabled`.
    open var isEnabled: Bool = false
    /// `connection`.
    open var connection: NEVPNConnection { NETunnelProviderSession() }
    /// `loadFromPreferences()` (async form of `loadFromPreferences(completionHandler:)`).
    open func loadFromPreferences() async throws {}
    /// `saveToPreferences()`.
    open func saveToPreferences() async throws {}
    /// `removeFromPreferences()`.
    open func removeFromPreferences() async throws {}
}

/// `NETunnelProviderManager`.
open class NETunnelProviderManager: NEVPNManager {
    public override init() {}
    /// `loadAllFromPreferences()`.
    open class func loadAllFromPreferences() async throws -> [NETunnelProviderManager] { [] }
}

// MARK: - Hotspot (iOS only: NEHotspotConfiguration is unavailable on macOS)

/// `NEHotspotConfigurationErrorDomain`.
@available(iOS 11.0, *) @available(macOS, unavailable)
public let NEHotspotConfigurationErrorDomain: String = "NEHotspotConfigurationErrorDomain"

/// `NEHotspotConfigurationError`.
@available(iOS 11.0, *) @available(macOS, unavailable)
public enum NEHotspotConfigurationError: Int, Sendable {
    case invalid = 0, invalidSSID = 1, invalidWPAPassphrase = 2, invalidWEPPassphrase = 3, invalidEAPSettings = 4,
         invalidHS20Settings = 5, invalidHS20DomainName = 6, userDenied = 7, `internal` = 8, pending = 9,
         systemConfiguration = 10, unknown = 11, joinOnceNotSupported = 12, alreadyAssociated = 13,
         applicationIsNotInForeground = 14, invalidSSIDPrefix = 15, unableToJoinNetwork = 16
}

/// `NEHotspotEAPSettings`.
@available(iOS 11.0, *) @available(macOS, unavailable)
open class NEHotspotEAPSettings: NSObject {
    /// `NEHotspotEAPSettings.EAPType`.
    public enum EAPType: Int, Sendable {
        case EAPTLS = 13, EAPTTLS = 21, EAPPEAP = 25, EAPFAST = 43
    }
    /// `NEHotspotEAPSettings.TTLSInnerAuthenticationType`.
    public enum TTLSInnerAuthenticationType: Int, Sendable {
        case eapttlsInnerAuthenticationPAP = 0, eapttlsInnerAuthenticationCHAP = 1,
             eapttlsInnerAuthenticationMSCHAP = 2, eapttlsInnerAuthenticationMSCHAPv2 = 3,
             eapttlsInnerAuthenticationEAP = 4
    }
    public override init() {}
    /// `supportedEAPTypes` (NSNumbers of `EAPType` raw values).
    open var supportedEAPTypes: [NSNumber] = []
    /// `username`.
    open var username: String = ""
    /// `outerIdentity`.
    open var outerIdentity: String = ""
    /// `ttlsInnerAuthenticationType`.
    open var ttlsInnerAuthenticationType: TTLSInnerAuthenticationType = .eapttlsInnerAuthenticationMSCHAPv2
    /// `password`.
    open var password: String = ""
    /// `trustedServerNames`.
    open var trustedServerNames: [String] = []
    /// `isTLSClientCertificateRequired`.
    open var isTLSClientCertificateRequired: Bool = false
    /// `preferredTLSVersion` omitted (unused).
    /// `setIdentity(_:)`: false unless the identity is in the app's keychain.
    open func setIdentity(_ identity: SecIdentity) -> Bool { false }
    /// `setTrustedServerCertificates(_:)`: false unless every certificate is in the app's keychain.
    open func setTrustedServerCertificates(_ certificates: [Any]) -> Bool { false }
}

/// `NEHotspotHS20Settings`.
@available(iOS 11.0, *) @available(macOS, unavailable)
open class NEHotspotHS20Settings: NSObject {
    /// `init(domainName:roamingEnabled:)`.
    public init(domainName: String, roamingEnabled: Bool) {
        self.domainName = domainName
        self.isRoamingEnabled = roamingEnabled
    }
    /// `domainName` (read-only).
    public let domainName: String
    /// `isRoamingEnabled`.
    open var isRoamingEnabled: Bool
    /// `roamingConsortiumOIs`.
    open var roamingConsortiumOIs: [String] = []
    /// `naiRealmNames`.
    open var naiRealmNames: [String] = []
    /// `mccAndMNCs`.
    open var mccAndMNCs: [String] = []
}

/// `NEHotspotConfiguration`.
@available(iOS 11.0, *) @available(macOS, unavailable)
open class NEHotspotConfiguration: NSObject {
    /// `init(ssid:)`.
    public init(ssid SSID: String) { self.ssid = SSID; ssidPrefix = "" }
    /// `init(ssid:passphrase:isWEP:)`.
    public init(ssid SSID: String, passphrase: String, isWEP: Bool) { self.ssid = SSID; ssidPrefix = "" }
    /// `init(ssid:eapSettings:)`.
    public init(ssid SSID: String, eapSettings: NEHotspotEAPSettings) { self.ssid = SSID; ssidPrefix = "" }
    /// `init(hs20Settings:eapSettings:)`.
    public init(hs20Settings: NEHotspotHS20Settings, eapSettings: NEHotspotEAPSettings) { ssid = ""; ssidPrefix = "" }
    /// `init(ssidPrefix:)` (iOS 13+).
    @available(iOS 13.0, *)
    public init(ssidPrefix SSIDPrefix: String) { ssid = ""; self.ssidPrefix = SSIDPrefix }
    /// `init(ssidPrefix:passphrase:isWEP:)` (iOS 13+).
    @available(iOS 13.0, *)
    public init(ssidPrefix SSIDPrefix: String, passphrase: String, isWEP: Bool) { ssid = ""; self.ssidPrefix = SSIDPrefix }
    /// `ssid` (read-only).
    public let ssid: String
    /// `ssidPrefix` (iOS 13+, read-only).
    public let ssidPrefix: String
    /// `joinOnce`.
    open var joinOnce: Bool = false
    /// `lifeTimeInDays`.
    open var lifeTimeInDays: NSNumber?
    /// `hidden` (iOS 13+).
    @available(iOS 13.0, *)
    open var hidden: Bool = false
}

/// `NEHotspotConfigurationManager`.
@available(iOS 11.0, *) @available(macOS, unavailable)
open class NEHotspotConfigurationManager: NSObject {
    /// `shared`.
    nonisolated(unsafe) public static let shared = NEHotspotConfigurationManager()
    /// `apply(_:)` (async form of `apply(_:completionHandler:)`).
    open func apply(_ configuration: NEHotspotConfiguration) async throws {}
    /// `removeConfiguration(forSSID:)`.
    open func removeConfiguration(forSSID SSID: String) {}
    /// `getConfiguredSSIDs()` (async form).
    open func configuredSSIDs() async -> [String] { [] }
}

/// `NEHotspotNetwork`.
@available(iOS 9.0, *) @available(macOS, unavailable)
open class NEHotspotNetwork: NSObject {
    /// `ssid`.
    open var ssid: String { "" }
    /// `bssid`.
    open var bssid: String { "" }
    /// `fetchCurrent()` (iOS 14+, async form of `fetchCurrent(completionHandler:)`).
    @available(iOS 14.0, *)
    open class func fetchCurrent() async -> NEHotspotNetwork? { nil }
}
