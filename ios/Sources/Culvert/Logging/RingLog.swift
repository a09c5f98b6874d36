// A bounded log file the Packet Tunnel extension writes and the containing app
// reads (as WireGuard's ring logger does): a fixed number of fixed-size slots in
// one file in the App Group container, so it never grows and a crash loses at
// most the line being written. Pure Foundation: tested on Linux.

import Foundation

/// A bounded ring of log lines in a file shared by the extension and the app.
///
/// Layout: a 16-byte header (`CVRL`, version, slot count, slot size) and `slots`
/// slots of `slotSize` bytes: sequence number (UInt64, 0 = empty), milliseconds
/// since 1970 (UInt64), level (1 byte), text length (UInt16), UTF-8 text
/// (truncated to fit). Line `n` goes to slot `n % slots`. Several processes may
/// read while one writes; a reader skips slots it catches half-written.
public final class RingLog: @unchecked Sendable {
    /// One line.
    public struct Entry: Equatable, Sendable, Codable {
        /// Position in the log (increasing).
        public var sequence: UInt64
        /// Milliseconds since 1970.
        public var timestampMs: UInt64
        /// `error`, `warn`, `info`, `debug` or `trace`.
        public var level: String
        /// The line (never a key: Culvert does not log secrets).
        public var text: String
    }

    /// The file's name in the App Group container.
    public static let fileName = "culvert.log"
    static let magic: [UInt8] = Array("CVRL".utf8)
    static let version: UInt32 = 1
    static let headerSize = 16
    static let levels = ["trace", "debug", "info", "warn", "error"]

    /// The file.
    public let url: URL
    /// Number of slots (lines kept).
    public let slots: Int
    /// Bytes per slot.
    public let slotSize: Int
    private let lock = NSLock()
    private let handle: FileHandle
    private var next: UInt64

    /// Opens (or creates) the ring at `url`. A file with another layout is reset.
    /// Default: 2048 lines of up to 493 bytes (1 MiB).
    public init(url: URL, slots: Int = 2048, slotSize: Int = 512) throws {
        precondition(slots > 0 && slotSize > 19 + 16, "RingLog: slots must be positive and slotSize > 35")
        self.url = url
        self.slots = slots
        self.slotSize = slotSize
        let fm = FileManager.default
        if !fm.fileExists(atPath: url.path) {
            guard fm.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        handle = try FileHandle(forUpdating: url)
        let expected = RingLog.header(slots: slots, slotSize: slotSize)
        let existing = (try? handle.read(upToCount: RingLog.headerSize)) ?? Data()
        if existing != expected {
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: expected)
            try handle.write(contentsOf: Data(count: slots * slotSize))
            next = 1
        } else {
            let entries = RingLog.parse(try handle.readToEnd() ?? Data(), slots: slots, slotSize: slotSize)
            next = (entries.last?.sequence ?? 0) + 1
        }
    }

    deinit { try? handle.close() }

    /// Appends one line.
    public func append(level: String, _ text: String, now: Date = Date()) {
        lock.lock(); defer { lock.unlock() }
        let sequence = next
        next += 1
        var slot = Data(capacity: slotSize)
        var seq = sequence.littleEndian
        var millis = UInt64(max(0, now.timeIntervalSince1970 * 1000)).littleEndian
        slot.append(Data(bytes: &seq, count: 8))
        slot.append(Data(bytes: &millis, count: 8))
        slot.append(UInt8(RingLog.levels.firstIndex(of: level) ?? 2))
        let room = slotSize - 19
        var bytes = Array(text.utf8.prefix(room))
        // Never cut a UTF-8 sequence in half.
        while let last = bytes.last, String(bytes: bytes, encoding: .utf8) == nil, last & 0x80 != 0 { bytes.removeLast() }
        var length = UInt16(bytes.count).littleEndian
        slot.append(Data(bytes: &length, count: 2))
        slot.append(contentsOf: bytes)
        slot.append(Data(count: slotSize - slot.count))
        let offset = UInt64(RingLog.headerSize + Int(sequence % UInt64(slots)) * slotSize)
        do {
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: slot)
        } catch {
            // A log that cannot be written must not take the tunnel down.
        }
    }

    /// The lines in this ring, oldest first.
    public func entries() -> [RingLog.Entry] {
        lock.lock(); defer { lock.unlock() }
        return (try? RingLog.read(url: url)) ?? []
    }

    /// Reads the ring at `url` (from the app), oldest first; `limit` keeps the newest ones.
    public static func read(url: URL, limit: Int? = nil) throws -> [RingLog.Entry] {
        let data = try Data(contentsOf: url)
        guard data.count >= headerSize, Array(data.prefix(4)) == magic else { return [] }
        let slots = Int(data.readUInt32(at: 8))
        let slotSize = Int(data.readUInt32(at: 12))
        guard slots > 0, slotSize > 19 else { return [] }
        let entries = parse(data.dropFirst(headerSize), slots: slots, slotSize: slotSize)
        if let limit = limit, entries.count > limit { return Array(entries.suffix(limit)) }
        return entries
    }

    static func header(slots: Int, slotSize: Int) -> Data {
        var data = Data(magic)
        for value in [version, UInt32(slots), UInt32(slotSize)] {
            var le = value.littleEndian
            data.append(Data(bytes: &le, count: 4))
        }
        return data
    }

    static func parse(_ body: Data, slots: Int, slotSize: Int) -> [RingLog.Entry] {
        let bytes = [UInt8](body)
        var entries: [RingLog.Entry] = []
        for index in 0..<slots {
            let base = index * slotSize
            guard base + slotSize <= bytes.count else { break }
            let slot = Data(bytes[base..<base + slotSize])
            let sequence = slot.readUInt64(at: 0)
            guard sequence != 0, Int(sequence % UInt64(slots)) == index else { continue }
            let length = Int(slot.readUInt16(at: 17))
            guard length <= slotSize - 19, let text = String(bytes: slot[19..<19 + length], encoding: .utf8) else { continue }
            let level = Int(slot[16])
            entries.append(RingLog.Entry(sequence: sequence, timestampMs: slot.readUInt64(at: 8),
                                         level: level < levels.count ? levels[level] : "info", text: text))
        }
        return entries.sorted { $0.sequence < $1.sequence }
    }
}

