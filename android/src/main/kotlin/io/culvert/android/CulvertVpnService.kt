package io.culvert.android

import android.Manifest
import android.annotation.TargetApi
import android.app.Notification
import android.app.PendingIntent
import android.content.Intent
import android.content.pm.PackageManager
import android.content.pm.ServiceInfo
import android.net.ConnectivityManager
import android.net.LinkProperties
import android.net.Network
import android.net.NetworkCapabilities
import android.net.NetworkRequest
import android.net.VpnService
import android.os.Build
import android.os.ParcelFileDescriptor
import android.util.Log
import io.culvert.NetworkSettings
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
import java.util.concurrent.RejectedExecutionException

/**
 * A [VpnService] that runs one Culvert tunnel. Subclass it, implement [loadConfig],
 * declare the subclass in the manifest (see docs/android.md) and start it after
 * [VpnService.prepare] returned `null` (the user consented). The app talks to the
 * running tunnel through [TunnelHandle] (state flow, stats, update, stop, always-on).
 *
 * What it does, on one serial worker thread:
 * - builds the interface from `TunnelConfig.networkSettings(...)` with
 *   [applyNetworkSettings] (routes with `excludeRoute` on API 33+, the pre-subtracted
 *   set below, `allowFamily` as the core decided), establishes it and hands the fd to
 *   [Tunnel.startWithFd];
 * - protects Culvert's sockets with [VpnService.protect] and resolves endpoints on
 *   the underlying network ([VpnSocketProtector], [UnderlyingNetworkResolver]) — on
 *   the network that was active *before* `establish()` until the network callback
 *   (which runs after start) reports one, so the first lookup does not go into the
 *   tunnel that is not up yet;
 * - follows the best non-VPN network with a `ConnectivityManager` callback, keeps
 *   `setUnderlyingNetworks` current and calls `networkChanged()` once per change;
 * - on [update], updates the tunnel in place, and re-establishes the interface first
 *   when the network settings (addresses, routes, DNS, MTU, per-app rules) changed;
 * - starts from the saved config when the system starts it for always-on VPN
 *   (intent `null` or action [VpnService.SERVICE_INTERFACE]);
 * - stops the tunnel on [onRevoke] (the user or another VPN took over), on
 *   [ACTION_STOP], [TunnelHandle.stop] and in [onDestroy].
 *
 * Nothing here kills the app: every worker task, network callback and call of an
 * overridable method is wrapped; failures reach [onStartFailed] / [TunnelHandle]
 * as [CulvertAndroidException]s.
 */
abstract class CulvertVpnService : VpnService() {
    private val worker: ExecutorService = Executors.newSingleThreadExecutor { r -> Thread(r, "culvert-vpn") }
    private var connectivity: ConnectivityManager? = null
    private var networkCallback: ConnectivityManager.NetworkCallback? = null

    @Volatile
    private var underlying: Network? = null

    /** The network that was active before `establish()`, for lookups until the callback reports one. */
    @Volatile
    private var startNetwork: Network? = null
    private var hadNetwork = false
    private var lastLink: Pair<Network, LinkProperties>? = null

    @Volatile
    private var running: Tunnel? = null
    private var runningSettings: NetworkSettings? = null
    private var runningConfig: TunnelConfig? = null

    /** The running tunnel, or `null`. */
    val tunnel: Tunnel? get() = running

    /**
     * The config to run. [intent] is what the app started the service with, or
     * `null` / action [VpnService.SERVICE_INTERFACE] when the system starts it as the
     * always-on VPN: then return the last config the user chose. Return `null` to not start.
     * The service owns the returned config (it destroys it when it is replaced).
     */
    protected abstract fun loadConfig(intent: Intent?): TunnelConfig?

    /** Options for the network settings (exclude private ranges, extra excluded routes, default MTU). */
    protected open fun settingsOptions(config: TunnelConfig): SettingsOptions = SettingsOptions()

    /** Interface options that are not in the config: `allowBypass`, metering. */
    protected open fun vpnOptions(config: TunnelConfig): VpnOptions = VpnOptions()

    /** The name shown in the system VPN dialog and settings. */
    protected open fun sessionName(config: TunnelConfig): String = "Culvert"

    /** The activity the system VPN settings open ("configure"), if any. */
    protected open fun configureIntent(): PendingIntent? = null

    /** Tunnel events, on Culvert's delivery thread (calling [tunnel] methods from here is fine). */
    protected open fun onTunnelEvent(event: TunnelEvent) {}

