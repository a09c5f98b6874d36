package io.culvert.reactnative

import android.app.Activity
import android.content.Intent
import com.facebook.react.bridge.ActivityEventListener
import com.facebook.react.bridge.Arguments
import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReadableMap
import com.facebook.react.modules.core.DeviceEventManagerModule
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
 *
 * Parsing runs on a small background executor (never the JS thread); the VPN
 * itself runs in [CulvertReactVpnService], which reports state through
 * [TunnelStatusStore].
 */
class CulvertModuleImpl(private val context: ReactApplicationContext) : ActivityEventListener, TunnelStatusStore.Listener {
    private val consent = VpnConsent()
    private val hotspots = HotspotJoiner(context)
    private val worker = Executors.newSingleThreadExecutor { r -> Thread(r, "culvert-rn").apply { isDaemon = true } }
    @Volatile private var jsListeners = 0

    init {
        context.addActivityEventListener(this)
        TunnelStatusStore.addListener(this)
    }

    /** Called when the React instance goes away. */
    fun invalidate() {
        TunnelStatusStore.removeListener(this)
        context.removeActivityEventListener(this)
        consent.cancel()
        hotspots.release()
        worker.shutdown()
    }

    // -- parsing -----------------------------------------------------------

    fun parseConfig(text: String, promise: Promise) = background(promise) { CulvertCoreAdapter.parseConfig(text) }

    fun parseQr(text: String, promise: Promise) = background(promise) { CulvertCoreAdapter.parseQr(text) }

    fun hotspotParse(text: String, promise: Promise) = background(promise) { CulvertCoreAdapter.parseHotspot(text) }

    // -- VPN lifecycle -----------------------------------------------------

    fun prepare(options: ReadableMap, promise: Promise) {
        options.getStringOrNull("tunnelName")?.let { TunnelPreferences.setTunnelName(context, it) }
        val activity = context.currentActivity
        if (activity == null) {
            if (consent.isGranted(context)) promise.resolve(Arguments.makeNativeMap(mapOf("alreadyPrepared" to true)))
            else reject(promise, BridgeError(BridgeError.VPN_NOT_PREPARED, "prepare() needs a foreground activity to show the VPN consent dialog."))
            return
        }
        try {
            consent.request(activity) { granted, already ->
                if (granted) promise.resolve(Arguments.makeNativeMap(mapOf("alreadyPrepared" to already)))
                else reject(promise, BridgeError(BridgeError.VPN_PERMISSION_DENIED, "The user did not allow the VPN connection."))
            }
        } catch (e: BridgeError) {
            reject(promise, e)
        }
    }

    fun connect(configText: String, options: ReadableMap, promise: Promise) = background(promise) {
        if (!consent.isGranted(context)) {
            throw BridgeError(BridgeError.VPN_NOT_PREPARED, "Call prepare() first: the user has not allowed this app's VPN yet.")
        }
        CulvertCoreAdapter.requireValid(configText).destroy() // CONFIG_INVALID with kind/section/key/line
        options.getStringOrNull("tunnelName")?.let { TunnelPreferences.setTunnelName(context, it) }
        // Per-app rules arrive inside the config (IncludedApplications/ExcludedApplications, see src/index.ts).
        TunnelPreferences.saveTunnel(context, configText)
        TunnelStatusStore.report("connecting")
        val intent = Intent(context, CulvertReactVpnService::class.java).setAction(CulvertReactVpnService.ACTION_CONNECT)
        if (context.startService(intent) == null) {
            TunnelStatusStore.report("disconnected", "providerFailed", "The VPN service is not declared in AndroidManifest.xml.")
            throw BridgeError(BridgeError.PROVIDER_ERROR, "CulvertReactVpnService is missing from AndroidManifest.xml (see the README or use the Expo plugin).")
        }
        null
    }

    fun disconnect(promise: Promise) = background(promise) {
        if (TunnelStatusStore.current().state != "disconnected") {
            TunnelStatusStore.report("disconnecting")
            context.startService(Intent(context, CulvertReactVpnService::class.java).setAction(CulvertReactVpnService.ACTION_STOP))
        }
        null
    }

    fun getStatus(promise: Promise) = background(promise) {
        Payloads.status(TunnelStatusStore.current(), consent.isGranted(context), TunnelPreferences.tunnelName(context))
    }

