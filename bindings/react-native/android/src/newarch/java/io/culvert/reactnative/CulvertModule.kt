package io.culvert.reactnative

import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReadableMap

/**
 * The `Culvert` TurboModule (new architecture). `NativeCulvertSpec` is generated
 * by React Native's codegen from `src/NativeCulvert.ts` during the app build.
 */
class CulvertModule(context: ReactApplicationContext) : NativeCulvertSpec(context) {
    private val impl = CulvertModuleImpl(context)

    override fun getName(): String = CulvertModuleImpl.NAME
    override fun invalidate() {
        impl.invalidate()
        super.invalidate()
    }

    override fun parseConfig(text: String, promise: Promise) = impl.parseConfig(text, promise)
    override fun parseQr(text: String, promise: Promise) = impl.parseQr(text, promise)
    override fun prepare(options: ReadableMap, promise: Promise) = impl.prepare(options, promise)
    override fun connect(configText: String, options: ReadableMap, promise: Promise) = impl.connect(configText, options, promise)
    override fun disconnect(promise: Promise) = impl.disconnect(promise)
    override fun getStatus(promise: Promise) = impl.getStatus(promise)
    override fun getStats(promise: Promise) = impl.getStats(promise)
    override fun hotspotParse(text: String, promise: Promise) = impl.hotspotParse(text, promise)
    override fun hotspotConnect(request: ReadableMap, promise: Promise) = impl.hotspotConnect(request, promise)
    override fun hotspotCurrentSsid(promise: Promise) = impl.hotspotCurrentSsid(promise)
    override fun addListener(eventName: String) = impl.addListener(eventName)
    override fun removeListeners(count: Double) = impl.removeListeners(count)
}
