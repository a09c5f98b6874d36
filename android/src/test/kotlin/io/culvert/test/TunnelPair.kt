package io.culvert.test

import io.culvert.LogLevel
import io.culvert.LogRecord
import io.culvert.LogSink
import io.culvert.PacketSink
import io.culvert.SocketProtector
import io.culvert.Tunnel
import io.culvert.TunnelConfig
import io.culvert.TunnelEvent
import io.culvert.TunnelObserver
import io.culvert.generatePrivateKey
import io.culvert.publicKey
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

/** Collects what a tunnel hands to Kotlin: packet batches, events, protected fds. */
class Side : PacketSink, TunnelObserver, SocketProtector {
    val batches = CopyOnWriteArrayList<List<ByteArray>>()
    val events = CopyOnWriteArrayList<TunnelEvent>()
    val protectedFds = CopyOnWriteArrayList<Int>()
    lateinit var tunnel: Tunnel

    /** Whether [tunnel] was set (the start may have thrown). */
    fun started() = ::tunnel.isInitialized

    val packets: List<ByteArray> get() = batches.flatten()

    override fun deliver(packets: List<ByteArray>) { batches += packets }
    override fun onEvent(event: TunnelEvent) { events += event }
    override fun protect(fd: Int): Boolean { protectedFds += fd; return fd >= 0 }

    fun payloads(): List<String> = packets.mapNotNull { Packets.udpPayload(it)?.let(::String) }
}

/** Two tunnels in this JVM over loopback UDP, A listening, B pointing at A. */
class TunnelPair(keepalive: Boolean = false) : AutoCloseable {
    val keyA = generatePrivateKey()
    val keyB = generatePrivateKey()
    val psk = io.culvert.generatePresharedKey()
    val a = Side()
    val b = Side()
    val addrA = "198.51.100.1"
    val addrB = "198.51.100.2"

    init {
        a.tunnel = Tunnel.startWithCallbacks(TunnelConfig.parse(configA()), a, observer = a, protector = a)
        val portA = a.tunnel.stats().listenPort.toInt()
        b.tunnel = Tunnel.startWithCallbacks(TunnelConfig.parse(configB(portA, keepalive)), b, observer = b, protector = b)
    }

    fun configA() = """
        [Interface]
        PrivateKey = $keyA
        Address = $addrA/32
        [Peer]
        PublicKey = ${publicKey(keyB)}
        PresharedKey = $psk
        AllowedIPs = $addrB/32
    """.trimIndent()

    fun configB(portA: Int, keepalive: Boolean = false) = """
        [Interface]
        PrivateKey = $keyB
        Address = $addrB/32
        [Peer]
        PublicKey = ${publicKey(keyA)}
        PresharedKey = $psk
        AllowedIPs = $addrA/32
        Endpoint = 127.0.0.1:$portA
        ${if (keepalive) "PersistentKeepalive = 1" else ""}
    """.trimIndent()

    /** B → A, then A → B: returns when both arrived (or fails after [timeoutMillis]). */
    fun exchange(tag: String, timeoutMillis: Long = 10_000): Boolean {
        b.tunnel.sendPackets(listOf(Packets.ipv4Udp(addrB, addrA, 4000, 5000, "$tag b->a".toByteArray())))
        if (!waitFor(timeoutMillis) { "$tag b->a" in a.payloads() }) return false
        a.tunnel.sendPackets(listOf(Packets.ipv4Udp(addrA, addrB, 5000, 4000, "$tag a->b".toByteArray())))
        return waitFor(timeoutMillis) { "$tag a->b" in b.payloads() }
    }

    override fun close() {
        for (side in listOf(a, b)) {
            if (side.started()) {
                runCatching { side.tunnel.stop() }
                side.tunnel.close()
            }
        }
    }
}

/** A log sink that keeps every line. */
class CollectingLogSink : LogSink {
    val lines = CopyOnWriteArrayList<LogRecord>()
    val count = AtomicInteger()
    override fun log(record: LogRecord) { lines += record; count.incrementAndGet() }
    fun any(level: LogLevel, predicate: (LogRecord) -> Boolean) = lines.any { it.level == level && predicate(it) }
}
