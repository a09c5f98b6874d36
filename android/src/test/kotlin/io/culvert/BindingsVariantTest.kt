package io.culvert

import java.io.File
import org.junit.Assume.assumeTrue
import org.junit.Test
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * The two variants of the generated Kotlin: the JVM one compiled and run here, and
 * the Android one android/build-aar.sh puts in the AAR (same API, Android cleaner).
 */
class BindingsVariantTest {
    private fun source(property: String): String {
        val dir = System.getProperty(property)
        assumeTrue("$property not set (run through scripts/test-kotlin.sh)", dir != null)
        return File(dir!!, "io/culvert/culvert_ffi.kt").readText()
    }

    private fun publicApi(text: String) = Regex("""^(?:public )?(?:fun|class|data class|sealed class|enum class|interface|open class) `?(\w+)`?""", RegexOption.MULTILINE)
        .findAll(text).map { it.groupValues[1] }.filterNot { it.startsWith("Uniffi") || it.startsWith("FfiConverter") }.toSortedSet()

    @Test
    fun theJvmVariantNeedsNoAndroidx() {
        val jvm = source("culvert.bindings.jvm")
        assertTrue("package io.culvert" in jvm)
        assertFalse("androidx." in jvm, "the JVM variant must compile without androidx")
    }

    @Test
    fun theAndroidVariantHasTheSameApiAndTheAndroidCleaner() {
        val jvm = source("culvert.bindings.jvm")
        val android = source("culvert.bindings.android")
        assertTrue("package io.culvert" in android)
        assertTrue("import androidx.annotation.RequiresApi" in android)
        assertTrue("android.system.SystemCleaner" in android)
        assertTrue("culvert_ffi" in android, "loads libculvert_ffi.so")
        assertEquals(publicApi(jvm), publicApi(android))
        assertTrue("Tunnel" in publicApi(android) && "TunnelConfig" in publicApi(android), publicApi(android).toString())
    }
}
