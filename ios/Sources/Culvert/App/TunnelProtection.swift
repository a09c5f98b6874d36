// Typed leak-protection options and on-demand policy for the app-side manager.
// Pure values with their rules checked here (tested on Linux); applied to
// NETunnelProviderProtocol / NEOnDemandRule in `TunnelManagerInstaller.swift`.

/// The Apple platform a rule is decided for.
public enum ApplePlatform: String, Sendable, CaseIterable {
    /// iOS and iPadOS.
    case iOS
    /// macOS.
    case macOS

    /// The platform this code runs on (iOS rules off Apple platforms, for tests).
    public static var current: ApplePlatform {
        #if os(macOS)
        return .macOS
        #else
        return .iOS
        #endif
    }
}

/// The leak-protection switches of `NEVPNProtocol`.
public struct LeakProtection: Equatable, Sendable {
    /// `includeAllNetworks` (iOS 14.0+, macOS 10.15+): all traffic, including
    /// traffic of sockets opened before the tunnel came up, must go through the
    /// tunnel; nothing leaks while it reconnects. Apple notes that some system
    /// services stop working with it.
    public var includeAllNetworks: Bool
    /// `excludeLocalNetworks` (iOS 14.2+, macOS 10.15+): with `includeAllNetworks`
    /// or `enforceRoutes`, still reach the local network (printers, AirPlay) directly.
    public var excludeLocalNetworks: Bool
    /// `enforceRoutes` (iOS 14.2+, macOS 11+): the tunnel's routes win over the
    /// local network's even for connections that would bypass them.
    public var enforceRoutes: Bool
    /// `excludeAPNs` (iOS 16.4+, macOS 13.3+): with `includeAllNetworks`, push
    /// notifications (APNs) bypass the tunnel. Apple's default: `true`.
    public var excludeAPNs: Bool
    /// `excludeCellularServices` (iOS 16.4+, macOS 13.3+): with
    /// `includeAllNetworks`, cellular services (VoLTE, Wi-Fi calling, MMS, visual
    /// voicemail) bypass the tunnel. Apple's default: `true`.
    public var excludeCellularServices: Bool
    /// `excludeDeviceCommunication` (iOS 17.4+, macOS 14.4+): with
    /// `includeAllNetworks`, traffic with devices connected to this one (a paired
    /// Mac, CarPlay, Xcode) bypasses the tunnel. Apple's default: `true`.
    public var excludeDeviceCommunication: Bool

    /// Creates options; the system's defaults unless set.
    public init(includeAllNetworks: Bool = false, excludeLocalNetworks: Bool = false, enforceRoutes: Bool = false,
                excludeAPNs: Bool = true, excludeCellularServices: Bool = true, excludeDeviceCommunication: Bool = true) {
        self.includeAllNetworks = includeAllNetworks
        self.excludeLocalNetworks = excludeLocalNetworks
        self.enforceRoutes = enforceRoutes
        self.excludeAPNs = excludeAPNs
        self.excludeCellularServices = excludeCellularServices
        self.excludeDeviceCommunication = excludeDeviceCommunication
    }

    /// Nothing enforced: the system's default.
    public static let none = LeakProtection()
    /// Full-tunnel kill switch that keeps the local network, push notifications,
    /// cellular services and attached devices reachable directly.
    public static let killSwitch = LeakProtection(includeAllNetworks: true, excludeLocalNetworks: true)
    /// Everything through the tunnel: the local network, APNs, cellular services
    /// and attached devices too (expect push, calls over Wi-Fi and Xcode to need
    /// the tunnel up).
    public static let strict = LeakProtection(includeAllNetworks: true, excludeLocalNetworks: false, enforceRoutes: true,
                                              excludeAPNs: false, excludeCellularServices: false,
                                              excludeDeviceCommunication: false)

