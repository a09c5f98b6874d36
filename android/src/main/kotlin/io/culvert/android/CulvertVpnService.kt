package io.culvert.android

import android.app.PendingIntent
import android.content.Intent
import android.net.ConnectivityManager
import android.net.LinkProperties
import android.net.Network
import android.net.NetworkCapabilities
import android.net.NetworkRequest
import android.net.VpnService
import android.util.Log
import io.culvert.SettingsOptions
import io.culvert.TunFraming
import io.culvert.Tunnel
import io.culvert.TunnelConfig
import io.culvert.TunnelEvent
import io.culvert.TunnelException
import io.culvert.TunnelObserver
import io.culvert.TunnelStats
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * A [VpnService] that runs one Culvert tunnel. Subclass it, implement [loadConfig],
 * declare the subclass in the manifest (see docs/android.md) and start it after
 * [VpnService.prepare] returned `null` (the user consented).
 *
 * What it does, on one serial worker thread:
 * - builds the interface from `TunnelConfig.networkSettings(...)` with
 *   [applyNetworkSettings] (routes with `excludeRoute` on API 33+, the pre-subtracted
 *   set below), establishes it and hands the fd to [Tunnel.startWithFd];
 * - protects Culvert's sockets with [VpnService.protect] and resolves endpoints on
 *   the underlying network ([VpnSocketProtector], [UnderlyingNetworkResolver]);
 * - follows the best non-VPN network with a `ConnectivityManager` callback, keeps
 *   `setUnderlyingNetworks` current and calls `networkChanged()` when it changes;
 * - starts from the saved config when the system starts it for always-on VPN
 *   (intent `null` or action [VpnService.SERVICE_INTERFACE]);
 * - stops the tunnel on [onRevoke] (the user or another VPN took over), on
 *   [ACTION_STOP] and in [onDestroy].
 */
abstract class CulvertVpnService : VpnService() {
    private val worker: ExecutorService = Executors.newSingleThreadExecutor { r -> Thread(r, "culvert-vpn") }
    private var connectivity: ConnectivityManager? = null
    private var networkCallback: ConnectivityManager.NetworkCallback? = null

    @Volatile
    private var underlying: Network? = null
    private var hadNetwork = false

    @Volatile
    private var running: Tunnel? = null

    /** The running tunnel, or `null`. */
    val tunnel: Tunnel? get() = running

    /**
     * The config to run. [intent] is what the app started the service with, or
     * `null` / action [VpnService.SERVICE_INTERFACE] when the system starts it as the
     * always-on VPN: then return the last config the user chose. Return `null` to not start.
     */
    protected abstract fun loadConfig(intent: Intent?): TunnelConfig?

    /** Options for the network settings (exclude private ranges, extra excluded routes, default MTU). */
    protected open fun settingsOptions(config: TunnelConfig): SettingsOptions = SettingsOptions()

    /** The name shown in the system VPN dialog and settings. */
    protected open fun sessionName(config: TunnelConfig): String = "Culvert"

    /** The activity the system VPN settings open ("configure"), if any. */
    protected open fun configureIntent(): PendingIntent? = null

    /** Tunnel events, on Culvert's delivery thread (calling [tunnel] methods from here is fine). */
    protected open fun onTunnelEvent(event: TunnelEvent) {}

    /**
     * Starting failed: [error] is a [TunnelException] (bad fd, network), a
     * [io.culvert.ConfigException] (settings), or [VpnNotPreparedException] when the
     * user has not consented (or revoked). The service stops itself afterwards.
     */
    protected open fun onStartFailed(error: Exception) {
        Log.e(TAG, "starting the tunnel failed: ${error.message}")
    }

    /** Thrown to [onStartFailed] when `establish()` returned `null`: call [VpnService.prepare] again. */
    class VpnNotPreparedException : Exception("the VPN is not prepared: ask for consent with VpnService.prepare()")

