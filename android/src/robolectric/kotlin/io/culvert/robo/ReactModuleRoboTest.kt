package io.culvert.robo

import android.app.Activity
import android.content.Context
import android.os.Build
import io.culvert.android.CulvertAndroidException
import io.culvert.reactnative.CulvertModuleImpl
import io.culvert.reactnative.CulvertReactVpnService
import io.culvert.reactnative.platform.BridgeError
import io.culvert.reactnative.platform.Payloads
import io.culvert.reactnative.platform.TunnelPreferences
import io.culvert.reactnative.platform.TunnelStatusStore
import org.junit.After
import org.junit.Before
import org.junit.Test
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail

/**
 * The React Native Android module (CulvertModuleImpl, the code behind both module
 * classes; CulvertReactVpnService) at every API level: every call settles with a
 * result or a typed error — never an exception on the JS thread or a dead executor.
 */
class ReactModuleRoboTest : RoboTest() {
    private class Settled(val value: Map<String, Any?>?, val error: BridgeError?)

    private class Recorder : CulvertModuleImpl.Reply {
        val latch = CountDownLatch(1)
        @Volatile var settled: Settled? = null
        override fun resolve(value: Map<String, Any?>?) { settled = Settled(value, null); latch.countDown() }
        override fun reject(error: BridgeError) { settled = Settled(null, error); latch.countDown() }
        fun await(): Settled {
            if (!latch.await(15, TimeUnit.SECONDS)) fail("the promise never settled (a thrown Error killed the executor?)")
            return settled!!
        }
    }

    private val events = java.util.Collections.synchronizedList(mutableListOf<Pair<String, Map<String, Any?>>>())
    private lateinit var module: CulvertModuleImpl

    @Before
    fun setUp() {
        TestVpnService.reset()
        module = CulvertModuleImpl(object : CulvertModuleImpl.Host {
            override val context: Context get() = RuntimeEnvironment.getApplication()
            override fun currentActivity(): Activity? = null
            override fun emit(name: String, body: Map<String, Any?>) { events += name to body }
        })
        module.addListener("any")
    }

    @After
    fun tearDown() {
        module.invalidate()
        TunnelStatusStore.statsProvider = null
    }

    private fun call(block: (CulvertModuleImpl.Reply) -> Unit): Settled = Recorder().also(block).await()

    /** Issue 20 item 1 through the RN path: a typed error below API 29, never NoClassDefFoundError. */
    @Test
    fun hotspotSuggestionSettlesAtEveryLevel() {
        val r = call { module.hotspotConnect(mapOf("text" to "WIFI:T:WPA;S:Cafe;P:espresso42;;"), it) }
        if (Build.VERSION.SDK_INT < 29) {
            assertEquals("HOTSPOT_unavailableForOSVersion", r.error?.code)
            assertTrue("API ${Build.VERSION.SDK_INT}" in r.error!!.message, r.error.message)
        } else {
            assertTrue(r.value != null || r.error!!.code.startsWith("HOTSPOT_"), "${r.error?.code}")
        }
    }

    /** Issue 20 item 7: the platform's IllegalArgumentException in the joinOnce path (a non-ASCII passphrase) is a typed error. */
    @Test
    fun joinOnceWithARefusedPassphraseIsTyped() {
        val r = call {
            module.hotspotConnect(
                mapOf("config" to mapOf("ssid" to "Cafe", "security" to "wpaPersonal", "password" to "p\u00e4ssw\u00f6rd-not-ascii"), "options" to mapOf("joinOnce" to true)),
                it,
            )
        }
        val code = r.error?.code ?: fail("expected a rejection, got ${r.value}")
        if (Build.VERSION.SDK_INT < 29) assertEquals("HOTSPOT_unavailableForOSVersion", code)
        else assertTrue(code == "HOTSPOT_invalid" || code == "HOTSPOT_invalidPassphrase", code)
    }