    /**
     * Starting (or re-establishing on [update]) failed: [error] is a [TunnelException]
     * (bad fd, network), a [io.culvert.ConfigException] (settings), a
     * [CulvertAndroidException] ([VpnNotPreparedException] when the user has not
     * consented or revoked, `NO_INCLUDED_APPLICATION_INSTALLED`, ...). After a failed
     * start the service stops itself. Exceptions thrown here are caught and logged.
     */
    protected open fun onStartFailed(error: Exception) {
        Log.e(TAG, "starting the tunnel failed: ${error.javaClass.simpleName}")
    }

    /**
     * Creates the builder for a new interface (the real `VpnService.Builder`; a
     * subclass may decorate it).
     */
    protected open fun newBuilder(): VpnService.Builder = Builder()

    /** The tunnel was told to rebind its sockets because the underlying [network] changed (or changed addresses). */
    protected open fun onUnderlyingNetworkChanged(network: Network) {}

    /** Takes the raw fd out of the established interface; Culvert owns (and closes) it from then on. */
    protected open fun takeFd(pfd: ParcelFileDescriptor): Int = pfd.detachFd()

    /** Thrown to [onStartFailed] when `establish()` returned `null`: call [VpnService.prepare] again. */
    class VpnNotPreparedException : CulvertAndroidException(
        VPN_NOT_PREPARED,
        "the VPN is not prepared: ask for consent with VpnService.prepare()",
    )

    override fun onCreate() {
        super.onCreate()
        TunnelHandle.attach(this)
    }

