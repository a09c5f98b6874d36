package io.culvert.reactnative

import android.app.Activity
import android.content.Context
import android.content.Intent
import io.culvert.reactnative.platform.BridgeError
import io.culvert.reactnative.platform.HotspotJoiner
import io.culvert.reactnative.platform.HotspotSpec
import io.culvert.reactnative.platform.Payloads
import io.culvert.reactnative.platform.SsidReader
import io.culvert.reactnative.platform.TunnelPreferences
import io.culvert.reactnative.platform.TunnelStatusStore
import io.culvert.reactnative.platform.VpnConsent
import java.util.concurrent.Executors

/**
 * Everything the `Culvert` module does, shared by the new-architecture
 * (`NativeCulvertSpec`) and old-bridge (`ReactContextBaseJavaModule`) classes.
 * It uses no React Native type — arguments are plain Kotlin maps, results go
 * through [Reply], events through [Host] — so it compiles (and is checked here)
 * against the Android API alone; `ReactGlue.kt` adapts React Native's types.
 *
 * Parsing runs on a small background executor (never the JS thread); the VPN
 * itself runs in [CulvertReactVpnService], which reports state through
 * [TunnelStatusStore].
 */
class CulvertModuleImpl(private val host: Host) : TunnelStatusStore.Listener {
    /** What the module needs from React Native. */
    interface Host {
        /** The application context. */
        val context: Context

        /** The foreground activity, for the consent dialog. */
        fun currentActivity(): Activity?

        /** Sends an event to JS (when the React instance is alive). */
        fun emit(name: String, body: Map<String, Any?>)
    }

    /** A promise. */
    interface Reply {
        /** Resolves with a JSON-like map (or null). */
        fun resolve(value: Map<String, Any?>?)

        /** Rejects with the error's code, message and user info. */
        fun reject(error: BridgeError)
    }

    private val context: Context get() = host.context
    private val consent = VpnConsent()
    private val hotspots = HotspotJoiner(context)
    private val worker = Executors.newSingleThreadExecutor { r -> Thread(r, "culvert-rn").apply { isDaemon = true } }
    @Volatile private var jsListeners = 0

    init {
        TunnelStatusStore.addListener(this)
    }

    /** Called when the React instance goes away. */
    fun invalidate() {
        TunnelStatusStore.removeListener(this)
        consent.cancel()
        hotspots.release()
        worker.shutdown()
    }

    // -- parsing -----------------------------------------------------------

    fun parseConfig(text: String, promise: Reply) = background(promise) { CulvertCoreAdapter.parseConfig(text) }

    fun parseQr(text: String, promise: Reply) = background(promise) { CulvertCoreAdapter.parseQr(text) }

    fun hotspotParse(text: String, promise: Reply) = background(promise) { CulvertCoreAdapter.parseHotspot(text) }

    // -- VPN lifecycle -----------------------------------------------------

    fun prepare(options: Map<String, Any?>, promise: Reply) = guarded(promise) {
        (options["tunnelName"] as? String)?.let { TunnelPreferences.setTunnelName(context, it) }
        val activity = host.currentActivity()
        if (activity == null) {
            if (consent.isGranted(context)) promise.resolve(mapOf("alreadyPrepared" to true))
            else promise.reject(BridgeError(BridgeError.VPN_NOT_PREPARED, "prepare() needs a foreground activity to show the VPN consent dialog."))
            return@guarded
        }
        consent.request(activity) { granted, already ->
            if (granted) promise.resolve(mapOf("alreadyPrepared" to already))
            else promise.reject(BridgeError(BridgeError.VPN_PERMISSION_DENIED, "The user did not allow the VPN connection."))
        }
    }

    fun connect(configText: String, options: Map<String, Any?>, promise: Reply) = background(promise) {
        if (!consent.isGranted(context)) {
            throw BridgeError(BridgeError.VPN_NOT_PREPARED, "Call prepare() first: the user has not allowed this app's VPN yet.")
        }
        CulvertCoreAdapter.requireValid(configText).destroy() // CONFIG_INVALID with kind/section/key/line
        (options["tunnelName"] as? String)?.let { TunnelPreferences.setTunnelName(context, it) }
        // Per-app rules arrive inside the config (IncludedApplications/ExcludedApplications, see src/index.ts);
        // the settings options (excludePrivate, excludedRoutes, defaultMtu, allowBypass, metered) beside it.
        TunnelPreferences.saveTunnel(context, configText)
        TunnelPreferences.saveOptions(context, TunnelPreferences.Options.fromMap(options))
        TunnelStatusStore.report("connecting")
        val intent = Intent(context, CulvertReactVpnService::class.java).setAction(CulvertReactVpnService.ACTION_CONNECT)
        if (context.startService(intent) == null) {
            TunnelStatusStore.report("disconnected", "providerFailed", "The VPN service is not declared in AndroidManifest.xml.")
            throw BridgeError(BridgeError.PROVIDER_ERROR, "CulvertReactVpnService is missing from AndroidManifest.xml (see the README or use the Expo plugin).")
        }
        null
    }

