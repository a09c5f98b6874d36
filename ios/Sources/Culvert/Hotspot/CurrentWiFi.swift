// The current Wi-Fi network (`NEHotspotNetwork.fetchCurrent`), with a reason
// when the system answers nil. The reasons are decided on plain values (tested on
// Linux); the lookup itself is iOS-only.

/// Why the current Wi-Fi network could not be read.
public enum CurrentWiFiUnavailable: Error, Equatable, CustomStringConvertible {
    /// The app lacks the `com.apple.developer.networking.wifi-info` entitlement
    /// ("Access Wi-Fi Information" capability), or the device is not on Wi-Fi.
    case missingEntitlementOrNotOnWiFi
    /// Location permission is not granted (and the app is not a VPN or hotspot
    /// app exempt from it).
    case locationNotAuthorized
    /// Location is granted only with reduced accuracy; precise location is needed.
    case reducedLocationAccuracy

    /// What to change, as a sentence for a developer.
    public var description: String {
        switch self {
        case .missingEntitlementOrNotOnWiFi:
            return "NEHotspotNetwork.fetchCurrent returned nil: add the 'Access Wi-Fi Information' capability (com.apple.developer.networking.wifi-info) to the app, or the device is not on Wi-Fi"
        case .locationNotAuthorized:
            return "NEHotspotNetwork.fetchCurrent returned nil: the app needs location permission (When In Use), unless it installed a VPN configuration or the current network itself"
        case .reducedLocationAccuracy:
            return "NEHotspotNetwork.fetchCurrent returned nil: the app has only approximate location; precise location is required"
        }
    }

    /// The most likely reason, from what the app knows about itself.
    /// - Parameters:
    ///   - locationAuthorized: location permission is `authorizedWhenInUse`/`authorizedAlways`.
    ///   - preciseLocation: `accuracyAuthorization == .fullAccuracy`.
    ///   - exemptFromLocation: the app has a VPN configuration installed
    ///     (`NETunnelProviderManager`) or configured the current network itself.
    public static func diagnose(locationAuthorized: Bool, preciseLocation: Bool, exemptFromLocation: Bool) -> CurrentWiFiUnavailable {
        if !exemptFromLocation {
            if !locationAuthorized { return .locationNotAuthorized }
            if !preciseLocation { return .reducedLocationAccuracy }
        }
        return .missingEntitlementOrNotOnWiFi
    }
}

#if canImport(NetworkExtension) && canImport(CoreLocation) && (os(iOS) || CULVERT_NE_STANDINS)
import CoreLocation
import NetworkExtension

/// Reads the current Wi-Fi network.
public enum CurrentWiFi {
    /// The SSID and BSSID of the current network, or the reason it cannot be read.
    /// - Parameter exemptFromLocation: pass `true` when the app installed a VPN
    ///   configuration (then no location permission is needed).
    public static func fetch(exemptFromLocation: Bool) async -> Result<(ssid: String, bssid: String), CurrentWiFiUnavailable> {
        if let network = await NEHotspotNetwork.fetchCurrent() {
            return .success((network.ssid, network.bssid))
        }
        let manager = CLLocationManager()
        let status = manager.authorizationStatus
        let authorized = status == .authorizedWhenInUse || status == .authorizedAlways
        return .failure(CurrentWiFiUnavailable.diagnose(locationAuthorized: authorized,
                                                        preciseLocation: manager.accuracyAuthorization == .fullAccuracy,
                                                        exemptFromLocation: exemptFromLocation))
    }
}
#endif
