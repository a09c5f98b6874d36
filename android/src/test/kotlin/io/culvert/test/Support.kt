package io.culvert.test

import com.sun.jna.Library
import com.sun.jna.Native
import java.io.File
import org.junit.Assume.assumeTrue

/** The shared conformance vectors (`../shared/vectors` beside the repo, or `$CULVERT_SHARED_DIR/vectors`). */
object Vectors {
    val dir: File? by lazy {
        System.getProperty("culvert.vectors")?.let(::File)?.takeIf { it.isDirectory }
    }

    /** The vector file, or a skipped test when the vectors are absent (a failure with CI=true). */
    fun file(relative: String): File {
        val d = dir
        if (d == null && System.getenv("CI") == "true") {
            throw AssertionError("shared vectors missing (CI=true): set culvert.vectors")
        }
        assumeTrue("shared vectors not found (set CULVERT_SHARED_DIR)", d != null)
        return File(d, relative)
    }
}

/** Polls [condition] every 20 ms until it holds or [timeoutMillis] pass. */
fun waitFor(timeoutMillis: Long, condition: () -> Boolean): Boolean {
    val deadline = System.nanoTime() + timeoutMillis * 1_000_000
    while (System.nanoTime() < deadline) {
        if (condition()) return true
        Thread.sleep(20)
    }
    return condition()
}

/** The few libc calls the tests need (fds for hostile-input and TUN tests). */
@Suppress("FunctionName")
interface LibC : Library {
    fun open(path: String, flags: Int): Int
    fun close(fd: Int): Int
    fun ioctl(fd: Int, request: Long, arg: ByteArray): Int
    fun fcntl(fd: Int, cmd: Int): Int

    companion object {
        val INSTANCE: LibC by lazy { Native.load("c", LibC::class.java) }
        const val O_RDWR = 2
        const val F_GETFD = 1
    }
}

/** Builds and reads minimal IPv4/UDP packets for the packet-callback tests. */
object Packets {
    fun ipv4Udp(src: String, dst: String, srcPort: Int, dstPort: Int, payload: ByteArray): ByteArray {
        val total = 20 + 8 + payload.size
        val p = ByteArray(total)
        p[0] = 0x45
        p[2] = (total shr 8).toByte(); p[3] = total.toByte()
        p[8] = 64 // TTL
        p[9] = 17 // UDP
        addr(src).copyInto(p, 12)
        addr(dst).copyInto(p, 16)
        val sum = checksum(p, 0, 20)
        p[10] = (sum shr 8).toByte(); p[11] = sum.toByte()
        p[20] = (srcPort shr 8).toByte(); p[21] = srcPort.toByte()
        p[22] = (dstPort shr 8).toByte(); p[23] = dstPort.toByte()
        val udpLen = 8 + payload.size
        p[24] = (udpLen shr 8).toByte(); p[25] = udpLen.toByte()
        // UDP checksum 0: "not computed", valid for IPv4.
        payload.copyInto(p, 28)
        return p
    }

    /** The UDP payload of an IPv4/UDP packet, or null for anything else. */
    fun udpPayload(packet: ByteArray): ByteArray? {
        if (packet.size < 28 || (packet[0].toInt() shr 4) != 4 || packet[9].toInt() != 17) return null
        val ihl = (packet[0].toInt() and 0x0f) * 4
        return packet.copyOfRange(ihl + 8, packet.size)
    }

    private fun addr(text: String): ByteArray = text.split('.').map { it.toInt().toByte() }.toByteArray()

    private fun checksum(b: ByteArray, off: Int, len: Int): Int {
        var sum = 0L
        var i = off
        while (i < off + len) {
            sum += ((b[i].toInt() and 0xff) shl 8) or (b[i + 1].toInt() and 0xff)
            i += 2
        }
        while (sum shr 16 != 0L) sum = (sum and 0xffff) + (sum shr 16)
        return (sum.inv() and 0xffff).toInt()
    }
}