    /** Starts (or restarts with a new config) unless the intent is [ACTION_STOP]. */
    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        if (intent?.action == ACTION_STOP) {
            worker.execute {
                stopTunnel()
                stopSelf()
            }
            return START_NOT_STICKY
        }
        worker.execute { start(intent) }
        return START_STICKY
    }

    /** Current statistics, or `null` when no tunnel runs. */
    fun stats(): TunnelStats? = try {
        running?.stats()
    } catch (e: TunnelException) {
        null
    }

    /** Applies a new config to the running tunnel without tearing it down. */
    fun update(config: TunnelConfig) {
        worker.execute {
            try {
                running?.update(config)
            } catch (e: TunnelException) {
                onStartFailed(e)
            }
        }
    }

    /** The user revoked the VPN or another VPN app took over: stop everything. */
    override fun onRevoke() {
        worker.execute { stopTunnel() }
        super.onRevoke()
    }

    /** Stops the tunnel and the network callback. */
    override fun onDestroy() {
        worker.execute { stopTunnel() }
        worker.shutdown()
        super.onDestroy()
    }

    private fun start(intent: Intent?) {
        val config = try {
            loadConfig(intent)
        } catch (e: Exception) {
            onStartFailed(e)
            null
        }
        if (config == null) {
            if (running == null) stopSelf()
            return
        }
        stopTunnel()
        try {
            followNetworks()
            val settings = config.networkSettings(settingsOptions(config))
            val builder = Builder().setSession(sessionName(config))
            configureIntent()?.let { builder.setConfigureIntent(it) }
            val applied = builder.applyNetworkSettings(settings, underlying)
            if (applied.missingApplications.isNotEmpty()) {
                Log.w(TAG, "apps not installed, left out of the per-app list: ${applied.missingApplications}")
            }
            val pfd = builder.establish() ?: throw VpnNotPreparedException()
            // Culvert owns the fd from here on (also if starting fails).
            val fd = pfd.detachFd()
            val observer = object : TunnelObserver {
                override fun onEvent(event: TunnelEvent) = onTunnelEvent(event)
            }
            running = Tunnel.startWithFd(
                config, fd, TunFraming.RAW_IP,
                observer = observer,
                protector = VpnSocketProtector(this),
                resolver = UnderlyingNetworkResolver { underlying },
            )
        } catch (e: Exception) {
            stopTunnel()
            onStartFailed(e)
            stopSelf()
        }
    }

    private fun stopTunnel() {
        running?.let { t ->
            running = null
            try {
                t.stop()
            } catch (e: TunnelException.Stopped) {
                // already stopped
            }
            t.close()
        }
        networkCallback?.let { cb ->
            networkCallback = null
            hadNetwork = false
            try {
                connectivity?.unregisterNetworkCallback(cb)
            } catch (e: IllegalArgumentException) {
                // not registered
            }
        }
    }

    /** Tracks the best network that is not a VPN and has internet. */
    private fun followNetworks() {
        if (networkCallback != null) return
        val cm = getSystemService(ConnectivityManager::class.java) ?: return
        connectivity = cm
        val request = NetworkRequest.Builder()
            .addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
            .addCapability(NetworkCapabilities.NET_CAPABILITY_NOT_VPN)
            .build()
        val callback = object : ConnectivityManager.NetworkCallback() {
            private var lastLink: LinkProperties? = null

            override fun onAvailable(network: Network) {
                worker.execute { switchTo(network) }
            }

            override fun onLinkPropertiesChanged(network: Network, linkProperties: LinkProperties) {
                worker.execute {
                    // Same network, new addresses (e.g. a new IPv6 prefix): rebind.
                    val changed = network == underlying && lastLink != null &&
                        lastLink?.linkAddresses != linkProperties.linkAddresses
                    lastLink = linkProperties
                    if (changed) networkChanged()
                }
            }

            override fun onLost(network: Network) {
                worker.execute {
                    if (network == underlying) {
                        underlying = null
                        setUnderlyingNetworks(null)
                    }
                }
            }
        }
        // requestNetwork gives the single best matching network and follows it as it changes.
        cm.requestNetwork(request, callback)
        networkCallback = callback
    }

    private fun switchTo(network: Network) {
        if (network == underlying) return
        // The first network after start is the one the sockets were just bound on.
        val moved = hadNetwork
        hadNetwork = true
        underlying = network
        setUnderlyingNetworks(arrayOf(network))
        if (moved) networkChanged()
    }

    private fun networkChanged() {
        try {
            running?.networkChanged()
        } catch (e: TunnelException) {
            Log.w(TAG, "networkChanged failed: ${e.message}")
        }
    }

    /** Intent actions understood by [CulvertVpnService]. */
    companion object {
        /** Stop the tunnel and the service: `startService(Intent(ctx, MyVpn::class.java).setAction(ACTION_STOP))`. */
        const val ACTION_STOP = "io.culvert.action.STOP"
        private const val TAG = "Culvert"
    }
}
