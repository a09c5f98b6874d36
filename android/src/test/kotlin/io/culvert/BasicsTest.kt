package io.culvert

import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.After
import org.junit.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotEquals
import kotlin.test.assertTrue

/** Version, keys and logging through the host library. */
class BasicsTest {
    @After
    fun resetLogging() {
        setLogSink(null)
        setLogLevel(LogLevel.INFO)
    }

    @Test
    fun versionIsTheCrateVersion() {
        assertTrue(Regex("""\d+\.\d+\.\d+""").matches(culvertVersion()), culvertVersion())
    }

    @Test
    fun publicKeyMatchesWgPubkey() {
        // RFC 7748 test vector (Alice), as `wg pubkey` derives it from the base64 private key.
        val private = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="
        assertEquals("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=", publicKey(private))
    }

    @Test
    fun generatedKeysAreFreshAndUsable() {
        val a = generatePrivateKey()
        val b = generatePrivateKey()
        assertNotEquals(a, b)
        assertEquals(44, a.length)
        assertEquals(44, publicKey(a).length)
        assertNotEquals(generatePresharedKey(), generatePresharedKey())
    }

    @Test
    fun badPrivateKeyIsATypedErrorWithoutTheKey() {
        for (bad in listOf("", "not a key", "A".repeat(1_000_000), "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LC\u00e9=")) {
            val e = assertFailsWith<ConfigException.Invalid> { publicKey(bad) }
            assertEquals(ConfigErrorKind.INVALID_KEY, e.kind)
            assertTrue(e.detail.isNotEmpty())
            if (bad.length > 4) assertTrue(bad !in e.message!!, "the error repeats the input")
        }
    }

    @Test
    fun logLinesReachAKotlinSinkAtTheConfiguredLevel() {
        val lines = CopyOnWriteArrayList<LogRecord>()
        setLogSink(object : LogSink {
            override fun log(record: LogRecord) { lines += record }
        })
        setLogLevel(LogLevel.DEBUG)
        logMessage(LogLevel.DEBUG, "hello from kotlin")
        logMessage(LogLevel.TRACE, "too detailed")
        setLogLevel(LogLevel.WARN)
        logMessage(LogLevel.INFO, "filtered")
        logMessage(LogLevel.ERROR, "kept")
        assertEquals(listOf("hello from kotlin" to LogLevel.DEBUG, "kept" to LogLevel.ERROR),
            lines.filter { it.target == "culvert::app" }.map { it.text to it.level })
    }

    @Test
    fun aThrowingLogSinkDoesNotBreakLogging() {
        var calls = 0
        setLogSink(object : LogSink {
            override fun log(record: LogRecord) {
                calls += 1
                throw IllegalStateException("sink is broken")
            }
        })
        logMessage(LogLevel.ERROR, "one")
        logMessage(LogLevel.ERROR, "two")
        assertEquals(2, calls)
        // Still usable afterwards.
        assertEquals(44, generatePrivateKey().length)
    }

    @Test
    fun concurrentLoggingFromManyThreads() {
        val count = java.util.concurrent.atomic.AtomicInteger()
        setLogSink(object : LogSink {
            override fun log(record: LogRecord) { if (record.target == "culvert::app") count.incrementAndGet() }
        })
        val pool = Executors.newFixedThreadPool(8)
        val done = CountDownLatch(8)
        repeat(8) { t ->
            pool.execute {
                repeat(200) { logMessage(LogLevel.INFO, "thread $t line $it") }
                done.countDown()
            }
        }
        assertTrue(done.await(30, TimeUnit.SECONDS))
        pool.shutdown()
        assertEquals(1600, count.get())
    }
}
