// A Wi-Fi network to join, in the shape NEHotspotConfiguration takes, and the
// API's validation rules checked up front (before the system answers with an
// opaque NEHotspotConfigurationError). Pure: tested on Linux. The
// NEHotspotConfiguration objects are built in `HotspotRequest+NE.swift`.

/// An EAP method as a hotspot profile names it.
public enum EAPMethod: Equatable, Sendable, CustomStringConvertible {
    /// EAP-TLS (13): client certificate.
    case tls
    /// EAP-TTLS (21).
    case ttls
    /// PEAP (25).
    case peap
    /// EAP-FAST (43).
    case fast
    /// EAP-SIM (18): not available through NEHotspotConfiguration.
    case sim
    /// EAP-AKA (23): not available through NEHotspotConfiguration.
    case aka
    /// EAP-AKA' (50): not available through NEHotspotConfiguration.
    case akaPrime
    /// EAP-pwd (52): not available through NEHotspotConfiguration.
    case pwd
    /// Any other EAP type number.
    case other(Int)

    /// The IANA EAP type number.
    public var typeNumber: Int {
        switch self {
        case .tls: return 13
        case .ttls: return 21
        case .peap: return 25
        case .fast: return 43
        case .sim: return 18
        case .aka: return 23
        case .akaPrime: return 50
        case .pwd: return 52
        case let .other(number): return number
        }
    }

    /// Whether `NEHotspotEAPSettings.supportedEAPTypes` can express it.
    public var isSupportedByNEHotspot: Bool {
        switch self {
        case .tls, .ttls, .peap, .fast: return true
        default: return false
        }
    }

    /// The method's usual name (`EAP-TTLS`, ...).
    public var description: String {
        switch self {
        case .tls: return "EAP-TLS"
        case .ttls: return "EAP-TTLS"
        case .peap: return "PEAP"
        case .fast: return "EAP-FAST"
        case .sim: return "EAP-SIM"
        case .aka: return "EAP-AKA"
        case .akaPrime: return "EAP-AKA'"
        case .pwd: return "EAP-pwd"
        case let .other(number): return "EAP type \(number)"
        }
    }
}

/// The inner (phase 2) authentication of EAP-TTLS.
public enum TTLSInnerAuthentication: String, Equatable, Sendable {
    /// PAP.
    case pap
    /// CHAP.
    case chap
    /// MS-CHAP.
    case mschap
    /// MS-CHAPv2 (the system's default).
    case mschapv2
    /// EAP inside the tunnel.
    case eap
}

/// Enterprise (802.1X) settings: `NEHotspotEAPSettings`.
public struct EAPRequest: Equatable, Sendable, CustomStringConvertible, CustomReflectable {
    /// Methods the network accepts, in preference order.
    public var methods: [EAPMethod]
    /// The inner identity (`username`).
    public var username: String?
    /// The password; never printed.
    public var password: String?
    /// The outer (anonymous) identity.
    public var outerIdentity: String?
    /// Phase 2 of EAP-TTLS.
    public var ttlsInnerAuthentication: TTLSInnerAuthentication?
    /// Server certificate names to trust (`trustedServerNames`).
    public var trustedServerNames: [String]
    /// The network asks for a client certificate (EAP-TLS): the app must supply
    /// a `SecIdentity` from its keychain.
    public var requiresClientCertificate: Bool

    /// Creates EAP settings.
    public init(methods: [EAPMethod], username: String? = nil, password: String? = nil, outerIdentity: String? = nil,
                ttlsInnerAuthentication: TTLSInnerAuthentication? = nil, trustedServerNames: [String] = [],
                requiresClientCertificate: Bool = false) {
        self.methods = methods
        self.username = username
        self.password = password
        self.outerIdentity = outerIdentity
        self.ttlsInnerAuthentication = ttlsInnerAuthentication
        self.trustedServerNames = trustedServerNames
        self.requiresClientCertificate = requiresClientCertificate
    }

    /// Methods, identity and whether a password is set; never the password.
    public var description: String {
        "EAPRequest(methods: \(methods), username: \(username ?? "nil"), password: \(password == nil ? "nil" : "<redacted>"))"
    }

