import XCTest
@testable import Culvert

final class HotspotRequestTests: XCTestCase {
    private func error(_ request: HotspotRequest) -> HotspotValidationError? {
        do { try request.validate(); return nil } catch { return error as? HotspotValidationError }
    }

    func testPersonalNetworks() {
        XCTAssertNil(error(HotspotRequest(ssid: "Cafe", security: .open)))
        XCTAssertNil(error(HotspotRequest(ssid: "Home", security: .wpaPersonal(passphrase: "correct horse"))))
        guard case .invalidWPAPassphrase? = error(HotspotRequest(ssid: "Home", security: .wpaPersonal(passphrase: String(repeating: "a1", count: 32)))) else { return XCTFail("a raw PSK is refused") }
        XCTAssertNil(error(HotspotRequest(ssid: "Home", security: .wpaPersonal(passphrase: String(repeating: "x", count: 63)))))
        guard case .invalidWEPPassphrase? = error(HotspotRequest(ssid: "Old", security: .wep(key: "abcde"))) else { return XCTFail("ASCII WEP keys are refused") }
        XCTAssertNil(error(HotspotRequest(ssid: "Old", security: .wep(key: "0123456789abcdef0123456789"))))
        XCTAssertNil(error(HotspotRequest(ssid: "Old", security: .wep(key: "0123456789"))))
        guard case .invalidWPAPassphrase? = error(HotspotRequest(ssid: "Home", security: .wpaPersonal(passphrase: "short"))) else { return XCTFail() }
        guard case .invalidWPAPassphrase? = error(HotspotRequest(ssid: "Home", security: .wpaPersonal(passphrase: String(repeating: "x", count: 64)))) else { return XCTFail("64 non-hex") }
        guard case .invalidWPAPassphrase? = error(HotspotRequest(ssid: "Home", security: .wpaPersonal(passphrase: "pässwörter"))) else { return XCTFail("non-ASCII") }
        guard case .invalidWEPPassphrase? = error(HotspotRequest(ssid: "Old", security: .wep(key: "abcdef"))) else { return XCTFail() }
        guard case .invalidSSID? = error(HotspotRequest(ssid: "", security: .open)) else { return XCTFail() }
        guard case .invalidSSID? = error(HotspotRequest(ssid: String(repeating: "é", count: 17), security: .open)) else { return XCTFail("34 bytes") }
        guard case .invalidSSID? = error(HotspotRequest(ssid: nil, security: .open)) else { return XCTFail() }
        guard case .invalidSSIDPrefix? = error(HotspotRequest(ssid: "", ssidIsPrefix: true, security: .open)) else { return XCTFail() }
        XCTAssertNil(error(HotspotRequest(ssid: "Cafe-", ssidIsPrefix: true, security: .wpaPersonal(passphrase: "12345678"))))
        XCTAssertNil(error(HotspotRequest(ssid: "Caf", ssidIsPrefix: true, security: .open)))
        guard case .invalidSSIDPrefix? = error(HotspotRequest(ssid: "Ca", ssidIsPrefix: true, security: .open)) else { return XCTFail("prefix of 2") }
        guard case .invalidSSIDPrefix? = error(HotspotRequest(ssid: String(repeating: "c", count: 33), ssidIsPrefix: true, security: .open)) else { return XCTFail("prefix of 33") }
        guard case .invalidSSIDPrefix? = error(HotspotRequest(ssid: "Corp-", ssidIsPrefix: true,
            security: .enterprise(EAPRequest(methods: [.peap], username: "a", password: "b")))) else { return XCTFail("no EAP prefix init") }
    }

    func testEnterpriseAndPasspoint() {
        let peap = EAPRequest(methods: [.peap], username: "alice", password: "hunter22", trustedServerNames: ["radius.example"])
        XCTAssertNil(error(HotspotRequest(ssid: "Corp", security: .enterprise(peap))))
        guard case .invalidEAPSettings? = error(HotspotRequest(ssid: "Corp", security: .enterprise(EAPRequest(methods: [.ttls], username: "alice")))) else { return XCTFail("no password") }
        guard case .invalidEAPSettings? = error(HotspotRequest(ssid: "Corp", security: .enterprise(EAPRequest(methods: [])))) else { return XCTFail() }
        guard case .invalidEAPSettings? = error(HotspotRequest(ssid: "Corp", security: .enterprise(EAPRequest(methods: [.tls])))) else { return XCTFail("TLS without identity") }
        XCTAssertNil(error(HotspotRequest(ssid: "Corp", security: .enterprise(EAPRequest(methods: [.tls], requiresClientCertificate: true)))))
        guard case let .unsupportedEAPMethod(names)? = error(HotspotRequest(ssid: nil, security: .enterprise(EAPRequest(methods: [.sim, .aka])), hs20: HS20Request(domainName: "carrier.example"))) else { return XCTFail() }
        XCTAssertEqual(names, "EAP-SIM, EAP-AKA")

        let hs20 = HS20Request(domainName: "hotspot.example", roamingConsortiumOIs: ["001BC50460"], naiRealmNames: ["example.com"], mccAndMNCs: ["310410"])
        XCTAssertNil(error(HotspotRequest(ssid: nil, security: .enterprise(peap), hs20: hs20)))
        guard case .invalidHS20Settings? = error(HotspotRequest(ssid: nil, security: .open, hs20: hs20)) else { return XCTFail("HS20 needs EAP") }
        guard case .invalidHS20DomainName? = error(HotspotRequest(ssid: nil, security: .enterprise(peap), hs20: HS20Request(domainName: " "))) else { return XCTFail() }
        guard case .invalidHS20Settings? = error(HotspotRequest(ssid: nil, security: .enterprise(peap), hs20: HS20Request(domainName: "a.example", roamingConsortiumOIs: ["12345"]))) else { return XCTFail("odd OI") }
        guard case .invalidHS20Settings? = error(HotspotRequest(ssid: nil, security: .enterprise(peap), hs20: HS20Request(domainName: "a.example", mccAndMNCs: ["31041x"]))) else { return XCTFail("bad PLMN") }
        guard case .invalidHS20Settings? = error(HotspotRequest(ssid: nil, security: .enterprise(peap), hs20: HS20Request(domainName: "a.example", mccAndMNCs: ["31041"]))) else { return XCTFail("iOS wants 6 digits") }
        XCTAssertEqual(HotspotRequest.sixDigitPLMN("31041"), "310041")
        XCTAssertEqual(HotspotRequest.sixDigitPLMN("310410"), "310410")
        guard case .invalidHS20Settings? = error(HotspotRequest(ssid: nil, joinOnce: true, security: .enterprise(peap), hs20: hs20)) else { return XCTFail("no joinOnce for HS20") }
        guard case .invalidEAPSettings? = error(HotspotRequest(ssid: "Corp", joinOnce: true, security: .enterprise(peap))) else { return XCTFail("no joinOnce for EAP") }
        XCTAssertNil(error(HotspotRequest(ssid: "Cafe", joinOnce: true, security: .open)))
    }

