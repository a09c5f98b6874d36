package io.culvert.android

import android.annotation.TargetApi
import android.content.pm.PackageManager
import android.net.IpPrefix
import android.net.Network
import android.net.VpnService
import android.os.Build
import android.system.OsConstants
import io.culvert.NetworkSettings
import java.net.InetAddress

/**
 * What [applyNetworkSettings] did not apply, for the app to show or log.
 *
 * @property missingApplications packages named in `IncludedApplications` /
 *   `ExcludedApplications` that are not installed (Android refuses them; the
 *   rest of the list still applies).
 * @property usedExcludeRoute whether the excluded routes were applied with
 *   `excludeRoute` (API 33+) rather than as the pre-subtracted route set.
 */
data class AppliedSettings(
    val missingApplications: List<String>,
    val usedExcludeRoute: Boolean,
)

/**
 * App choices for the interface that are not in the config.
 *
 * @property allowBypass `VpnService.Builder.allowBypass()`: apps may bind sockets to
 *   another network and so leave the tunnel (off by default: nothing bypasses).
 * @property metered `null` (default): unmetered on API 29+ (`setMetered(false)`), so the
 *   VPN takes the underlying network's metering; `true`: always metered (API 29+).
 *   Below API 29 Android decides and this is ignored.
 */
data class VpnOptions(
    val allowBypass: Boolean = false,
    val metered: Boolean? = null,
)

/**
 * Applies Culvert's [NetworkSettings] to this builder: addresses, routes, DNS servers
 * and search domains, MTU, per-app lists, the families allowed to bypass
 * (`allowFamily`, see below), the underlying network, metering, bypass, and a
 * non-blocking fd (Culvert polls it).
 *
 * Families: Android blocks every family the VPN configures nothing for, device-wide.
 * `allowFamily(AF_INET/AF_INET6)` is called as the core decided
 * (`allowFamilyIpv4`/`allowFamilyIpv6`: both, unless the config routes everything),
 * so an IPv4-only split tunnel leaves IPv6 working and a full tunnel keeps the other
 * family blocked (kill switch).
 *
 * Routes: on API 33+ the included routes are added and the excluded ones removed with
 * `excludeRoute`; below API 33 (no `excludeRoute`) the pre-subtracted set
 * `includedRoutesMinusExcluded` is added instead, which covers exactly the same addresses.
 * Every decision (which routes, which DNS, which MTU) was made by Culvert's core; this
 * only translates.
 *
 * @param settings from `TunnelConfig.networkSettings(...)`.
 * @param underlyingNetwork the network the tunnel's UDP traffic uses, if known
 *   (`setUnderlyingNetworks`, so the system reports its metering and transport).
 * @param sdkInt the device's API level (a parameter so it can be tested off-device).
 */
fun VpnService.Builder.applyNetworkSettings(
    settings: NetworkSettings,
    underlyingNetwork: Network? = null,
    sdkInt: Int = Build.VERSION.SDK_INT,
    options: VpnOptions = VpnOptions(),
): AppliedSettings {
    for (a in settings.addresses) addAddress(a.address, a.prefixLength.toInt())
    val useExclude = sdkInt >= 33 && settings.excludedRoutes.isNotEmpty()
    if (useExclude) {
        for (r in settings.includedRoutes) addRoute(r.address, r.prefixLength.toInt())
        excludeRoutes(settings)
    } else {
        for (r in settings.includedRoutesMinusExcluded) addRoute(r.address, r.prefixLength.toInt())
    }
    for (d in settings.dnsServers) addDnsServer(d)
    for (s in settings.dnsSearchDomains) addSearchDomain(s)
    setMtu(settings.mtu.toInt())
    if (settings.allowFamilyIpv4) allowFamily(OsConstants.AF_INET)
    if (settings.allowFamilyIpv6) allowFamily(OsConstants.AF_INET6)

    val missing = mutableListOf<String>()
    // The config parser rejects a config that has both lists.
    for (app in settings.includedApplications) {
        try {
            addAllowedApplication(app)
        } catch (e: PackageManager.NameNotFoundException) {
            missing += app
        }
    }
    for (app in settings.excludedApplications) {
        try {
            addDisallowedApplication(app)
        } catch (e: PackageManager.NameNotFoundException) {
            missing += app
        }
    }

    // Android refuses all missing packages one by one; with none left, addAllowedApplication
    // was never called and the VPN would silently cover every app on the device.
    if (settings.includedApplications.isNotEmpty() && missing.containsAll(settings.includedApplications)) {
        throw CulvertAndroidException(
            CulvertAndroidException.NO_INCLUDED_APPLICATION_INSTALLED,
            "none of the ${settings.includedApplications.size} IncludedApplications packages is installed",
        )
    }

    setBlocking(false)
    if (underlyingNetwork != null) setUnderlyingNetworks(arrayOf(underlyingNetwork))
    if (options.allowBypass) allowBypass()
    if (sdkInt >= 29) setMeteredApi29(options.metered ?: false)
    return AppliedSettings(missing, useExclude)
}

@TargetApi(33)
private fun VpnService.Builder.excludeRoutes(settings: NetworkSettings) {
    for (r in settings.excludedRoutes) excludeRoute(IpPrefix(InetAddress.getByName(r.address), r.prefixLength.toInt()))
}

/** `setMetered(false)`: the VPN is metered exactly when its underlying network is (API 29+). */
@TargetApi(29)
private fun VpnService.Builder.setMeteredApi29(metered: Boolean) {
    setMetered(metered)
}
