package io.culvert.reactnative

import io.culvert.ConfigException
import io.culvert.ConfigSection
import io.culvert.HotspotConfig
import io.culvert.HotspotException
import io.culvert.QrException
import io.culvert.QrPayload
import io.culvert.WifiSecurity
import io.culvert.TunnelConfig
import io.culvert.WifiNetwork
import io.culvert.android.toAndroidWifi
import android.net.wifi.WifiNetworkSuggestion
import io.culvert.reactnative.platform.BridgeError
import io.culvert.reactnative.platform.HotspotSpec

/**
 * The only file of this module that calls the Culvert Kotlin package
 * (`io.culvert`, the UniFFI bindings shipped in `io.culvert:culvert-android`):
 * config, QR and hotspot parsing into the plain maps JS reads. The tunnel
 * itself runs in [CulvertReactVpnService] on culvert-android's `CulvertVpnService`.
 */
internal object CulvertCoreAdapter {
    /** `parseConfig` answer: `{ ok, config, warnings }` or `{ ok: false, error }`. */
    fun parseConfig(text: String): Map<String, Any?> = try {
        val config = TunnelConfig.parse(text)
        try {
            mapOf("ok" to true, "config" to summary(config), "warnings" to warnings(config))
        } finally {
            config.destroy()
        }
    } catch (e: ConfigException.Invalid) {
        mapOf("ok" to false, "error" to configError(e.kind.name, e.section, e.key, e.line?.toInt(), e.detail))
    } catch (e: ConfigException) {
        mapOf("ok" to false, "error" to mapOf("kind" to "INVALID_VALUE", "message" to "The configuration could not be read."))
    }

    /** Parses [text] or throws `CONFIG_INVALID` carrying kind/section/key/line. The caller destroys the result. */
    fun requireValid(text: String): TunnelConfig {
        try {
            return TunnelConfig.parse(text)
        } catch (e: ConfigException.Invalid) {
            throw BridgeError(
                BridgeError.CONFIG_INVALID,
                e.detail,
                configError(e.kind.name, e.section, e.key, e.line?.toInt(), e.detail) - "message",
            )
        } catch (e: ConfigException) {
            throw BridgeError(BridgeError.CONFIG_INVALID, "The configuration could not be read.")
        }
    }

    /** `parseQr` answer. */
    fun parseQr(text: String): Map<String, Any?> = try {
        when (val payload = io.culvert.parseQr(text)) {
            is QrPayload.WireGuard -> try {
                mapOf("ok" to true, "type" to "wireguard", "config" to summary(payload.config), "warnings" to warnings(payload.config))
            } finally {
                payload.config.destroy()
            }
            is QrPayload.Wifi -> mapOf("ok" to true, "type" to "wifi", "hotspot" to firstNetwork(payload.hotspot))
            is QrPayload.Dpp -> mapOf("ok" to true, "type" to "dpp", "hotspot" to firstNetwork(payload.hotspot))
        }
    } catch (e: QrException.Config) {
        mapOf("ok" to false, "type" to "wireguard", "error" to configError(e.kind.name, e.section, e.key, e.line?.toInt(), e.detail))
    } catch (e: QrException.Hotspot) {
        mapOf("ok" to false, "error" to mapOf("kind" to e.kind.name, "message" to e.detail))
    } catch (e: QrException) {
        mapOf("ok" to false, "error" to mapOf("kind" to "INTERNAL", "message" to "The QR code could not be read."))
    } catch (e: BridgeError) {
        mapOf("ok" to false, "error" to mapOf("kind" to e.code, "message" to e.message))
    }

    /** `hotspotParse` answer. */
    fun parseHotspot(text: String): Map<String, Any?> = try {
        mapOf("ok" to true, "hotspot" to firstNetwork(io.culvert.parseHotspot(text.toByteArray(Charsets.UTF_8), null)))
    } catch (e: HotspotException.Invalid) {
        mapOf("ok" to false, "error" to mapOf("kind" to e.kind.name, "message" to e.detail))
    } catch (e: HotspotException) {
        mapOf("ok" to false, "error" to mapOf("kind" to "INTERNAL", "message" to "The hotspot configuration could not be read."))
    } catch (e: BridgeError) {
        mapOf("ok" to false, "error" to mapOf("kind" to e.code, "message" to e.message))
    }

    /** Parses hotspot text straight into a [HotspotSpec] (the password never visits JS). */
    fun hotspotSpec(text: String): HotspotSpec {
        val parsed = parseHotspot(text)
        if (parsed["ok"] != true) {
            @Suppress("UNCHECKED_CAST")
            val message = (parsed["error"] as? Map<String, Any?>)?.get("message") as? String ?: "Not a hotspot configuration."
            throw BridgeError.hotspot("invalidConfig", message)
        }
        @Suppress("UNCHECKED_CAST")
        return HotspotSpec.fromMap(parsed["hotspot"] as Map<String, Any?>)
    }

