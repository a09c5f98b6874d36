package io.culvert.robo

import android.content.Intent
import android.net.ConnectivityManager
import android.net.LinkAddress
import android.net.LinkProperties
import android.net.NetworkCapabilities
import android.os.Build
import io.culvert.TunnelConfig
import io.culvert.android.CulvertAndroidException
import io.culvert.android.TunnelHandle
import io.culvert.android.VpnOptions
import org.junit.After
import org.junit.Before
import org.junit.Test
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.android.controller.ServiceController
import org.robolectric.shadow.api.Shadow
import org.robolectric.shadows.ShadowConnectivityManager
import org.robolectric.shadows.ShadowNetwork
import org.robolectric.shadows.ShadowNetworkCapabilities
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/**
 * The real CulvertVpnService (start, update, stop, failures, network callbacks) with
 * a real tunnel from the host-built libculvert_ffi on a socketpair fd, at every API level.
 */
class VpnServiceRoboTest : RoboTest() {
    private var controller: ServiceController<TestVpnService>? = null
    private val cm: ConnectivityManager
        get() = RuntimeEnvironment.getApplication().getSystemService(ConnectivityManager::class.java)
    private val shadowCm: ShadowConnectivityManager get() = Shadow.extract(cm)

    @Before
    fun setUp() {
        TestVpnService.reset()
        // The network active before the VPN: Wi-Fi, not a VPN.
        val caps = ShadowNetworkCapabilities.newInstance()
        Shadow.extract<ShadowNetworkCapabilities>(caps).addTransportType(NetworkCapabilities.TRANSPORT_WIFI)
        cm.activeNetwork?.let { shadowCm.setNetworkCapabilities(it, caps) }
    }

    @After
    fun tearDown() {
        controller?.destroy()
        waitFor("the handle to detach") { TunnelHandle.status.value.phase == TunnelHandle.Phase.STOPPED }
    }

    private fun startService(config: String): TestVpnService {
        TestVpnService.nextConfig = config
        val c = Robolectric.buildService(TestVpnService::class.java).create()
        controller = c
        c.get().onStartCommand(Intent(), 0, 1)
        return c.get()
    }

    private fun awaitRunning() = waitFor("the tunnel to run") {
        TunnelHandle.status.value.phase == TunnelHandle.Phase.CONNECTING || TunnelHandle.status.value.phase == TunnelHandle.Phase.CONNECTED
    }

    /** Item 8: the handle sees the running tunnel: status, stats, always-on (API 29+), stop. */
    @Test
    fun handleObservesStatsAndStopsTheRunningTunnel() {
        startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        awaitRunning()
        // The tunnel's own CONNECTING event may reach the handle just before start() returns.
        waitFor("stats") { TunnelHandle.stats() != null }
        assertEquals(1, assertNotNull(TunnelHandle.stats()).peers.size)
        if (Build.VERSION.SDK_INT < 29) {
            assertNull(TunnelHandle.isAlwaysOn)
            assertNull(TunnelHandle.isLockdownEnabled)
        } else {
            assertEquals(false, TunnelHandle.isAlwaysOn)
            assertEquals(false, TunnelHandle.isLockdownEnabled)
            assertEquals(false, TunnelHandle.status.value.alwaysOn)
        }
        assertTrue(TunnelHandle.stop())
        waitFor("stopped") { TunnelHandle.status.value.phase == TunnelHandle.Phase.STOPPED }
        assertNull(TunnelHandle.stats())
    }

    /** Item 3: the network active before establish() is the underlying network of the first interface. */
    @Test
    fun firstInterfaceUsesTheNetworkActiveBeforeEstablish() {
        startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        awaitRunning()
        val calls = ShadowRecordingBuilder.snapshot()
        assertTrue("underlying 1" in calls, calls.toString())
        assertTrue(calls.indexOf("underlying 1") < calls.indexOf("establish"), calls.toString())
    }

    /** Item 6: changed addresses re-establish the interface before the old tunnel goes; same settings update in place. */
    @Test
    fun updateWithNewAddressesReestablishesTheInterface() {
        startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        awaitRunning()
        ShadowRecordingBuilder.take()
        TunnelHandle.update(TunnelConfig.parse(conf("10.0.0.2/32", "10.0.0.0/24", peer = PEER2)))
        waitFor("the in-place update") { TunnelHandle.stats()?.peers?.singleOrNull()?.publicKey == PEER2 }
        assertTrue(ShadowRecordingBuilder.snapshot().none { it == "establish" }, "same settings: no new interface")

        assertTrue(TunnelHandle.update(TunnelConfig.parse(conf("10.9.0.2/32", "10.9.0.0/24", "DNS = 10.9.0.53"))))
        waitFor("the new interface") { "establish" in ShadowRecordingBuilder.snapshot() }
        awaitRunning()
        val calls = ShadowRecordingBuilder.snapshot()
        assertTrue("address 10.9.0.2/32" in calls && "dns 10.9.0.53" in calls && "route 10.9.0.0/24" in calls, calls.toString())
        waitFor("stats of the new tunnel") { TunnelHandle.stats() != null }
    }

    /** Item 4: update() with a destroyed config is a typed error, not a crash. */
    @Test
    fun updateWithAClosedConfigIsATypedError() {
        startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        awaitRunning()
        val closed = TunnelConfig.parse(conf("10.0.0.2/32", "10.0.0.0/24"))
        closed.destroy()
        TunnelHandle.update(closed)
        waitFor("the CONFIG_CLOSED error") { TunnelHandle.status.value.error?.code == CulvertAndroidException.CONFIG_CLOSED }
        assertNotNull(TunnelHandle.stats(), "the running tunnel is untouched")
    }

