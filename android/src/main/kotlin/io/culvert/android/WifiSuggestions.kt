package io.culvert.android

import android.annotation.TargetApi
import android.net.wifi.WifiEnterpriseConfig
import android.net.wifi.WifiNetworkSuggestion
import android.net.wifi.hotspot2.PasspointConfiguration
import android.net.wifi.hotspot2.pps.Credential
import android.net.wifi.hotspot2.pps.HomeSp
import android.os.Build
import android.util.Base64
import io.culvert.EapConfig
import io.culvert.EapMethod
import io.culvert.HotspotConfig
import io.culvert.HotspotWarning
import io.culvert.PasspointCredential
import io.culvert.Phase2
import io.culvert.WifiSecurity
import io.culvert.WifiNetwork
import io.culvert.hotspotWarnings
import java.io.ByteArrayInputStream
import java.security.KeyStore
import java.security.PrivateKey
import java.security.cert.CertificateFactory
import java.security.cert.X509Certificate

/**
 * A network that cannot be suggested on Android, and why (Culvert's warning codes:
 * `SSID_TOO_LONG`, `RAW_PSK`, `WEP_DEPRECATED`, `EAP_NO_SERVER_VALIDATION`, ...).
 *
 * @property network the network as parsed.
 * @property reasons the warnings that make Android refuse it; show `detail` to the user.
 */
data class SkippedNetwork(val network: WifiNetwork, val reasons: List<HotspotWarning>)

/**
 * A [HotspotConfig] translated for Android.
 *
 * @property suggestions for `WifiManager.addNetworkSuggestions` (API 29+); Passpoint
 *   networks are included on API 30+ (`setPasspointConfig`).
 * @property passpoint the Passpoint networks as [PasspointConfiguration] (API 26+), for
 *   `WifiManager.addOrUpdatePasspointConfiguration` on API 26–29; from API 30 they are
 *   also in [suggestions]. `Settings.ACTION_WIFI_ADD_NETWORKS` (API 30+) takes the
 *   suggestions: see [canUseAddNetworksIntent].
 * @property skipped networks Android would refuse, with the reasons, found before asking it.
 */
data class AndroidWifi(
    val suggestions: List<WifiNetworkSuggestion>,
    val passpoint: List<PasspointConfiguration>,
    val skipped: List<SkippedNetwork>,
)

/**
 * Warning codes (from Culvert's core) that Android's `WifiNetworkSuggestion.Builder`
 * or the system would refuse: a network with any of them is skipped, not suggested.
 * iOS-only codes (`WEP_ASCII_KEY`, `EAP_JOIN_ONCE`) are not in the set.
 */
val ANDROID_REFUSES: Set<String> = setOf(
    "SSID_TOO_LONG", "SSID_PREFIX_IOS_ONLY", "MISSING_PASSWORD", "PASSPHRASE_TOO_SHORT",
    "PASSPHRASE_TOO_LONG", "PASSPHRASE_NOT_ASCII", "RAW_PSK", "WEP_DEPRECATED", "WEP_KEY_LENGTH",
    "EAP_METHOD_MISSING", "EAP_NO_SERVER_VALIDATION",
)

/**
 * Why Android would refuse [network] as a suggestion: Culvert's platform warnings
 * in [ANDROID_REFUSES], plus what Android's enterprise API has no value for (EAP-FAST,
 * CHAP or inner-EAP phase 2). Empty when it can be suggested.
 */
fun androidRefusals(network: WifiNetwork): List<HotspotWarning> {
    val reasons = hotspotWarnings(network).filter { it.code in ANDROID_REFUSES }.toMutableList()
    val eap = network.eap
    if (network.security == WifiSecurity.EAP && eap != null) {
        if (eap.method == EapMethod.FAST) {
            reasons += HotspotWarning("EAP_METHOD_UNSUPPORTED", "Android has no EAP-FAST")
        }
        if (eap.phase2 == Phase2.CHAP || eap.phase2 == Phase2.EAP) {
            reasons += HotspotWarning("PHASE2_UNSUPPORTED", "Android has no ${eap.phase2} inner authentication")
        }
    }
    val pp = network.passpoint
    if (pp != null && pp.realm.isNullOrEmpty()) {
        reasons += HotspotWarning("PASSPOINT_REALM_MISSING", "Android's Passpoint credential needs a realm")
    }
    return reasons
}