    /** Starts (or restarts with a new config) unless the intent is [ACTION_STOP]. */
    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        TunnelHandle.attach(this)
        if (intent?.action == ACTION_STOP) {
            submit {
                stopTunnel()
                stopSelf()
            }
            return START_NOT_STICKY
        }
        TunnelHandle.phase(TunnelHandle.Phase.STARTING)
        submit { start(intent) }
        return START_STICKY
    }

    /** Current statistics, or `null` when no tunnel runs (also when it is closed meanwhile). */
    fun stats(): TunnelStats? = try {
        running?.stats()
    } catch (e: TunnelException) {
        null
    } catch (e: IllegalStateException) {
        null // closed by stopTunnel() between the read of `running` and the call
    }

    /**
     * Applies a new config to the running tunnel. When its network settings differ,
     * the interface is established anew first (the new interface replaces the old one,
     * so nothing leaks in between) and the tunnel restarts on it; otherwise the tunnel
     * is updated in place (peers, keys, endpoints). Failures go to [onStartFailed] and
     * [TunnelHandle.status]. The service takes ownership of [config].
     */
    fun update(config: TunnelConfig) {
        submit { applyUpdate(config) }
    }

    /** The user revoked the VPN or another VPN app took over: stop everything. */
    override fun onRevoke() {
        submit { stopTunnel() }
        super.onRevoke()
    }

    /** Unregisters the network callback first (no late callback reaches a dead worker), then stops the tunnel. */
    override fun onDestroy() {
        unregisterNetworks()
        submit { stopTunnel() }
        worker.shutdown()
        TunnelHandle.detach(this)
        super.onDestroy()
    }

    /**
     * Calls `startForeground` only when Android allows it, so an always-on or background
     * start does not crash: the user consented ([VpnService.prepare] is `null`), and on
     * API 34+ with the `systemExempted` service type, which needs the
     * `FOREGROUND_SERVICE_SYSTEM_EXEMPTED` permission in the manifest (see docs/android.md).
     *
     * @return `true` when the service is now in the foreground.
     */
    fun startForegroundIfAllowed(id: Int, notification: Notification): Boolean = try {
        when {
            prepare(this) != null -> false
            Build.VERSION.SDK_INT >= 34 -> startForegroundApi34(id, notification)
            else -> {
                startForeground(id, notification)
                true
            }
        }
    } catch (t: Throwable) {
        if (t is VirtualMachineError) throw t
        // ForegroundServiceStartNotAllowedException (API 31+), SecurityException (type or permission).
        Log.w(TAG, "startForeground refused: ${t.javaClass.simpleName}")
        false
    }

    @TargetApi(34)
    private fun startForegroundApi34(id: Int, notification: Notification): Boolean {
        if (checkSelfPermission(Manifest.permission.FOREGROUND_SERVICE_SYSTEM_EXEMPTED) != PackageManager.PERMISSION_GRANTED) {
            return false
        }
        startForeground(id, notification, ServiceInfo.FOREGROUND_SERVICE_TYPE_SYSTEM_EXEMPTED)
        return true
    }

    /** (alwaysOn, lockdown) on API 29+, else `null`. */
    internal fun alwaysOnState(): Pair<Boolean, Boolean>? = try {
        if (Build.VERSION.SDK_INT >= 29) alwaysOnApi29() else null
    } catch (t: Throwable) {
        if (t is VirtualMachineError) throw t
        null
    }

    @TargetApi(29)
    private fun alwaysOnApi29(): Pair<Boolean, Boolean> = isAlwaysOn to isLockdownEnabled

    internal fun stopFromHandle() {
        submit {
            stopTunnel()
            stopSelf()
        }
    }

    // -- worker ---------------------------------------------------------------

    /** Runs [task] on the worker; a task that throws, or a worker already shut down, never kills the app. */
    private fun submit(task: () -> Unit) {
        try {
            worker.execute {
                try {
                    task()
                } catch (t: Throwable) {
                    if (t is VirtualMachineError) throw t
                    val e = CulvertAndroidException.from(t)
                    Log.e(TAG, "worker task failed: ${e.code}")
                    TunnelHandle.failed(e)
                }
            }
        } catch (e: RejectedExecutionException) {
            // The service is being destroyed: nothing left to do.
        }
    }

    private fun start(intent: Intent?) {
        val config = try {
            loadConfig(intent)
        } catch (e: Exception) {
            failedToStart(e)
            null
        }
        if (config == null) {
            if (running == null) {
                TunnelHandle.phase(TunnelHandle.Phase.STOPPED, TunnelHandle.status.value.error)
                stopSelf()
            }
            return
        }
        stopTunnel()
        try {
            followNetworks()
            startNetwork = underlying ?: activeUnderlyingNetwork()
            val settings = config.networkSettings(settingsOptions(config))
            val pfd = establish(config, settings)
            // Culvert owns the fd from here on (also if starting fails).
            running = startTunnel(config, takeFd(pfd))
            runningSettings = settings
            runningConfig = config
            TunnelHandle.phase(TunnelHandle.Phase.CONNECTING)
        } catch (e: Exception) {
            stopTunnel()
            failedToStart(e)
            stopSelf()
        }
    }

    private fun establish(config: TunnelConfig, settings: NetworkSettings): ParcelFileDescriptor {
        val builder = newBuilder().setSession(sessionName(config))
        configureIntent()?.let { builder.setConfigureIntent(it) }
        val applied = builder.applyNetworkSettings(settings, underlying ?: startNetwork, options = vpnOptions(config))
        if (applied.missingApplications.isNotEmpty()) {
            Log.w(TAG, "${applied.missingApplications.size} per-app packages are not installed and were left out")
        }
        return try {
            builder.establish()
        } catch (e: IllegalArgumentException) {
            throw CulvertAndroidException(CulvertAndroidException.PLATFORM_REFUSED, "Android refused the interface settings", e)
        } catch (e: IllegalStateException) {
            throw CulvertAndroidException(CulvertAndroidException.PLATFORM_REFUSED, "Android refused the interface settings", e)
        } ?: throw VpnNotPreparedException()
    }

    private fun startTunnel(config: TunnelConfig, fd: Int): Tunnel {
        val observer = object : TunnelObserver {
            override fun onEvent(event: TunnelEvent) {
                try {
                    TunnelHandle.event(event)
                    onTunnelEvent(event)
                } catch (t: Throwable) {
                    if (t is VirtualMachineError) throw t
                    Log.w(TAG, "onTunnelEvent threw ${t.javaClass.simpleName}")
                }
            }
        }
        return Tunnel.startWithFd(
            config, fd, TunFraming.RAW_IP,
            observer = observer,
            protector = VpnSocketProtector(this),
            resolver = UnderlyingNetworkResolver { underlying ?: startNetwork },
        )
    }

    private fun applyUpdate(config: TunnelConfig) {
        val current = running
        if (current == null) {
            reportFailure(CulvertAndroidException(CulvertAndroidException.TUNNEL_CLOSED, "no tunnel is running to update"))
            return
        }
        try {
            val settings = config.networkSettings(settingsOptions(config))
            if (settings == runningSettings) {
                current.update(config)
                replaceConfig(config)
                return
            }
            // New interface first: it replaces the old one in the system at once.
            val pfd = establish(config, settings)
            stopRunningTunnel()
            running = startTunnel(config, takeFd(pfd))
            runningSettings = settings
            replaceConfig(config)
            TunnelHandle.phase(TunnelHandle.Phase.CONNECTING)
        } catch (e: Exception) {
            reportFailure(e)
        }
    }

    private fun replaceConfig(config: TunnelConfig) {
        val old = runningConfig
        runningConfig = config
        if (old != null && old !== config) safeDestroy(old)
    }

    private fun failedToStart(e: Exception) {
        reportFailure(e)
        TunnelHandle.phase(TunnelHandle.Phase.STOPPED, typed(e))
    }

    private fun reportFailure(e: Exception) {
        TunnelHandle.failed(typed(e))
        try {
            onStartFailed(e)
        } catch (t: Throwable) {
            if (t is VirtualMachineError) throw t
            Log.e(TAG, "onStartFailed threw ${t.javaClass.simpleName}")
        }
    }

    private fun typed(e: Exception): CulvertAndroidException = when (e) {
        is CulvertAndroidException -> e
        is TunnelException.Stopped -> CulvertAndroidException(CulvertAndroidException.TUNNEL_CLOSED, "the tunnel stopped", e)
        is TunnelException, is io.culvert.ConfigException ->
            CulvertAndroidException("TUNNEL_${e.javaClass.simpleName.uppercase()}", "the tunnel refused: ${e.javaClass.simpleName}", e)
        else -> CulvertAndroidException.from(e)
    }

    /** Stops and closes the running tunnel; any error other than "already stopped" is reported, never thrown. */
    private fun stopRunningTunnel() {
        val t = running ?: return
        running = null
        try {
            t.stop()
        } catch (e: TunnelException.Stopped) {
            // already stopped
        } catch (e: Exception) {
            Log.w(TAG, "stopping the tunnel failed: ${e.javaClass.simpleName}")
            TunnelHandle.failed(typed(e))
        }
        try {
            t.close()
        } catch (e: Exception) {
            Log.w(TAG, "closing the tunnel failed: ${e.javaClass.simpleName}")
        }
    }

    private fun stopTunnel() {
        val wasRunning = running != null
        stopRunningTunnel()
        runningSettings = null
        runningConfig?.let { safeDestroy(it) }
        runningConfig = null
        unregisterNetworks()
        if (wasRunning) TunnelHandle.phase(TunnelHandle.Phase.STOPPED, TunnelHandle.status.value.error)
    }

    private fun safeDestroy(config: TunnelConfig) {
        try {
            config.destroy()
        } catch (e: Exception) {
            // already destroyed by the app
        }
    }

    private fun unregisterNetworks() {
        val cb = networkCallback ?: return
        networkCallback = null
        hadNetwork = false
        lastLink = null
        underlying = null
        try {
            connectivity?.unregisterNetworkCallback(cb)
        } catch (e: IllegalArgumentException) {
            // not registered
        }
    }

    /** The active network if it is not a VPN (ours is not up yet), else `null`. */
    private fun activeUnderlyingNetwork(): Network? = try {
        val cm = connectivity ?: getSystemService(ConnectivityManager::class.java)
        val active = cm?.activeNetwork
        val caps = active?.let { cm.getNetworkCapabilities(it) }
        if (caps != null && !caps.hasTransport(NetworkCapabilities.TRANSPORT_VPN)) active else null
    } catch (e: SecurityException) {
        null // no ACCESS_NETWORK_STATE: fall back to the process default
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
            override fun onAvailable(network: Network) {
                submit { switchTo(network) }
            }

            override fun onLinkPropertiesChanged(network: Network, linkProperties: LinkProperties) {
                submit { linkChanged(network, linkProperties) }
            }

            override fun onLost(network: Network) {
                submit {
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
        if (moved) networkChanged(network)
    }

    /**
     * Same network, new addresses (e.g. a new IPv6 prefix): rebind. Compared with the
     * last properties *of that network*, so the properties that arrive right after a
     * switch are the new network's baseline, not a second change.
     */
    private fun linkChanged(network: Network, properties: LinkProperties) {
        val last = lastLink
        lastLink = network to properties
        if (network != underlying || last == null || last.first != network) return
        if (last.second.linkAddresses != properties.linkAddresses) networkChanged(network)
    }

    private fun networkChanged(network: Network) {
        val t = running ?: return
        try {
            t.networkChanged()
        } catch (e: Exception) {
            Log.w(TAG, "networkChanged failed: ${e.javaClass.simpleName}")
        }
        try {
            onUnderlyingNetworkChanged(network)
        } catch (e: Exception) {
            Log.w(TAG, "onUnderlyingNetworkChanged threw ${e.javaClass.simpleName}")
        }
    }

    /** Intent actions understood by [CulvertVpnService]. */
    companion object {
        /** Stop the tunnel and the service: `startService(Intent(ctx, MyVpn::class.java).setAction(ACTION_STOP))`. */
        const val ACTION_STOP = "io.culvert.action.STOP"
        private const val TAG = "Culvert"
    }
}