    fun getStats(promise: Promise) = background(promise) {
        TunnelStatusStore.statsProvider?.invoke() ?: Payloads.emptyStats()
    }

    // -- hotspot -----------------------------------------------------------

    fun hotspotConnect(request: ReadableMap, promise: Promise) {
        val options = request.getMapOrNull("options")
        val joinOnce = options?.getBooleanOrNull("joinOnce") ?: false
        val timeoutMs = options?.getIntOrNull("timeoutMs") ?: 30_000
        val spec = try {
            val text = request.getStringOrNull("text")
            if (text != null) CulvertCoreAdapter.hotspotSpec(text)
            else HotspotSpec.fromMap(request.getMapOrNull("config")?.toHashMap() ?: throw BridgeError(BridgeError.INVALID_ARGUMENT, "hotspotConnect needs text or config"))
        } catch (e: BridgeError) {
            reject(promise, e)
            return
        }
        if (joinOnce) {
            hotspots.request(spec, timeoutMs) { result ->
                result.fold({ promise.resolve(Arguments.makeNativeMap(it.toMap())) }, { reject(promise, it) })
            }
        } else {
            background(promise) { hotspots.suggest(spec).toMap() }
        }
    }

    fun hotspotCurrentSsid(promise: Promise) = background(promise) { SsidReader.read(context).toMap() }

    // -- events ------------------------------------------------------------

    fun addListener(@Suppress("UNUSED_PARAMETER") eventName: String) {
        jsListeners += 1
    }

    fun removeListeners(count: Double) {
        jsListeners = (jsListeners - count.toInt()).coerceAtLeast(0)
    }

    override fun onState(status: TunnelStatusStore.Status) = emit(EVENT_STATE, Payloads.stateEvent(status))

    override fun onHandshake(peer: String, type: String, attempts: Int, atMs: Long) =
        emit(EVENT_HANDSHAKE, Payloads.handshakeEvent(peer, type, attempts, atMs))

    private fun emit(name: String, body: Map<String, Any?>) {
        if (jsListeners == 0 || !context.hasActiveReactInstance()) return
        context.getJSModule(DeviceEventManagerModule.RCTDeviceEventEmitter::class.java).emit(name, Arguments.makeNativeMap(body))
    }

    override fun onActivityResult(activity: Activity, requestCode: Int, resultCode: Int, data: Intent?) {
        consent.onActivityResult(requestCode, resultCode)
    }

    override fun onNewIntent(intent: Intent) = Unit

    // -- helpers -----------------------------------------------------------

    private fun background(promise: Promise, work: () -> Any?) {
        worker.execute {
            try {
                when (val result = work()) {
                    null, Unit -> promise.resolve(null)
                    is Map<*, *> -> {
                        @Suppress("UNCHECKED_CAST")
                        promise.resolve(Arguments.makeNativeMap(result as Map<String, Any?>))
                    }
                    else -> promise.resolve(result)
                }
            } catch (e: BridgeError) {
                reject(promise, e)
            } catch (e: RuntimeException) {
                // Never let a bug crash the app's JS thread; report it instead. No message
                // text from arbitrary exceptions: it could quote input.
                reject(promise, BridgeError(BridgeError.UNKNOWN, "Internal error in react-native-culvert (${e.javaClass.simpleName})"))
            }
        }
    }

    private fun reject(promise: Promise, e: BridgeError) {
        val info = e.userInfo
        if (info != null) promise.reject(e.code, e.message, e, Arguments.makeNativeMap(info))
        else promise.reject(e.code, e.message, e)
    }

    /** Event names, as `src/native.ts` listens for them. */
    companion object {
        const val NAME = "Culvert"
        const val EVENT_STATE = "CulvertStateChanged"
        const val EVENT_HANDSHAKE = "CulvertHandshake"
    }
}

private fun ReadableMap.getStringOrNull(key: String): String? = if (hasKey(key) && !isNull(key)) getString(key) else null
private fun ReadableMap.getBooleanOrNull(key: String): Boolean? = if (hasKey(key) && !isNull(key)) getBoolean(key) else null
private fun ReadableMap.getIntOrNull(key: String): Int? = if (hasKey(key) && !isNull(key)) getInt(key) else null
private fun ReadableMap.getMapOrNull(key: String): ReadableMap? = if (hasKey(key) && !isNull(key)) getMap(key) else null
