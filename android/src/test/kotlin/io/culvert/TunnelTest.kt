package io.culvert

import io.culvert.test.CollectingLogSink
import io.culvert.test.Packets
import io.culvert.test.TunnelPair
import io.culvert.test.waitFor
import java.util.concurrent.CopyOnWriteArrayList
import org.junit.After
import org.junit.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** Two tunnels in one JVM, packets moving through Kotlin packet callbacks, with a real handshake. */
class TunnelTest {
    @After
    fun resetLogging() {
        setLogSink(null)
        setLogLevel(LogLevel.INFO)
    }

    @Test
    fun twoTunnelsHandshakeAndExchangePacketsInBatches() {
        TunnelPair().use { p ->
            assertEquals(TunnelState.CONNECTING, p.b.tunnel.state())
            assertTrue(p.exchange("hello"), "first exchange: a=${p.a.payloads()} b=${p.b.payloads()}")
            // A batch of 100 packets crosses in few callbacks, in order and intact.
            val batch = (0 until 100).map { Packets.ipv4Udp(p.addrA, p.addrB, 5000, 4000, "n$it".padEnd(400, '.').toByteArray()) }
            val before = p.b.batches.size
            val already = p.b.packets.size
            p.a.tunnel.sendPackets(batch)
            assertTrue(waitFor(10_000) { p.b.packets.size >= already + 100 }, "B got ${p.b.packets.size - already}")
            val got = p.b.packets.drop(already)
            assertEquals(batch.map { it.toList() }, got.map { it.toList() })
            assertTrue(p.b.batches.size - before < 100, "packets arrive in batches, not one per callback")
            assertTrue(waitFor(5_000) { p.a.tunnel.state() == TunnelState.CONNECTED && p.b.tunnel.state() == TunnelState.CONNECTED })
        }
    }

    @Test
    fun eventsStatsAndProtectorReachKotlin() {
        TunnelPair().use { p ->
            assertTrue(p.exchange("stats"))
            val keyA = publicKey(p.keyA)
            assertTrue(waitFor(5_000) { p.b.events.any { it is TunnelEvent.HandshakeCompleted && it.peer == keyA } }, p.b.events.toString())
            assertTrue(waitFor(5_000) { TunnelEvent.StateChanged(TunnelState.CONNECTED) in p.a.events }, p.a.events.toString())
            // Every UDP socket went through the Kotlin protector before use.
            assertTrue(p.a.protectedFds.isNotEmpty() && p.b.protectedFds.isNotEmpty())
            assertTrue(p.a.protectedFds.all { it >= 0 })

            val stats = p.b.tunnel.stats()
            val peer = stats.peers.single()
            assertEquals(keyA, peer.publicKey)
            assertEquals("127.0.0.1:${p.a.tunnel.stats().listenPort}", peer.endpoint)
            assertTrue(peer.txBytes > 0u && peer.rxBytes > 0u && peer.txPackets > 0u && peer.rxPackets > 0u, peer.toString())
            assertTrue(peer.handshakes >= 1u)
            val last = assertNotNull(peer.lastHandshakeEpochMillis).toLong()
            assertTrue(Math.abs(System.currentTimeMillis() - last) < 60_000, "last handshake $last")
            assertFalse(p.keyB in stats.toString())
        }
    }

    @Test
    fun logsReachAKotlinSink() {
        val sink = CollectingLogSink()
        setLogSink(sink)
        // TRACE: every line Culvert can produce, per-packet ones included.
        setLogLevel(LogLevel.TRACE)
        TunnelPair().use { p ->
            assertTrue(p.exchange("logs"))
            p.b.tunnel.networkChanged()
            assertTrue(p.exchange("logs again"))
            assertTrue(waitFor(5_000) { sink.any(LogLevel.INFO) { it.target.startsWith("culvert") && "state" in it.text } },
                sink.lines.take(20).toString())
            for (line in sink.lines) {
                val base64 = listOf(p.keyA, p.keyB, p.psk)
                val hex = base64.map { k -> java.util.Base64.getDecoder().decode(k).joinToString("") { "%02x".format(it) } }
                for (secret in base64 + hex) {
                    assertFalse(secret in line.text, "a private or preshared key in a log line")
                }
            }
        }
    }

    @Test
    fun networkChangedRebindsAndProtectsAgainThenTrafficResumes() {
        TunnelPair().use { p ->
            assertTrue(p.exchange("before"))
            val protectedBefore = p.b.protectedFds.size
            p.b.tunnel.networkChanged()
            assertTrue(waitFor(5_000) { p.b.protectedFds.size > protectedBefore }, "new sockets protected")
            assertTrue(p.exchange("after"), "traffic after networkChanged")
        }
    }

    @Test
    fun sleepWakeAndUpdate() {
        TunnelPair().use { p ->
            assertTrue(p.exchange("one"))
            p.b.tunnel.sleep()
            assertTrue(waitFor(5_000) { p.b.tunnel.state() == TunnelState.SLEEPING })
            p.b.tunnel.wake()
            assertTrue(waitFor(5_000) { p.b.tunnel.state() != TunnelState.SLEEPING })
            assertTrue(p.exchange("two"), "traffic after wake")
            // A live update with a keepalive keeps the session (no new private key).
            val port = p.a.tunnel.stats().listenPort.toInt()
            p.b.tunnel.update(TunnelConfig.parse(p.configB(port, keepalive = true)))
            assertTrue(p.exchange("three"), "traffic after update")
        }
    }

