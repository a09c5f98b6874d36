package io.culvert.reactnative.platform

import android.content.Context
import java.io.File

/**
 * What the VPN service needs to start without the app (always-on VPN, a
 * restart after the process died): the last config and per-app rules.
 *
 * The config is stored in the app's no-backup directory (private to the app,
 * excluded from cloud backup and device transfer). It is never logged.
 */
object TunnelPreferences {
    private const val PREFS = "io.culvert.reactnative"
    private const val KEY_NAME = "tunnelName"
    private const val KEY_ALLOWED = "allowedApplications"
    private const val KEY_DISALLOWED = "disallowedApplications"
    private const val CONFIG_FILE = "culvert-tunnel.conf"

    /** The stored tunnel. */
    data class Tunnel(val configText: String, val allowedApplications: List<String>, val disallowedApplications: List<String>) {
        override fun toString(): String =
            "Tunnel(config=<${configText.length} chars>, allowed=$allowedApplications, disallowed=$disallowedApplications)"
    }

    /** Stores the tunnel to start. */
    fun saveTunnel(context: Context, configText: String, allowed: List<String>, disallowed: List<String>) {
        val file = File(context.noBackupFilesDir, CONFIG_FILE)
        val tmp = File(context.noBackupFilesDir, "$CONFIG_FILE.tmp")
        tmp.writeText(configText)
        if (!tmp.renameTo(file)) {
            tmp.delete()
            throw BridgeError(BridgeError.PROVIDER_ERROR, "Could not store the tunnel configuration.")
        }
        context.getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit()
            .putString(KEY_ALLOWED, allowed.joinToString(","))
            .putString(KEY_DISALLOWED, disallowed.joinToString(","))
            .apply()
    }

    /** The stored tunnel, or `null` when none was ever connected. */
    fun loadTunnel(context: Context): Tunnel? {
        val file = File(context.noBackupFilesDir, CONFIG_FILE)
        if (!file.isFile) return null
        val prefs = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE)
        fun list(key: String) = prefs.getString(key, "").orEmpty().split(',').filter { it.isNotBlank() }
        return Tunnel(file.readText(), list(KEY_ALLOWED), list(KEY_DISALLOWED))
    }

    /** Remembers the name shown for the tunnel. */
    fun setTunnelName(context: Context, name: String) {
        context.getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit().putString(KEY_NAME, name).apply()
    }

    /** The name shown for the tunnel, if set. */
    fun tunnelName(context: Context): String? = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE).getString(KEY_NAME, null)
}