    /// A mirror without the password (for `dump` and debuggers).
    public var customMirror: Mirror {
        Mirror(self, children: ["methods": methods, "username": username as Any,
                                "password": password == nil ? "nil" : "<redacted>",
                                "outerIdentity": outerIdentity as Any, "trustedServerNames": trustedServerNames,
                                "requiresClientCertificate": requiresClientCertificate])
    }
}

/// Passpoint (Hotspot 2.0) settings: `NEHotspotHS20Settings`.
public struct HS20Request: Equatable, Sendable {
    /// The home service provider's domain (`domainName`).
    public var domainName: String
    /// Whether roaming partners may be used.
    public var roamingEnabled: Bool
    /// Roaming consortium OIs as hex (3 or 5 octets: 6 or 10 hex digits).
    public var roamingConsortiumOIs: [String]
    /// NAI realm names.
    public var naiRealmNames: [String]
    /// MCC+MNC pairs, 6 digits each (a 2-digit MNC padded with a leading 0).
    public var mccAndMNCs: [String]

    /// Creates Passpoint settings.
    public init(domainName: String, roamingEnabled: Bool = true, roamingConsortiumOIs: [String] = [],
                naiRealmNames: [String] = [], mccAndMNCs: [String] = []) {
        self.domainName = domainName
        self.roamingEnabled = roamingEnabled
        self.roamingConsortiumOIs = roamingConsortiumOIs
        self.naiRealmNames = naiRealmNames
        self.mccAndMNCs = mccAndMNCs
    }
}

/// How a network is secured.
public enum HotspotSecurity: Equatable, Sendable, CustomStringConvertible, CustomReflectable {
    /// No password (open or OWE).
    case open
    /// WEP key: 10 or 26 hex digits (what `NEHotspotConfiguration` accepts).
    case wep(key: String)
    /// WPA/WPA2/WPA3 Personal passphrase, 8 to 63 characters. A raw 64-hex-digit
    /// PSK is refused: `NEHotspotConfiguration` takes passphrases only.
    case wpaPersonal(passphrase: String)
    /// WPA/WPA2/WPA3 Enterprise.
    case enterprise(EAPRequest)

    /// The kind of security, never the secret.
    public var description: String {
        switch self {
        case .open: return "open"
        case .wep: return "wep(<redacted>)"
        case .wpaPersonal: return "wpaPersonal(<redacted>)"
        case let .enterprise(eap): return "enterprise(\(eap))"
        }
    }

    /// A mirror without the secret.
    public var customMirror: Mirror { Mirror(self, children: ["security": description]) }
}

/// One network to hand to `NEHotspotConfigurationManager`.
public struct HotspotRequest: Equatable, Sendable {
    /// The SSID (or SSID prefix); `nil` for a Passpoint network.
    public var ssid: String?
    /// `ssid` is a prefix (`NEHotspotConfiguration(ssidPrefix:)`, iOS 13+).
    public var ssidIsPrefix: Bool
    /// The network does not broadcast its SSID.
    public var hidden: Bool
    /// `joinOnce`: forget the network when the app goes to the background.
    public var joinOnce: Bool
    /// The security.
    public var security: HotspotSecurity
    /// Passpoint settings (requires `.enterprise` security).
    public var hs20: HS20Request?

    /// Creates a request.
    public init(ssid: String?, ssidIsPrefix: Bool = false, hidden: Bool = false, joinOnce: Bool = false,
                security: HotspotSecurity, hs20: HS20Request? = nil) {
        self.ssid = ssid
        self.ssidIsPrefix = ssidIsPrefix
        self.hidden = hidden
        self.joinOnce = joinOnce
        self.security = security
        self.hs20 = hs20
    }

    /// The most trusted server certificates `NEHotspotEAPSettings` takes.
    public static let maxTrustedServerCertificates = 10
    /// The keychain access group where the system looks for the identity and the
    /// trusted certificates of an EAP network (`NEHotspotEAPSettings`).
    public static let sharingKeychainGroup = "com.apple.networkextensionsharing"

