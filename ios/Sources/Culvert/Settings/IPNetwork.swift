// A parsed `address/prefix` (CIDR) with the textual forms NetworkExtension wants.
// Pure Swift plus `inet_pton`/`inet_ntop`: compiles and is tested on Linux.

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address with a prefix length, e.g. `10.8.0.2/32` or `fd00::/64`.
///
/// Parsing accepts what the Rust core prints (`NetworkSettings` fields); a bare
/// address means a host prefix (`/32`, `/128`). The address is kept in its
/// canonical textual form (`::0` becomes `::`).
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable { case ipv4, ipv6 }

    /// `.ipv4` or `.ipv6`.
    public let family: Family
    /// The canonical textual address, without the prefix.
    public let address: String
    /// The prefix length: 0...32 for IPv4, 0...128 for IPv6.
    public let prefixLength: Int
    /// The address bytes (4 or 16), network byte order.
    public let bytes: [UInt8]

    /// Parses `address[/prefix]`; `nil` when either part is malformed.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty else { return nil }
        var hostString = String(host)
        // A scope id (`fe80::1%en0`) has no meaning in a tunnel setting.
        if hostString.contains("%") { return nil }
        if hostString.hasPrefix("[") && hostString.hasSuffix("]") {
            hostString = String(hostString.dropFirst().dropLast())
        }
        if let v4 = IPNetwork.pton(AF_INET, hostString, count: 4) {
            family = .ipv4
            bytes = v4
        } else if let v6 = IPNetwork.pton(AF_INET6, hostString, count: 16) {
            family = .ipv6
            bytes = v6
        } else {
            return nil
        }
        let maxPrefix = family == .ipv4 ? 32 : 128
        if parts.count == 2 {
            let prefixText = parts[1]
            guard !prefixText.isEmpty, prefixText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  prefixText.count <= 3, let prefix = Int(prefixText), prefix <= maxPrefix
            else { return nil }
            prefixLength = prefix
        } else {
            prefixLength = maxPrefix
        }
        address = IPNetwork.ntop(family == .ipv4 ? AF_INET : AF_INET6, bytes)
    }

    /// The dotted-quad subnet mask for an IPv4 prefix (`/24` → `255.255.255.0`);
    /// `nil` for IPv6.
    public var subnetMask: String? {
        guard family == .ipv4 else { return nil }
        let mask: UInt32 = prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
        return [24, 16, 8, 0].map { String((mask >> UInt32($0)) & 0xff) }.joined(separator: ".")
    }

    /// The network address: the address with the host bits cleared
    /// (`10.8.0.2/24` → `10.8.0.0`).
    public var networkAddress: String {
        var masked = bytes
        for index in masked.indices {
            let bitsBefore = index * 8
            if bitsBefore >= prefixLength {
                masked[index] = 0
            } else if bitsBefore + 8 > prefixLength {
                masked[index] &= UInt8(0xff) << UInt8(8 - (prefixLength - bitsBefore))
            }
        }
        return IPNetwork.ntop(family == .ipv4 ? AF_INET : AF_INET6, masked)
    }

    /// `true` for `0.0.0.0/0` and `::/0`.
    public var isDefaultRoute: Bool { prefixLength == 0 }

    /// `address/prefix`.
    public var description: String { "\(address)/\(prefixLength)" }

    private static func pton(_ family: Int32, _ text: String, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let ok = buffer.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) }
        return ok == 1 ? Array(buffer.prefix(count)) : nil
    }

    private static func ntop(_ family: Int32, _ bytes: [UInt8]) -> String {
        var output = [CChar](repeating: 0, count: 64)
        let result = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &output, socklen_t(output.count))
        }
        guard result != nil else { return "" }
        return String(nulTerminated: output)
    }
}

extension String {
    /// The text of a NUL-terminated C buffer (up to the first NUL).
    init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
