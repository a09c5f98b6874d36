package io.culvert.reactnative.platform

import android.content.Intent
import android.net.VpnService
import android.util.Log

/**
 * The `VpnService` the React Native module starts. Subclassed by
 * `CulvertReactVpnService`, which supplies the [TunnelEngine].
 *
 * - `ACTION_CONNECT` (from `connect()`) and the system's always-on start
 *   (`android.net.VpnService` action, no extras) both start the stored tunnel;
 * - `ACTION_DISCONNECT` stops it (`userRequested`);
 * - `onRevoke` (another VPN app, or the user in Settings) stops it (`revoked`).
 *
 * Every change goes to [TunnelStatusStore], and from there to JS.
 */
abstract class BaseTunnelService : VpnService() {
    private var running: TunnelEngine.Running? = null
    private val lock = Any()

    /** The engine that runs tunnels. */
    protected abstract fun engine(): TunnelEngine

    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        when (intent?.action) {
            ACTION_DISCONNECT -> {
                stopTunnel("userRequested", null)
                stopSelf()
                return START_NOT_STICKY
            }
            else -> startTunnel() // ACTION_CONNECT, always-on (SERVICE_INTERFACE), or a restart (null intent)
        }
        return START_STICKY
    }

    private fun startTunnel() {
        val tunnel = TunnelPreferences.loadTunnel(this)
        if (tunnel == null) {
            TunnelStatusStore.report("disconnected", "configurationInvalid", "No tunnel configuration is stored; connect from the app first.")
            stopSelf()
            return
        }
        synchronized(lock) {
            running?.stop()
            running = null
            TunnelStatusStore.report("connecting")
            try {
                val r = engine().start(this, tunnel, TunnelPreferences.tunnelName(this), object : TunnelEngine.Events {
                    override fun onState(state: String, reason: String?, message: String?) =
                        TunnelStatusStore.report(state, reason, message)

                    override fun onHandshake(peer: String, type: String, attempts: Int) =
                        TunnelStatusStore.reportHandshake(peer, type, attempts)
                })
                running = r
                TunnelStatusStore.statsProvider = { r.stats() }
            } catch (e: BridgeError) {
                Log.w(TAG, "tunnel start failed: ${e.code}")
                TunnelStatusStore.report("disconnected", if (e.code == BridgeError.CONFIG_INVALID) "configurationInvalid" else "providerFailed", e.message)
                stopSelf()
            } catch (e: RuntimeException) {
                Log.w(TAG, "tunnel start failed: ${e.javaClass.simpleName}")
                TunnelStatusStore.report("disconnected", "providerFailed", "The tunnel failed to start (${e.javaClass.simpleName}).")
                stopSelf()
            }
        }
    }

    private fun stopTunnel(reason: String, message: String?) {
        synchronized(lock) {
            TunnelStatusStore.statsProvider = null
            val r = running
            running = null
            if (r != null) TunnelStatusStore.report("disconnecting")
            r?.stop()
            TunnelStatusStore.report("disconnected", reason, message)
        }
    }

    override fun onRevoke() {
        stopTunnel("revoked", "VPN permission was revoked (another VPN app started, or the user turned it off).")
        super.onRevoke()
    }

    override fun onDestroy() {
        if (synchronized(lock) { running != null }) stopTunnel("providerFailed", "The VPN service was destroyed.")
        super.onDestroy()
    }

    /** Intent actions. */
    companion object {
        /** Starts the stored tunnel. */
        const val ACTION_CONNECT = "io.culvert.reactnative.CONNECT"
        /** Stops the tunnel. */
        const val ACTION_DISCONNECT = "io.culvert.reactnative.DISCONNECT"
        private const val TAG = "Culvert"
    }
}
