package io.culvert.reactnative

import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReactContextBaseJavaModule
import com.facebook.react.bridge.ReactMethod
import com.facebook.react.bridge.ReadableMap

/** The `Culvert` module on the old bridge: the same methods as the TurboModule spec. */
class CulvertModule(context: ReactApplicationContext) : ReactContextBaseJavaModule(context) {
    private val impl = CulvertModuleImpl(context)

    override fun getName(): String = CulvertModuleImpl.NAME
    override fun invalidate() {
        impl.invalidate()
        super.invalidate()
    }

    @ReactMethod fun parseConfig(text: String, promise: Promise) = impl.parseConfig(text, promise)
    @ReactMethod fun parseQr(text: String, promise: Promise) = impl.parseQr(text, promise)
    @ReactMethod fun prepare(options: ReadableMap, promise: Promise) = impl.prepare(options, promise)
    @ReactMethod fun connect(configText: String, options: ReadableMap, promise: Promise) = impl.connect(configText, options, promise)
    @ReactMethod fun disconnect(promise: Promise) = impl.disconnect(promise)
    @ReactMethod fun getStatus(promise: Promise) = impl.getStatus(promise)
    @ReactMethod fun getStats(promise: Promise) = impl.getStats(promise)
    @ReactMethod fun hotspotParse(text: String, promise: Promise) = impl.hotspotParse(text, promise)
    @ReactMethod fun hotspotConnect(request: ReadableMap, promise: Promise) = impl.hotspotConnect(request, promise)
    @ReactMethod fun hotspotCurrentSsid(promise: Promise) = impl.hotspotCurrentSsid(promise)
    @ReactMethod fun addListener(eventName: String) = impl.addListener(eventName)
    @ReactMethod fun removeListeners(count: Double) = impl.removeListeners(count)
}
