package io.culvert.example

import android.content.Context
import android.content.Intent
import android.util.Log
import io.culvert.ConfigException
import io.culvert.SettingsOptions
import io.culvert.TunnelConfig
import io.culvert.TunnelEvent
import io.culvert.android.CulvertVpnService
import java.io.File

/**
 * The whole VPN service of the example app: Culvert's [CulvertVpnService] does the
 * work; this class only says where the config comes from and what to show.
 */
class ExampleVpnService : CulvertVpnService() {
    override fun loadConfig(intent: Intent?): TunnelConfig? {
        // A config handed over by the activity is saved first, so that an always-on
        // start (intent null) finds the last one the user chose.
        intent?.getStringExtra(EXTRA_CONFIG)?.let { ConfigStore.save(this, it) }
        val text = ConfigStore.load(this) ?: return null
        return try {
            TunnelConfig.parse(text)
        } catch (e: ConfigException) {
            Log.w(TAG, "saved config is invalid: $e")
            null
        }
    }

    override fun settingsOptions(config: TunnelConfig) = SettingsOptions(excludePrivate = true)

    override fun onTunnelEvent(event: TunnelEvent) {
        Log.i(TAG, "tunnel event: $event")
    }

    override fun onStartFailed(error: Exception) {
        Log.e(TAG, "tunnel did not start: $error")
    }

    companion object {
        /** The wg-quick text to run, as an intent extra. */
        const val EXTRA_CONFIG = "io.culvert.example.CONFIG"
        private const val TAG = "CulvertExample"
    }
}

/** Keeps the chosen config in the app's no-backup directory (use the Keystore in a real app). */
object ConfigStore {
    private fun file(context: Context) = File(context.noBackupFilesDir, "tunnel.conf")

    /** Saves [text] as the config to run. */
    fun save(context: Context, text: String) = file(context).writeText(text)

    /** The saved config text, or `null`. */
    fun load(context: Context): String? = file(context).takeIf { it.exists() }?.readText()
}
