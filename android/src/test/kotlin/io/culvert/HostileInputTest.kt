package io.culvert

import io.culvert.test.LibC
import io.culvert.test.Packets
import io.culvert.test.Side
import io.culvert.test.TunnelPair
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.random.Random
import org.junit.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlin.test.fail

/**
 * Every FFI entry point given hostile input from Kotlin: empty and huge strings,
 * invalid UTF-8, random bytes, bad and closed fds, calls after stop(), concurrent
 * calls. Each answer is a value or a typed exception of the area — never an
 * `InternalException`, never a dead JVM.
 */
class HostileInputTest {
    private val random = Random(20261126)
    private val huge = "A".repeat(8 * 1024 * 1024)

    private fun randomBytes(max: Int) = ByteArray(random.nextInt(max + 1)) { random.nextInt(256).toByte() }

    @Test
    fun configParsingTakesAnythingAndAnswersTyped() {
        val inputs = listOf("", " ", "\u0000", huge, "[Interface]\n".repeat(100_000), "[Peer]\nPublicKey=\uD83D\uDE00\n",
            "[Interface]\nPrivateKey = ${"=".repeat(44)}\n") + List(300) { String(randomBytes(300), Charsets.ISO_8859_1) }
        for (text in inputs) {
            try {
                TunnelConfig.parse(text).close()
            } catch (e: ConfigException.Invalid) {
                assertTrue(e.detail.length < 2_000, "a short detail, not the input echoed")
            }
        }
        for (k in 0 until 300) {
            try {
                TunnelConfig.parseBytes(randomBytes(400)).close()
            } catch (e: ConfigException.Invalid) {
                // typed: fine
            }
        }
        // A Kotlin string that is not valid UTF-16 (a lone surrogate) cannot become
        // UTF-8: the generated bindings refuse it before the call crosses, with a
        // CharacterCodingException. Bytes that are not UTF-8 reach Rust: SYNTAX_ERROR.
        assertFailsWith<java.nio.charset.CharacterCodingException> { TunnelConfig.parse("[Peer]\nPublicKey=\uD800\n") }
        assertFailsWith<java.nio.charset.CharacterCodingException> { parseQr("WIFI:S:\uDC00;;") }
        val e = assertFailsWith<ConfigException.Invalid> { TunnelConfig.parseBytes(byteArrayOf(0xc3.toByte(), 0x28)) }
        assertEquals(ConfigErrorKind.SYNTAX_ERROR, e.kind)
        assertEquals(ConfigErrorKind.MISSING_SECTION, assertFailsWith<ConfigException.Invalid> { TunnelConfig.parse("") }.kind)
    }

    @Test
    fun hotspotAndQrParsingTakeAnythingAndAnswerTyped() {
        val mimes = listOf(null, "", "application/x-wifi-config", "application/x-apple-aspen-config", "text/\u0000", "x".repeat(100_000))
        val prefixes = listOf("", "WIFI:", "DPP:", "<?xml version=\"1.0\"?><plist>", "bplist00", "Content-Type: multipart/mixed;")
        for (k in 0 until 400) {
            val input = prefixes[k % prefixes.size].toByteArray() + randomBytes(500)
            try {
                parseHotspot(input, mimes[k % mimes.size])
            } catch (e: HotspotException.Invalid) {
                // typed: fine
            }
            try {
                parseQr(String(input, Charsets.UTF_8))
            } catch (e: QrException.Config) {
            } catch (e: QrException.Hotspot) {
            }
        }
        assertEquals(HotspotErrorKind.UNRECOGNIZED_FORMAT, assertFailsWith<HotspotException.Invalid> { parseHotspot(ByteArray(0)) }.kind)
        assertFailsWith<HotspotException.Invalid> { parseHotspot(huge.toByteArray()) }
        assertFailsWith<QrException.Hotspot> { parseQr("") }
        assertFailsWith<HotspotException.Invalid> { writeWifiUri(WifiNetwork(ssid = "", security = WifiSecurity.OPEN)) }
        try {
            writeWifiUri(WifiNetwork(ssid = huge, security = WifiSecurity.WPA, password = Secret(huge)))
        } catch (e: HotspotException.Invalid) {
            assertTrue(huge !in e.detail)
        }
    }

    @Test
    fun keysAndSettingsTakeAnything() {
        for (text in listOf("", huge, "\uD83D\uDE00".repeat(22), String(randomBytes(44), Charsets.ISO_8859_1))) {
            assertFailsWith<ConfigException.Invalid> { publicKey(text) }
        }
        val config = TunnelConfig.parse("[Interface]\nPrivateKey = ${generatePrivateKey()}\n")
        for (route in listOf("", "1.2.3.4/33", "::/129", huge, "\u0000")) {
            assertFailsWith<ConfigException.Invalid> { config.networkSettings(SettingsOptions(excludedRoutes = listOf(route))) }
        }
        config.networkSettings(SettingsOptions(defaultMtu = 0u))
        config.networkSettings(SettingsOptions(defaultMtu = 65535u))
    }

