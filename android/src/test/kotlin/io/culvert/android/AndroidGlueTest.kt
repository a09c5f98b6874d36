package io.culvert.android

import android.net.IpPrefix
import android.net.VpnService
import android.net.wifi.hotspot2.pps.Credential
import io.culvert.EapConfig
import io.culvert.EapMethod
import io.culvert.HotspotFormat
import io.culvert.Secret
import io.culvert.WifiSecurity
import io.culvert.SettingsOptions
import io.culvert.TunnelConfig
import io.culvert.WifiNetwork
import io.culvert.parseHotspot
import io.culvert.test.Vectors
import org.junit.Test
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * The hand-written Android glue, run on the JVM against the real framework classes
 * of android-all (no device): what it asks of `VpnService.Builder`, and the Wi-Fi
 * objects it builds.
 */
class AndroidGlueTest {
    /** A VpnService whose Builder records what it is asked instead of talking to the system. */
    class RecordingVpn : VpnService() {
        val calls = mutableListOf<String>()

        inner class RecordingBuilder : Builder() {
            override fun addAddress(address: String, prefixLength: Int): Builder = also { calls += "address $address/$prefixLength" }
            override fun addRoute(address: String, prefixLength: Int): Builder = also { calls += "route $address/$prefixLength" }
            override fun excludeRoute(prefix: IpPrefix): Builder = also { calls += "exclude ${prefix.address.hostAddress}/${prefix.prefixLength}" }
            override fun addDnsServer(address: String): Builder = also { calls += "dns $address" }
            override fun addSearchDomain(domain: String): Builder = also { calls += "search $domain" }
            override fun setMtu(mtu: Int): Builder = also { calls += "mtu $mtu" }
            override fun addAllowedApplication(packageName: String): Builder = also {
                if (packageName == "not.installed") throw android.content.pm.PackageManager.NameNotFoundException(packageName)
                calls += "allow $packageName"
            }
            override fun addDisallowedApplication(packageName: String): Builder = also { calls += "disallow $packageName" }
            override fun setBlocking(blocking: Boolean): Builder = also { calls += "blocking $blocking" }
            override fun setMetered(isMetered: Boolean): Builder = also { calls += "metered $isMetered" }
            override fun setUnderlyingNetworks(networks: Array<out android.net.Network>?): Builder = also { calls += "underlying ${networks?.size}" }
        }
    }

    private val config = TunnelConfig.parse(
        """
        [Interface]
        PrivateKey = dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
        Address = 198.51.100.2/32
        DNS = 198.51.100.53, corp.example
        MTU = 1380
        IncludedApplications = com.example.browser, not.installed
        [Peer]
        PublicKey = 3p6/hKd2rTBNJ6M1YWkAWNeaSnISrxrt5YXW3KR5jhE=
        AllowedIPs = 0.0.0.0/0
        """.trimIndent(),
    )

    private fun apply(sdk: Int, options: SettingsOptions): Pair<List<String>, AppliedSettings> {
        val vpn = RecordingVpn()
        val applied = vpn.RecordingBuilder().applyNetworkSettings(config.networkSettings(options), sdkInt = sdk)
        return vpn.calls to applied
    }

    @Test
    fun api33UsesExcludeRoute() {
        val (calls, applied) = apply(34, SettingsOptions(excludedRoutes = listOf("198.51.100.128/25")))
        assertTrue(applied.usedExcludeRoute)
        assertTrue("route 0.0.0.0/0" in calls, calls.toString())
        assertTrue("exclude 198.51.100.128/25" in calls, calls.toString())
        assertTrue(listOf("address 198.51.100.2/32", "dns 198.51.100.53", "search corp.example", "mtu 1380",
            "allow com.example.browser", "blocking false", "metered false").all { it in calls }, calls.toString())
        assertEquals(listOf("not.installed"), applied.missingApplications)
    }

    @Test
    fun belowApi33ThePreSubtractedRoutesAreAdded() {
        val (calls, applied) = apply(28, SettingsOptions(excludedRoutes = listOf("198.51.100.128/25")))
        assertFalse(applied.usedExcludeRoute)
        assertTrue(calls.none { it.startsWith("exclude") })
        assertFalse("route 0.0.0.0/0" in calls)
        // 0.0.0.0/0 minus 198.51.100.128/25: 25 routes, one of them the lower half.
        assertEquals(25, calls.count { it.startsWith("route ") }, calls.toString())
        assertTrue("route 198.51.100.0/25" in calls)
        // setMetered exists from API 29 only.
        assertTrue(calls.none { it.startsWith("metered") })
    }