    func testSecretsNeverPrint() {
        let secret = "hunter22-secret"
        let requests = [
            HotspotRequest(ssid: "Home", security: .wpaPersonal(passphrase: secret)),
            HotspotRequest(ssid: "Old", security: .wep(key: secret)),
            HotspotRequest(ssid: "Corp", security: .enterprise(EAPRequest(methods: [.peap], username: "alice", password: secret))),
        ]
        for request in requests {
            var dumped = ""
            dump(request, to: &dumped)
            for text in ["\(request)", String(describing: request), String(reflecting: request), dumped] {
                XCTAssertFalse(text.contains(secret), text)
            }
        }
        XCTAssertFalse(HotspotValidationError.invalidWPAPassphrase("x").description.contains(secret))
    }

    func testCurrentWiFiDiagnosis() {
        XCTAssertEqual(CurrentWiFiUnavailable.diagnose(locationAuthorized: false, preciseLocation: false, exemptFromLocation: false), .locationNotAuthorized)
        XCTAssertEqual(CurrentWiFiUnavailable.diagnose(locationAuthorized: true, preciseLocation: false, exemptFromLocation: false), .reducedLocationAccuracy)
        XCTAssertEqual(CurrentWiFiUnavailable.diagnose(locationAuthorized: true, preciseLocation: true, exemptFromLocation: false), .missingEntitlementOrNotOnWiFi)
        XCTAssertEqual(CurrentWiFiUnavailable.diagnose(locationAuthorized: false, preciseLocation: false, exemptFromLocation: true), .missingEntitlementOrNotOnWiFi,
                       "a VPN app needs no location permission")
        XCTAssertTrue(CurrentWiFiUnavailable.missingEntitlementOrNotOnWiFi.description.contains("com.apple.developer.networking.wifi-info"))
    }

    func testLeakProtectionAndOnDemand() {
        XCTAssertEqual(LeakProtection.none.warnings, [])
        XCTAssertEqual(LeakProtection.killSwitch.warnings, [])
        XCTAssertEqual(LeakProtection(excludeLocalNetworks: true).warnings.count, 1)
        XCTAssertEqual(LeakProtection(includeAllNetworks: true, enforceRoutes: true).warnings.count, 1)
        XCTAssertEqual(OnDemandPolicy.off.rules, [])
        XCTAssertFalse(OnDemandPolicy.off.isEnabled)
        let trusted = OnDemandPolicy.exceptWiFi(trustedSSIDs: ["Home"]).rules
        XCTAssertEqual(trusted.map(\.action), [.disconnect, .connect])
        XCTAssertEqual(trusted.first?.ssids, ["Home"])
        XCTAssertEqual(OnDemandPolicy.exceptWiFi(trustedSSIDs: []).rules, OnDemandPolicy.always.rules)
        XCTAssertEqual(OnDemandPolicy.cellularOnly.rules.first?.interface, .cellular)
        XCTAssertEqual(OnDemandPolicy.wifiOnly.rules.last?.action, .disconnect)
    }

    func testApplyTimeRulesAndTheJoinCheck() throws {
        let tls = HotspotRequest(ssid: "Corp", security: .enterprise(EAPRequest(methods: [.tls], username: "alice",
                                                                                requiresClientCertificate: true)))
        XCTAssertThrowsError(try tls.validate(hasIdentity: false, trustedServerCertificateCount: 0)) {
            XCTAssertTrue("\($0)".contains("com.apple.networkextensionsharing"), "\($0)")
        }
        XCTAssertNoThrow(try tls.validate(hasIdentity: true, trustedServerCertificateCount: 10))
        XCTAssertThrowsError(try tls.validate(hasIdentity: true, trustedServerCertificateCount: 11))
        let wpa = HotspotRequest(ssid: "Home", security: .wpaPersonal(passphrase: "correct horse"))
        XCTAssertEqual(HotspotJoinCheck.decide(wpa, currentSSID: "Home"), .joined)
        XCTAssertEqual(HotspotJoinCheck.decide(wpa, currentSSID: "Neighbour"), .notJoined(currentSSID: "Neighbour"))
        XCTAssertEqual(HotspotJoinCheck.decide(wpa, currentSSID: nil), .notJoined(currentSSID: nil), "stored is not joined")
        let prefix = HotspotRequest(ssid: "Cafe-", ssidIsPrefix: true, security: .open)
        XCTAssertEqual(HotspotJoinCheck.decide(prefix, currentSSID: "Cafe-Upstairs"), .joined)
    }
}
