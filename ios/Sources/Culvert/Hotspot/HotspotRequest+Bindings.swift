// A parsed network (generated `WifiNetwork`, from `parseHotspot` / `parseQr`) as
// a `HotspotRequest`, the plain shape NEHotspotConfiguration takes. Pure: tested
// on Linux against every hotspot vector.

extension EAPMethod {
    /// The method for a generated `EapMethod`.
    public init(_ method: EapMethod) {
        switch method {
        case .tls: self = .tls
        case .ttls: self = .ttls
        case .peap: self = .peap
        case .pwd: self = .pwd
        case .fast: self = .fast
        case .sim: self = .sim
        case .aka: self = .aka
        case .akaPrime: self = .akaPrime
        }
    }
}

extension HotspotRequest {
    /// The request for one parsed network. Nothing is checked here: call
    /// `validate()` (or `hotspotConfiguration()`, which does) before applying.
    public init(_ network: WifiNetwork) {
        let password = network.password?.reveal()
        let security: HotspotSecurity
        switch network.security {
        case .open, .owe:
            security = .open
        case .wep:
            security = .wep(key: password ?? "")
        case .wpa, .sae, .wpaSae:
            security = .wpaPersonal(passphrase: password ?? "")
        case .eap:
            security = .enterprise(Self.eapRequest(network, password: password))
        }
        let hs20 = network.passpoint.map { passpoint in
            HS20Request(domainName: passpoint.fqdn, roamingEnabled: true,
                        roamingConsortiumOIs: passpoint.roamingConsortiumOis,
                        naiRealmNames: passpoint.naiRealms.isEmpty ? passpoint.realm.map { [$0] } ?? [] : passpoint.naiRealms,
                        mccAndMNCs: passpoint.mccMnc.map(Self.sixDigitPLMN))
        }
        // iOS has no joinOnce for EAP and Passpoint networks (the parser warned:
        // EAP_JOIN_ONCE); the request drops it rather than failing the join.
        let joinOnce = network.joinOnce && network.security != .eap && network.passpoint == nil
        self.init(ssid: network.ssid, ssidIsPrefix: network.ssidIsPrefix, hidden: network.hidden,
                  joinOnce: joinOnce, security: security, hs20: hs20)
    }

    /// `31041` (MCC 310, 2-digit MNC 41) → `310041`, as NEHotspotHS20Settings wants.
    static func sixDigitPLMN(_ plmn: String) -> String {
        guard plmn.count == 5, plmn.allSatisfy({ $0.isASCII && $0.isNumber }) else { return plmn }
        return String(plmn.prefix(3)) + "0" + String(plmn.suffix(2))
    }

    private static func eapRequest(_ network: WifiNetwork, password: String?) -> EAPRequest {
        let eap = network.eap
        var methods: [EAPMethod] = eap?.method.map { [EAPMethod($0)] } ?? []
        if methods.isEmpty, let credential = network.passpoint?.credential {
            switch credential {
            case .usernamePassword: methods = [.ttls]
            case .certificate: methods = [.tls]
            case .sim: methods = [.sim, .aka, .akaPrime]
            }
        }
        let inner: TTLSInnerAuthentication?
        switch eap?.phase2 {
        case .pap?: inner = .pap
        case .chap?: inner = .chap
        case .mschap?: inner = .mschap
        case .mschapv2?: inner = .mschapv2
        case .eap?: inner = .eap
        case .gtc?, nil: inner = nil
        }
        let needsCertificate = methods.contains(.tls) || eap?.clientIdentity != nil
        return EAPRequest(methods: methods, username: eap?.identity, password: password,
                          outerIdentity: eap?.anonymousIdentity, ttlsInnerAuthentication: inner,
                          trustedServerNames: eap?.trustedServerNames ?? [], requiresClientCertificate: needsCertificate)
    }
}
