// Typed leak-protection options and on-demand policy for the app-side manager.
// Pure values with their rules checked here (tested on Linux); applied to
// NETunnelProviderProtocol / NEOnDemandRule in `TunnelManagerInstaller.swift`.

/// The leak-protection switches of `NETunnelProviderProtocol` (iOS 14+/macOS 11+).
public struct LeakProtection: Equatable, Sendable {
    /// `includeAllNetworks`: all traffic, including traffic of sockets opened
    /// before the tunnel came up, must go through the tunnel; nothing leaks while
    /// it reconnects. Apple notes that some system services stop working with it.
    public var includeAllNetworks: Bool
    /// `excludeLocalNetworks`: with `includeAllNetworks` or `enforceRoutes`,
    /// still reach the local network (printers, AirPlay) directly.
    public var excludeLocalNetworks: Bool
    /// `enforceRoutes`: the tunnel's routes win over the local network's even for
    /// connections that would bypass them.
    public var enforceRoutes: Bool

    /// Creates options; all off by default (the system's default behaviour).
    public init(includeAllNetworks: Bool = false, excludeLocalNetworks: Bool = false, enforceRoutes: Bool = false) {
        self.includeAllNetworks = includeAllNetworks
        self.excludeLocalNetworks = excludeLocalNetworks
        self.enforceRoutes = enforceRoutes
    }

    /// Nothing enforced: the system's default.
    public static let none = LeakProtection()
    /// Full-tunnel kill switch that keeps the local network reachable.
    public static let killSwitch = LeakProtection(includeAllNetworks: true, excludeLocalNetworks: true)
    /// Full-tunnel kill switch with the local network also inside the tunnel.
    public static let strict = LeakProtection(includeAllNetworks: true, excludeLocalNetworks: false, enforceRoutes: true)

    /// Combinations that do nothing or surprise, as sentences (empty when fine).
    public var warnings: [String] {
        var result: [String] = []
        if excludeLocalNetworks && !includeAllNetworks && !enforceRoutes {
            result.append("excludeLocalNetworks has no effect without includeAllNetworks or enforceRoutes")
        }
        if includeAllNetworks && enforceRoutes {
            result.append("enforceRoutes is implied by includeAllNetworks")
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
}