    /** Issue 14 item 7: every throwable maps to a code the TS layer knows. */
    @Test
    fun throwablesMapToTypedCodes() {
        assertEquals(BridgeError.UNSUPPORTED, BridgeError.from(NoClassDefFoundError("android/net/wifi/WifiNetworkSuggestion")).code)
        assertEquals(BridgeError.UNSUPPORTED, BridgeError.from(NoSuchMethodError("setMetered")).code)
        assertEquals(
            BridgeError.UNSUPPORTED,
            BridgeError.from(CulvertAndroidException(CulvertAndroidException.UNSUPPORTED_ON_THIS_ANDROID, "x")).code,
        )
        val notPrepared = BridgeError.from(CulvertAndroidException(CulvertAndroidException.VPN_NOT_PREPARED, "x"))
        assertEquals(BridgeError.VPN_NOT_PREPARED, notPrepared.code)
        assertEquals(CulvertAndroidException.VPN_NOT_PREPARED, notPrepared.userInfo?.get("nativeCode"))
        assertEquals(BridgeError.PROVIDER_ERROR, BridgeError.from(SecurityException("no permission")).code)
        val unknown = BridgeError.from(IllegalStateException("secret=hunter2"))
        assertEquals(BridgeError.UNKNOWN, unknown.code)
        assertTrue("hunter2" !in unknown.message, "no foreign message text")
        val same = BridgeError(BridgeError.TIMEOUT, "t")
        assertTrue(BridgeError.from(same) === same)
    }

    /** Issue 14 item 8: state events carry always-on/lockdown; handshakes are followed by per-peer stats. */
    @Test
    fun eventsCarryAlwaysOnHandshakesAndStats() {
        TunnelStatusStore.report("connected", alwaysOn = true, lockdown = false)
        val state = events.last { it.first == CulvertModuleImpl.EVENT_STATE }.second
        assertEquals(true, state["alwaysOn"])
        assertEquals(false, state["lockdown"])
        TunnelStatusStore.statsProvider = {
            Payloads.stats(51820, listOf(Payloads.PeerCounters(PEER, "127.0.0.1:9", 1, 2, 3, 4, null, 1, null, 0f)))
        }
        TunnelStatusStore.reportHandshake(PEER, "completed")
        val names = events.map { it.first }
        assertTrue(names.takeLast(2) == listOf(CulvertModuleImpl.EVENT_HANDSHAKE, CulvertModuleImpl.EVENT_STATS), names.toString())
        @Suppress("UNCHECKED_CAST")
        val peers = events.last().second["peers"] as List<Map<String, Any?>>
        assertEquals(PEER, peers.single()["publicKey"])
        TunnelStatusStore.report("disconnected", "userRequested")
    }

    /** Issue 14 item 8: connect()'s excludePrivate reaches the Android service's interface. */
    @Test
    fun excludePrivateReachesTheService() {
        val app = RuntimeEnvironment.getApplication()
        val r = call { module.connect(conf("10.0.0.2/32", "0.0.0.0/0"), mapOf("excludePrivate" to true, "allowBypass" to true), it) }
        assertEquals(null, r.error?.code, r.error?.message)
        assertEquals(true, TunnelPreferences.options(app).excludePrivate)
        val controller = Robolectric.buildService(CulvertReactVpnService::class.java).create()
        try {
            controller.get().onStartCommand(null, 0, 1) // as an always-on start: the stored config and options
            waitFor("the interface") { "establish" in ShadowRecordingBuilder.snapshot() }
            val calls = ShadowRecordingBuilder.snapshot()
            assertTrue("allowBypass" in calls, calls.toString())
            if (Build.VERSION.SDK_INT >= 33) assertTrue("exclude 10.0.0.0/8" in calls, calls.toString())
            else assertTrue("route 0.0.0.0/5" in calls && "route 0.0.0.0/0" !in calls, calls.toString())
        } finally {
            controller.destroy()
        }
    }
}
