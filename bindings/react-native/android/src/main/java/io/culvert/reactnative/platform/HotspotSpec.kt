package io.culvert.reactnative.platform

/**
 * A Wi-Fi network to join, in the shape of the TypeScript `HotspotConfig`
 * (from `hotspot.parse` or built by the app). `toString` leaves out every secret.
 */
data class HotspotSpec(
    val ssid: String?,
    val security: String,
    val password: String?,
    val hidden: Boolean,
    val eap: Eap?,
    val passpoint: Passpoint?,
) {
    /** EAP settings of an enterprise network. */
    data class Eap(
        val method: String,
        val identity: String?,
        val anonymousIdentity: String?,
        val password: String?,
        val phase2: String?,
        val serverDomain: String?,
    ) {
        override fun toString(): String = "Eap(method=$method, identity=${identity != null}, password=${if (password != null) "<redacted>" else "null"})"
    }

    /** Hotspot 2.0 settings. */
    data class Passpoint(val domain: String, val friendlyName: String?, val roamingConsortiumOis: List<String>, val naiRealms: List<String>)

    override fun toString(): String =
        "HotspotSpec(ssid=$ssid, security=$security, password=${if (password != null) "<redacted>" else "null"}, hidden=$hidden, eap=$eap, passpoint=$passpoint)"

    /** Parsing from the JS map. */
    companion object {
        private val SECURITIES = setOf("open", "owe", "wep", "wpaPersonal", "wpa3Personal", "wpaEnterprise", "wpa3Enterprise")

        /**
         * Reads the map the TS layer sends (`HotspotConfig`, already checked there).
         *
         * @throws BridgeError `INVALID_ARGUMENT` for a map that is not one.
         */
        fun fromMap(map: Map<String, Any?>): HotspotSpec {
            val security = map["security"] as? String
            if (security == null || security !in SECURITIES) {
                throw BridgeError(BridgeError.INVALID_ARGUMENT, "hotspot security must be one of $SECURITIES")
            }
            @Suppress("UNCHECKED_CAST")
            val eap = (map["eap"] as? Map<String, Any?>)?.let {
                Eap(
                    method = it["method"] as? String ?: throw BridgeError(BridgeError.INVALID_ARGUMENT, "eap.method is missing"),
                    identity = it["identity"] as? String,
                    anonymousIdentity = it["anonymousIdentity"] as? String,
                    password = it["password"] as? String,
                    phase2 = it["phase2"] as? String,
                    serverDomain = it["serverDomain"] as? String,
                )
            }
            @Suppress("UNCHECKED_CAST")
            val passpoint = (map["passpoint"] as? Map<String, Any?>)?.let {
                Passpoint(
                    domain = it["domain"] as? String ?: throw BridgeError(BridgeError.INVALID_ARGUMENT, "passpoint.domain is missing"),
                    friendlyName = it["friendlyName"] as? String,
                    roamingConsortiumOis = (it["roamingConsortiumOis"] as? List<*>)?.filterIsInstance<String>() ?: emptyList(),
                    naiRealms = (it["naiRealms"] as? List<*>)?.filterIsInstance<String>() ?: emptyList(),
                )
            }
            val ssid = map["ssid"] as? String
            if (ssid.isNullOrEmpty() && passpoint == null) throw BridgeError(BridgeError.INVALID_ARGUMENT, "hotspot needs an ssid")
            return HotspotSpec(ssid, security, map["password"] as? String, map["hidden"] == true, eap, passpoint)
        }
    }
}