    @Test
    fun androidRefusalsComeFromCulvertsPlatformRules() {
        fun codes(n: WifiNetwork) = androidRefusals(n).map { it.code }
        assertEquals(emptyList(), codes(WifiNetwork(ssid = "Cafe", security = WifiSecurity.WPA, password = Secret("espresso42"))))
        assertEquals(listOf("WEP_DEPRECATED"), codes(WifiNetwork(ssid = "Old", security = WifiSecurity.WEP, password = Secret("0123456789"))))
        assertTrue("RAW_PSK" in codes(WifiNetwork(ssid = "Raw", security = WifiSecurity.WPA, password = Secret("a".repeat(64)))))
        assertTrue("PASSPHRASE_TOO_SHORT" in codes(WifiNetwork(ssid = "Short", security = WifiSecurity.WPA, password = Secret("1234567"))))
        assertTrue("SSID_TOO_LONG" in codes(WifiNetwork(ssid = "x".repeat(33), security = WifiSecurity.OPEN)))
        val eap = EapConfig(EapMethod.PEAP, null, "user", null, emptyList(), emptyList(), null)
        assertTrue("EAP_NO_SERVER_VALIDATION" in codes(WifiNetwork(ssid = "Corp", security = WifiSecurity.EAP, password = Secret("pw"), eap = eap)))
        val fast = eap.copy(method = EapMethod.FAST, trustedServerNames = listOf("radius.example"), caCertificates = listOf(byteArrayOf(1)))
        assertTrue("EAP_METHOD_UNSUPPORTED" in codes(WifiNetwork(ssid = "Corp", security = WifiSecurity.EAP, password = Secret("pw"), eap = fast)))
    }

    @Test
    fun skippedNetworksAreReportedNotSuggested() {
        val hotspot = parseHotspot("WIFI:T:WEP;S:Old;P:0123456789;;".toByteArray())
        val wifi = hotspot.toAndroidWifi(sdkInt = 34)
        assertTrue(wifi.suggestions.isEmpty())
        assertEquals("WEP_DEPRECATED", wifi.skipped.single().reasons.single().code)
    }

    /** AOSP's ConfigParserTest expectations for the same profile, as PasspointConfiguration. */
    @Test
    fun passpointProfileBecomesThePasspointConfigurationAospBuilds() {
        val data = Vectors.file("hotspot/passpoint/HSR1ProfileWithCACert.base64").readBytes()
        val network = parseHotspot(data, "application/x-wifi-config").networks.single()
        assertEquals(emptyList(), androidRefusals(network).map { it.code })
        val pc = network.toPasspointConfiguration()
        assertEquals("hotspot.example.net", pc.homeSp.fqdn)
        assertEquals("Example Network", pc.homeSp.friendlyName)
        assertContentEquals(longArrayOf(0x112233, 0x445566), pc.homeSp.roamingConsortiumOis)
        val cred: Credential = pc.credential
        assertEquals("example.com", cred.realm)
        assertEquals("user", cred.userCredential.username)
        assertEquals("cGFzc3dvcmQ=", cred.userCredential.password, "base64, as Android stores it")
        assertEquals(21, cred.userCredential.eapType)
        assertEquals("MS-CHAP-V2", cred.userCredential.nonEapInnerMethod)
        assertEquals("X.509", cred.caCertificate.type)
    }

    @Test
    fun aDppRecordHasNoNetworksToSuggest() {
        val dpp = parseHotspot("DPP:K:MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADM2206avxHJaHXgLMkq/24e0rsrfMP9K1Tm8gx+ovP0I=;;".toByteArray())
        assertEquals(HotspotFormat.DPP, dpp.format)
        val wifi = dpp.toAndroidWifi(sdkInt = 34)
        assertTrue(wifi.suggestions.isEmpty() && wifi.passpoint.isEmpty() && wifi.skipped.isEmpty())
    }
}
