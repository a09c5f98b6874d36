// The containing app ↔ extension message codec (`sendProviderMessage` /
// `handleAppMessage`) and the cache the extension answers from. Pure Foundation:
// tested on Linux.

import Foundation

/// A request from the containing app to the tunnel extension.
public enum AppMessageRequest: String, Codable, Sendable {
    /// Adapter and tunnel state.
    case state
    /// State plus the latest per-peer statistics.
    case stats
    /// Re-read the configuration (the app saved a new one) and apply it live.
    /// The reply comes at once (`reloading: true`); the update runs afterwards.
    case reload
    /// The newest lines of the extension's ring log (`logLines`).
    case log
    /// The configuration the tunnel runs, keys redacted (`configuration`).
    case configuration

    /// The bytes to pass to `NETunnelProviderSession.sendProviderMessage`.
    public func encoded() -> Data {
        Data("{\"request\":\"\(rawValue)\"}".utf8)
    }

    /// Decodes a request; `nil` for anything else (answered with an error reply).
    public static func decode(_ data: Data) -> AppMessageRequest? {
        struct Envelope: Decodable { let request: AppMessageRequest }
        return try? JSONDecoder().decode(Envelope.self, from: data).request
    }
}

/// Statistics of one peer, in plain values.
public struct PeerStatsSnapshot: Codable, Equatable, Sendable {
    /// The peer's public key (base64); public keys are not secret.
    public var publicKey: String
    /// The current endpoint (`host:port`), if known.
    public var endpoint: String?
    /// Bytes received from / sent to the peer.
    public var rxBytes: UInt64
    /// Bytes sent to the peer.
    public var txBytes: UInt64
    /// Seconds since 1970 of the last completed handshake.
    public var lastHandshake: Double?
    /// Completed handshakes.
    public var handshakes: UInt64
    /// Round-trip time estimate in milliseconds.
    public var rttMs: UInt32?

    /// Creates a snapshot.
    public init(publicKey: String, endpoint: String? = nil, rxBytes: UInt64 = 0, txBytes: UInt64 = 0,
                lastHandshake: Double? = nil, handshakes: UInt64 = 0, rttMs: UInt32? = nil) {
        self.publicKey = publicKey
        self.endpoint = endpoint
        self.rxBytes = rxBytes
        self.txBytes = txBytes
        self.lastHandshake = lastHandshake
        self.handshakes = handshakes
        self.rttMs = rttMs
    }
}

/// Statistics of the whole tunnel, in plain values.
public struct TunnelStatsSnapshot: Codable, Equatable, Sendable {
    /// The UDP port the tunnel listens on.
    public var listenPort: UInt16
    /// One entry per peer.
    public var peers: [PeerStatsSnapshot]

    /// Creates a snapshot.
    public init(listenPort: UInt16, peers: [PeerStatsSnapshot]) {
        self.listenPort = listenPort
        self.peers = peers
    }
}

/// The extension's answer to an `AppMessageRequest`.
public struct AppMessageReply: Codable, Equatable, Sendable {
    /// The adapter's lifecycle state.
    public var adapterState: AdapterState
    /// The Rust tunnel's state (`connecting`, `connected`, ...), when one runs.
    public var tunnelState: String?
    /// The cached statistics (only for `.stats`).
    public var stats: TunnelStatsSnapshot?
    /// How old `stats` is, in milliseconds.
    public var statsAgeMs: UInt64?
    /// `true` when a `.reload` was accepted and is being applied.
    public var reloading: Bool?
    /// The newest ring-log lines (only for `.log`).
    public var logLines: [RingLog.Entry]?
    /// The running configuration without secrets (only for `.configuration`).
    public var configuration: String?
    /// Set when the request could not be understood or cannot be done.
    public var error: String?

    /// Encodes the reply (what `handleAppMessage` hands to its completion handler).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data("{\"error\":\"encoding failed\"}".utf8)
    }

    /// Decodes a reply in the containing app.
    public static func decode(_ data: Data) throws -> AppMessageReply {
        try JSONDecoder().decode(AppMessageReply.self, from: data)
    }
}

/// What the extension knows about itself, readable from any thread at once.
///
/// `handleAppMessage` answers from here without waiting for the adapter's queue:
/// a reply held while a start or an update runs is what gets app messages cut
/// off by the system. The adapter refreshes the statistics after answering.
public final class TunnelStatusCache: @unchecked Sendable {
    private let lock = NSLock()
    private var adapterState: AdapterState = .idle
    private var tunnelState: String?
    private var stats: TunnelStatsSnapshot?
    private var statsTakenAt: UInt64?
    private var configuration: String?
    private let now: @Sendable () -> UInt64
    private let logSource: (@Sendable () -> [RingLog.Entry])?

    /// How many ring-log lines a `.log` reply carries at most (app messages are
    /// small; the app can read the whole file from the App Group container).
    public static let logReplyLimit = 200

    /// Creates a cache; `nowMs` is a monotonic clock in milliseconds (injected by
    /// tests), `logSource` gives the ring log's lines for `.log` requests.
    public init(nowMs: @escaping @Sendable () -> UInt64 = TunnelStatusCache.monotonicMs,
                logSource: (@Sendable () -> [RingLog.Entry])? = nil) {
        now = nowMs
        self.logSource = logSource
    }

    /// Records the running configuration (already redacted), or `nil`.
    public func setConfiguration(_ redacted: String?) {
        lock.lock(); defer { lock.unlock() }
        configuration = redacted
    }

    /// Milliseconds of a monotonic clock.
    public static func monotonicMs() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds / 1_000_000
    }

    /// Records the adapter's lifecycle state.
    public func setAdapterState(_ state: AdapterState) {
        lock.lock(); defer { lock.unlock() }
        adapterState = state
        if state == .stopped || state == .idle { tunnelState = nil; configuration = nil }
    }

    /// Records the Rust tunnel's state.
    public func setTunnelState(_ state: String?) {
        lock.lock(); defer { lock.unlock() }
        tunnelState = state
    }

    /// Records fresh statistics.
    public func setStats(_ snapshot: TunnelStatsSnapshot?) {
        lock.lock(); defer { lock.unlock() }
        stats = snapshot
        statsTakenAt = snapshot == nil ? nil : now()
    }

    /// The reply to `request`, built from the cache alone.
    public func reply(to request: AppMessageRequest?) -> AppMessageReply {
        lock.lock()
        var reply = AppMessageReply(adapterState: adapterState, tunnelState: tunnelState)
        switch request {
        case .none:
            reply.error = "unknown request; send AppMessageRequest.encoded()"
        case .state?, .reload?, .log?:
            break
        case .stats?:
            reply.stats = stats
            if let taken = statsTakenAt { reply.statsAgeMs = now() &- taken }
        case .configuration?:
            reply.configuration = configuration
            if configuration == nil { reply.error = "configuration: the tunnel is not running" }
        }
        lock.unlock()
        if request == .log {
            if let source = logSource {
                reply.logLines = Array(source().suffix(Self.logReplyLimit))
            } else {
                reply.error = "log: no ring log (CulvertTunnelAdapter.Options.appGroup)"
            }
        }
        return reply
    }

    /// Decodes `message` and answers it from the cache.
    public func answer(_ message: Data) -> Data {
        reply(to: AppMessageRequest.decode(message)).encoded()
    }
}
