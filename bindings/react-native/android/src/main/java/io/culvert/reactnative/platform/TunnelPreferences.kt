package io.culvert.reactnative.platform

import android.content.Context
import java.io.File

/**
 * What the VPN service needs to start without the app (always-on VPN, a
 * restart after the process died): the last config. Per-app rules are part of
 * it (`IncludedApplications` / `ExcludedApplications`, written by the TS layer
 * from the connect options).
 *
 * The config is stored in the app's no-backup directory (private to the app,
 * excluded from cloud backup and device transfer). It is never logged.
 */
object TunnelPreferences {
    private const val PREFS = "io.culvert.reactnative"
    private const val KEY_NAME = "tunnelName"
    private const val CONFIG_FILE = "culvert-tunnel.conf"

    /** The stored tunnel. */
    class Tunnel(val configText: String) {
        override fun toString(): String = "Tunnel(config=<${configText.length} chars>)"
    }

    /** Stores the tunnel to start. */
    fun saveTunnel(context: Context, configText: String) {
        val file = File(context.noBackupFilesDir, CONFIG_FILE)
        val tmp = File(context.noBackupFilesDir, "$CONFIG_FILE.tmp")
        tmp.writeText(configText)
        if (!tmp.renameTo(file)) {
            tmp.delete()
            throw BridgeError(BridgeError.PROVIDER_ERROR, "Could not store the tunnel configuration.")
        }
    }

    /** The stored tunnel, or `null` when none was ever connected. */
    fun loadTunnel(context: Context): Tunnel? {
        val file = File(context.noBackupFilesDir, CONFIG_FILE)
        if (!file.isFile) return null
        return Tunnel(file.readText())
    }

    /** Remembers the name shown for the tunnel. */
    fun setTunnelName(context: Context, name: String) {
        context.getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit().putString(KEY_NAME, name).apply()
    }

    /** The name shown for the tunnel, if set. */
    fun tunnelName(context: Context): String? = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE).getString(KEY_NAME, null)
}
