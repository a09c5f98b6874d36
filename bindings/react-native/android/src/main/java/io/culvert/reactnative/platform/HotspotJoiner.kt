package io.culvert.reactnative.platform

import android.content.Context
import android.net.ConnectivityManager
import android.net.Network
import android.net.NetworkCapabilities
import android.net.NetworkRequest
import android.net.wifi.WifiEnterpriseConfig
import android.net.wifi.WifiManager
import android.net.wifi.WifiNetworkSpecifier
import android.net.wifi.WifiNetworkSuggestion
import android.net.wifi.hotspot2.PasspointConfiguration
import android.net.wifi.hotspot2.pps.Credential
import android.net.wifi.hotspot2.pps.HomeSp
import android.os.Build

/**
 * Joins Wi-Fi networks the way Android 10+ allows apps to:
 *
 * - by default a **network suggestion** (`WifiNetworkSuggestion`): the system
 *   asks the user once per app, then joins the network when in range, and
 *   keeps it; Passpoint profiles go the same way (API 30+);
 * - with `joinOnce`, a **`WifiNetworkSpecifier` request**: a system dialog,
 *   a connection for this app only, gone when the app releases it.
 *
 * Failures are [BridgeError]s with react-native-wifi-reborn's reason names.
 */
class HotspotJoiner(private val context: Context) {
    private val wifi: WifiManager? = context.applicationContext.getSystemService(WifiManager::class.java)
    private val connectivity: ConnectivityManager? = context.getSystemService(ConnectivityManager::class.java)
    private var specifierCallback: ConnectivityManager.NetworkCallback? = null

    /** Result of a join: `method` is `suggestion` or `specifier`. */
    data class Joined(val alreadyConnected: Boolean, val method: String) {
        /** As the map `hotspotConnect` resolves. */
        fun toMap(): Map<String, Any?> = mapOf("alreadyConnected" to alreadyConnected, "method" to method)
    }

