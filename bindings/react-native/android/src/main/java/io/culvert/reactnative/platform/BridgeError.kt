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
    }
}
