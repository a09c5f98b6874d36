package io.culvert

import io.culvert.test.Vectors
import org.json.JSONObject
import org.junit.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** wg-quick parsing, writing and network settings through the generated bindings. */
class ConfigTest {
    private val sample = """
        [Interface]
        PrivateKey = dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
        Address = 198.51.100.2/32, fd00::2/64
        DNS = 198.51.100.53, corp.example
        MTU = 1380
        ExcludedApplications = com.example.bank

        [Peer]
        PublicKey = 3p6/hKd2rTBNJ6M1YWkAWNeaSnISrxrt5YXW3KR5jhE=
        PresharedKey = FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=
        AllowedIPs = 0.0.0.0/0, ::/0
        Endpoint = vpn.example.net:51820
        PersistentKeepalive = 25
    """.trimIndent()

    @Test
    fun parsesTheInterfaceAndPeersWithoutExposingSecrets() {
        val config = TunnelConfig.parse(sample)
        val i = config.interfaceInfo()
        assertEquals("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=", i.publicKey)
        assertEquals(listOf("198.51.100.2/32", "fd00::2/64"), i.addresses)
        assertEquals(listOf("198.51.100.53"), i.dnsServers)
        assertEquals(listOf("corp.example"), i.dnsSearchDomains)
        assertEquals(1380.toUShort(), i.mtu)
        assertEquals(listOf("com.example.bank"), i.excludedApplications)
        val p = config.peers().single()
        assertEquals("3p6/hKd2rTBNJ6M1YWkAWNeaSnISrxrt5YXW3KR5jhE=", p.publicKey)
        assertTrue(p.hasPresharedKey)
        assertEquals(listOf("0.0.0.0/0", "::/0"), p.allowedIps)
        assertEquals("vpn.example.net:51820", p.endpoint)
        assertEquals(25.toUShort(), p.persistentKeepalive)
        for (text in listOf(i.toString(), p.toString(), config.toString())) {
            assertFalse("dwdtCnMYpX08" in text || "FpCyhws9" in text, text)
        }
    }

    @Test
    fun writesBackWhatItParsed() {
        val config = parseConfig(sample)
        val text = writeConfig(config)
        assertTrue("PrivateKey = dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=" in text)
        val again = TunnelConfig.parse(text)
        assertEquals(config.interfaceInfo(), again.interfaceInfo())
        assertEquals(config.peers(), again.peers())
        assertEquals(text, again.toWgQuick())
    }

    @Test
    fun networkSettingsForAFullTunnel() {
        val s = TunnelConfig.parse(sample).networkSettings(SettingsOptions())
        assertEquals(listOf(IpPrefix("198.51.100.2", 32u), IpPrefix("fd00::2", 64u)), s.addresses)
        assertEquals(listOf(IpPrefix("0.0.0.0", 0u), IpPrefix("::", 0u)), s.includedRoutes)
        assertTrue(s.excludedRoutes.isEmpty())
        assertEquals(s.includedRoutes, s.includedRoutesMinusExcluded)
        assertTrue(s.fullTunnel && s.fullTunnelIpv4 && s.fullTunnelIpv6 && s.dnsMatchAll)
        assertEquals(1380.toUShort(), s.mtu)
        assertEquals(listOf("com.example.bank"), s.excludedApplications)
    }

    @Test
    fun excludingPrivateRangesGivesThePreSubtractedSetBelowApi33() {
        val s = TunnelConfig.parse(sample).networkSettings(SettingsOptions(excludePrivate = true))
        assertTrue(IpPrefix("10.0.0.0", 8u) in s.excludedRoutes, s.excludedRoutes.toString())
        // Without excludeRoute (API < 33) the routes themselves leave 10/8 out.
        val v4 = s.includedRoutesMinusExcluded.filter { ':' !in it.address }
        assertFalse(v4.any { it.address == "0.0.0.0" && it.prefixLength.toInt() == 0 })
        assertTrue(v4.none { it.address.startsWith("10.") })
        // The tunnel's own DNS server stays routed into the tunnel.
        assertTrue(v4.any { covers(it, "198.51.100.53") }, v4.toString())
    }