/**
 * Translates this config into Android's Wi-Fi objects, checking Android's rules
 * first ([androidRefusals], [androidRefusalsAt]). DPP records have no networks: use the
 * platform's Easy Connect flow (`Settings.ACTION_PROCESS_WIFI_EASY_CONNECT_URI`) with the URI.
 *
 * Safe on every API level from 24: no class newer than [sdkInt] is touched. Below
 * API 29 there are no suggestions (each non-Passpoint network is skipped with
 * `UNSUPPORTED_ON_THIS_ANDROID`), below API 26 no Passpoint either. Whatever the
 * platform refuses (`IllegalArgumentException`, unreadable certificates) is a skipped
 * network with a reason, never a throw.
 *
 * @param sdkInt the device's API level (a parameter so it can be tested off-device).
 */
fun HotspotConfig.toAndroidWifi(sdkInt: Int = Build.VERSION.SDK_INT): AndroidWifi {
    val suggestions = mutableListOf<WifiNetworkSuggestion>()
    val passpoint = mutableListOf<PasspointConfiguration>()
    val skipped = mutableListOf<SkippedNetwork>()
    for (network in networks) {
        val reasons = androidRefusals(network) + androidRefusalsAt(network, sdkInt)
        if (reasons.isNotEmpty()) {
            skipped += SkippedNetwork(network, reasons)
            continue
        }
        try {
            if (network.passpoint != null) {
                val config = network.toPasspointConfiguration()
                passpoint += config
                if (sdkInt >= 30) suggestions += passpointSuggestion(config)
            } else {
                suggestions += network.toSuggestion(sdkInt)
            }
        } catch (e: IllegalArgumentException) {
            skipped += SkippedNetwork(network, listOf(HotspotWarning("ANDROID_REFUSED", e.message ?: "refused by Android")))
        } catch (e: IllegalStateException) {
            skipped += SkippedNetwork(network, listOf(HotspotWarning("ANDROID_REFUSED", e.message ?: "refused by Android")))
        } catch (e: java.security.GeneralSecurityException) {
            skipped += SkippedNetwork(network, listOf(HotspotWarning("CERTIFICATE_UNREADABLE", e.message ?: "unreadable certificate or key")))
        } catch (e: java.io.IOException) {
            skipped += SkippedNetwork(network, listOf(HotspotWarning("CERTIFICATE_UNREADABLE", e.message ?: "unreadable certificate or key")))
        } catch (e: LinkageError) {
            // A framework class or method this Android lacks (NoClassDefFoundError, NoSuchMethodError).
            skipped += SkippedNetwork(network, listOf(unsupported("this network type", sdkInt, sdkInt + 1)))
        }
    }
    return AndroidWifi(suggestions, passpoint, skipped)
}

/** Lowest API levels of what [toAndroidWifi] builds. */
private const val API_SUGGESTIONS = 29
private const val API_PASSPOINT = 26
private const val API_PASSPOINT_SUGGESTIONS = 30
private const val API_ENTERPRISE_NEEDS_CA_AND_DOMAIN = 30

private fun unsupported(feature: String, required: Int, device: Int) = HotspotWarning(
    CulvertAndroidException.UNSUPPORTED_ON_THIS_ANDROID,
    UnsupportedOnThisAndroid(feature, required, device).message ?: feature,
)

/**
 * What Android at API [sdkInt] refuses of [network] beyond [androidRefusals]:
 * `UNSUPPORTED_ON_THIS_ANDROID` below the level of the objects it needs (suggestions
 * API 29, Passpoint API 26), and on API 30+ an enterprise network without both a CA
 * certificate and a server domain (`EAP_CA_AND_DOMAIN_REQUIRED`: the platform's
 * builder throws for it).
 */
fun androidRefusalsAt(network: WifiNetwork, sdkInt: Int = Build.VERSION.SDK_INT): List<HotspotWarning> {
    if (network.passpoint != null) {
        return if (sdkInt < API_PASSPOINT) listOf(unsupported("Passpoint", API_PASSPOINT, sdkInt)) else emptyList()
    }
    if (sdkInt < API_SUGGESTIONS) return listOf(unsupported("Wi-Fi network suggestions", API_SUGGESTIONS, sdkInt))
    val eap = network.eap
    if (network.security == WifiSecurity.EAP && eap != null && sdkInt >= API_ENTERPRISE_NEEDS_CA_AND_DOMAIN &&
        (eap.caCertificates.isEmpty() || eap.trustedServerNames.isEmpty())
    ) {
        return listOf(
            HotspotWarning(
                "EAP_CA_AND_DOMAIN_REQUIRED",
                "Android 11+ suggests enterprise networks only with a CA certificate and a server domain",
            ),
        )
    }
    return emptyList()
}