    @Test
    fun badAndClosedFileDescriptorsAreTypedErrors() {
        val config = TunnelConfig.parse("[Interface]\nPrivateKey = ${generatePrivateKey()}\n")
        for (fd in listOf(-1, Int.MIN_VALUE, 1_000_000)) {
            assertFailsWith<TunnelException.BadFileDescriptor> { Tunnel.startWithFd(config, fd, TunFraming.RAW_IP) }
        }
        // An fd that was open and is closed now.
        val fd = LibC.INSTANCE.open("/dev/null", LibC.O_RDWR)
        assertTrue(fd >= 0)
        assertEquals(0, LibC.INSTANCE.close(fd))
        assertFailsWith<TunnelException.BadFileDescriptor> { Tunnel.startWithFd(config, fd, TunFraming.RAW_IP) }
        // Nonsense options are typed too.
        assertFailsWith<TunnelException.InvalidConfig> {
            Tunnel.startWithCallbacks(config, Side(), options = TunnelOptions(nat64Prefix = "not a prefix"))
        }
    }

    @Test
    fun everyCallAfterStopIsStopped() {
        TunnelPair().use { p ->
            val t = p.b.tunnel
            t.stop()
            assertEquals(TunnelState.STOPPED, t.state())
            val calls: List<() -> Unit> = listOf(
                { t.stop() }, { t.sleep() }, { t.wake() }, { t.networkChanged() }, { t.stats() },
                { t.sendPackets(listOf(ByteArray(20))) }, { t.update(TunnelConfig.parse(p.configB(1))) },
            )
            for (call in calls) assertFailsWith<TunnelException.Stopped> { call() }
        }
    }

    @Test
    fun garbagePacketsAndMisuseAreTypedOrDropped() {
        TunnelPair().use { p ->
            // Garbage "IP packets": dropped by the tunnel, never a crash.
            p.b.tunnel.sendPackets(listOf(ByteArray(0), ByteArray(1), ByteArray(70_000), randomBytes(1500)) + List(200) { randomBytes(200) })
            p.b.tunnel.sendPackets(emptyList())
            assertTrue(p.exchange("still fine"))
            // A TUN-fd call on a callback tunnel... and the reverse on a TUN tunnel is covered by the netns test.
            val config = TunnelConfig.parse("[Interface]\nPrivateKey = ${generatePrivateKey()}\n")
            val fd = LibC.INSTANCE.open("/dev/null", LibC.O_RDWR)
            val t = try {
                Tunnel.startWithFd(config, fd, TunFraming.RAW_IP)
            } catch (e: TunnelException) {
                null // a /dev/null "TUN" may be refused; typed either way
            }
            if (t != null) {
                assertFailsWith<TunnelException.WrongMode> { t.sendPackets(listOf(ByteArray(20))) }
                t.stop()
                t.close()
            }
        }
    }

    @Test
    fun concurrentCallsFromManyThreadsWhileStopping() {
        TunnelPair().use { p ->
            assertTrue(p.exchange("warm"))
            val t = p.b.tunnel
            val pool = Executors.newFixedThreadPool(8)
            val done = CountDownLatch(8)
            val unexpected = java.util.concurrent.ConcurrentLinkedQueue<Throwable>()
            repeat(8) { worker ->
                pool.execute {
                    try {
                        repeat(200) { i ->
                            try {
                                when ((worker + i) % 6) {
                                    0 -> t.stats()
                                    1 -> t.sendPackets(listOf(Packets.ipv4Udp(p.addrB, p.addrA, 1, 2, "c$i".toByteArray())))
                                    2 -> t.networkChanged()
                                    3 -> t.state()
                                    4 -> { t.sleep(); t.wake() }
                                    else -> if (worker == 7 && i == 100) t.stop() else t.stats()
                                }
                            } catch (e: TunnelException) {
                                // Typed (Stopped after the stop, Busy under load): fine.
                            } catch (e: Throwable) {
                                unexpected += e
                            }
                        }
                    } finally {
                        done.countDown()
                    }
                }
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "workers finished")
            pool.shutdown()
            if (unexpected.isNotEmpty()) fail("untyped failures: ${unexpected.take(3)}")
            assertEquals(TunnelState.STOPPED, t.state())
        }
    }
}
