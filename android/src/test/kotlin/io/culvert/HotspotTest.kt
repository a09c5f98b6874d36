package io.culvert

import io.culvert.test.Vectors
import org.json.JSONObject
import org.junit.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** Hotspot parsing, `WIFI:` writing and QR dispatch through the generated bindings. */
class HotspotTest {
    @Test
    fun parsesAWifiCodeWithTheSecretKeptOpaque() {
        val c = parseHotspot("WIFI:T:WPA;S:Cafe;P:espresso42;H:true;;".toByteArray())
        assertEquals(HotspotFormat.WIFI, c.format)
        val n = c.networks.single()
        assertEquals("Cafe", n.ssid)
        assertEquals(WifiSecurity.WPA, n.security)
        assertTrue(n.hidden)
        assertEquals("espresso42", n.password!!.reveal())
        assertEquals("<redacted>", n.password.toString())
        assertFalse("espresso42" in n.toString(), n.toString())
        assertFalse("espresso42" in c.toString(), c.toString())
    }

    @Test
    fun writesAWifiCodeThatParsesBack() {
        val network = WifiNetwork(ssid = "Caf\u00e9;1", security = WifiSecurity.SAE, password = Secret("p\\a;ss"))
        val uri = writeWifiUri(network)
        assertTrue(uri.startsWith("WIFI:"), uri)
        val back = parseHotspot(uri.toByteArray()).networks.single()
        assertEquals("Caf\u00e9;1", back.ssid)
        assertEquals(WifiSecurity.SAE, back.security)
        assertEquals("p\\a;ss", back.password!!.reveal())
    }

    @Test
    fun writingAPasspointNetworkIsUnsupported() {
        val passpoint = PasspointConfig("hotspot.example.net", null, null, listOf(), listOf(), listOf(), listOf(), null)
        val e = assertFailsWith<HotspotException.Invalid> {
            writeWifiUri(WifiNetwork(ssid = null, security = WifiSecurity.EAP, passpoint = passpoint))
        }
        assertEquals(HotspotErrorKind.UNSUPPORTED, e.kind)
    }

    @Test
    fun warningsForWhatPlatformsRefuse() {
        val warnings = hotspotWarnings(WifiNetwork(ssid = "Old", security = WifiSecurity.WEP, password = Secret("0123456789")))
        assertTrue(warnings.isNotEmpty())
        assertTrue(warnings.none { "0123456789" in it.detail })
    }

    @Test
    fun qrCodesAreToldApart() {
        assertIs<QrPayload.Wifi>(parseQr("WIFI:S:Cafe;T:nopass;;"))
        val dpp = parseQr("DPP:C:81/1,115/36;K:MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADM2206avxHJaHXgLMkq/24e0rsrfMP9K1Tm8gx+ovP0I=;;")
        assertIs<QrPayload.Dpp>(dpp)
        assertEquals(DppCurve.P256, dpp.hotspot.dpp!!.curve)
        assertEquals(listOf(DppChannel(81u, 1u), DppChannel(115u, 36u)), dpp.hotspot.dpp!!.channels)
        val wg = parseQr("[Interface]\nPrivateKey = dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n")
        assertIs<QrPayload.WireGuard>(wg)
        assertEquals("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=", wg.config.interfaceInfo().publicKey)
    }

    @Test
    fun qrErrorsSayWhichParserRejected() {
        val bad = assertFailsWith<QrException.Config> { parseQr("[Interface]\nPrivateKey = nope\n") }
        assertEquals(ConfigErrorKind.INVALID_KEY, bad.kind)
        assertEquals(2u, bad.line)
        val unknown = assertFailsWith<QrException.Hotspot> { parseQr("hello") }
        assertEquals(HotspotErrorKind.UNRECOGNIZED_FORMAT, unknown.kind)
        val wifi = assertFailsWith<QrException.Hotspot> { parseQr("WIFI:T:WPA;;") }
        assertEquals(HotspotErrorKind.MISSING_FIELD, wifi.kind)
    }

    /** ZXing's own WifiParsedResult test vectors: same SSID, password, type as the Rust conformance test. */
    @Test
    fun zxingVectorsGiveTheSameResultsAsRust() {
        val cases = JSONObject(Vectors.file("hotspot/zxing_wifi_vectors.json").readText()).getJSONArray("test_vectors")
        assertEquals(16, cases.length())
        for (k in 0 until cases.length()) {
            val case = cases.getJSONObject(k)
            val id = case.getString("id")
            val expected = case.getJSONObject("expected")
            val n = parseHotspot(case.getString("input").toByteArray()).networks.single()
            assertEquals(expected.getString("ssid"), n.ssid, id)
            assertEquals(zxingSecurity(expected.getString("type")), n.security, id)
            val password = if (expected.isNull("password")) null else expected.getString("password")
            assertEquals(password, n.password?.reveal(), id)
        }
    }

    /** hostap's DPP URI tests: the same accepted/rejected split as the Rust conformance test. */
    @Test
    fun hostapDppVectorsGiveTheSameResultsAsRust() {
        val cases = JSONObject(Vectors.file("hotspot/android_qr_vectors.json").readText()).getJSONArray("hostap_dpp_uri")
        assertEquals(27, cases.length())
        for (k in 0 until cases.length()) {
            val case = cases.getJSONObject(k)
            val id = case.getString("id")
            val accepted = case.getJSONObject("expected").optBoolean("accepted", true)
            val input = case.getString("input").toByteArray()
            if (accepted) {
                assertNotNull(parseHotspot(input).dpp, id)
            } else {
                val e = assertFailsWith<HotspotException.Invalid>(id) { parseHotspot(input) }
                assertTrue(e.kind != HotspotErrorKind.UNSUPPORTED, id)
            }
        }
    }

    /** AOSP's Passpoint installation file, as Android's ConfigParserTest reads it. */
    @Test
    fun passpointProfileMatchesAosp() {
        val data = Vectors.file("hotspot/passpoint/HSR1ProfileWithCACert.base64").readBytes()
        val c = parseHotspot(data, "application/x-wifi-config")
        assertEquals(HotspotFormat.PASSPOINT, c.format)
        val n = c.networks.single()
        assertNull(n.ssid)
        assertEquals(WifiSecurity.EAP, n.security)
        val pp = n.passpoint!!
        assertEquals("hotspot.example.net", pp.fqdn)
        assertEquals("Example Network", pp.friendlyName)
        assertEquals(listOf("112233", "445566"), pp.roamingConsortiumOis)
        assertEquals("example.com", pp.realm)
        assertEquals(PasspointCredential.UsernamePassword, pp.credential)
        val eap = n.eap!!
        assertEquals("user", eap.identity)
        assertEquals(EapMethod.TTLS, eap.method)
        assertEquals(Phase2.MSCHAPV2, eap.phase2)
        assertEquals(1, eap.caCertificates.size)
        assertEquals(0x30, eap.caCertificates[0][0].toInt())
        assertEquals("password", n.password!!.reveal())
        // Wrong MIME type: refused as Android refuses it.
        val e = assertFailsWith<HotspotException.Invalid> { parseHotspot(data, "application/wifi-config") }
        assertEquals(HotspotErrorKind.UNSUPPORTED, e.kind)
    }

    private fun zxingSecurity(type: String) = when (type) {
        "nopass", "" -> WifiSecurity.OPEN
        "WEP" -> WifiSecurity.WEP
        "WPA", "WPA2" -> WifiSecurity.WPA
        "SAE" -> WifiSecurity.SAE
        "WPA2-EAP" -> WifiSecurity.EAP
        else -> error("unexpected ZXing type $type")
    }
}
