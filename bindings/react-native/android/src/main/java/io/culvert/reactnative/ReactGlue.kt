package io.culvert.reactnative

import android.app.Activity
import android.content.Context
import android.content.Intent
import com.facebook.react.bridge.ActivityEventListener
import com.facebook.react.bridge.Arguments
import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReadableMap
import com.facebook.react.modules.core.DeviceEventManagerModule
import io.culvert.reactnative.platform.BridgeError

/**
 * The only place that touches React Native's Android types: builds a
 * [CulvertModuleImpl] on a [ReactApplicationContext] and converts promises,
 * maps and activity results. Used by both `CulvertModule` classes.
 */
internal class ReactGlue(private val reactContext: ReactApplicationContext) : ActivityEventListener {
    val impl = CulvertModuleImpl(object : CulvertModuleImpl.Host {
        override val context: Context get() = reactContext.applicationContext
        override fun currentActivity(): Activity? = reactContext.currentActivity
        override fun emit(name: String, body: Map<String, Any?>) {
            if (!reactContext.hasActiveReactInstance()) return
            reactContext.getJSModule(DeviceEventManagerModule.RCTDeviceEventEmitter::class.java)
                .emit(name, Arguments.makeNativeMap(body))
        }
    })

    init {
        reactContext.addActivityEventListener(this)
    }

    fun invalidate() {
        reactContext.removeActivityEventListener(this)
        impl.invalidate()
    }

    override fun onActivityResult(activity: Activity, requestCode: Int, resultCode: Int, data: Intent?) =
        impl.onActivityResult(requestCode, resultCode)

    override fun onNewIntent(intent: Intent) = Unit

    companion object {
        /** A React Native promise as a [CulvertModuleImpl.Reply]. */
        fun reply(promise: Promise): CulvertModuleImpl.Reply = object : CulvertModuleImpl.Reply {
            override fun resolve(value: Map<String, Any?>?) {
                promise.resolve(value?.let { Arguments.makeNativeMap(it) })
            }

            override fun reject(error: BridgeError) {
                val info = error.userInfo
                if (info != null) promise.reject(error.code, error.message, error, Arguments.makeNativeMap(info))
                else promise.reject(error.code, error.message, error)
            }
        }

        /** A `ReadableMap` as a plain map (nested maps and arrays included). */
        fun map(map: ReadableMap): Map<String, Any?> = map.toHashMap()
    }
}
