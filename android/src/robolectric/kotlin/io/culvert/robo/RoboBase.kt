package io.culvert.robo

import android.content.Intent
import android.os.ParcelFileDescriptor
import com.sun.jna.Library
import com.sun.jna.Native
import io.culvert.TunnelConfig
import io.culvert.android.CulvertVpnService
import io.culvert.android.TunnelHandle
import io.culvert.android.VpnOptions
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config

/**
 * Every Robolectric test class extends this: one `@Config` (inherited) so all classes
 * share one sandbox per API level — JNA's native library can be loaded by one class
 * loader only, so the runner starts one JVM per level (`-Drobolectric.enabledSdks=N`).
 */
@RunWith(RobolectricTestRunner::class)
@Config(
    sdk = [24, 26, 28, 29, 30, 33, 35],
    shadows = [
        ShadowRecordingBuilder::class,
        TripwireSuggestionBuilder::class,
        TripwireSpecifierBuilder::class,
        TripwirePasspointConfiguration::class,
        TripwireHomeSp::class,
        TripwireCredential::class,
    ],
)
abstract class RoboTest {
    /** Waits (bounded) until [condition] holds; fails with [what] otherwise. */
    protected fun waitFor(what: String, timeoutMs: Long = 15_000, condition: () -> Boolean) {
        val deadline = System.nanoTime() + timeoutMs * 1_000_000
        while (!condition()) {
            if (System.nanoTime() > deadline) throw AssertionError("timed out waiting for $what (status ${TunnelHandle.status.value})")
            Thread.sleep(5)
        }
    }

    companion object {
        const val PRIV = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
        const val PEER = "3p6/hKd2rTBNJ6M1YWkAWNeaSnISrxrt5YXW3KR5jhE="
        const val PEER2 = "G8GcS7oLtc+yy0PnVJv5y/7ngi0KiT9nt7A95Nxdh3o="

        /** A wg-quick config (loopback endpoint: nothing answers, nothing leaves the machine). */
        fun conf(address: String, allowed: String, extra: String = "", peer: String = PEER): String =
            "[Interface]\nPrivateKey = $PRIV\nAddress = $address\n$extra\n" +
                "[Peer]\nPublicKey = $peer\nAllowedIPs = $allowed\nEndpoint = 127.0.0.1:9\n"
    }
}

private interface LibC : Library {
    fun socketpair(domain: Int, type: Int, protocol: Int, sv: IntArray): Int
    fun close(fd: Int): Int
}

/** A real fd for the tunnel to poll (one end of an AF_UNIX datagram pair, the other kept open). */
fun packetFd(): Int {
    val libc = Native.load("c", LibC::class.java)
    val sv = IntArray(2)
    check(libc.socketpair(1 /* AF_UNIX */, 2 /* SOCK_DGRAM */, 0, sv) == 0) { "socketpair failed" }
    peerEnds += sv[1]
    return sv[0]
}

private val peerEnds = mutableListOf<Int>()

/** The service under test: the real CulvertVpnService, with a config and a packet fd from the test. */
class TestVpnService : CulvertVpnService() {
    override fun loadConfig(intent: Intent?): TunnelConfig? = nextConfig?.let { TunnelConfig.parse(it) }

    override fun takeFd(pfd: ParcelFileDescriptor): Int {
        pfd.close()
        return packetFd()
    }

    override fun vpnOptions(config: TunnelConfig): VpnOptions = options

    /** Robolectric has no VPN to protect sockets from (`protectFromVpn` is a device call). */
    override fun protect(socket: Int): Boolean = true

    override fun onStartFailed(error: Exception) {
        failures += error
        if (throwFromOnStartFailed) throw IllegalStateException("an app override that throws")
    }

    override fun onUnderlyingNetworkChanged(network: android.net.Network) {
        networkChanges += network
    }

    /** Test knobs and observations (the service lives in the same sandbox). */
    companion object {
        @Volatile var nextConfig: String? = null
        @Volatile var options = VpnOptions()
        @Volatile var throwFromOnStartFailed = false
        val failures: MutableList<Exception> = java.util.Collections.synchronizedList(mutableListOf())
        val networkChanges: MutableList<android.net.Network> = java.util.Collections.synchronizedList(mutableListOf())

        fun reset() {
            nextConfig = null
            options = VpnOptions()
            throwFromOnStartFailed = false
            failures.clear()
            networkChanges.clear()
            ShadowRecordingBuilder.refuseEstablish = false
            ShadowRecordingBuilder.take()
            // The user consented (Robolectric's default answer of prepare() is "ask first").
            org.robolectric.shadows.ShadowVpnService.setPrepareResult(null)
        }
    }
}