/**
 * Whether to offer `Settings.ACTION_WIFI_ADD_NETWORKS` (the system's "save these
 * networks" dialog): it exists from API 30 and takes suggestions, so only then and only
 * with at least one.
 */
fun AndroidWifi.canUseAddNetworksIntent(sdkInt: Int = Build.VERSION.SDK_INT): Boolean =
    sdkInt >= API_PASSPOINT_SUGGESTIONS && suggestions.isNotEmpty()

@TargetApi(30)
private fun passpointSuggestion(config: PasspointConfiguration): WifiNetworkSuggestion =
    WifiNetworkSuggestion.Builder().setPasspointConfig(config).build()

/** One non-Passpoint network as a suggestion (the caller checked [androidRefusals] and the API level). */
@TargetApi(29)
private fun WifiNetwork.toSuggestion(sdkInt: Int): WifiNetworkSuggestion {
    val b = WifiNetworkSuggestion.Builder().setSsid(ssid!!)
    if (hidden) b.setIsHiddenSsid(true)
    val pw = password?.reveal()
    when (security) {
        WifiSecurity.OPEN -> {}
        WifiSecurity.OWE -> b.setIsEnhancedOpen(true)
        // WPA2/WPA3 transition networks are suggested as WPA2: Android upgrades to SAE itself.
        WifiSecurity.WPA, WifiSecurity.WPA_SAE -> b.setWpa2Passphrase(pw!!)
        WifiSecurity.SAE -> b.setWpa3Passphrase(pw!!)
        WifiSecurity.EAP -> b.setWpa2EnterpriseConfig(enterpriseConfig(eap!!, pw, sdkInt))
        WifiSecurity.WEP -> throw IllegalArgumentException("WEP cannot be suggested")
    }
    return b.build()
}

private fun enterpriseConfig(eap: EapConfig, password: String?, sdkInt: Int): WifiEnterpriseConfig {
    val c = WifiEnterpriseConfig()
    c.eapMethod = when (eap.method) {
        EapMethod.TLS -> WifiEnterpriseConfig.Eap.TLS
        EapMethod.TTLS -> WifiEnterpriseConfig.Eap.TTLS
        EapMethod.PEAP -> WifiEnterpriseConfig.Eap.PEAP
        EapMethod.PWD -> WifiEnterpriseConfig.Eap.PWD
        EapMethod.SIM -> WifiEnterpriseConfig.Eap.SIM
        EapMethod.AKA -> WifiEnterpriseConfig.Eap.AKA
        EapMethod.AKA_PRIME -> WifiEnterpriseConfig.Eap.AKA_PRIME
        EapMethod.FAST, null -> throw IllegalArgumentException("EAP method ${eap.method} is not available on Android")
    }
    eap.phase2?.let {
        c.phase2Method = when (it) {
            Phase2.PAP -> WifiEnterpriseConfig.Phase2.PAP
            Phase2.MSCHAP -> WifiEnterpriseConfig.Phase2.MSCHAP
            Phase2.MSCHAPV2 -> WifiEnterpriseConfig.Phase2.MSCHAPV2
            Phase2.GTC -> WifiEnterpriseConfig.Phase2.GTC
            Phase2.CHAP, Phase2.EAP -> throw IllegalArgumentException("phase 2 $it is not available on Android")
        }
    }
    eap.identity?.let { c.identity = it }
    eap.anonymousIdentity?.let { c.anonymousIdentity = it }
    password?.let { c.password = it }
    if (eap.caCertificates.isNotEmpty()) c.caCertificates = eap.caCertificates.map(::x509).toTypedArray()
    // Android matches the RADIUS server name by suffix; several names are ';'-separated.
    if (eap.trustedServerNames.isNotEmpty()) c.domainSuffixMatch = eap.trustedServerNames.joinToString(";")
    eap.clientIdentity?.let { id ->
        val (key, chain) = pkcs12(id.pkcs12.reveal(), id.password?.reveal())
        // Keep the intermediates (API 29+): the RADIUS server may need the whole chain.
        if (sdkInt >= 29 && chain.size > 1) setChainApi29(c, key, chain) else c.setClientKeyEntry(key, chain.first())
    }
    return c
}

