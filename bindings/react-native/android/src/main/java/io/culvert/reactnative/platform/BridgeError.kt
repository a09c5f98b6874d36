package io.culvert.reactnative.platform

/**
 * An error on its way to JS. [code] is one of the TypeScript `CulvertErrorCode`s
 * (`CONFIG_INVALID`, `VPN_NOT_PREPARED`, ...) or `HOTSPOT_<reason>` with a
 * `HotspotErrorCode` reason; [userInfo] carries structured detail (the config
 * error's kind/section/key/line). The message never contains a key or password.
 */
class BridgeError(
    val code: String,
    override val message: String,
    val userInfo: Map<String, Any?>? = null,
) : Exception(message) {
    /** Error codes shared with `src/errors.ts`. */
    companion object {
        const val INVALID_ARGUMENT = "INVALID_ARGUMENT"
        const val CONFIG_INVALID = "CONFIG_INVALID"
        const val VPN_PERMISSION_DENIED = "VPN_PERMISSION_DENIED"
        const val VPN_NOT_PREPARED = "VPN_NOT_PREPARED"
        const val PROVIDER_ERROR = "PROVIDER_ERROR"
        const val TIMEOUT = "TIMEOUT"
        const val BUSY = "BUSY"
        const val UNSUPPORTED = "UNSUPPORTED"
        const val UNKNOWN = "UNKNOWN"

        /** A hotspot error with one of the `HotspotErrorCode` reasons. */
        fun hotspot(reason: String, message: String): BridgeError = BridgeError("HOTSPOT_$reason", message)

        /**
         * Any throwable as the typed error JS receives — nothing a native call throws,
         * `Error`s included, may reach the JS thread or an executor unmapped:
         * - a [BridgeError] as is;
         * - culvert-android's `CulvertAndroidException`: `UNSUPPORTED_ON_THIS_ANDROID` →
         *   [UNSUPPORTED], `VPN_NOT_PREPARED` → [VPN_NOT_PREPARED], the rest →
         *   [PROVIDER_ERROR], with its code in `userInfo.nativeCode`;
         * - `LinkageError` (`NoClassDefFoundError`, `NoSuchMethodError`: a platform API this
         *   Android lacks) → [UNSUPPORTED];
         * - `SecurityException` (a missing permission) → [PROVIDER_ERROR];
         * - anything else → [UNKNOWN].
         * Only class names and codes are kept, never another exception's message (it could quote input).
         */
        fun from(t: Throwable, sdkInt: Int = android.os.Build.VERSION.SDK_INT): BridgeError = when (t) {
            is BridgeError -> t
            is io.culvert.android.CulvertAndroidException -> BridgeError(
                when (t.code) {
                    io.culvert.android.CulvertAndroidException.UNSUPPORTED_ON_THIS_ANDROID -> UNSUPPORTED
                    io.culvert.android.CulvertAndroidException.VPN_NOT_PREPARED -> VPN_NOT_PREPARED
                    else -> PROVIDER_ERROR
                },
                t.message ?: t.code,
                mapOf("nativeCode" to t.code),
            )
            is LinkageError -> BridgeError(
                UNSUPPORTED,
                "Not available on this Android version (API $sdkInt): ${t.javaClass.simpleName}",
                mapOf("nativeCode" to io.culvert.android.CulvertAndroidException.UNSUPPORTED_ON_THIS_ANDROID),
            )
            is SecurityException -> BridgeError(PROVIDER_ERROR, "Android denied the request (a permission is missing).")
            else -> BridgeError(UNKNOWN, "Internal error in react-native-culvert (${t.javaClass.simpleName})")
        }
    }
}
