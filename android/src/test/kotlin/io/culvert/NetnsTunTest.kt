package io.culvert

import io.culvert.test.LibC
import io.culvert.test.waitFor
import java.io.File
import java.util.concurrent.CopyOnWriteArrayList
import org.junit.Assume.assumeTrue
import org.junit.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/**
 * A tunnel started from Kotlin on a real TUN fd reaching wireguard-go. Runs only
 * inside the network namespace android/src/test/netns/run.sh sets up (as root).
 */
class NetnsTunTest {
    private val tun = System.getProperty("culvert.tun")
    private val configFile = System.getProperty("culvert.config")
    private val peer = System.getProperty("culvert.peer")
    private val peerKey = System.getProperty("culvert.peerKey")

    /** Attaches to the persistent TUN device [name] (IFF_TUN | IFF_NO_PI) and returns its fd. */
    private fun openTun(name: String): Int {
        val fd = LibC.INSTANCE.open("/dev/net/tun", LibC.O_RDWR)
        check(fd >= 0) { "open /dev/net/tun failed" }
        val ifreq = ByteArray(40)
        name.toByteArray().copyInto(ifreq)
        val flags = 0x0001 or 0x1000 // IFF_TUN | IFF_NO_PI
        ifreq[16] = flags.toByte()
        ifreq[17] = (flags shr 8).toByte()
        val rc = LibC.INSTANCE.ioctl(fd, 0x400454caL /* TUNSETIFF */, ifreq)
        check(rc == 0) { "TUNSETIFF $name failed" }
        return fd
    }

    private fun ping(addr: String): Boolean =
        ProcessBuilder("ping", "-c", "1", "-W", "1", addr).redirectErrorStream(true).start().let { p ->
            p.inputStream.readBytes()
            p.waitFor() == 0
        }

    @Test
    fun aTunnelOnARealTunFdReachesWireguardGo() {
        assumeTrue("runs inside run.sh's namespace", tun != null && configFile != null)
        val events = CopyOnWriteArrayList<TunnelEvent>()
        val protected = CopyOnWriteArrayList<Int>()
        val observer = object : TunnelObserver {
            override fun onEvent(event: TunnelEvent) { events += event }
        }
        val protector = object : SocketProtector {
            override fun protect(fd: Int): Boolean { protected += fd; return true }
        }
        val fd = openTun(tun!!)
        val tunnel = Tunnel.startWithFd(TunnelConfig.parse(File(configFile!!).readText()), fd, TunFraming.RAW_IP,
            observer = observer, protector = protector)
        try {
            // The kernel routes the ping into the TUN device; Culvert encrypts it to wireguard-go and back.
            assertTrue(waitFor(20_000) { ping(peer!!) }, "ping $peer through the tunnel; events: $events")
            assertTrue(waitFor(5_000) { events.any { it is TunnelEvent.HandshakeCompleted && it.peer == peerKey } }, events.toString())
            assertEquals(TunnelState.CONNECTED, tunnel.state())
            val stats = tunnel.stats().peers.single()
            assertTrue(stats.rxPackets > 0u && stats.txPackets > 0u, stats.toString())
            assertTrue(protected.isNotEmpty(), "the protector saw the UDP sockets")
            // Packet callbacks are for callback tunnels only.
            assertFailsWith<TunnelException.WrongMode> { tunnel.sendPackets(listOf(ByteArray(20))) }
        } finally {
            tunnel.stop()
            tunnel.close()
        }
        // Culvert owned the fd and closed it on stop.
        assertEquals(-1, LibC.INSTANCE.fcntl(fd, LibC.F_GETFD))
    }
}
