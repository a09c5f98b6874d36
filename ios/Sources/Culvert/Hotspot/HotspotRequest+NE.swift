// The NetworkExtension edge of hotspot support: a validated HotspotRequest
// becomes an NEHotspotConfiguration (+ NEHotspotEAPSettings / NEHotspotHS20Settings)
// and is applied. iOS only (NEHotspotConfiguration does not exist on macOS).

#if canImport(NetworkExtension) && (os(iOS) || CULVERT_NE_STANDINS)
import Foundation
import NetworkExtension
import Security

extension HotspotRequest {
    /// The configuration to apply, after `validate()`.
    ///
    /// - Parameters:
    ///   - identity: the client identity for EAP-TLS, from the app's keychain.
    ///   - trustedServerCertificates: server certificates to trust; the app must
    ///     have added them to its keychain first (an NEHotspotEAPSettings rule).
    public func hotspotConfiguration(identity: SecIdentity? = nil,
                                     trustedServerCertificates: [SecCertificate] = []) throws -> NEHotspotConfiguration {
        try validate(hasIdentity: identity != nil, trustedServerCertificateCount: trustedServerCertificates.count)
        let configuration: NEHotspotConfiguration
        if let hs20 = hs20, case let .enterprise(eap) = security {
            let settings = NEHotspotHS20Settings(domainName: hs20.domainName, roamingEnabled: hs20.roamingEnabled)
            settings.roamingConsortiumOIs = hs20.roamingConsortiumOIs
            settings.naiRealmNames = hs20.naiRealmNames
            settings.mccAndMNCs = hs20.mccAndMNCs
            configuration = NEHotspotConfiguration(hs20Settings: settings,
                                                   eapSettings: try Self.eapSettings(eap, identity, trustedServerCertificates))
        } else {
            let ssid = self.ssid ?? ""
            switch security {
            case .open:
                configuration = ssidIsPrefix ? NEHotspotConfiguration(ssidPrefix: ssid) : NEHotspotConfiguration(ssid: ssid)
            case let .wep(key):
                configuration = ssidIsPrefix ? NEHotspotConfiguration(ssidPrefix: ssid, passphrase: key, isWEP: true)
                    : NEHotspotConfiguration(ssid: ssid, passphrase: key, isWEP: true)
            case let .wpaPersonal(passphrase):
                configuration = ssidIsPrefix ? NEHotspotConfiguration(ssidPrefix: ssid, passphrase: passphrase, isWEP: false)
                    : NEHotspotConfiguration(ssid: ssid, passphrase: passphrase, isWEP: false)
            case let .enterprise(eap):
                guard !ssidIsPrefix else {
                    throw HotspotValidationError.invalidSSIDPrefix("enterprise networks cannot be matched by SSID prefix")
                }
                configuration = NEHotspotConfiguration(ssid: ssid,
                                                       eapSettings: try Self.eapSettings(eap, identity, trustedServerCertificates))
            }
        }
        configuration.hidden = hidden
        configuration.joinOnce = joinOnce
        return configuration
    }

    private static func eapSettings(_ eap: EAPRequest, _ identity: SecIdentity?,
                                    _ certificates: [SecCertificate]) throws -> NEHotspotEAPSettings {
        let settings = NEHotspotEAPSettings()
        settings.supportedEAPTypes = eap.methods.compactMap { method -> NSNumber? in
            switch method {
            case .tls: return NSNumber(value: NEHotspotEAPSettings.EAPType.EAPTLS.rawValue)
            case .ttls: return NSNumber(value: NEHotspotEAPSettings.EAPType.EAPTTLS.rawValue)
            case .peap: return NSNumber(value: NEHotspotEAPSettings.EAPType.EAPPEAP.rawValue)
            case .fast: return NSNumber(value: NEHotspotEAPSettings.EAPType.EAPFAST.rawValue)
            default: return nil
            }
        }
        if let username = eap.username { settings.username = username }
        if let password = eap.password { settings.password = password }
        if let outer = eap.outerIdentity { settings.outerIdentity = outer }
        switch eap.ttlsInnerAuthentication {
        case .pap?: settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationPAP
        case .chap?: settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationCHAP
        case .mschap?: settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationMSCHAP
        case .mschapv2?: settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationMSCHAPv2
        case .eap?: settings.ttlsInnerAuthenticationType = .eapttlsInnerAuthenticationEAP
        case nil: break
        }
        settings.trustedServerNames = eap.trustedServerNames
        settings.isTLSClientCertificateRequired = eap.requiresClientCertificate
        if let identity = identity, !settings.setIdentity(identity) {
            throw HotspotValidationError.invalidEAPSettings(
                "the client identity was refused: it must be stored in the \(HotspotRequest.sharingKeychainGroup) keychain access group")
        }
        if !certificates.isEmpty, !settings.setTrustedServerCertificates(certificates) {
            throw HotspotValidationError.invalidEAPSettings(
                "the trusted server certificates were refused: they must be stored in the \(HotspotRequest.sharingKeychainGroup) keychain access group")
        }
        return settings
    }
}

/// Joins networks through `NEHotspotConfigurationManager`.
public enum HotspotJoiner {
    /// Validates, converts and applies `request`. Being already on the network
    /// is success, not an error. Success means the system **stored** the
    /// configuration (and the user agreed), not that the device joined: call
    /// `currentNetworkMatches(_:)` afterwards to know.
    public static func join(_ request: HotspotRequest, identity: SecIdentity? = nil,
                            trustedServerCertificates: [SecCertificate] = []) async throws {
        let configuration = try request.hotspotConfiguration(identity: identity,
                                                             trustedServerCertificates: trustedServerCertificates)
        do {
            try await NEHotspotConfigurationManager.shared.apply(configuration)
        } catch let error as NSError where error.domain == NEHotspotConfigurationErrorDomain
            && error.code == NEHotspotConfigurationError.alreadyAssociated.rawValue {
            return
        }
    }

    /// Whether the device is on `request`'s network now (`NEHotspotNetwork.fetchCurrent`,
    /// which needs the Wi-Fi information entitlement, see `CurrentWiFi`).
    public static func currentNetworkMatches(_ request: HotspotRequest) async -> HotspotJoinCheck {
        let current = await NEHotspotNetwork.fetchCurrent()
        return HotspotJoinCheck.decide(request, currentSSID: current?.ssid)
    }
}
#endif
