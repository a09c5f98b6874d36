package io.culvert.reactnative

import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReadableMap

/**
 * The `Culvert` TurboModule (new architecture). `NativeCulvertSpec` is generated
 * by React Native's codegen from `src/NativeCulvert.ts` during the app build.
 */
class CulvertModule(context: ReactApplicationContext) : NativeCulvertSpec(context) {
    private val glue = ReactGlue(context)
    private val impl = glue.impl

    override fun getName(): String = CulvertModuleImpl.NAME
    override fun invalidate() {
        glue.invalidate()
        super.invalidate()
    }

    override fun parseConfig(text: String, promise: Promise) = impl.parseConfig(text, ReactGlue.reply(promise))
    override fun parseQr(text: String, promise: Promise) = impl.parseQr(text, ReactGlue.reply(promise))
    override fun prepare(options: ReadableMap, promise: Promise) = impl.prepare(ReactGlue.map(options), ReactGlue.reply(promise))
    override fun connect(configText: String, options: ReadableMap, promise: Promise) = impl.connect(configText, ReactGlue.map(options), ReactGlue.reply(promise))
    override fun disconnect(promise: Promise) = impl.disconnect(ReactGlue.reply(promise))
    override fun getStatus(promise: Promise) = impl.getStatus(ReactGlue.reply(promise))
    override fun getStats(promise: Promise) = impl.getStats(ReactGlue.reply(promise))
    override fun hotspotParse(text: String, promise: Promise) = impl.hotspotParse(text, ReactGlue.reply(promise))
    override fun hotspotConnect(request: ReadableMap, promise: Promise) = impl.hotspotConnect(ReactGlue.map(request), ReactGlue.reply(promise))
    override fun hotspotCurrentSsid(promise: Promise) = impl.hotspotCurrentSsid(ReactGlue.reply(promise))
    override fun addListener(eventName: String) = impl.addListener(eventName)
    override fun removeListeners(count: Double) = impl.removeListeners(count)
}