    fun disconnect(promise: Reply) = background(promise) {
        if (TunnelStatusStore.current().state != "disconnected") {
            TunnelStatusStore.report("disconnecting")
            context.startService(Intent(context, CulvertReactVpnService::class.java).setAction(CulvertReactVpnService.ACTION_STOP))
        }
        null
    }

    fun getStatus(promise: Reply) = background(promise) {
        Payloads.status(TunnelStatusStore.current(), consent.isGranted(context), TunnelPreferences.tunnelName(context))
    }

    fun getStats(promise: Reply) = background(promise) {
        TunnelStatusStore.statsProvider?.invoke() ?: Payloads.emptyStats()
    }

    /** Emits a `CulvertStats` event with the running tunnel's per-peer statistics (nothing when none runs). */
    fun emitStats() {
        val stats = try {
            TunnelStatusStore.statsProvider?.invoke()
        } catch (t: Throwable) {
            if (t is VirtualMachineError) throw t
            null
        } ?: return
        emit(EVENT_STATS, stats)
    }

    // -- hotspot -----------------------------------------------------------

    fun hotspotConnect(request: Map<String, Any?>, promise: Reply) = guarded(promise) {
        @Suppress("UNCHECKED_CAST")
        val options = request["options"] as? Map<String, Any?>
        val joinOnce = options?.get("joinOnce") == true
        val timeoutMs = (options?.get("timeoutMs") as? Number)?.toInt() ?: 30_000
        val text = request["text"] as? String
        if (text != null && !joinOnce) {
            // Parsed and translated natively by culvert-android: the password never visits JS.
            background(promise) {
                val (suggestions, ssid) = CulvertCoreAdapter.androidSuggestions(text)
                hotspots.suggest(suggestions, ssid).toMap()
            }
            return@guarded
        }
        val spec = try {
            @Suppress("UNCHECKED_CAST")
            val config = request["config"] as? Map<String, Any?>
            if (text != null) CulvertCoreAdapter.hotspotSpec(text)
            else HotspotSpec.fromMap(config ?: throw BridgeError(BridgeError.INVALID_ARGUMENT, "hotspotConnect needs text or config"))
        } catch (e: BridgeError) {
            promise.reject(e)
            return@guarded
        }
        if (joinOnce) {
            hotspots.request(spec, timeoutMs) { result ->
                result.fold(
                    { promise.resolve(it.toMap()) },
                    { promise.reject(it as? BridgeError ?: BridgeError.from(it)) },
                )
            }
        } else {
            background(promise) { hotspots.suggest(spec).toMap() }
        }
    }

    fun hotspotCurrentSsid(promise: Reply) = background(promise) { SsidReader.read(context).toMap() }

    // -- events ------------------------------------------------------------

    fun addListener(@Suppress("UNUSED_PARAMETER") eventName: String) {
        jsListeners += 1
    }

    fun removeListeners(count: Double) {
        jsListeners = (jsListeners - count.toInt()).coerceAtLeast(0)
    }

    override fun onState(status: TunnelStatusStore.Status) = emit(EVENT_STATE, Payloads.stateEvent(status))

    override fun onStats(stats: Map<String, Any?>) = emit(EVENT_STATS, stats)

    override fun onHandshake(peer: String, type: String, attempts: Int, atMs: Long) =
        emit(EVENT_HANDSHAKE, Payloads.handshakeEvent(peer, type, attempts, atMs))

    private fun emit(name: String, body: Map<String, Any?>) {
        if (jsListeners == 0) return
        try {
            host.emit(name, body)
        } catch (t: Throwable) {
            if (t is VirtualMachineError) throw t
            // The React instance went away meanwhile: drop the event, never the app.
        }
    }

    /** Feed the host activity's results here (the VPN consent dialog's). */
    fun onActivityResult(requestCode: Int, resultCode: Int) {
        consent.onActivityResult(requestCode, resultCode)
    }

    // -- helpers -----------------------------------------------------------

    /**
     * Runs [work] on the module's executor. Whatever it throws — `Error`s such as
     * `NoClassDefFoundError` included, which would otherwise kill the executor thread
     * and with it the app — rejects the promise with a typed [BridgeError.from] code.
     */
    private fun background(promise: Reply, work: () -> Map<String, Any?>?) = guarded(promise) {
        worker.execute { guarded(promise) { promise.resolve(work()) } }
    }

    /** Runs [block] here; a throw becomes the promise's typed rejection (a full executor is `BUSY`). */
    private inline fun guarded(promise: Reply, block: () -> Unit) {
        try {
            block()
        } catch (t: Throwable) {
            if (t is VirtualMachineError) throw t
            val error = if (t is java.util.concurrent.RejectedExecutionException) {
                BridgeError(BridgeError.BUSY, "The module is shutting down.")
            } else {
                BridgeError.from(t)
            }
            try {
                promise.reject(error)
            } catch (_: Throwable) {
                // A promise that was settled already: nothing more to tell JS.
            }
        }
    }

    /** Event names, as `src/native.ts` listens for them. */
    companion object {
        const val NAME = "Culvert"
        const val EVENT_STATE = "CulvertStateChanged"
        const val EVENT_HANDSHAKE = "CulvertHandshake"
        const val EVENT_STATS = "CulvertStats"
    }
}