    /// `validate()`, plus what depends on what the app passes to
    /// `hotspotConfiguration(identity:trustedServerCertificates:)`: EAP-TLS needs a
    /// client identity, and at most 10 trusted server certificates are accepted.
    public func validate(hasIdentity: Bool, trustedServerCertificateCount: Int) throws {
        try validate()
        guard case let .enterprise(eap) = security else { return }
        if eap.methods.contains(.tls) && eap.methods.filter(\.isSupportedByNEHotspot) == [.tls] && !hasIdentity {
            throw HotspotValidationError.invalidEAPSettings(
                "EAP-TLS needs a client identity (SecIdentity) stored in the \(Self.sharingKeychainGroup) keychain access group")
        }
        if trustedServerCertificateCount > Self.maxTrustedServerCertificates {
            throw HotspotValidationError.invalidEAPSettings(
                "at most \(Self.maxTrustedServerCertificates) trusted server certificates (got \(trustedServerCertificateCount))")
        }
    }

    /// Checks the rules `NEHotspotConfiguration` enforces, and the ones it
    /// cannot express, so an app gets a precise error before asking the system.
    public func validate() throws {
        if let hs20 = hs20 {
            guard case let .enterprise(eap) = security else {
                throw HotspotValidationError.invalidHS20Settings("a Passpoint network needs EAP settings")
            }
            let domain = hs20.domainName.trimmingWhitespace()
            guard !domain.isEmpty, domain.utf8.count <= 253, !domain.contains(" ") else {
                throw HotspotValidationError.invalidHS20DomainName(hs20.domainName)
            }
            for oi in hs20.roamingConsortiumOIs where !(oi.count == 6 || oi.count == 10) || !oi.allSatisfy(\.isHexDigit) {
                throw HotspotValidationError.invalidHS20Settings("roaming consortium OI '\(oi)' is not 3 or 5 octets of hex")
            }
            for plmn in hs20.mccAndMNCs where plmn.count != 6 || !plmn.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw HotspotValidationError.invalidHS20Settings("MCC/MNC '\(plmn)' is not 6 digits (pad a 2-digit MNC with a leading 0)")
            }
            if joinOnce {
                throw HotspotValidationError.invalidHS20Settings("joinOnce is not supported for Passpoint networks")
            }
            try Self.validate(eap)
            return
        }

        guard let ssid = ssid else { throw HotspotValidationError.invalidSSID("missing") }
        let length = ssid.utf8.count
        if ssidIsPrefix {
            // NEHotspotConfiguration.h: an SSID prefix is 3 to 32 bytes.
            guard (3...32).contains(length) else { throw HotspotValidationError.invalidSSIDPrefix("must be 3 to 32 bytes, got \(length)") }
            if case .enterprise = security {
                throw HotspotValidationError.invalidSSIDPrefix("enterprise networks cannot be matched by SSID prefix")
            }
        } else {
            guard (1...32).contains(length) else { throw HotspotValidationError.invalidSSID("must be 1 to 32 bytes, got \(length)") }
        }

        switch security {
        case .open:
            break
        case let .wep(key):
            // NEHotspotConfiguration.h: a WEP key is 10 or 26 hexadecimal digits.
            guard (key.count == 10 || key.count == 26) && key.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                throw HotspotValidationError.invalidWEPPassphrase("a WEP key is 10 or 26 hex digits (got \(key.count) characters)")
            }
        case let .wpaPersonal(passphrase):
            if passphrase.count == 64 && passphrase.allSatisfy({ $0.isASCII && $0.isHexDigit }) {
                throw HotspotValidationError.invalidWPAPassphrase("a raw 64-hex-digit PSK is not accepted by NEHotspotConfiguration; give the 8 to 63 character passphrase")
            }
            // NEHotspotConfiguration.h: a WPA/WPA2 passphrase is 8 to 63 characters.
            guard (8...63).contains(passphrase.count),
                  passphrase.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7e }) else {
                throw HotspotValidationError.invalidWPAPassphrase("a WPA passphrase is 8 to 63 printable ASCII characters (got \(passphrase.count) characters)")
            }
        case let .enterprise(eap):
            if joinOnce { throw HotspotValidationError.invalidEAPSettings("joinOnce is not supported for EAP networks") }
            try Self.validate(eap)
        }
    }

    private static func validate(_ eap: EAPRequest) throws {
        guard !eap.methods.isEmpty else { throw HotspotValidationError.invalidEAPSettings("no EAP method") }
        let supported = eap.methods.filter(\.isSupportedByNEHotspot)
        guard !supported.isEmpty else {
            throw HotspotValidationError.unsupportedEAPMethod(eap.methods.map(\.description).joined(separator: ", "))
        }
        let needsCredentials = supported.contains { $0 != .tls }
        if needsCredentials {
            guard let user = eap.username, !user.isEmpty else {
                throw HotspotValidationError.invalidEAPSettings("\(supported.map(\.description).joined(separator: "/")) needs a username")
            }
            guard user.utf8.count <= 253 else { throw HotspotValidationError.invalidEAPSettings("username longer than 253 bytes") }
            guard let password = eap.password, !password.isEmpty else {
                throw HotspotValidationError.invalidEAPSettings("\(supported.map(\.description).joined(separator: "/")) needs a password")
            }
            guard password.utf8.count <= 64 else { throw HotspotValidationError.invalidEAPSettings("password longer than 64 bytes") }
        }
        if supported == [.tls] && !eap.requiresClientCertificate {
            throw HotspotValidationError.invalidEAPSettings(
                "EAP-TLS needs a client certificate (an identity in the \(HotspotRequest.sharingKeychainGroup) keychain access group)")
        }
        for name in eap.trustedServerNames where name.isEmpty {
            _ = name
            throw HotspotValidationError.invalidEAPSettings("empty trusted server name")
        }
    }
}