    /** Item 4: a throwing onStartFailed override neither kills the worker nor the app. */
    @Test
    fun aThrowingOnStartFailedIsContained() {
        ShadowRecordingBuilder.refuseEstablish = true
        TestVpnService.throwFromOnStartFailed = true
        val service = startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        waitFor("the typed failure") {
            TunnelHandle.status.value.error?.code == CulvertAndroidException.VPN_NOT_PREPARED &&
                TunnelHandle.status.value.phase == TunnelHandle.Phase.STOPPED
        }
        assertTrue(TestVpnService.failures.isNotEmpty(), "onStartFailed was called (and threw)")
        // The worker still runs: a second start succeeds.
        ShadowRecordingBuilder.refuseEstablish = false
        service.onStartCommand(Intent(), 0, 2)
        awaitRunning()
    }

    /** Item 4: stats() racing stop()/close() returns null or stats, never throws. */
    @Test
    fun statsRacingStopNeverThrows() {
        startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        awaitRunning()
        TunnelHandle.stop()
        var reads = 0
        while (TunnelHandle.status.value.phase != TunnelHandle.Phase.STOPPED && reads < 100_000) {
            TunnelHandle.stats()
            reads++
        }
        waitFor("stopped") { TunnelHandle.status.value.phase == TunnelHandle.Phase.STOPPED }
    }

    /** Item 4: onDestroy unregisters the network callback first; a late callback is harmless. */
    @Test
    fun lateNetworkCallbackAfterDestroyIsHarmless() {
        startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        awaitRunning()
        val callback = shadowCm.networkCallbacks.single()
        controller!!.destroy()
        controller = null
        assertTrue(shadowCm.networkCallbacks.isEmpty(), "unregistered in onDestroy")
        callback.onAvailable(ShadowNetwork.newInstance(77)) // the system's network thread, too late
    }

    /** Item 6: one networkChanged() per switch; the new network's first properties are its baseline. */
    @Test
    fun oneNetworkChangePerSwitch() {
        startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        awaitRunning()
        val callback = shadowCm.networkCallbacks.single()
        val a = ShadowNetwork.newInstance(101)
        val b = ShadowNetwork.newInstance(102)
        fun lp(last: Int) = LinkProperties().apply {
            // LinkAddress(String) needs the libcore-only InetAddress.parseNumericAddress.
            addLinkAddress(LinkAddress(java.net.InetAddress.getByAddress(byteArrayOf(198.toByte(), 51, 100, last.toByte())), 24))
        }
        callback.onAvailable(a)
        callback.onLinkPropertiesChanged(a, lp(9))
        callback.onAvailable(b)
        callback.onLinkPropertiesChanged(b, lp(10))
        waitFor("the switch") { TestVpnService.networkChanges.isNotEmpty() }
        callback.onLinkPropertiesChanged(b, lp(10)) // unchanged
        callback.onLinkPropertiesChanged(b, lp(11)) // a new address on b: rebind
        waitFor("the address change") { TestVpnService.networkChanges.size >= 2 }
        // Flush the worker: a stop runs after every queued callback.
        TunnelHandle.stop()
        waitFor("stopped") { TunnelHandle.status.value.phase == TunnelHandle.Phase.STOPPED }
        assertEquals(listOf(b, b), TestVpnService.networkChanges.toList())
    }

    /** Item 5: every IncludedApplications package missing fails the start (no device-wide VPN). */
    @Test
    fun allIncludedApplicationsMissingFailsTheStart() {
        startService(conf("10.0.0.2/32", "10.0.0.0/24", "IncludedApplications = com.example.gone, com.example.absent"))
        waitFor("the typed failure") {
            TunnelHandle.status.value.error?.code == CulvertAndroidException.NO_INCLUDED_APPLICATION_INSTALLED
        }
        assertFalse("establish" in ShadowRecordingBuilder.snapshot())
        assertNull(TunnelHandle.stats())
    }

    /** Item 9: allowBypass and metered reach the builder (setMetered from API 29 only). */
    @Test
    fun bypassAndMeteredOptions() {
        TestVpnService.options = VpnOptions(allowBypass = true, metered = true)
        startService(conf("10.0.0.2/32", "10.0.0.0/24"))
        awaitRunning()
        val calls = ShadowRecordingBuilder.snapshot()
        assertTrue("allowBypass" in calls, calls.toString())
        assertEquals(Build.VERSION.SDK_INT >= 29, "metered true" in calls, calls.toString())
    }

    /** Item 9: startForeground only when allowed (consent; API 34+: the systemExempted permission). */
    @Test
    fun foregroundOnlyWhenAllowed() {
        val service = Robolectric.buildService(TestVpnService::class.java).create().also { controller = it }.get()
        val n = android.app.Notification()
        if (Build.VERSION.SDK_INT >= 34) {
            assertFalse(service.startForegroundIfAllowed(1, n), "no FOREGROUND_SERVICE_SYSTEM_EXEMPTED permission")
            Shadow.extract<org.robolectric.shadows.ShadowApplication>(RuntimeEnvironment.getApplication())
                .grantPermissions(android.Manifest.permission.FOREGROUND_SERVICE_SYSTEM_EXEMPTED)
        }
        assertTrue(service.startForegroundIfAllowed(1, n))
        org.robolectric.shadows.ShadowVpnService.setPrepareResult(Intent("consent"))
        try {
            assertFalse(service.startForegroundIfAllowed(1, n), "no consent")
        } finally {
            org.robolectric.shadows.ShadowVpnService.setPrepareResult(null)
        }
    }
}
