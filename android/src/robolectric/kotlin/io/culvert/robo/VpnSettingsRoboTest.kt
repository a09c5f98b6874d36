package io.culvert.robo

import android.net.VpnService
import android.os.Build
import android.system.OsConstants
import io.culvert.SettingsOptions
import io.culvert.TunnelConfig
import io.culvert.android.CulvertAndroidException
import io.culvert.android.applyNetworkSettings
import org.junit.Before
import org.junit.Test
import org.robolectric.Robolectric
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** VpnSettings.applyNetworkSettings on the real VpnService.Builder (shadowed to record) at every API level. */
class VpnSettingsRoboTest : RoboTest() {
    private lateinit var builder: VpnService.Builder

    @Before
    fun setUp() {
        TestVpnService.reset()
        val service = Robolectric.buildService(TestVpnService::class.java).create().get()
        builder = service.Builder()
    }

    private fun apply(text: String, options: SettingsOptions = SettingsOptions()): List<String> {
        builder.applyNetworkSettings(TunnelConfig.parse(text).networkSettings(options))
        return ShadowRecordingBuilder.take()
    }

    private val v4 = "allowFamily ${OsConstants.AF_INET}"
    private val v6 = "allowFamily ${OsConstants.AF_INET6}"

    /** Item 2: an IPv4-only split tunnel lets IPv6 bypass (else Android blocks it device-wide). */
    @Test
    fun v4OnlySplitTunnelAllowsBothFamilies() {
        val calls = apply(conf("10.0.0.2/32", "10.0.0.0/24"))
        assertTrue(v4 in calls && v6 in calls, calls.toString())
    }

    @Test
    fun v6OnlySplitTunnelAllowsBothFamilies() {
        val calls = apply(conf("fd00::2/128", "fd00::/64"))
        assertTrue(v4 in calls && v6 in calls, calls.toString())
    }

    @Test
    fun dualStackSplitTunnelAllowsBothFamilies() {
        val calls = apply(conf("10.0.0.2/32, fd00::2/128", "10.0.0.0/24, fd00::/64"))
        assertTrue(v4 in calls && v6 in calls, calls.toString())
    }

    /** Item 2: a full tunnel (kill switch) allows no family to bypass. */
    @Test
    fun fullTunnelsAllowNoFamily() {
        for (text in listOf(
            conf("10.0.0.2/32", "0.0.0.0/0"),
            conf("fd00::2/128", "::/0"),
            conf("10.0.0.2/32, fd00::2/128", "0.0.0.0/0, ::/0"),
            conf("10.0.0.2/32", "0.0.0.0/1, 128.0.0.0/1"),
        )) {
            val calls = apply(text)
            assertTrue(calls.none { it.startsWith("allowFamily") }, calls.toString())
        }
    }

    /** Routes: excludeRoute from API 33, the pre-subtracted set below; metered from API 29. */
    @Test
    fun routesAndMeteringFollowTheApiLevel() {
        val calls = apply(conf("10.0.0.2/32", "0.0.0.0/0"), SettingsOptions(excludedRoutes = listOf("198.51.100.128/25")))
        if (Build.VERSION.SDK_INT >= 33) {
            assertTrue("route 0.0.0.0/0" in calls && "exclude 198.51.100.128/25" in calls, calls.toString())
        } else {
            assertTrue(calls.none { it.startsWith("exclude") } && "route 0.0.0.0/0" !in calls, calls.toString())
            assertEquals(25, calls.count { it.startsWith("route ") }, calls.toString())
        }
        assertEquals(Build.VERSION.SDK_INT >= 29, "metered false" in calls, calls.toString())
        assertTrue("address 10.0.0.2/32" in calls && "blocking false" in calls, calls.toString())
    }

    /** Item 5: some included apps missing is fine; all missing is a typed error. */
    @Test
    fun includedApplications() {
        val self = org.robolectric.RuntimeEnvironment.getApplication().packageName
        val calls = apply(conf("10.0.0.2/32", "10.0.0.0/24", "IncludedApplications = $self, com.example.gone"))
        assertTrue("allow $self" in calls, calls.toString())
        val e = assertFailsWith<CulvertAndroidException> {
            apply(conf("10.0.0.2/32", "10.0.0.0/24", "IncludedApplications = com.example.gone"))
        }
        assertEquals(CulvertAndroidException.NO_INCLUDED_APPLICATION_INSTALLED, e.code)
        assertFalse(ShadowRecordingBuilder.snapshot().any { it.startsWith("allow ") })
    }
}
