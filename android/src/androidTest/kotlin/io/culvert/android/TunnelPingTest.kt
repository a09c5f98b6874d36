package io.culvert.android

import android.content.Intent
import android.net.VpnService
import android.util.Base64
import androidx.test.ext.junit.runners.AndroidJUnit4
import androidx.test.platform.app.InstrumentationRegistry
import io.culvert.TunnelConfig
import io.culvert.TunnelEvent
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith

/** The test's VPN service: the config comes from the instrumentation arguments. */
class PingTestVpnService : CulvertVpnService() {
    override fun loadConfig(intent: Intent?): TunnelConfig? = config?.let { TunnelConfig.parse(it) }

    override fun onTunnelEvent(event: TunnelEvent) {
        if (event is TunnelEvent.HandshakeCompleted) handshake.countDown()
    }

    override fun onStartFailed(error: Exception) {
        startError = error
        handshake.countDown()
    }

    companion object {
        @Volatile var config: String? = null
        @Volatile var startError: Exception? = null
        val handshake = CountDownLatch(1)
    }
}

/**
 * A real CulvertVpnService tunnel on an emulator: the config (argument
 * `culvertConfig`, base64 wg-quick text) names a WireGuard peer on the CI host
 * (10.0.2.2) whose tunnel address is `culvertPingTarget`; the test waits for the
 * handshake, then pings that address through the tunnel. VPN consent is granted
 * beforehand with `appops set io.culvert.test ACTIVATE_VPN allow`.
 */
@RunWith(AndroidJUnit4::class)
class TunnelPingTest {
    @Test
    fun pingsThePeerThroughTheTunnel() {
        val args = InstrumentationRegistry.getArguments()
        val context = InstrumentationRegistry.getInstrumentation().targetContext
        val config = assertNotNull(args.getString("culvertConfig"), "argument culvertConfig (base64 wg-quick)")
        val target = args.getString("culvertPingTarget") ?: "10.99.0.1"
        PingTestVpnService.config = String(Base64.decode(config, Base64.DEFAULT))
        assertEquals("VPN consent must be granted by appops before the test", null, VpnService.prepare(context))

        context.startService(Intent(context, PingTestVpnService::class.java))
        assertTrue("no handshake within 30 s", PingTestVpnService.handshake.await(30, TimeUnit.SECONDS))
        assertEquals(null, PingTestVpnService.startError)

        val ping = ProcessBuilder("ping", "-c", "3", "-W", "5", target).redirectErrorStream(true).start()
        val output = ping.inputStream.bufferedReader().readText()
        assertEquals("ping $target through the tunnel:\n$output", 0, ping.waitFor())

        context.startService(Intent(context, PingTestVpnService::class.java).setAction(CulvertVpnService.ACTION_STOP))
    }

    private fun <T> assertNotNull(value: T?, what: String): T {
        assertNotNull("missing $what", value)
        return value!!
    }
}
