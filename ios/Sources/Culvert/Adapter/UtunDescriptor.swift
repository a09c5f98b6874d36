// Finding the utun file descriptor NetworkExtension opened for this extension.
//
// NEPacketTunnelProvider does not hand out the descriptor; like WireGuardKit we
// look for the socket that is a utun control socket. Unlike a scan of 0...1024,
// this scans the whole descriptor table: an extension that opened many files or
// sockets before starting the tunnel can have the utun socket above 1024.

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// Scans a process's descriptor table for the utun control socket.
public enum UtunDescriptor {
    /// The size of the descriptor table: the soft `RLIMIT_NOFILE`, or
    /// `getdtablesize()` when the limit is unlimited or cannot be read.
    /// Capped at `cap` so a huge limit cannot turn the scan into a long loop.
    public static func descriptorTableSize(cap: Int32 = 1 << 20) -> Int32 {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        let infinity = rlim_t.max  // RLIM_INFINITY is (~0UL), which Swift cannot import
        #else
        let resource = RLIMIT_NOFILE
        // Darwin's RLIM_INFINITY is (((__uint64_t)1 << 63) - 1), a macro the Clang
        // importer drops (scripts/swift-macro-denylist.txt): spelled out here.
        let infinity: rlim_t = (rlim_t(1) << 63) - 1
        #endif
        if getrlimit(resource, &limit) == 0, limit.rlim_cur != infinity, limit.rlim_cur > 0 {
            return Int32(clamping: min(UInt64(limit.rlim_cur), UInt64(cap)))
        }
        return min(getdtablesize(), cap)
    }

    /// The first descriptor in `0..<tableSize` that `probe` names as a utun
    /// interface (`utunN`), with that name. `probe` returns the interface name of
    /// a utun control socket and `nil` for anything else.
    public static func find(tableSize: Int32 = descriptorTableSize(),
                            probe: (Int32) -> String?) -> (fd: Int32, interface: String)? {
        guard tableSize > 0 else { return nil }
        for fd in 0..<tableSize {
            if let name = probe(fd), name.hasPrefix("utun") { return (fd, name) }
        }
        return nil
    }

    /// The interface name of `fd` if it is a utun control socket:
    /// `getsockopt(SYSPROTO_CONTROL, UTUN_OPT_IFNAME)` succeeds only on those.
    /// Always `nil` off Darwin (there is no utun there).
    public static func utunInterfaceName(_ fd: Int32) -> String? {
        #if canImport(Darwin)
        let sysprotoControl: Int32 = 2  // SYSPROTO_CONTROL, <sys/sys_domain.h>
        let utunOptIfname: Int32 = 2    // UTUN_OPT_IFNAME, <net/if_utun.h>
        var buffer = [CChar](repeating: 0, count: Int(IFNAMSIZ))
        var length = socklen_t(buffer.count)
        guard getsockopt(fd, sysprotoControl, utunOptIfname, &buffer, &length) == 0 else { return nil }
        return String(nulTerminated: buffer)
        #else
        return nil
        #endif
    }

    /// The utun socket of this process, scanning the whole descriptor table.
    public static func findInProcess() -> (fd: Int32, interface: String)? {
        find(probe: utunInterfaceName)
    }
}
