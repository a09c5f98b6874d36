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

    /**
     * The connect options that reach the Android service: `excludePrivate`,
     * `excludedRoutes` (CIDR text), `defaultMtu`, `allowBypass` and `metered`.
     */
    data class Options(
        val excludePrivate: Boolean = false,
        val excludedRoutes: List<String> = emptyList(),
        val defaultMtu: Int? = null,
        val allowBypass: Boolean = false,
        val metered: Boolean? = null,
    ) {
        /** Reads the options from `connect()`'s map; wrong types are `INVALID_ARGUMENT`. */
        companion object {
            fun fromMap(map: Map<String, Any?>): Options {
                fun bool(key: String): Boolean? = when (val v = map[key]) {
                    null -> null
                    is Boolean -> v
                    else -> throw BridgeError(BridgeError.INVALID_ARGUMENT, "$key must be a boolean")
                }
                val routes = when (val v = map["excludedRoutes"]) {
                    null -> emptyList()
                    is List<*> -> v.map { it as? String ?: throw BridgeError(BridgeError.INVALID_ARGUMENT, "excludedRoutes must be strings") }
                    else -> throw BridgeError(BridgeError.INVALID_ARGUMENT, "excludedRoutes must be an array of strings")
                }
                val mtu = when (val v = map["defaultMtu"]) {
                    null -> null
                    is Number -> v.toInt().takeIf { it in 576..65535 }
                        ?: throw BridgeError(BridgeError.INVALID_ARGUMENT, "defaultMtu must be 576–65535")
                    else -> throw BridgeError(BridgeError.INVALID_ARGUMENT, "defaultMtu must be a number")
                }
                return Options(bool("excludePrivate") ?: false, routes, mtu, bool("allowBypass") ?: false, bool("metered"))
            }
        }
    }

    private const val KEY_EXCLUDE_PRIVATE = "excludePrivate"
    private const val KEY_EXCLUDED_ROUTES = "excludedRoutes"
    private const val KEY_DEFAULT_MTU = "defaultMtu"
    private const val KEY_ALLOW_BYPASS = "allowBypass"
    private const val KEY_METERED = "metered"

    /** Stores the options the service applies (also on an always-on start). */
    fun saveOptions(context: Context, options: Options) {
        context.getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit()
            .putBoolean(KEY_EXCLUDE_PRIVATE, options.excludePrivate)
            .putString(KEY_EXCLUDED_ROUTES, options.excludedRoutes.joinToString(","))
            .putInt(KEY_DEFAULT_MTU, options.defaultMtu ?: 0)
            .putBoolean(KEY_ALLOW_BYPASS, options.allowBypass)
            .putInt(KEY_METERED, when (options.metered) { null -> 0; true -> 1; false -> 2 })
            .apply()
    }

    /** The stored options (defaults when none were saved). */
    fun options(context: Context): Options {
        val p = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE)
        return Options(
            excludePrivate = p.getBoolean(KEY_EXCLUDE_PRIVATE, false),
            excludedRoutes = p.getString(KEY_EXCLUDED_ROUTES, "").orEmpty().split(',').filter { it.isNotBlank() },
            defaultMtu = p.getInt(KEY_DEFAULT_MTU, 0).takeIf { it > 0 },
            allowBypass = p.getBoolean(KEY_ALLOW_BYPASS, false),
            metered = when (p.getInt(KEY_METERED, 0)) { 1 -> true; 2 -> false; else -> null },
        )
    }

    /** Remembers the name shown for the tunnel. */
    fun setTunnelName(context: Context, name: String) {
        context.getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit().putString(KEY_NAME, name).apply()
    }

    /** The name shown for the tunnel, if set. */
    fun tunnelName(context: Context): String? = context.getSharedPreferences(PREFS, Context.MODE_PRIVATE).getString(KEY_NAME, null)
}