    @Test
    fun anObserverMayCallBackIntoTheTunnel() {
        val seen = CopyOnWriteArrayList<Any>()
        TunnelPair().use { p ->
            val observer = object : TunnelObserver {
                override fun onEvent(event: TunnelEvent) {
                    // Runs on Culvert's delivery thread, not the event loop: calling in is safe.
                    if (event is TunnelEvent.HandshakeCompleted) seen += runCatching { p.a.tunnel.stats() }.getOrElse { it }
                }
            }
            val port = p.a.tunnel.stats().listenPort.toInt()
            val sideC = io.culvert.test.Side()
            val c = Tunnel.startWithCallbacks(TunnelConfig.parse(p.configB(port)), sideC, observer = observer)
            try {
                c.sendPackets(listOf(Packets.ipv4Udp(p.addrB, p.addrA, 1, 2, "c".toByteArray())))
                assertTrue(waitFor(10_000) { seen.isNotEmpty() })
                assertTrue(seen.first() is TunnelStats, seen.first().toString())
            } finally {
                c.stop()
                c.close()
            }
        }
    }

    @Test
    fun packetBatchesAndFailureCountersReachKotlin() {
        TunnelPair().use { p ->
            val port = p.a.tunnel.stats().listenPort.toInt()
            val got = CopyOnWriteArrayList<ByteArray>()
            // One buffer plus lengths per batch (issue 12 item 13).
            val sink = object : PacketBatchSink {
                override fun deliverBatch(data: ByteArray, lengths: List<UInt>) {
                    var at = 0
                    for (len in lengths) {
                        got += data.copyOfRange(at, at + len.toInt())
                        at += len.toInt()
                    }
                }
            }
            val c = Tunnel.startWithPacketBatches(TunnelConfig.parse(p.configB(port)), sink)
            try {
                c.sendPackets(listOf(Packets.ipv4Udp(p.addrB, p.addrA, 1, 2, "c".toByteArray())))
                assertTrue(waitFor(10_000) { "c" in p.a.payloads() })
                val back = (0 until 3).map { Packets.ipv4Udp(p.addrA, p.addrB, 2, 1, "to c $it".toByteArray()) }
                p.a.tunnel.sendPackets(back)
                assertTrue(waitFor(10_000) { got.size >= 3 }, "C got ${got.size}")
                assertEquals(back.map { it.toList() }, got.take(3).map { it.toList() })
                // Failure counters (issue 12 item 11) reach Kotlin.
                val stats = c.stats()
                assertEquals(0uL, stats.sendFailures.permission)
                assertEquals(0uL, stats.tunWriteFailures.bufferFull)
                assertEquals(0uL, stats.oversizedDropped)
            } finally {
                c.stop()
                c.close()
            }
        }
    }

    @Test
    fun throwingCallbacksDoNotTakeTheTunnelDown() {
        TunnelPair().use { p ->
            val port = p.a.tunnel.stats().listenPort.toInt()
            val thrown = java.util.concurrent.atomic.AtomicInteger()
            val angry = object : PacketSink, TunnelObserver, SocketProtector {
                override fun deliver(packets: List<ByteArray>) { thrown.incrementAndGet(); throw IllegalStateException("sink") }
                override fun onEvent(event: TunnelEvent) { thrown.incrementAndGet(); throw RuntimeException("observer") }
                override fun protect(fd: Int): Boolean = true
            }
            val c = Tunnel.startWithCallbacks(TunnelConfig.parse(p.configB(port)), angry, observer = angry, protector = angry)
            try {
                c.sendPackets(listOf(Packets.ipv4Udp(p.addrB, p.addrA, 1, 2, "from c".toByteArray())))
                assertTrue(waitFor(10_000) { "from c" in p.a.payloads() })
                p.a.tunnel.sendPackets(listOf(Packets.ipv4Udp(p.addrA, p.addrB, 2, 1, "to c".toByteArray())))
                assertTrue(waitFor(10_000) { thrown.get() >= 2 })
                // Still alive and answering.
                assertEquals(1, c.stats().peers.size)
                c.sendPackets(listOf(Packets.ipv4Udp(p.addrB, p.addrA, 1, 2, "again".toByteArray())))
                assertTrue(waitFor(10_000) { "again" in p.a.payloads() })
            } finally {
                c.stop()
                c.close()
            }
        }
    }

    @Test
    fun aRefusingProtectorFailsTheStartWithATypedError() {
        val refuse = object : SocketProtector {
            override fun protect(fd: Int): Boolean = false
        }
        val config = TunnelConfig.parse("[Interface]\nPrivateKey = ${generatePrivateKey()}\n")
        val sink = io.culvert.test.Side()
        val e = assertFailsWith<TunnelException.Network> {
            Tunnel.startWithCallbacks(config, sink, protector = refuse).close()
        }
        assertTrue("protect" in e.detail, e.detail)
    }
}