    /**
     * Adds [spec] as a suggestion. Completes synchronously.
     *
     * @throws BridgeError with a `HOTSPOT_` code.
     */
    fun suggest(spec: HotspotSpec): Joined {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.Q) {
            throw BridgeError.hotspot("unavailableForOSVersion", "Joining networks needs Android 10 (API 29) or later.")
        }
        val manager = wifi ?: throw BridgeError.hotspot("unableToConnect", "This device has no Wi-Fi service.")
        val current = SsidReader.read(context).ssid
        if (spec.ssid != null && current == spec.ssid) return Joined(alreadyConnected = true, method = "suggestion")
        return add(manager, listOf(refused(spec) { buildSuggestion(spec) }))
    }

    /**
     * The platform's builders and setters throw `IllegalArgumentException` /
     * `IllegalStateException` for what they refuse (a short passphrase, an enterprise
     * network without server validation): anywhere in the join path they become typed
     * `HOTSPOT_` errors.
     */
    private inline fun <T> refused(spec: HotspotSpec, block: () -> T): T = try {
        block()
    } catch (e: IllegalArgumentException) {
        val reason = if (spec.eap != null) "invalidEAPSettings" else "invalid"
        throw BridgeError.hotspot(reason, "Android rejected the network: ${e.message ?: "invalid configuration"}")
    } catch (e: IllegalStateException) {
        throw BridgeError.hotspot("invalid", "Android rejected the network: ${e.message ?: "invalid configuration"}")
    }

    /**
     * Adds suggestions built elsewhere (culvert-android's `HotspotConfig.toAndroidWifi()`).
     * [ssid] is the first network's SSID, to report `alreadyConnected`.
     *
     * @throws BridgeError with a `HOTSPOT_` code.
     */
    fun suggest(suggestions: List<WifiNetworkSuggestion>, ssid: String?): Joined {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.Q) {
            throw BridgeError.hotspot("unavailableForOSVersion", "Joining networks needs Android 10 (API 29) or later.")
        }
        val manager = wifi ?: throw BridgeError.hotspot("unableToConnect", "This device has no Wi-Fi service.")
        if (ssid != null && SsidReader.read(context).ssid == ssid) return Joined(alreadyConnected = true, method = "suggestion")
        if (suggestions.isEmpty()) throw BridgeError.hotspot("invalidConfig", "The description contains no network Android can join.")
        return add(manager, suggestions)
    }

    private fun add(manager: WifiManager, suggestions: List<WifiNetworkSuggestion>): Joined {
        // Replace earlier suggestions of the same networks (a password may have changed).
        manager.removeNetworkSuggestions(suggestions)
        failForSuggestionStatus(manager.addNetworkSuggestions(suggestions))
        return Joined(alreadyConnected = false, method = "suggestion")
    }

    /**
     * Requests [spec] with a `WifiNetworkSpecifier` (system dialog, app-only
     * connection). [done] gets the result or a [BridgeError].
     */
    fun request(spec: HotspotSpec, timeoutMs: Int, done: (Result<Joined>) -> Unit) {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.Q) {
            done(Result.failure(BridgeError.hotspot("unavailableForOSVersion", "Joining networks needs Android 10 (API 29) or later.")))
            return
        }
        val cm = connectivity ?: return done(Result.failure(BridgeError.hotspot("unableToConnect", "No connectivity service.")))
        val specifier = try {
            refused(spec) { buildSpecifier(spec) }
        } catch (e: BridgeError) {
            return done(Result.failure(e))
        }
        val request = NetworkRequest.Builder()
            .addTransportType(NetworkCapabilities.TRANSPORT_WIFI)
            .removeCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
            .setNetworkSpecifier(specifier)
            .build()
        release()
        var finished = false
        val callback = object : ConnectivityManager.NetworkCallback() {
            override fun onAvailable(network: Network) {
                if (finished) return
                finished = true
                done(Result.success(Joined(alreadyConnected = false, method = "specifier")))
            }

            override fun onUnavailable() {
                if (finished) return
                finished = true
                done(
                    Result.failure(
                        BridgeError.hotspot("didNotFindNetwork", "The network was not found in time, or the user declined to join it."),
                    ),
                )
            }
        }
        specifierCallback = callback
        try {
            cm.requestNetwork(request, callback, timeoutMs)
        } catch (e: RuntimeException) {
            specifierCallback = null
            done(Result.failure(BridgeError.hotspot("unableToConnect", "The system refused the request: ${e.javaClass.simpleName}")))
        }
    }

    /** Releases a specifier connection made by [request]. */
    fun release() {
        val cb = specifierCallback ?: return
        specifierCallback = null
        try {
            connectivity?.unregisterNetworkCallback(cb)
        } catch (_: IllegalArgumentException) {
            // Already unregistered.
        }
    }

    private fun buildSuggestion(spec: HotspotSpec): WifiNetworkSuggestion {
        val b = WifiNetworkSuggestion.Builder()
        val passpoint = spec.passpoint
        if (passpoint != null) {
            if (Build.VERSION.SDK_INT < Build.VERSION_CODES.R) {
                throw BridgeError.hotspot("unavailableForOSVersion", "Passpoint suggestions need Android 11 (API 30) or later.")
            }
            b.setPasspointConfig(passpointConfig(spec, passpoint))
        } else {
            b.setSsid(spec.ssid ?: throw BridgeError.hotspot("invalidSSID", "The network has no SSID."))
            if (spec.hidden) b.setIsHiddenSsid(true)
            when (spec.security) {
                "open" -> Unit
                "owe" -> b.setIsEnhancedOpen(true)
                "wep" -> throw BridgeError.hotspot("unsupportedSecurity", "Android does not let apps suggest WEP networks.")
                "wpaPersonal" -> b.setWpa2Passphrase(passphrase(spec))
                "wpa3Personal" -> b.setWpa3Passphrase(passphrase(spec))
                "wpaEnterprise" -> b.setWpa2EnterpriseConfig(enterpriseConfig(spec))
                "wpa3Enterprise" -> {
                    if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) {
                        b.setWpa3EnterpriseStandardModeConfig(enterpriseConfig(spec))
                    } else {
                        @Suppress("DEPRECATION")
                        b.setWpa3EnterpriseConfig(enterpriseConfig(spec))
                    }
                }
                else -> throw BridgeError.hotspot("unsupportedSecurity", "Unknown security type ${spec.security}.")
            }
        }
        return try {
            b.build()
        } catch (e: IllegalArgumentException) {
            // The builder enforces the platform's rules (e.g. enterprise networks need server validation).
            val reason = if (spec.eap != null) "invalidEAPSettings" else "invalid"
            throw BridgeError.hotspot(reason, "Android rejected the network: ${e.message ?: "invalid configuration"}")
        } catch (e: IllegalStateException) {
            throw BridgeError.hotspot("invalid", "Android rejected the network: ${e.message ?: "invalid configuration"}")
        }
    }

    private fun buildSpecifier(spec: HotspotSpec): WifiNetworkSpecifier {
        if (spec.passpoint != null) throw BridgeError.hotspot("unsupportedSecurity", "Passpoint networks cannot be requested with joinOnce.")
        val b = WifiNetworkSpecifier.Builder()
        b.setSsid(spec.ssid ?: throw BridgeError.hotspot("invalidSSID", "The network has no SSID."))
        if (spec.hidden) b.setIsHiddenSsid(true)
        when (spec.security) {
            "open" -> Unit
            "owe" -> b.setIsEnhancedOpen(true)
            "wpaPersonal" -> b.setWpa2Passphrase(passphrase(spec))
            "wpa3Personal" -> b.setWpa3Passphrase(passphrase(spec))
            "wpaEnterprise" -> b.setWpa2EnterpriseConfig(enterpriseConfig(spec))
            else -> throw BridgeError.hotspot("unsupportedSecurity", "${spec.security} networks cannot be requested with joinOnce.")
        }
        return try {
            b.build()
        } catch (e: IllegalArgumentException) {
            throw BridgeError.hotspot("invalid", "Android rejected the network: ${e.message ?: "invalid configuration"}")
        } catch (e: IllegalStateException) {
            throw BridgeError.hotspot("invalid", "Android rejected the network: ${e.message ?: "invalid configuration"}")
        }
    }

    private fun passphrase(spec: HotspotSpec): String {
        val p = spec.password
        if (p.isNullOrEmpty()) throw BridgeError.hotspot("invalidPassphrase", "The network needs a password.")
        return p
    }

    private fun enterpriseConfig(spec: HotspotSpec): WifiEnterpriseConfig {
        val eap = spec.eap ?: throw BridgeError.hotspot("invalidEAPSettings", "Enterprise networks need EAP settings.")
        val config = WifiEnterpriseConfig()
        config.eapMethod = when (eap.method) {
            "peap" -> WifiEnterpriseConfig.Eap.PEAP
            "ttls" -> WifiEnterpriseConfig.Eap.TTLS
            "tls" -> WifiEnterpriseConfig.Eap.TLS
            "pwd" -> WifiEnterpriseConfig.Eap.PWD
            "sim" -> WifiEnterpriseConfig.Eap.SIM
            "aka" -> WifiEnterpriseConfig.Eap.AKA
            "akaPrime" -> WifiEnterpriseConfig.Eap.AKA_PRIME
            else -> throw BridgeError.hotspot("invalidEAPSettings", "Unknown EAP method ${eap.method}.")
        }
        eap.phase2?.let {
            config.phase2Method = when (it.uppercase()) {
                "PAP" -> WifiEnterpriseConfig.Phase2.PAP
                "MSCHAP" -> WifiEnterpriseConfig.Phase2.MSCHAP
                "MSCHAPV2" -> WifiEnterpriseConfig.Phase2.MSCHAPV2
                "GTC" -> WifiEnterpriseConfig.Phase2.GTC
                else -> throw BridgeError.hotspot("invalidEAPSettings", "Unknown inner authentication $it.")
            }
        }
        eap.identity?.let { config.identity = it }
        eap.anonymousIdentity?.let { config.anonymousIdentity = it }
        eap.password?.let { config.password = it }
        eap.serverDomain?.let { config.domainSuffixMatch = it }
        return config
    }

    private fun passpointConfig(spec: HotspotSpec, passpoint: HotspotSpec.Passpoint): PasspointConfiguration {
        val home = HomeSp()
        home.fqdn = passpoint.domain
        home.friendlyName = passpoint.friendlyName ?: passpoint.domain
        if (passpoint.roamingConsortiumOis.isNotEmpty()) {
            home.roamingConsortiumOis = passpoint.roamingConsortiumOis.map {
                it.toLongOrNull(16) ?: throw BridgeError.hotspot("invalid", "Roaming consortium OI $it is not hexadecimal.")
            }.toLongArray()
        }
        val credential = Credential()
        credential.realm = passpoint.naiRealms.firstOrNull() ?: passpoint.domain
        val eap = spec.eap
        if (eap != null && (eap.method == "ttls" || eap.method == "peap")) {
            val user = Credential.UserCredential()
            user.username = eap.identity
            // PasspointConfiguration wants the password base64-encoded.
            user.password = eap.password?.let { android.util.Base64.encodeToString(it.toByteArray(), android.util.Base64.NO_WRAP) }
            user.eapType = 21 // EAP-TTLS, the only user-credential method Passpoint defines
            user.nonEapInnerMethod = when (eap.phase2?.uppercase()) {
                "PAP" -> "PAP"
                "MSCHAP" -> "MS-CHAP"
                else -> "MS-CHAP-V2"
            }
            credential.userCredential = user
        } else if (eap != null && (eap.method == "sim" || eap.method == "aka" || eap.method == "akaPrime")) {
            val sim = Credential.SimCredential()
            sim.eapType = when (eap.method) {
                "sim" -> 18
                "aka" -> 23
                else -> 50
            }
            sim.imsi = eap.identity ?: "*"
            credential.simCredential = sim
        } else {
            throw BridgeError.hotspot("invalidEAPSettings", "Passpoint needs TTLS credentials or a SIM method.")
        }
        val config = PasspointConfiguration()
        config.homeSp = home
        config.credential = credential
        return config
    }

    private fun failForSuggestionStatus(status: Int) {
        when (status) {
            WifiManager.STATUS_NETWORK_SUGGESTIONS_SUCCESS -> Unit
            WifiManager.STATUS_NETWORK_SUGGESTIONS_ERROR_APP_DISALLOWED ->
                throw BridgeError.hotspot("userDenied", "The user turned off network suggestions for this app (Settings → Apps → Special access → Wi-Fi control).")
            WifiManager.STATUS_NETWORK_SUGGESTIONS_ERROR_ADD_EXCEEDS_MAX_PER_APP ->
                throw BridgeError.hotspot("tooManySuggestions", "This app has reached Android's limit of network suggestions.")
            WifiManager.STATUS_NETWORK_SUGGESTIONS_ERROR_ADD_NOT_ALLOWED,
            WifiManager.STATUS_NETWORK_SUGGESTIONS_ERROR_ADD_INVALID ->
                throw BridgeError.hotspot("invalid", "Android rejected the network suggestion as invalid.")
            else -> throw BridgeError.hotspot("unableToConnect", "Android could not add the network suggestion (status $status).")
        }
    }
}