    /// The first OS versions that have each switch (`NEVPNProtocol`), as
    /// `(property, iOS, macOS)`; older systems ignore it (`apply` skips it).
    public static let availability: [(option: String, iOS: String, macOS: String)] = [
        ("includeAllNetworks", "14.0", "10.15"),
        ("excludeLocalNetworks", "14.2", "10.15"),
        ("enforceRoutes", "14.2", "11.0"),
        ("excludeAPNs", "16.4", "13.3"),
        ("excludeCellularServices", "16.4", "13.3"),
        ("excludeDeviceCommunication", "17.4", "14.4"),
    ]

    /// Combinations that do nothing or surprise, as sentences (empty when fine).
    public var warnings: [String] {
        var result: [String] = []
        if excludeLocalNetworks && !includeAllNetworks && !enforceRoutes {
            result.append("excludeLocalNetworks has no effect without includeAllNetworks or enforceRoutes")
        }
        if includeAllNetworks && enforceRoutes {
            result.append("enforceRoutes is implied by includeAllNetworks")
        }
        if !includeAllNetworks {
            let changed = [("excludeAPNs", excludeAPNs), ("excludeCellularServices", excludeCellularServices),
                           ("excludeDeviceCommunication", excludeDeviceCommunication)].filter { !$0.1 }.map(\.0)
            if !changed.isEmpty {
                result.append("\(changed.joined(separator: ", ")) = false has no effect without includeAllNetworks")
            }
        }
        return result
    }
}

/// When the system should start the tunnel by itself (`NEOnDemandRule`s).
public enum OnDemandPolicy: Equatable, Sendable {
    /// No on-demand rules: the tunnel runs only when started.
    case off
    /// Connect on every network.
    case always
    /// Connect on Wi-Fi except on the listed SSIDs (trusted networks), and on cellular.
    case exceptWiFi(trustedSSIDs: [String])
    /// Connect only on Wi-Fi, never on cellular.
    case wifiOnly
    /// Connect only on cellular.
    case cellularOnly

    /// One rule in plain values, in the order the system evaluates them.
    public struct Rule: Equatable, Sendable {
        /// `connect` or `disconnect`.
        public enum Action: Equatable, Sendable { case connect, disconnect }
        /// Interface type the rule matches; `nil` = any.
        public enum Interface: Equatable, Sendable { case wifi, cellular }
        /// What the rule does.
        public var action: Action
        /// Which interface it matches (`nil`: any).
        public var interface: Interface?
        /// SSIDs it matches (`nil`: any).
        public var ssids: [String]?
    }

    /// The rules, first match wins; empty for `.off`.
    public var rules: [Rule] {
        switch self {
        case .off:
            return []
        case .always:
            return [Rule(action: .connect, interface: nil, ssids: nil)]
        case let .exceptWiFi(trusted):
            let trustedRules = trusted.isEmpty ? [] : [Rule(action: .disconnect, interface: .wifi, ssids: trusted)]
            return trustedRules + [Rule(action: .connect, interface: nil, ssids: nil)]
        case .wifiOnly:
            return [Rule(action: .connect, interface: .wifi, ssids: nil), Rule(action: .disconnect, interface: nil, ssids: nil)]
        case .cellularOnly:
            return [Rule(action: .connect, interface: .cellular, ssids: nil), Rule(action: .disconnect, interface: nil, ssids: nil)]
        }
    }

    /// `isOnDemandEnabled`.
    public var isEnabled: Bool { self != .off }

    /// Why this policy cannot be installed on `platform`, or `nil`. macOS has no
    /// cellular interface type (`NEOnDemandRuleInterfaceType.cellular` is iOS
    /// only): `.cellularOnly` is refused there rather than widened to every
    /// interface.
    public func unsupportedReason(on platform: ApplePlatform) -> String? {
        if platform == .macOS && rules.contains(where: { $0.interface == .cellular }) {
            return "cellularOnly is not supported on macOS (no cellular interface type); use .always or .wifiOnly"
        }
        return nil
    }
}