    @Test
    fun badExcludedRouteIsATypedError() {
        val e = assertFailsWith<ConfigException.Invalid> {
            TunnelConfig.parse(sample).networkSettings(SettingsOptions(excludedRoutes = listOf("nonsense")))
        }
        assertEquals(ConfigErrorKind.INVALID_VALUE, e.kind)
    }

    @Test
    fun warningsForHostOnlyKeys() {
        val config = TunnelConfig.parse(sample.replace("MTU = 1380", "MTU = 1380\nPostUp = iptables -A x"))
        assertTrue(config.warnings().any { it.code == "HOST_ONLY_KEY" }, config.warnings().toString())
    }

    @Test
    fun errorsCarryKindSectionKeyAndLine() {
        val e = assertFailsWith<ConfigException.Invalid> { TunnelConfig.parse("[Interface]\nMTU = big\n") }
        assertEquals(ConfigErrorKind.INVALID_NUMBER, e.kind)
        assertEquals(ConfigSection.INTERFACE, e.section)
        assertEquals("MTU", e.key)
        assertEquals(2u, e.line)
        assertTrue(e.detail.isNotBlank())
    }

    @Test
    fun theSecretOfABadKeyLineIsNotRepeated() {
        val secret = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LC=="
        val e = assertFailsWith<ConfigException.Invalid> { TunnelConfig.parse("[Interface]\nPrivateKey = $secret\n") }
        assertEquals(ConfigErrorKind.INVALID_KEY, e.kind)
        assertFalse(secret in e.message!!, e.message)
    }

    /** The wireguard-android fixtures: same accept/reject, reason, key and section as Rust asserts. */
    @Test
    fun androidVectorsGiveTheSameResultsAsRust() {
        val expected = JSONObject(Vectors.file("wg-quick/android/expected.json").readText()).getJSONObject("cases")
        var checked = 0
        for (name in expected.keys()) {
            val case = expected.getJSONObject(name)
            val bytes = Vectors.file("wg-quick/android/$name").readBytes()
            if (case.getBoolean("ok")) {
                val config = TunnelConfig.parseBytes(bytes)
                assertEquals(case.getInt("peers"), config.peers().size, name)
                assertEquals(case.getInt("dns_servers"), config.interfaceInfo().dnsServers.size, name)
                val allowed = case.getJSONArray("allowed_ips").let { a -> (0 until a.length()).map { a.getString(it) } }
                assertEquals(allowed, config.peers().flatMap { it.allowedIps }, name)
            } else {
                val e = assertFailsWith<ConfigException.Invalid>(name) { TunnelConfig.parseBytes(bytes) }
                assertEquals(case.getString("reason"), e.kind.name, name)
                assertEquals(if (case.isNull("location")) null else case.getString("location"), e.key, name)
                val section = if (case.isNull("section")) null else case.getString("section")
                assertEquals(section, e.section?.let { it.name.lowercase().replaceFirstChar(Char::uppercase) }, name)
            }
            checked++
        }
        assertEquals(10, checked)
    }

    @Test
    fun nonUtf8BytesAreASyntaxError() {
        val e = assertFailsWith<ConfigException.Invalid> {
            TunnelConfig.parseBytes(byteArrayOf(0x5b, 0x49, 0xff.toByte(), 0xfe.toByte(), 0x5d))
        }
        assertEquals(ConfigErrorKind.SYNTAX_ERROR, e.kind)
        assertNull(e.key)
    }

    private fun covers(prefix: IpPrefix, ip: String): Boolean {
        fun toLong(a: String) = a.split('.').fold(0L) { acc, part -> (acc shl 8) or part.toLong() }
        val bits = prefix.prefixLength.toInt()
        val mask = if (bits == 0) 0L else (0xffffffffL shl (32 - bits)) and 0xffffffffL
        return (toLong(prefix.address) and mask) == (toLong(ip) and mask)
    }
}
