package io.culvert.android

import android.os.Build

/**
 * A failure of culvert-android's Android glue, with a stable [code] an app can
 * switch on (the React Native module forwards it). Messages name no key, password
 * or user address.
 *
 * Codes:
 * - [UNSUPPORTED_ON_THIS_ANDROID]: the feature needs a newer Android ([UnsupportedOnThisAndroid]);
 * - [NO_INCLUDED_APPLICATION_INSTALLED]: every `IncludedApplications` package is missing;
 * - [VPN_NOT_PREPARED]: `establish()` returned `null` (no consent, or revoked);
 * - [TUNNEL_CLOSED]: the tunnel was stopped or closed while the call ran;
 * - [CONFIG_CLOSED]: the `TunnelConfig` passed in was already destroyed;
 * - [PLATFORM_REFUSED]: the Android framework refused an argument (its `IllegalArgumentException`);
 * - [INTERNAL]: anything else that escaped (a bug or an unexpected platform `Error`).
 */
open class CulvertAndroidException(
    /** One of the codes above. */
    val code: String,
    message: String,
    cause: Throwable? = null,
) : Exception(message, cause) {
    /** The codes. */
    companion object {
        const val UNSUPPORTED_ON_THIS_ANDROID = "UNSUPPORTED_ON_THIS_ANDROID"
        const val NO_INCLUDED_APPLICATION_INSTALLED = "NO_INCLUDED_APPLICATION_INSTALLED"
        const val VPN_NOT_PREPARED = "VPN_NOT_PREPARED"
        const val TUNNEL_CLOSED = "TUNNEL_CLOSED"
        const val CONFIG_CLOSED = "CONFIG_CLOSED"
        const val PLATFORM_REFUSED = "PLATFORM_REFUSED"
        const val INTERNAL = "INTERNAL"

        /**
         * Any throwable as a [CulvertAndroidException] (returned as is when it is one).
         * `NoClassDefFoundError` / `NoSuchMethodError` (a framework class or method this
         * Android lacks) become [UNSUPPORTED_ON_THIS_ANDROID]; only the class name of
         * other throwables is kept, never their message (it could quote input).
         */
        fun from(t: Throwable, sdkInt: Int = Build.VERSION.SDK_INT): CulvertAndroidException = when (t) {
            is CulvertAndroidException -> t
            is NoClassDefFoundError, is NoSuchMethodError, is NoSuchFieldError ->
                CulvertAndroidException(
                    UNSUPPORTED_ON_THIS_ANDROID,
                    "a platform API this code needs is missing on this Android (API $sdkInt): ${t.javaClass.simpleName}",
                    t,
                )
            is IllegalStateException -> if (t.message?.contains("destroyed") == true) {
                CulvertAndroidException(CONFIG_CLOSED, "the object was already destroyed (closed)", t)
            } else {
                CulvertAndroidException(INTERNAL, "internal error (${t.javaClass.simpleName})", t)
            }
            else -> CulvertAndroidException(INTERNAL, "internal error (${t.javaClass.simpleName})", t)
        }
    }
}

/**
 * The feature needs Android API [requiredApi]; this device runs [deviceApi].
 * Code [CulvertAndroidException.UNSUPPORTED_ON_THIS_ANDROID].
 */
class UnsupportedOnThisAndroid(
    /** What was asked for ("network suggestions"). */
    val feature: String,
    /** The lowest API level that has it. */
    val requiredApi: Int,
    /** This device's API level. */
    val deviceApi: Int = Build.VERSION.SDK_INT,
) : CulvertAndroidException(
    UNSUPPORTED_ON_THIS_ANDROID,
    "$feature needs Android API $requiredApi or later; this device runs API $deviceApi",
)
