// Stand-in for the Network framework API Culvert uses (NWPathMonitor, NWPath).
// Transcribed from developer.apple.com/documentation/network (iOS 12+, macOS
// 10.14+; Apple declares NWPath, NWInterface and NWEndpoint Sendable and
// NWPathMonitor's handler @Sendable). Compile check only.
import Dispatch

/// `NWInterface`.
@available(iOS 12.0, macOS 10.14, *)
public struct NWInterface: Hashable, Sendable {
    /// `NWInterface.InterfaceType`.
    public enum InterfaceType: Hashable, Sendable {
        case other, wifi, cellular, wiredEthernet, loopback
    }
    /// `name` (e.g. `en0`).
    public let name: String
    /// `type`.
    public let type: InterfaceType
    /// `index`.
    public let index: Int

    init(name: String, type: InterfaceType, index: Int) {
        self.name = name
        self.type = type
        self.index = index
    }
}

/// `NWEndpoint` (only the cases Culvert prints; Apple's enum has more).
@available(iOS 12.0, macOS 10.14, *)
public enum NWEndpoint: Hashable, Sendable, CustomDebugStringConvertible {
    case hostPort(host: String, port: UInt16)
    /// `debugDescription`.
    public var debugDescription: String {
        switch self {
        case let .hostPort(host, port): return "\(host):\(port)"
        }
    }
}

/// `NWPath`.
@available(iOS 12.0, macOS 10.14, *)
public struct NWPath: Equatable, Sendable {
    /// `NWPath.Status`.
    public enum Status: Equatable, Sendable {
        case satisfied, unsatisfied, requiresConnection
    }
    /// `status`.
    public let status: Status
    /// `availableInterfaces`.
    public let availableInterfaces: [NWInterface]
    /// `supportsIPv4`.
    public let supportsIPv4: Bool
    /// `supportsIPv6`.
    public let supportsIPv6: Bool
    /// `supportsDNS`.
    public let supportsDNS: Bool
    /// `gateways` (iOS 13+, macOS 10.15+).
    public let gateways: [NWEndpoint]
    /// `isExpensive`.
    public let isExpensive: Bool
    /// `isConstrained` (iOS 13+).
    public let isConstrained: Bool

    /// `usesInterfaceType(_:)`.
    public func usesInterfaceType(_ type: NWInterface.InterfaceType) -> Bool {
        availableInterfaces.first?.type == type
    }

    /// Stand-in only (Apple has no public initializer): a path for tests.
    public static func standIn(status: Status, interfaces: [(String, NWInterface.InterfaceType)] = [],
                               supportsIPv4: Bool = true, supportsIPv6: Bool = false,
                               gateways: [NWEndpoint] = []) -> NWPath {
        NWPath(status: status,
               availableInterfaces: interfaces.enumerated().map { NWInterface(name: $1.0, type: $1.1, index: $0 + 1) },
               supportsIPv4: supportsIPv4, supportsIPv6: supportsIPv6, supportsDNS: true, gateways: gateways,
               isExpensive: false, isConstrained: false)
    }
}

/// `NWPathMonitor` (Apple: `final class NWPathMonitor: @unchecked Sendable`).
@available(iOS 12.0, macOS 10.14, *)
public final class NWPathMonitor: @unchecked Sendable {
    /// `init()`.
    public init() {}
    /// `init(requiredInterfaceType:)`.
    public init(requiredInterfaceType: NWInterface.InterfaceType) {}
    /// `pathUpdateHandler`, called on the monitor's queue.
    public var pathUpdateHandler: (@Sendable (_ newPath: NWPath) -> Void)?
    /// `currentPath`.
    public var currentPath: NWPath { .standIn(status: .unsatisfied) }
    /// `queue` (nil before `start`).
    public var queue: DispatchQueue? { nil }
    /// `start(queue:)`.
    public func start(queue: DispatchQueue) {}
    /// `cancel()`.
    public func cancel() {}
}
