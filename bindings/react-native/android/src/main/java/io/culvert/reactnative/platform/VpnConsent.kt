package io.culvert.reactnative.platform

import android.app.Activity
import android.content.Context
import android.net.VpnService

/**
 * The `VpnService.prepare` consent flow: asks the system whether the app may
 * run a VPN, shows the consent dialog when it may not yet, and completes the
 * request from the activity result. One request at a time.
 */
class VpnConsent(private val requestCode: Int = DEFAULT_REQUEST_CODE) {
    private var pending: ((Boolean) -> Unit)? = null

    /** Whether consent is already given (no dialog needed). */
    fun isGranted(context: Context): Boolean = VpnService.prepare(context) == null

    /**
     * Requests consent from [activity]. [onResult] gets `(granted, alreadyGranted)`:
     * immediately when consent exists, else after the dialog.
     *
     * @throws BridgeError `BUSY` when a request is already showing.
     */
    fun request(activity: Activity, onResult: (granted: Boolean, alreadyGranted: Boolean) -> Unit) {
        val intent = VpnService.prepare(activity)
        if (intent == null) {
            onResult(true, true)
            return
        }
        synchronized(this) {
            if (pending != null) throw BridgeError(BridgeError.BUSY, "A VPN consent dialog is already showing")
            pending = { granted -> onResult(granted, false) }
        }
        try {
            activity.startActivityForResult(intent, requestCode)
        } catch (e: RuntimeException) {
            synchronized(this) { pending = null }
            throw BridgeError(BridgeError.PROVIDER_ERROR, "Could not show the VPN consent dialog: ${e.javaClass.simpleName}")
        }
    }

    /**
     * Feed every `onActivityResult` here. Returns `true` when the result was
     * this consent request's (and it was completed).
     */
    fun onActivityResult(requestCode: Int, resultCode: Int): Boolean {
        if (requestCode != this.requestCode) return false
        val callback = synchronized(this) { pending.also { pending = null } } ?: return true
        callback(resultCode == Activity.RESULT_OK)
        return true
    }

    /** Fails a pending request, e.g. when the activity is destroyed. */
    fun cancel() {
        val callback = synchronized(this) { pending.also { pending = null } } ?: return
        callback(false)
    }

    /** Request codes. */
    companion object {
        /** Request code of the consent activity; pick another if the app uses it. */
        const val DEFAULT_REQUEST_CODE = 0x0C17
    }
}
