package io.culvert.robo

import android.app.PendingIntent
import android.net.IpPrefix
import android.net.Network
import android.net.VpnService
import android.net.wifi.WifiNetworkSpecifier
import android.net.wifi.WifiNetworkSuggestion
import android.net.wifi.hotspot2.PasspointConfiguration
import android.net.wifi.hotspot2.pps.Credential
import android.net.wifi.hotspot2.pps.HomeSp
import android.os.ParcelFileDescriptor
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Implementation
import org.robolectric.annotation.Implements
import org.robolectric.annotation.RealObject
import java.io.File

/**
 * `VpnService.Builder` under Robolectric: the real one fails in `addAddress`
 * (`InetAddress.parseNumericAddress` is libcore-only) and cannot `establish()`.
 * This shadow records every call (in [calls], shared by the test in the same
 * sandbox), checks packages against the sandbox's real PackageManager, and
 * `establish()` returns a placeholder descriptor (or `null` when [refuseEstablish]).
 */
@Implements(VpnService.Builder::class)
class ShadowRecordingBuilder {
    @field:RealObject
    lateinit var real: VpnService.Builder

    private fun rec(call: String): VpnService.Builder {
        synchronized(calls) { calls += call }
        return real
    }

    @Implementation
    fun addAddress(address: String, prefixLength: Int): VpnService.Builder = rec("address $address/$prefixLength")

    @Implementation
    fun addRoute(address: String, prefixLength: Int): VpnService.Builder = rec("route $address/$prefixLength")

    @Implementation(minSdk = 33)
    fun excludeRoute(prefix: IpPrefix): VpnService.Builder = rec("exclude ${prefix.address.hostAddress}/${prefix.prefixLength}")

    @Implementation
    fun addDnsServer(address: String): VpnService.Builder = rec("dns $address")

    @Implementation
    fun addSearchDomain(domain: String): VpnService.Builder = rec("search $domain")

    @Implementation
    fun setMtu(mtu: Int): VpnService.Builder = rec("mtu $mtu")

    @Implementation
    fun allowFamily(family: Int): VpnService.Builder = rec("allowFamily $family")

    @Implementation
    fun allowBypass(): VpnService.Builder = rec("allowBypass")

    @Implementation
    fun setBlocking(blocking: Boolean): VpnService.Builder = rec("blocking $blocking")

    @Implementation(minSdk = 29)
    fun setMetered(metered: Boolean): VpnService.Builder = rec("metered $metered")

    @Implementation
    fun setUnderlyingNetworks(networks: Array<Network>?): VpnService.Builder = rec("underlying ${networks?.size}")

    @Implementation
    fun setSession(session: String): VpnService.Builder = rec("session $session")

    @Implementation
    fun setConfigureIntent(intent: PendingIntent): VpnService.Builder = rec("configureIntent")

    @Implementation
    fun addAllowedApplication(packageName: String): VpnService.Builder {
        // The real builder asks the PackageManager, which throws NameNotFoundException.
        RuntimeEnvironment.getApplication().packageManager.getApplicationInfo(packageName, 0)
        return rec("allow $packageName")
    }

    @Implementation
    fun addDisallowedApplication(packageName: String): VpnService.Builder {
        RuntimeEnvironment.getApplication().packageManager.getApplicationInfo(packageName, 0)
        return rec("disallow $packageName")
    }

    @Implementation
    fun establish(): ParcelFileDescriptor? {
        rec("establish")
        if (refuseEstablish) return null
        val f = File.createTempFile("tun", ".placeholder")
        f.deleteOnExit()
        return ParcelFileDescriptor.open(f, ParcelFileDescriptor.MODE_READ_WRITE)
    }

    /** What the tests read. */
    companion object {
        /** Every builder call, in order. */
        val calls: MutableList<String> = mutableListOf()

        /** Make `establish()` return `null` (no consent). */
        @Volatile
        var refuseEstablish = false

        /** A copy of the calls, and clears them. */
        fun take(): List<String> = synchronized(calls) { calls.toList().also { calls.clear() } }

        /** A copy of the calls. */
        fun snapshot(): List<String> = synchronized(calls) { calls.toList() }
    }
}

/**
 * Tripwires: the framework classes the glue uses that are newer than minSdk 24.
 * Under Robolectric the newest framework jar is on the runner's classpath, so these
 * classes *leak* into older sandboxes (a device at API 24 has no
 * `WifiNetworkSuggestion`). Each shadow applies only below the class's API level
 * (`maxSdk`) and throws `NoClassDefFoundError` when the class is instantiated, as ART
 * does on such a device; from its level on the real class runs.
 */
internal fun tripwire(className: String, api: Int): Nothing {
    val level = RuntimeEnvironment.getApiLevel()
    throw NoClassDefFoundError("Failed resolution of: L${className.replace('.', '/')}; (API $api, sandbox API $level)")
}

/** `WifiNetworkSuggestion.Builder`: API 29. */
@Implements(WifiNetworkSuggestion.Builder::class, maxSdk = 28)
class TripwireSuggestionBuilder {
    @Implementation
    fun __constructor__() {
        tripwire("android.net.wifi.WifiNetworkSuggestion\$Builder", 29)
    }
}

/** `WifiNetworkSpecifier.Builder`: API 29. */
@Implements(WifiNetworkSpecifier.Builder::class, maxSdk = 28)
class TripwireSpecifierBuilder {
    @Implementation
    fun __constructor__() {
        tripwire("android.net.wifi.WifiNetworkSpecifier\$Builder", 29)
    }
}

/** `PasspointConfiguration`: API 26. */
@Implements(PasspointConfiguration::class, maxSdk = 25)
class TripwirePasspointConfiguration {
    @Implementation
    fun __constructor__() {
        tripwire("android.net.wifi.hotspot2.PasspointConfiguration", 26)
    }
}

/** `HomeSp`: API 26. */
@Implements(HomeSp::class, maxSdk = 25)
class TripwireHomeSp {
    @Implementation
    fun __constructor__() {
        tripwire("android.net.wifi.hotspot2.pps.HomeSp", 26)
    }
}

/** `Credential`: API 26. */
@Implements(Credential::class, maxSdk = 25)
class TripwireCredential {
    @Implementation
    fun __constructor__() {
        tripwire("android.net.wifi.hotspot2.pps.Credential", 26)
    }
}
