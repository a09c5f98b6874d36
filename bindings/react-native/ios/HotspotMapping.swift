// HotspotConfig (the JS shape) → NEHotspotConfiguration, and the iOS hotspot
// errors → react-native-wifi-reborn's reason names.

import Foundation
import NetworkExtension
import Culvert

enum HotspotMapping {
    /// A failure with a `HotspotErrorCode` reason.
    struct Failure: Error {
        let reason: String
        let message: String
    }

    /// Builds the configuration for a JS `HotspotConfig` (already checked in TS).
    static func configuration(from c: [String: Any], joinOnce: Bool) throws -> NEHotspotConfiguration {
        let security = c["security"] as? String ?? ""
        let password = c["password"] as? String
        let configuration: NEHotspotConfiguration
        if let passpoint = c["passpoint"] as? [String: Any] {
            guard let domain = passpoint["domain"] as? String else { throw Failure(reason: "invalid", message: "passpoint.domain is missing") }
            let hs20 = NEHotspotHS20Settings(domainName: domain, roamingEnabled: true)
            hs20.roamingConsortiumOIs = passpoint["roamingConsortiumOis"] as? [String] ?? []
            hs20.naiRealmNames = passpoint["naiRealms"] as? [String] ?? []
            configuration = NEHotspotConfiguration(hs20Settings: hs20, eapSettings: try eapSettings(c["eap"]))
        } else {
            guard let ssid = c["ssid"] as? String, !ssid.isEmpty else { throw Failure(reason: "invalidSSID", message: "The network has no SSID.") }
            switch security {
            case "open", "owe":
                configuration = NEHotspotConfiguration(ssid: ssid)
            case "wep", "wpaPersonal", "wpa3Personal":
                guard let password = password, !password.isEmpty else {
                    throw Failure(reason: "invalidPassphrase", message: "The network needs a password.")
                }
                configuration = NEHotspotConfiguration(ssid: ssid, passphrase: password, isWEP: security == "wep")
            case "wpaEnterprise", "wpa3Enterprise":
                configuration = NEHotspotConfiguration(ssid: ssid, eapSettings: try eapSettings(c["eap"]))
            default:
                throw Failure(reason: "unsupportedSecurity", message: "Unknown security type \(security).")
            }
            configuration.hidden = c["hidden"] as? Bool ?? false
        }
        configuration.joinOnce = joinOnce
        return configuration
    }

    private static func eapSettings(_ raw: Any?) throws -> NEHotspotEAPSettings {
        guard let eap = raw as? [String: Any], let method = eap["method"] as? String else {
            throw Failure(reason: "invalidEAPSettings", message: "Enterprise networks need EAP settings.")
        }
        let settings = NEHotspotEAPSettings()
        switch method {
        case "peap": settings.supportedEAPTypes = [NSNumber(value: NEHotspotEAPSettings.EAPType.EAPPEAP.rawValue)]
        case "ttls": settings.supportedEAPTypes = [NSNumber(value: NEHotspotEAPSettings.EAPType.EAPTTLS.rawValue)]
        case "tls": settings.supportedEAPTypes = [NSNumber(value: NEHotspotEAPSettings.EAPType.EAPTLS.rawValue)]
        case "fast": settings.supportedEAPTypes = [NSNumber(value: NEHotspotEAPSettings.EAPType.EAPFAST.rawValue)]
        default:
            // NEHotspotEAPSettings has no PWD, SIM or AKA.
            throw Failure(reason: "unsupportedSecurity", message: "iOS cannot join \(method.uppercased()) networks from an app.")
        }
        settings.username = eap["identity"] as? String ?? ""
        settings.password = eap["password"] as? String ?? ""
        if let outer = eap["anonymousIdentity"] as? String { settings.outerIdentity = outer }
        if let domain = eap["serverDomain"] as? String { settings.trustedServerNames = [domain] }
        if let phase2 = (eap["phase2"] as? String)?.uppercased() {
            switch phase2 {
            case "PAP": settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationPAP
            case "CHAP": settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationCHAP
            case "MSCHAP": settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationMSCHAP
            case "MSCHAPV2": settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationMSCHAPv2
            default: settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationEAP
            }
        }
        return settings
    }

    /// `NEHotspotConfigurationError` → `HotspotErrorCode`.
    static func reason(for error: NSError) -> String {
        guard error.domain == NEHotspotConfigurationErrorDomain,
              let code = NEHotspotConfigurationError(rawValue: error.code) else { return "unableToConnect" }
        switch code {
        case .invalid: return "invalid"
        case .invalidSSID, .invalidSSIDPrefix: return "invalidSSID"
        case .invalidWPAPassphrase, .invalidWEPPassphrase: return "invalidPassphrase"
        case .invalidEAPSettings, .invalidHS20Settings, .invalidHS20DomainName: return "invalidEAPSettings"
        case .userDenied: return "userDenied"
        case .internal: return "entitlementMissing" // what a missing Hotspot Configuration entitlement looks like
        case .pending, .systemConfiguration, .unknown, .joinOnceNotSupported, .alreadyAssociated, .applicationIsNotInForeground:
            return "unableToConnect"
        @unknown default: return "unableToConnect"
        }
    }

    /// The `hotspotCurrentSsid` answer for the Culvert package's diagnosis of a nil
    /// `NEHotspotNetwork.fetchCurrent`, split further with the provisioning profile.
    static func unknownSsid(_ reason: CurrentWiFiUnavailable) -> [String: Any] {
        let entitlementKey = "com.apple.developer.networking.wifi-info"
        switch reason {
        case .locationNotAuthorized, .reducedLocationAccuracy:
            return ["ssid": NSNull(), "reason": "locationPermissionMissing", "message": reason.description]
        case .missingEntitlementOrNotOnWiFi:
            if !hasEntitlement(entitlementKey) {
                return ["ssid": NSNull(), "reason": "entitlementMissing",
                        "message": "Add the Access Wi-Fi Information capability (\(entitlementKey)) to the app."]
            }
            return ["ssid": NSNull(), "reason": "notConnected", "message": "The device is not on a Wi-Fi network."]
        }
    }

    /// Best effort: entitlements are not readable at run time on iOS, but the
    /// provisioning profile embedded in the app lists them.
    private static func hasEntitlement(_ key: String) -> Bool {
        guard let url = Bundle.main.url(forResource: "embedded", withExtension: "mobileprovision"),
              let data = try? Data(contentsOf: url),
              let text = String(data: data, encoding: .isoLatin1) else {
            return true // Simulator / App Store builds have no embedded profile: assume present.
        }
        return text.contains(key)
    }
}
