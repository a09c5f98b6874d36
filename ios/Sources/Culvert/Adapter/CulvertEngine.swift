// The Rust core (through the generated bindings) as the adapter's engine, and the
// conversions between generated records and the adapter's plain values. Compiles
// and runs on Linux: the tests drive real tunnels through it.

import Foundation

extension SettingsInput {
    /// The input of `PacketTunnelSettingsPlan.translate` for `settings`.
    /// - Parameter remoteAddress: what the system shows as the server in Settings
    ///   (`serverAddress`; the tunnel's `tunnelRemoteAddress` is always `127.0.0.1`).
    public init(_ settings: NetworkSettings, remoteAddress: String? = nil) {
        let text = { (prefix: IpPrefix) in "\(prefix.address)/\(prefix.prefixLength)" }
        self.init(addresses: settings.addresses.map(text),
                  includedRoutes: settings.includedRoutes.map(text),
                  excludedRoutes: settings.excludedRoutes.map(text),
                  interfaceRoutes: settings.interfaceRoutes.map(text),
                  ipv4Enabled: settings.ipv4Enabled,
                  ipv6Enabled: settings.ipv6Enabled,
                  dnsServers: settings.dnsServers,
                  searchDomains: settings.dnsSearchDomains,
                  mtu: Int(settings.mtu),
                  remoteAddress: remoteAddress)
    }
}

/// The host of a wg-quick `Endpoint` (`host:port`, `[v6]:port`), without the port.
public func endpointHost(_ endpoint: String) -> String? {
    if endpoint.hasPrefix("["), let close = endpoint.firstIndex(of: "]") {
        let host = endpoint[endpoint.index(after: endpoint.startIndex)..<close]
        return host.isEmpty ? nil : String(host)
    }
    guard let colon = endpoint.lastIndex(of: ":") else { return endpoint.isEmpty ? nil : endpoint }
    let host = endpoint[..<colon]
    return host.isEmpty || host.contains(":") ? nil : String(host)
}

extension CulvertAdapterError {
    /// The adapter error for a config error from the Rust core.
    public init(_ error: ConfigError) {
        switch error {
        case let .Invalid(kind, _, _, _, detail): self = .invalidConfiguration(kind: kind.name, detail: detail)
        case let .Internal(detail): self = .tunnel(detail)
        }
    }

    /// The adapter error for a tunnel error from the Rust core.
    public init(_ error: TunnelError) {
        self = .tunnel(String(describing: error))
    }
}

extension TunnelStatsSnapshot {
    /// Plain values of the Rust core's statistics.
    public init(_ stats: TunnelStats) {
        self.init(listenPort: stats.listenPort, peers: stats.peers.map { peer in
            PeerStatsSnapshot(publicKey: peer.publicKey, endpoint: peer.endpoint, rxBytes: peer.rxBytes,
                              txBytes: peer.txBytes,
                              lastHandshake: peer.lastHandshakeEpochMillis.map { Double($0) / 1000 },
                              handshakes: peer.handshakes, rttMs: peer.rttMillis)
        })
    }
}

/// A `PacketSink` calling a closure with each batch (on Culvert's event-loop thread).
public final class ClosurePacketSink: PacketSink, @unchecked Sendable {
    private let handler: @Sendable ([Data]) -> Void
    /// Creates a sink.
    public init(_ handler: @escaping @Sendable ([Data]) -> Void) { self.handler = handler }
    /// Called by Culvert with one batch.
    public func deliver(packets: [Data]) throws { handler(packets) }
}

/// A `PacketBatchSink` calling a closure with each batch split into packets (on
/// Culvert's event-loop thread): one buffer crosses the FFI per batch.
public final class ClosurePacketBatchSink: PacketBatchSink, @unchecked Sendable {
    private let handler: @Sendable ([Data]) -> Void
    /// Creates a sink.
    public init(_ handler: @escaping @Sendable ([Data]) -> Void) { self.handler = handler }
    /// Called by Culvert with one batch: the packets back to back, and their lengths.
    public func deliverBatch(data: Data, lengths: [UInt32]) throws {
        handler(ClosurePacketBatchSink.split(data, lengths))
    }
    /// Packet `i` is the `lengths[i]` bytes after packet `i - 1` (clamped to `data`).
    public static func split(_ data: Data, _ lengths: [UInt32]) -> [Data] {
        var packets: [Data] = []
        packets.reserveCapacity(lengths.count)
        var at = data.startIndex
        for length in lengths {
            let end = min(at + Int(length), data.endIndex)
            packets.append(data.subdata(in: at..<end))
            at = end
        }
        return packets
    }
}

/// A `TunnelObserver` calling a closure with each event (on the tunnel's delivery thread).
public final class ClosureTunnelObserver: TunnelObserver, @unchecked Sendable {
    private let handler: @Sendable (TunnelEvent) -> Void
    /// Creates an observer.
    public init(_ handler: @escaping @Sendable (TunnelEvent) -> Void) { self.handler = handler }
    /// Called by Culvert with one event.
    public func onEvent(event: TunnelEvent) throws { handler(event) }
}

/// A running Rust tunnel as the adapter's `TunnelEngine`.
public final class CulvertEngine: TunnelEngine, @unchecked Sendable {
    /// The generated tunnel object, for anything the adapter does not wrap.
    public let tunnel: Tunnel

    /// Wraps a started tunnel.
    public init(tunnel: Tunnel) { self.tunnel = tunnel }

