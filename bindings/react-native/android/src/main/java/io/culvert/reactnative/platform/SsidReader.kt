package io.culvert.reactnative.platform

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.location.LocationManager
import android.net.wifi.WifiManager
import android.os.Build

/**
 * Reads the current Wi-Fi SSID and, when Android hides it, says why: Android
 * returns `<unknown ssid>` without `ACCESS_FINE_LOCATION` or with location
 * services off, and the app cannot tell those apart from "not on Wi-Fi"
 * unless it checks first.
 */
object SsidReader {
    /** The SSID, or `null` with a `SsidUnknownReason` and a message. */
    data class Result(val ssid: String?, val bssid: String?, val reason: String?, val message: String?) {
        /** As the map `hotspotCurrentSsid` resolves. */
        fun toMap(): Map<String, Any?> = mapOf("ssid" to ssid, "bssid" to bssid, "reason" to reason, "message" to message)
    }

    private const val UNKNOWN_SSID = "<unknown ssid>"

    /** Reads the current SSID. */
    fun read(context: Context): Result {
        if (context.checkSelfPermission(Manifest.permission.ACCESS_FINE_LOCATION) != PackageManager.PERMISSION_GRANTED) {
            return Result(
                null, null, "locationPermissionMissing",
                "Android only reveals the Wi-Fi name to apps holding ACCESS_FINE_LOCATION; request it first.",
            )
        }
        val location = context.getSystemService(LocationManager::class.java)
        if (location != null && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P && !location.isLocationEnabled) {
            return Result(null, null, "locationServicesOff", "Location services are off; Android hides the Wi-Fi name until they are on.")
        }
        val wifi = context.applicationContext.getSystemService(WifiManager::class.java)
            ?: return Result(null, null, "unknown", "This device has no Wi-Fi service.")
        if (!wifi.isWifiEnabled) return Result(null, null, "notConnected", "Wi-Fi is off.")
        @Suppress("DEPRECATION") // Still answers on API 31+ for apps with location permission.
        val info = wifi.connectionInfo
        val ssid = info?.ssid?.let(::unquote)
        if (ssid == null || ssid.isEmpty() || ssid == UNKNOWN_SSID) {
            return Result(null, null, "notConnected", "The device is not connected to a Wi-Fi network.")
        }
        val bssid = info.bssid?.takeUnless { it == "02:00:00:00:00:00" }
        return Result(ssid, bssid, null, null)
    }

    /** Android wraps UTF-8 SSIDs in quotes and shows others as hex; strip the quotes. */
    fun unquote(raw: String): String =
        if (raw.length >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) raw.substring(1, raw.length - 1) else raw
}