extension Data {
    fileprivate func readUInt16(at offset: Int) -> UInt16 {
        let s = startIndex + offset
        return UInt16(self[s]) | UInt16(self[s + 1]) << 8
    }
    fileprivate func readUInt32(at offset: Int) -> UInt32 {
        let s = startIndex + offset
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[s + $1]) << (8 * UInt32($1)) }
    }
    fileprivate func readUInt64(at offset: Int) -> UInt64 {
        let s = startIndex + offset
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[s + $1]) << (8 * UInt64($1)) }
    }
}

/// A `LogSink` writing the Rust core's lines into a `RingLog` (and on to `next`,
/// e.g. `OSLogSink`, when given).
public final class RingLogSink: LogSink, @unchecked Sendable {
    private let ring: RingLog
    private let next: LogSink?

    /// Creates a sink.
    public init(_ ring: RingLog, next: LogSink? = nil) {
        self.ring = ring
        self.next = next
    }

    /// Called by Culvert for one line.
    public func log(record: LogRecord) throws {
        let level: String
        switch record.level {
        case .error: level = "error"
        case .warn: level = "warn"
        case .info: level = "info"
        case .debug: level = "debug"
        case .trace: level = "trace"
        case .off: return
        }
        ring.append(level: level, "\(record.target): \(record.text)")
        try next?.log(record: record)
    }
}

/// The configuration a tunnel runs, as wg-quick text without secrets: the private
/// key and preshared keys are replaced by `(hidden)`. Safe to show and to send
/// to the app.
public enum RedactedConfiguration {
    /// The redacted text of `config`.
    public static func text(_ config: TunnelConfig) -> String {
        let interface = config.interfaceInfo()
        var lines = ["[Interface]", "PrivateKey = (hidden)", "# PublicKey = \(interface.publicKey)"]
        if let port = interface.listenPort { lines.append("ListenPort = \(port)") }
        if !interface.addresses.isEmpty { lines.append("Address = \(interface.addresses.joined(separator: ", "))") }
        let dns = interface.dnsServers + interface.dnsSearchDomains
        if !dns.isEmpty { lines.append("DNS = \(dns.joined(separator: ", "))") }
        if let mtu = interface.mtu { lines.append("MTU = \(mtu)") }
        for peer in config.peers() {
            lines.append("")
            lines.append("[Peer]")
            lines.append("PublicKey = \(peer.publicKey)")
            if peer.hasPresharedKey { lines.append("PresharedKey = (hidden)") }
            if !peer.allowedIps.isEmpty { lines.append("AllowedIPs = \(peer.allowedIps.joined(separator: ", "))") }
            if let endpoint = peer.endpoint { lines.append("Endpoint = \(endpoint)") }
            if let keepalive = peer.persistentKeepalive { lines.append("PersistentKeepalive = \(keepalive)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension RingLog {
    /// Opens the ring log in the container of App Group `group`; `nil` when the
    /// container is unreachable (the group is missing from the target's
    /// entitlements) or on platforms without App Groups.
    public static func openInAppGroup(_ group: String) -> RingLog? {
        #if canImport(Darwin)
        guard let container = FileManager.default.containerURL(forSecurityApplicationGroupIdentifier: group) else {
            return nil
        }
        return try? RingLog(url: container.appendingPathComponent(fileName))
        #else
        return nil
        #endif
    }
}