    private func call(_ body: () throws -> Void) throws {
        do { try body() } catch let error as TunnelError { throw CulvertAdapterError(error) }
    }

    /// Packets from the system into the tunnel.
    public func sendPackets(_ packets: [Data]) throws { try call { try tunnel.sendPackets(packets: packets) } }
    /// Applies a prepared configuration live.
    public func update(_ configuration: PreparedConfiguration) throws {
        guard let config = configuration.payload as? TunnelConfig else {
            throw CulvertAdapterError.tunnel("update: the configuration was not prepared by CulvertEngineFactory")
        }
        try call { try tunnel.update(config: config) }
    }
    /// `sleep()`.
    public func sleep() throws { try call { try tunnel.sleep() } }
    /// `wake()`.
    public func wake() throws { try call { try tunnel.wake() } }
    /// `networkChanged()`.
    public func networkChanged() throws { try call { try tunnel.networkChanged() } }
    /// Statistics as plain values.
    public func stats() throws -> TunnelStatsSnapshot {
        do { return TunnelStatsSnapshot(try tunnel.stats()) } catch let error as TunnelError { throw CulvertAdapterError(error) }
    }
    /// The state's name.
    public func stateName() -> String { tunnel.state().name }
    /// `stop()`.
    public func stop() throws { try call { try tunnel.stop() } }
}

/// Parses configurations and starts Rust tunnels for the adapter.
public struct CulvertEngineFactory: TunnelEngineFactory {
    /// Choices not in the config file (excluded routes, default MTU, ...).
    public var settingsOptions: SettingsOptions
    /// NAT64 prefix and similar runtime options.
    public var tunnelOptions: TunnelOptions?
    /// Framing of the descriptor in descriptor mode (Apple utun: 4-byte family prefix).
    public var framing: TunFraming
    /// Resolves endpoints on the underlying network (`getaddrinfo`, `AI_DEFAULT`),
    /// ahead of the settings; `nil` leaves resolution to the core's own resolver
    /// (which then never sees IPv4 literals: no NAT64 synthesis by the system).
    public var resolver: UnderlyingNetworkResolver?

    /// Creates a factory.
    public init(settingsOptions: SettingsOptions = SettingsOptions(), tunnelOptions: TunnelOptions? = nil,
                framing: TunFraming = .appleUtun, resolver: UnderlyingNetworkResolver? = UnderlyingNetworkResolver()) {
        self.settingsOptions = settingsOptions
        self.tunnelOptions = tunnelOptions
        self.framing = framing
        self.resolver = resolver
    }

    /// Primes `resolver` with the configuration's endpoint hosts.
    public func resolveEndpoints(_ configuration: PreparedConfiguration) {
        guard let resolver = resolver, let config = configuration.payload as? TunnelConfig else { return }
        resolver.prime(UnderlyingNetworkResolver.endpointHosts(of: config))
    }

    /// The tunnel options for a start on `path`: `assumeIpv6Only` is set when the
    /// underlying path supports IPv6 but not IPv4 (`NWPath.supportsIPv4`), so the
    /// core goes straight to NAT64 instead of failing IPv4 sends first. An explicit
    /// `tunnelOptions.assumeIpv6Only = true` is kept.
    public func options(for path: PathSummary?) -> TunnelOptions? {
        guard let path = path, path.isUsable, !path.supportsIPv4, path.supportsIPv6 else { return tunnelOptions }
        var options = tunnelOptions ?? TunnelOptions(nat64Prefix: nil, fwmark: nil, assumeIpv6Only: false)
        options.assumeIpv6Only = true
        return options
    }

    /// Parses `configText` and derives its settings.
    public func prepare(configText: String) throws -> PreparedConfiguration {
        do {
            let config = try TunnelConfig.parse(text: configText)
            let settings = try config.networkSettings(options: settingsOptions)
            let remote = config.peers().count == 1 ? config.peers().first?.endpoint.flatMap(endpointHost) : nil
            var prepared = PreparedConfiguration(settings: SettingsInput(settings, remoteAddress: remote), payload: config)
            prepared.redacted = RedactedConfiguration.text(config)
            return prepared
        } catch let error as ConfigError {
            throw CulvertAdapterError(error)
        }
    }

    /// Starts a tunnel on `io`.
    public func start(_ configuration: PreparedConfiguration, io: TunnelPacketIO,
                      events: @escaping @Sendable (TunnelEngineEvent) -> Void) throws -> TunnelEngine {
        guard let config = configuration.payload as? TunnelConfig else {
            throw CulvertAdapterError.tunnel("start: the configuration was not prepared by CulvertEngineFactory")
        }
        let observer = ClosureTunnelObserver { event in
            switch event {
            case let .stateChanged(state): events(.stateChanged(state.name))
            default: events(.other(String(describing: event)))
            }
        }
        let options = self.options(for: configuration.underlyingPath)
        do {
            switch io {
            case let .descriptor(fd):
                return CulvertEngine(tunnel: try Tunnel.startWithFd(config: config, fd: fd, framing: framing,
                                                                    observer: observer, resolver: resolver,
                                                                    options: options))
            case let .callbacks(deliver):
                return CulvertEngine(tunnel: try Tunnel.startWithPacketBatches(config: config,
                                                                              sink: ClosurePacketBatchSink(deliver),
                                                                              observer: observer, resolver: resolver,
                                                                              options: options))
            }
        } catch let error as TunnelError {
            throw CulvertAdapterError(error)
        }
    }
}
