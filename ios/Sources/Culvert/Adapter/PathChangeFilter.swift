// NWPathMonitor updates → `network_changed()` calls, decided on plain values.
// Pure: tested on Linux. The monitor itself lives in the NetworkExtension edge.

/// The parts of an `NWPath` that matter to the tunnel.
public struct PathSummary: Equatable, Sendable {
    /// `path.status == .satisfied`.
    public var isSatisfied: Bool
    /// Names of `path.availableInterfaces`, in order (the first one carries traffic).
    public var interfaces: [String]
    /// `path.supportsIPv4`.
    public var supportsIPv4: Bool
    /// `path.supportsIPv6`.
    public var supportsIPv6: Bool

    /// Creates a summary.
    public init(isSatisfied: Bool, interfaces: [String], supportsIPv4: Bool = true, supportsIPv6: Bool = false) {
        self.isSatisfied = isSatisfied
        self.interfaces = interfaces
        self.supportsIPv4 = supportsIPv4
        self.supportsIPv6 = supportsIPv6
    }
}

/// Turns the stream of path updates into the few moments the tunnel must rebind
/// its sockets and re-resolve endpoints.
///
/// - The first update is the path at start: it is the baseline, not a change.
/// - An unsatisfied path changes nothing (no network to rebind to); it is remembered.
/// - A satisfied path that differs from the last satisfied one, or that follows an
///   unsatisfied one, is a change.
public struct PathChangeFilter: Sendable {
    private var lastSatisfied: PathSummary?
    private var sawUnsatisfied = false
    private var started = false

    /// Creates a filter with no baseline.
    public init() {}

    /// `true` when `path` should trigger `network_changed()`.
    public mutating func shouldNotify(_ path: PathSummary) -> Bool {
        defer { started = true }
        guard path.isSatisfied else {
            sawUnsatisfied = true
            return false
        }
        let changed = started && (sawUnsatisfied || lastSatisfied != path)
        lastSatisfied = path
        sawUnsatisfied = false
        return changed
    }
}