@TargetApi(29)
private fun setChainApi29(c: WifiEnterpriseConfig, key: PrivateKey, chain: List<X509Certificate>) {
    c.setClientKeyEntryWithCertificateChain(key, chain.toTypedArray())
}

/** A Passpoint network as Android's [PasspointConfiguration] (the caller checked [androidRefusals]). */
fun WifiNetwork.toPasspointConfiguration(): PasspointConfiguration {
    val pp = requireNotNull(passpoint) { "not a Passpoint network" }
    val home = HomeSp()
    home.fqdn = pp.fqdn
    home.friendlyName = pp.friendlyName ?: pp.fqdn
    if (pp.roamingConsortiumOis.isNotEmpty()) {
        home.roamingConsortiumOis = pp.roamingConsortiumOis.map { it.toLong(16) }.toLongArray()
    }
    if (pp.otherHomePartners.isNotEmpty()) home.otherHomePartners = pp.otherHomePartners.toTypedArray()

    val cred = Credential()
    cred.realm = pp.realm
    val eap = eap
    when (val kind = pp.credential ?: PasspointCredential.UsernamePassword) {
        is PasspointCredential.UsernamePassword -> {
            val user = Credential.UserCredential()
            user.username = eap?.identity
            // Android keeps Passpoint passwords base64-encoded (as the PPS MO carries them).
            user.password = password?.reveal()?.let { Base64.encodeToString(it.toByteArray(), Base64.NO_WRAP) }
            user.eapType = 21 // EAP-TTLS
            user.nonEapInnerMethod = when (eap?.phase2) {
                Phase2.PAP -> "PAP"
                Phase2.MSCHAP -> "MS-CHAP"
                else -> "MS-CHAP-V2"
            }
            cred.userCredential = user
        }
        is PasspointCredential.Certificate -> {
            val cert = Credential.CertificateCredential()
            cert.certType = "x509v3"
            kind.sha256Fingerprint?.let { cert.certSha256Fingerprint = hex(it) }
            cred.certCredential = cert
            eap?.clientIdentity?.let { id ->
                val (key, chain) = pkcs12(id.pkcs12.reveal(), id.password?.reveal())
                cred.clientPrivateKey = key
                cred.clientCertificateChain = chain.toTypedArray()
                if (kind.sha256Fingerprint == null) {
                    cert.certSha256Fingerprint = java.security.MessageDigest.getInstance("SHA-256").digest(chain.first().encoded)
                }
            }
        }
        is PasspointCredential.Sim -> {
            val sim = Credential.SimCredential()
            sim.imsi = kind.imsi
            sim.eapType = when (eap?.method) {
                EapMethod.AKA -> 23
                EapMethod.AKA_PRIME -> 50
                else -> 18 // EAP-SIM
            }
            cred.simCredential = sim
        }
    }
    eap?.caCertificates?.firstOrNull()?.let { cred.caCertificate = x509(it) }

    val config = PasspointConfiguration()
    config.homeSp = home
    config.credential = cred
    return config
}

private fun x509(der: ByteArray): X509Certificate =
    CertificateFactory.getInstance("X.509").generateCertificate(ByteArrayInputStream(der)) as X509Certificate

private fun pkcs12(blob: ByteArray, password: String?): Pair<PrivateKey, List<X509Certificate>> {
    val pass = (password ?: "").toCharArray()
    val store = KeyStore.getInstance("PKCS12")
    store.load(ByteArrayInputStream(blob), pass)
    for (alias in store.aliases()) {
        val key = store.getKey(alias, pass) as? PrivateKey ?: continue
        val chain = store.getCertificateChain(alias)?.filterIsInstance<X509Certificate>().orEmpty()
        if (chain.isNotEmpty()) return key to chain
    }
    throw java.security.KeyStoreException("the PKCS#12 client identity has no private key with a certificate")
}

private fun hex(text: String): ByteArray = ByteArray(text.length / 2) { i -> text.substring(2 * i, 2 * i + 2).toInt(16).toByte() }
