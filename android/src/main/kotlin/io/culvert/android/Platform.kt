package io.culvert.android

import android.net.Network
import android.net.VpnService
import io.culvert.CallbackException
import io.culvert.Resolver
import io.culvert.SocketProtector
import java.net.InetAddress
import java.net.UnknownHostException

/**
 * Keeps Culvert's UDP sockets out of the VPN with [VpnService.protect], so the
 * encrypted traffic does not loop back into the tunnel. Culvert calls it for every
 * socket before first use, including after `networkChanged()`.
 */
class VpnSocketProtector(private val service: VpnService) : SocketProtector {
    /** Protects [fd]; `false` if Android refused (the VPN is not prepared or was revoked). */
    override fun protect(fd: Int): Boolean = service.protect(fd)
}

/**
 * Resolves endpoint host names on the underlying network — not through the tunnel,
 * which is not up yet (or is the thing being repaired). Uses [Network.getAllByName]
 * on [network] when one is known, else the process default.
 *
 * @param network returns the current underlying network (or `null` for the default).
 */
class UnderlyingNetworkResolver(private val network: () -> Network?) : Resolver {
    /** The addresses of [host] as text; throws [CallbackException.Failed] when it does not resolve (Culvert retries). */
    override fun resolve(host: String): List<String> {
        val addresses = try {
            network()?.getAllByName(host) ?: InetAddress.getAllByName(host)
        } catch (e: UnknownHostException) {
            throw CallbackException.Failed("cannot resolve the endpoint host name: ${e.message}")
        } catch (e: SecurityException) {
            throw CallbackException.Failed("no INTERNET permission to resolve the endpoint")
        }
        return addresses.mapNotNull { it.hostAddress }
    }
}
