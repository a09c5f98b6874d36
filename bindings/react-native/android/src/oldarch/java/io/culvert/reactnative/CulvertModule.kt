package io.culvert.reactnative

import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReactContextBaseJavaModule
import com.facebook.react.bridge.ReactMethod
import com.facebook.react.bridge.ReadableMap

/** The `Culvert` module on the old bridge: the same methods as the TurboModule spec. */
class CulvertModule(context: ReactApplicationContext) : ReactContextBaseJavaModule(context) {
    private val glue = ReactGlue(context)
    private val impl = glue.impl

    override fun getName(): String = CulvertModuleImpl.NAME
    override fun invalidate() {
        glue.invalidate()
        super.invalidate()
    }

    @ReactMethod fun parseConfig(text: String, promise: Promise) = impl.parseConfig(text, ReactGlue.reply(promise))
    @ReactMethod fun parseQr(text: String, promise: Promise) = impl.parseQr(text, ReactGlue.reply(promise))
    @ReactMethod fun prepare(options: ReadableMap, promise: Promise) = impl.prepare(ReactGlue.map(options), ReactGlue.reply(promise))
    @ReactMethod fun connect(configText: String, options: ReadableMap, promise: Promise) = impl.connect(configText, ReactGlue.map(options), ReactGlue.reply(promise))
    @ReactMethod fun disconnect(promise: Promise) = impl.disconnect(ReactGlue.reply(promise))
    @ReactMethod fun getStatus(promise: Promise) = impl.getStatus(ReactGlue.reply(promise))
    @ReactMethod fun getStats(promise: Promise) = impl.getStats(ReactGlue.reply(promise))
    @ReactMethod fun hotspotParse(text: String, promise: Promise) = impl.hotspotParse(text, ReactGlue.reply(promise))
    @ReactMethod fun hotspotConnect(request: ReadableMap, promise: Promise) = impl.hotspotConnect(ReactGlue.map(request), ReactGlue.reply(promise))
    @ReactMethod fun hotspotCurrentSsid(promise: Promise) = impl.hotspotCurrentSsid(ReactGlue.reply(promise))
    @ReactMethod fun addListener(eventName: String) = impl.addListener(eventName)
    @ReactMethod fun removeListeners(count: Double) = impl.removeListeners(count)
}
