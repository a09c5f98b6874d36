package io.culvert.testing

import io.culvert.PacketSink
import io.culvert.TestPeer
import io.culvert.Tunnel
import io.culvert.TunnelConfig
import io.culvert.TunnelEvent
import io.culvert.TunnelObserver
import io.culvert.testEchoReplySeq
import io.culvert.testEchoRequest
import java.util.concurrent.CopyOnWriteArrayList
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The testing kit through the FFI, from Kotlin on the JVM: Culvert's real tunnel
 * (callback mode) against the in-process test peer over loopback, the way an
 * app's JUnit test would use it. Runs against the test build of the library
 * (build/testing-lib, feature `testing`), never the shipping one.
 */
class TestPeerTest {
    /** The tunnel's "OS": delivered packets and events. */
    private class Inbox : PacketSink, TunnelObserver {
        val packets = CopyOnWriteArrayList<ByteArray>()
        val events = CopyOnWriteArrayList<TunnelEvent>()
        override fun deliver(packets: List<ByteArray>) { this.packets += packets }
        override fun onEvent(event: TunnelEvent) { events += event }
        fun replied(seq: Int) = packets.any { testEchoReplySeq(it)?.toInt() == seq }
    }

    /** Waits until [cond] holds, up to [millis]. */
    private fun waitFor(millis: Long, cond: () -> Boolean): Boolean {
        val end = System.nanoTime() + millis * 1_000_000
        while (System.nanoTime() < end) {
            if (cond()) return true
            Thread.sleep(5)
        }
        return cond()
    }

    private fun ping(tunnel: Tunnel, inbox: Inbox, src: String, dst: String, seq: Int, millis: Long): Boolean {
        tunnel.sendPackets(listOf(testEchoRequest(src, dst, seq.toUShort())))
        return waitFor(millis) { inbox.replied(seq) }
    }

    private fun withTunnel(peer: TestPeer, body: (Tunnel, Inbox) -> Unit) {
        val inbox = Inbox()
        val tunnel = Tunnel.startWithCallbacks(TunnelConfig.parse(peer.clientConfigText()), inbox, observer = inbox)
        try {
            body(tunnel, inbox)
        } finally {
            runCatching { tunnel.stop() }
            tunnel.close()
        }
    }

    @Test
    fun connectsPingsAndFollowsTheScenarioControls() {
        TestPeer.start().use { peer ->
            withTunnel(peer) { tunnel, inbox ->
                val (me4, me6) = peer.clientAddresses()
                val (it4, it6) = peer.innerAddresses()
                assertTrue("v4 ping", ping(tunnel, inbox, me4, it4, 1, 10_000))
                assertTrue("v6 ping", ping(tunnel, inbox, me6, it6, 2, 10_000))
                assertTrue(inbox.events.any { it is TunnelEvent.HandshakeCompleted })

                peer.dropAll(true)
                assertFalse("dropped", ping(tunnel, inbox, me4, it4, 3, 400))
                assertTrue(peer.counters().droppedIn >= 1uL)
                peer.dropAll(false)
                assertTrue("after drops", ping(tunnel, inbox, me4, it4, 4, 10_000))

                peer.innerDead(true)
                assertFalse("connected but dead", ping(tunnel, inbox, me4, it4, 5, 400))
                assertTrue(waitFor(10_000) { peer.counters().unanswered >= 1uL })
                peer.innerDead(false)

                val moved = peer.roam()
                assertTrue("follows the roamed peer", waitFor(10_000) {
                    tunnel.stats().peers.single().endpoint == moved
                })
                assertTrue("after roaming", ping(tunnel, inbox, me4, it4, 6, 10_000))
                assertEquals("pings 1, 2, 4 and 6 answered", 4uL, peer.counters().echoReplies)
            }
        }
    }

    @Test
    fun wrongKeyNeverConnects() {
        TestPeer.start().use { peer ->
            peer.refuseHandshakes(true)
            withTunnel(peer) { tunnel, inbox ->
                val (me4) = peer.clientAddresses()
                val (it4) = peer.innerAddresses()
                assertFalse(ping(tunnel, inbox, me4, it4, 1, 400))
                assertTrue(waitFor(10_000) { peer.counters().refusedHandshakes >= 1uL })
                assertEquals(0uL, peer.counters().handshakes)
                assertFalse(inbox.events.any { it is TunnelEvent.HandshakeCompleted })
            }
        }
    }
}
