package io.culvert.robo

import android.net.wifi.WifiNetworkSuggestion
import android.os.Build
import io.culvert.EapConfig
import io.culvert.EapMethod
import io.culvert.HotspotConfig
import io.culvert.Secret
import io.culvert.WifiSecurity
import io.culvert.WifiNetwork
import io.culvert.android.CulvertAndroidException
import io.culvert.android.canUseAddNetworksIntent
import io.culvert.android.toAndroidWifi
import io.culvert.parseHotspot
import org.junit.Test
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** WifiSuggestions at every API level, with tripwires for the classes newer than minSdk 24. */
class WifiRoboTest : RoboTest() {
    private val sdk get() = Build.VERSION.SDK_INT

    /** The tripwire itself: below API 29 the class is missing, as on a device. */
    @Test
    fun tripwireReproducesTheMissingClass() {
        if (sdk < 29) {
            assertFailsWith<NoClassDefFoundError> { WifiNetworkSuggestion.Builder() }
        } else {
            WifiNetworkSuggestion.Builder().setSsid("Cafe").build()
        }
    }

    /** Item 1: no crash below API 29; a typed UNSUPPORTED_ON_THIS_ANDROID naming the level instead. */
    @Test
    fun wpaNetworkIsSuggestedFromApi29AndTypedBelow() {
        val wifi = parseHotspot("WIFI:T:WPA;S:Cafe;P:espresso42;;".toByteArray()).toAndroidWifi()
        if (sdk < 29) {
            assertTrue(wifi.suggestions.isEmpty())
            val reason = wifi.skipped.single().reasons.single()
            assertEquals(CulvertAndroidException.UNSUPPORTED_ON_THIS_ANDROID, reason.code)
            assertTrue("API 29" in reason.detail && "API $sdk" in reason.detail, reason.detail)
        } else {
            assertEquals(1, wifi.suggestions.size)
            assertTrue(wifi.skipped.isEmpty(), wifi.skipped.toString())
        }
        assertEquals(sdk >= 30, wifi.canUseAddNetworksIntent())
    }

    /** Item 1: Passpoint (API 26) is typed below its level, a configuration from 26, a suggestion from 30. */
    @Test
    fun passpointFollowsTheApiLevel() {
        val vectors = File(System.getProperty("culvert.vectors") ?: error("-Dculvert.vectors missing"))
        val data = File(vectors, "hotspot/passpoint/HSR1ProfileWithCACert.base64").readBytes()
        val wifi = parseHotspot(data, "application/x-wifi-config").toAndroidWifi()
        when {
            sdk < 26 -> assertEquals(CulvertAndroidException.UNSUPPORTED_ON_THIS_ANDROID, wifi.skipped.single().reasons.single().code)
            sdk < 30 -> assertTrue(wifi.passpoint.size == 1 && wifi.suggestions.isEmpty())
            else -> assertTrue(wifi.passpoint.size == 1 && wifi.suggestions.size == 1)
        }
    }

    /** Item 7: enterprise suggestions on API 30+ need a CA certificate and a domain: typed, before the platform throws. */
    @Test
    fun enterpriseWithoutCaIsTypedOnApi30() {
        val eap = EapConfig(EapMethod.PEAP, null, "user", null, listOf("radius.example"), emptyList(), null)
        val net = WifiNetwork(ssid = "Corp", security = WifiSecurity.EAP, password = Secret("pw"), eap = eap)
        val wifi = HotspotConfig(format = io.culvert.HotspotFormat.WIFI, networks = listOf(net), dpp = null, warnings = emptyList()).toAndroidWifi()
        val codes = wifi.skipped.flatMap { s -> s.reasons.map { it.code } }
        when {
            sdk < 29 -> assertEquals(listOf(CulvertAndroidException.UNSUPPORTED_ON_THIS_ANDROID), codes)
            sdk >= 30 -> assertTrue("EAP_CA_AND_DOMAIN_REQUIRED" in codes || "EAP_NO_SERVER_VALIDATION" in codes, codes.toString())
        }
        assertTrue(wifi.suggestions.isEmpty() || sdk == 29)
    }
}