    /**
     * Hotspot text → Android network suggestions, with culvert-android's
     * translation and refusal rules (`HotspotConfig.toAndroidWifi()`). Returns the
     * suggestions and the first network's SSID.
     *
     * @throws BridgeError `HOTSPOT_invalidConfig` for unreadable text, or the reason
     *   Android would refuse the network (`invalidPassphrase`, `invalidSSID`,
     *   `unsupportedSecurity`, `invalidEAPSettings`, `invalid`).
     */
    fun androidSuggestions(text: String, sdkInt: Int = android.os.Build.VERSION.SDK_INT): Pair<List<WifiNetworkSuggestion>, String?> {
        // Before anything touches WifiNetworkSuggestion (API 29): on API 24–28 the class is
        // missing and its NoClassDefFoundError would kill the app.
        if (sdkInt < 29) {
            throw BridgeError.hotspot(
                "unavailableForOSVersion",
                "Joining networks needs Android 10 (API 29) or later; this device runs API $sdkInt.",
            )
        }
        val config = try {
            io.culvert.parseHotspot(text.toByteArray(Charsets.UTF_8), null)
        } catch (e: HotspotException.Invalid) {
            throw BridgeError.hotspot("invalidConfig", e.detail)
        } catch (e: HotspotException) {
            throw BridgeError.hotspot("invalidConfig", "The hotspot configuration could not be read.")
        }
        val android = config.toAndroidWifi(sdkInt)
        val skipped = android.skipped.firstOrNull()
        if (android.suggestions.isEmpty() && skipped != null) {
            val code = skipped.reasons.firstOrNull()?.code.orEmpty()
            val reason = when {
                code == "MISSING_PASSWORD" || code.startsWith("PASSPHRASE_") || code == "RAW_PSK" -> "invalidPassphrase"
                code.startsWith("SSID_") -> "invalidSSID"
                code.startsWith("WEP_") || code.endsWith("_UNSUPPORTED") -> "unsupportedSecurity"
                code.startsWith("EAP_") || code.startsWith("PASSPOINT_") -> "invalidEAPSettings"
                else -> "invalid"
            }
            throw BridgeError.hotspot(reason, skipped.reasons.joinToString("; ") { it.detail })
        }
        return android.suggestions to config.networks.firstOrNull()?.ssid
    }

    private fun configError(kind: String, section: ConfigSection?, key: String?, line: Int?, detail: String): Map<String, Any?> = mapOf(
        "kind" to kind, // ConfigErrorKind.SYNTAX_ERROR.name == "SYNTAX_ERROR", as the Rust core's as_str()
        "section" to when (section) {
            ConfigSection.INTERFACE -> "Interface"
            ConfigSection.PEER -> "Peer"
            null -> null
        },
        "key" to key,
        "line" to line?.toDouble(),
        "message" to detail,
    )

    private fun warnings(config: TunnelConfig): List<Map<String, Any?>> =
        config.warnings().map { mapOf("code" to it.code, "message" to it.detail) }

    private fun summary(config: TunnelConfig): Map<String, Any?> {
        val i = config.interfaceInfo()
        return mapOf(
            "interface" to mapOf(
                "publicKey" to i.publicKey,
                "addresses" to i.addresses,
                "dns" to i.dnsServers,
                "dnsSearchDomains" to i.dnsSearchDomains,
                "mtu" to i.mtu?.toDouble(),
                "listenPort" to i.listenPort?.toDouble(),
            ),
            "peers" to config.peers().map { p ->
                mapOf(
                    "publicKey" to p.publicKey,
                    "endpoint" to p.endpoint,
                    "allowedIps" to p.allowedIps,
                    "persistentKeepalive" to p.persistentKeepalive?.toDouble(),
                    "hasPresharedKey" to p.hasPresharedKey,
                )
            },
        )
    }

    /** The JS `HotspotConfig` of the first network of a parsed hotspot description. */
    private fun firstNetwork(h: HotspotConfig): Map<String, Any?> {
        val n = h.networks.firstOrNull() ?: throw BridgeError.hotspot("invalidConfig", "The description contains no Wi-Fi network.")
        return network(n)
    }

    private fun network(n: WifiNetwork): Map<String, Any?> = mapOf(
        "ssid" to n.ssid,
        "security" to when (n.security) {
            WifiSecurity.OPEN -> "open"
            WifiSecurity.OWE -> "owe"
            WifiSecurity.WEP -> "wep"
            WifiSecurity.WPA, WifiSecurity.WPA_SAE -> "wpaPersonal" // WPA2 passphrases also join WPA2/WPA3 transition networks
            WifiSecurity.SAE -> "wpa3Personal"
            WifiSecurity.EAP -> "wpaEnterprise"
        },
        "password" to n.password?.reveal(),
        "hidden" to n.hidden,
        "eap" to n.eap?.let { e ->
            mapOf(
                "method" to when (e.method) {
                    io.culvert.EapMethod.TLS -> "tls"
                    io.culvert.EapMethod.TTLS -> "ttls"
                    io.culvert.EapMethod.PEAP -> "peap"
                    io.culvert.EapMethod.PWD -> "pwd"
                    io.culvert.EapMethod.FAST -> "fast"
                    io.culvert.EapMethod.SIM -> "sim"
                    io.culvert.EapMethod.AKA -> "aka"
                    io.culvert.EapMethod.AKA_PRIME -> "akaPrime"
                    null -> "peap"
                },
                "identity" to e.identity,
                "anonymousIdentity" to e.anonymousIdentity,
                // The EAP password of a parsed profile travels in WifiNetwork.password.
                "password" to n.password?.reveal(),
                "phase2" to e.phase2?.name,
                "serverDomain" to e.trustedServerNames.firstOrNull(),
            )
        },
        "passpoint" to n.passpoint?.let { p ->
            mapOf("domain" to p.fqdn, "friendlyName" to p.friendlyName, "roamingConsortiumOis" to p.roamingConsortiumOis, "naiRealms" to p.naiRealms)
        },
    )
}