/// Why a `HotspotRequest` cannot become an `NEHotspotConfiguration`; the cases
/// follow `NEHotspotConfigurationError`, plus the methods it cannot express.
public enum HotspotValidationError: Error, Equatable, CustomStringConvertible {
    /// `invalidSSID`.
    case invalidSSID(String)
    /// `invalidSSIDPrefix`.
    case invalidSSIDPrefix(String)
    /// `invalidWPAPassphrase`.
    case invalidWPAPassphrase(String)
    /// `invalidWEPPassphrase`.
    case invalidWEPPassphrase(String)
    /// `invalidEAPSettings`.
    case invalidEAPSettings(String)
    /// `invalidHS20Settings`.
    case invalidHS20Settings(String)
    /// `invalidHS20DomainName`.
    case invalidHS20DomainName(String)
    /// None of the network's EAP methods exists in `NEHotspotEAPSettings`
    /// (EAP-SIM/AKA and others are only for carrier profiles).
    case unsupportedEAPMethod(String)

    /// A sentence for logs and UI (never a password).
    public var description: String {
        switch self {
        case let .invalidSSID(why): return "invalid SSID: \(why)"
        case let .invalidSSIDPrefix(why): return "invalid SSID prefix: \(why)"
        case let .invalidWPAPassphrase(why): return "invalid WPA passphrase: \(why)"
        case let .invalidWEPPassphrase(why): return "invalid WEP key: \(why)"
        case let .invalidEAPSettings(why): return "invalid EAP settings: \(why)"
        case let .invalidHS20Settings(why): return "invalid Passpoint settings: \(why)"
        case let .invalidHS20DomainName(name): return "invalid Passpoint domain name '\(name)'"
        case let .unsupportedEAPMethod(methods): return "NEHotspotConfiguration supports EAP-TLS, EAP-TTLS, PEAP and EAP-FAST, not \(methods)"
        }
    }
}

/// What the system did with a join request. `NEHotspotConfigurationManager.apply`
/// succeeding means the configuration was **stored**, not that the device joined:
/// check with `HotspotJoiner.currentNetworkMatches` (`NEHotspotNetwork.fetchCurrent`).
public enum HotspotJoinCheck: Equatable, Sendable {
    /// The device is on the requested network.
    case joined
    /// The device is on another network (or the SSID could not be read).
    case notJoined(currentSSID: String?)

    /// Compares the current network's SSID with the request (prefix requests by prefix).
    public static func decide(_ request: HotspotRequest, currentSSID: String?) -> HotspotJoinCheck {
        guard let current = currentSSID, let wanted = request.ssid else { return .notJoined(currentSSID: currentSSID) }
        let matches = request.ssidIsPrefix ? current.hasPrefix(wanted) : current == wanted
        return matches ? .joined : .notJoined(currentSSID: current)
    }
}
