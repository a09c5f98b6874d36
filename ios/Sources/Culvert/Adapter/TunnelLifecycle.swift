// The adapter's lifecycle as a value: which operation is allowed in which state.
// Pure: the adapter runs every transition on its serial queue; tests drive it on Linux.

/// Where a `CulvertTunnelAdapter` (or a `TunnelController`) is in its life.
public enum AdapterState: String, Codable, Sendable, CaseIterable {
    /// Created, never started.
    case idle
    /// Applying network settings and starting the tunnel.
    case starting
    /// The tunnel runs.
    case running
    /// The device sleeps; the tunnel keeps its sessions but does no timer work.
    case sleeping
    /// Stop requested; the tunnel is shutting down.
    case stopping
    /// Stopped (or never came up); `start` may be called again.
    case stopped
}

/// What the platform or the app asks the adapter to do.
public enum AdapterOperation: String, Sendable {
    /// `startTunnel`.
    case start
    /// A live configuration change.
    case update
    /// `sleep(completionHandler:)`.
    case sleep
    /// `wake()`.
    case wake
    /// The underlying network path changed.
    case networkChanged
    /// `stopTunnel`.
    case stop
}

/// What to do with an operation in the current state.
public enum LifecycleDecision: Equatable, Sendable {
    /// Do the work; the state is already the one the work leads to.
    case perform
    /// Nothing to do (for example `wake` while awake); not an error.
    case ignore
}

/// Every failure of the adapter, each a case an app handles differently.
public enum CulvertAdapterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The operation needs a running tunnel and there is none yet.
    case notStarted(AdapterOperation)
    /// `start` while the tunnel is starting or running.
    case alreadyStarted
    /// The operation came while the tunnel was starting; retry once it runs.
    case busy(AdapterOperation)
    /// The tunnel was stopped; start it again first.
    case stopped(AdapterOperation)
    /// The configuration text was rejected (kind as the Rust core names it, e.g. `INVALID_KEY`).
    case invalidConfiguration(kind: String, detail: String)
    /// The network settings could not be turned into NetworkExtension settings.
    case invalidSettings(SettingsTranslationError)
    /// The system refused the network settings (`setTunnelNetworkSettings`).
    case settingsRejected(String)
    /// `setTunnelNetworkSettings` never called back within this many seconds.
    case settingsTimeout(seconds: Double)
    /// The Rust tunnel failed to start or to apply an operation.
    case tunnel(String)

    /// A sentence for logs and UI; never contains a key.
    public var description: String {
        switch self {
        case let .notStarted(op): return "\(op.rawValue): the tunnel is not started"
        case .alreadyStarted: return "start: the tunnel is already started"
        case let .busy(op): return "\(op.rawValue): the tunnel is still starting"
        case let .stopped(op): return "\(op.rawValue): the tunnel was stopped"
        case let .invalidConfiguration(kind, detail): return "configuration rejected (\(kind)): \(detail)"
        case let .invalidSettings(error): return "network settings: \(error)"
        case let .settingsRejected(detail): return "the system rejected the network settings: \(detail)"
        case let .settingsTimeout(seconds): return "the system did not apply the network settings within \(seconds) s"
        case let .tunnel(detail): return "tunnel: \(detail)"
        }
    }
}

/// The lifecycle state machine. Call `begin` before an operation and `finish`
/// once asynchronous work (start, stop) completes.
public struct TunnelLifecycle: Equatable, Sendable {
    /// The current state.
    public private(set) var state: AdapterState = .idle

    /// Creates a lifecycle in `.idle`.
    public init() {}

    /// Decides `operation` in the current state and moves to the state the work
    /// leads to. Throws when the operation makes no sense now (the caller reports
    /// the error instead of crashing or silently queueing).
    public mutating func begin(_ operation: AdapterOperation) throws -> LifecycleDecision {
        switch (state, operation) {
        case (.idle, .start), (.stopped, .start):
            state = .starting
            return .perform
        case (.starting, .start), (.running, .start), (.sleeping, .start):
            throw CulvertAdapterError.alreadyStarted
        case (.stopping, .start):
            throw CulvertAdapterError.busy(.start)

        case (.running, .update), (.sleeping, .update):
            return .perform
        case (.idle, .update):
            throw CulvertAdapterError.notStarted(.update)
        case (.starting, .update):
            throw CulvertAdapterError.busy(.update)
        case (.stopping, .update), (.stopped, .update):
            throw CulvertAdapterError.stopped(.update)

        case (.running, .sleep):
            state = .sleeping
            return .perform
        case (.sleeping, .wake):
            state = .running
            return .perform
        case (.running, .networkChanged):
            return .perform
        case (_, .sleep), (_, .wake), (_, .networkChanged):
            // The system sends these whenever it likes; outside `running`/`sleeping`
            // they have nothing to act on.
            return .ignore

        case (.starting, .stop), (.running, .stop), (.sleeping, .stop):
            state = .stopping
            return .perform
        case (.idle, .stop), (.stopped, .stop):
            state = .stopped
            return .ignore
        case (.stopping, .stop):
            return .ignore
        }
    }

    /// The engine stopped by itself (fatal error, or stopped from below) while
    /// running or sleeping: the adapter is stopped; `start` may be called again.
    public mutating func engineStopped() {
        if state == .running || state == .sleeping { state = .stopped }
    }

    /// Records the end of the asynchronous part of `start` or `stop`.
    /// A start that finishes after a stop was requested stays `stopping`.
    public mutating func finish(_ operation: AdapterOperation, succeeded: Bool) {
        switch (state, operation) {
        case (.starting, .start): state = succeeded ? .running : .stopped
        case (.stopping, .stop): state = .stopped
        default: break
        }
    }
}
