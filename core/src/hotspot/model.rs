//! The hotspot model: one [`HotspotConfig`] for every input format.

use std::fmt;
use zeroize::Zeroize;

/// A secret string (Wi-Fi passphrase, WEP key, EAP or Passpoint password).
///
/// Zeroized on drop; `Debug` and `Display` print `<redacted>`. Read it with
/// [`Secret::expose`] only where the value must leave Culvert (the OS API, a QR code).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Secret bytes (a PKCS#12 client identity). Zeroized on drop, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Wraps secret bytes.
    pub fn new(value: Vec<u8>) -> Self {
        SecretBytes(value)
    }

    /// The bytes themselves. Never log them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<redacted {} bytes>)", self.0.len())
    }
}

/// The format a [`HotspotConfig`] was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HotspotFormat {
    /// A `WIFI:` QR code (ZXing / Android `WifiUriParser` syntax).
    Wifi,
    /// A Wi-Fi Easy Connect `DPP:` bootstrapping URI.
    Dpp,
    /// An Apple configuration profile (`.mobileconfig`), XML or binary plist, signed or not.
    Mobileconfig,
    /// An Android Passpoint installation file (`application/x-wifi-config`) or a bare
    /// PerProviderSubscription MO.
    Passpoint,
}

impl HotspotFormat {
    /// `"wifi"`, `"dpp"`, `"mobileconfig"` or `"passpoint"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HotspotFormat::Wifi => "wifi",
            HotspotFormat::Dpp => "dpp",
            HotspotFormat::Mobileconfig => "mobileconfig",
            HotspotFormat::Passpoint => "passpoint",
        }
    }
}

/// Everything a hotspot input describes: networks to join, or a DPP bootstrap record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HotspotConfig {
    /// Where it came from.
    pub format: HotspotFormat,
    /// The networks (empty for DPP).
    pub networks: Vec<WifiNetwork>,
    /// The DPP bootstrap record (only for [`HotspotFormat::Dpp`]).
    pub dpp: Option<DppBootstrap>,
    /// What a platform will refuse or change, found before the OS is asked.
    pub warnings: Vec<HotspotWarning>,
}

impl HotspotConfig {
    /// Recomputes the platform warnings of every network (call after changing a
    /// network, e.g. setting [`WifiNetwork::join_once`]). Warnings about the input
    /// itself (unverified signature, ignored payloads) are kept.
    pub fn recheck(&mut self) {
        self.warnings
            .retain(|w| !super::warnings::is_network_warning(&w.code));
        for network in &self.networks {
            self.warnings
                .extend(super::warnings::network_warnings(network));
        }
    }
}

/// Security of a network: exactly one of seven words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Security {
    /// No security.
    #[default]
    Open,
    /// Opportunistic Wireless Encryption (Enhanced Open).
    Owe,
    /// WEP (deprecated; Android's `WifiNetworkSuggestion` no longer supports it).
    Wep,
    /// WPA/WPA2 personal (PSK).
    Wpa,
    /// WPA3 personal (SAE).
    Sae,
    /// WPA2/WPA3 transition mode (either PSK or SAE).
    WpaSae,
    /// WPA2/WPA3 enterprise (802.1X / EAP), including Passpoint.
    Eap,
}

impl Security {
    /// `open`, `owe`, `wep`, `wpa`, `sae`, `wpa-sae` or `eap`.
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Open => "open",
            Security::Owe => "owe",
            Security::Wep => "wep",
            Security::Wpa => "wpa",
            Security::Sae => "sae",
            Security::WpaSae => "wpa-sae",
            Security::Eap => "eap",
        }
    }

    /// Whether a passphrase (or WEP key) is expected.
    pub fn needs_password(self) -> bool {
        matches!(
            self,
            Security::Wep | Security::Wpa | Security::Sae | Security::WpaSae
        )
    }
}

/// One Wi-Fi network, as `NEHotspotConfiguration` / `WifiNetworkSuggestion` /
/// `PasspointConfiguration` need it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WifiNetwork {
    /// The SSID (or SSID prefix, see `ssid_is_prefix`); `None` for Passpoint networks,
    /// which match by FQDN, realm or roaming consortium instead.
    pub ssid: Option<String>,
    /// The SSID is a prefix (iOS `NEHotspotConfiguration(ssidPrefix:)`); no input
    /// format sets this, an app may.
    pub ssid_is_prefix: bool,
    /// The network does not broadcast its SSID.
    pub hidden: bool,
    /// Security type.
    pub security: Security,
    /// Passphrase, raw PSK (64 hex digits), WEP key, or the EAP / Passpoint password.
    pub password: Option<Secret>,
    /// iOS `joinOnce` (set by the app, never by a parser); only used for warnings.
    pub join_once: bool,
    /// Enterprise settings, for [`Security::Eap`].
    pub eap: Option<EapConfig>,
    /// Hotspot 2.0 / Passpoint settings.
    pub passpoint: Option<PasspointConfig>,
}

impl WifiNetwork {
    /// Whether the password is a raw 256-bit PSK (64 hex digits) rather than a passphrase.
    pub fn password_is_raw_psk(&self) -> bool {
        matches!(self.security, Security::Wpa | Security::WpaSae)
            && self
                .password
                .as_ref()
                .is_some_and(|p| p.expose().len() == 64 && is_hex(p.expose()))
    }
}

pub(crate) fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// EAP methods, named as in the CLI JSON (`TLS`, `TTLS`, `PEAP`, `PWD`, `FAST`, `SIM`, `AKA`, `AKA'`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EapMethod {
    /// EAP-TLS (type 13).
    Tls,
    /// EAP-TTLS (type 21).
    Ttls,
    /// PEAP (type 25).
    Peap,
    /// EAP-pwd (type 52).
    Pwd,
    /// EAP-FAST (type 43).
    Fast,
    /// EAP-SIM (type 18).
    Sim,
    /// EAP-AKA (type 23).
    Aka,
    /// EAP-AKA' (type 50).
    AkaPrime,
}

impl EapMethod {
    /// Upper-case name: `TLS`, `TTLS`, `PEAP`, `PWD`, `FAST`, `SIM`, `AKA`, `AKA'`.
    pub fn as_str(self) -> &'static str {
        match self {
            EapMethod::Tls => "TLS",
            EapMethod::Ttls => "TTLS",
            EapMethod::Peap => "PEAP",
            EapMethod::Pwd => "PWD",
            EapMethod::Fast => "FAST",
            EapMethod::Sim => "SIM",
            EapMethod::Aka => "AKA",
            EapMethod::AkaPrime => "AKA'",
        }
    }

    /// The IANA EAP type number.
    pub fn eap_type(self) -> u8 {
        match self {
            EapMethod::Tls => 13,
            EapMethod::Ttls => 21,
            EapMethod::Peap => 25,
            EapMethod::Pwd => 52,
            EapMethod::Fast => 43,
            EapMethod::Sim => 18,
            EapMethod::Aka => 23,
            EapMethod::AkaPrime => 50,
        }
    }

    /// From an IANA EAP type number.
    pub fn from_eap_type(value: i64) -> Option<Self> {
        Some(match value {
            13 => EapMethod::Tls,
            21 => EapMethod::Ttls,
            25 => EapMethod::Peap,
            52 => EapMethod::Pwd,
            43 => EapMethod::Fast,
            18 => EapMethod::Sim,
            23 => EapMethod::Aka,
            50 => EapMethod::AkaPrime,
            _ => return None,
        })
    }

    /// From a name (case-insensitive; `AKA'`, `AKA_PRIME` and `AKAPRIME` all mean EAP-AKA').
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "TLS" => EapMethod::Tls,
            "TTLS" => EapMethod::Ttls,
            "PEAP" => EapMethod::Peap,
            "PWD" => EapMethod::Pwd,
            "FAST" => EapMethod::Fast,
            "SIM" => EapMethod::Sim,
            "AKA" => EapMethod::Aka,
            "AKA'" | "AKA_PRIME" | "AKAPRIME" => EapMethod::AkaPrime,
            _ => return None,
        })
    }
}

/// Phase-2 (inner) authentication: `PAP`, `CHAP`, `MSCHAP`, `MSCHAPV2`, `GTC`, `EAP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase2 {
    /// PAP.
    Pap,
    /// CHAP.
    Chap,
    /// MS-CHAP.
    Mschap,
    /// MS-CHAPv2.
    Mschapv2,
    /// GTC.
    Gtc,
    /// Inner EAP.
    Eap,
}

impl Phase2 {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase2::Pap => "PAP",
            Phase2::Chap => "CHAP",
            Phase2::Mschap => "MSCHAP",
            Phase2::Mschapv2 => "MSCHAPV2",
            Phase2::Gtc => "GTC",
            Phase2::Eap => "EAP",
        }
    }

    /// From a name, case-insensitive; `MS-CHAP-V2` / `MS-CHAP` (PPS MO spelling) accepted.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "PAP" => Phase2::Pap,
            "CHAP" => Phase2::Chap,
            "MSCHAP" | "MS-CHAP" => Phase2::Mschap,
            "MSCHAPV2" | "MS-CHAP-V2" => Phase2::Mschapv2,
            "GTC" => Phase2::Gtc,
            "EAP" => Phase2::Eap,
            _ => return None,
        })
    }
}

/// Enterprise (802.1X) settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EapConfig {
    /// The outer EAP method; `None` when the input did not say (a `WIFI:` code without `E:`).
    pub method: Option<EapMethod>,
    /// Inner authentication for TTLS/PEAP/FAST.
    pub phase2: Option<Phase2>,
    /// The identity (user name).
    pub identity: Option<String>,
    /// The anonymous (outer) identity.
    pub anonymous_identity: Option<String>,
    /// Server names the RADIUS certificate must match.
    pub trusted_server_names: Vec<String>,
    /// CA certificates (DER) the RADIUS certificate must chain to.
    pub ca_certificates: Vec<Vec<u8>>,
    /// The client identity for EAP-TLS.
    pub client_identity: Option<ClientIdentity>,
}

/// A client certificate and key, as PKCS#12.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIdentity {
    /// The PKCS#12 blob.
    pub pkcs12: SecretBytes,
    /// Its password, when the input carried one.
    pub password: Option<Secret>,
}

/// Hotspot 2.0 / Passpoint settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PasspointConfig {
    /// The home service provider's FQDN (Apple `DomainName`, PPS `HomeSP/FQDN`).
    pub fqdn: String,
    /// Operator name to show (Apple `DisplayedOperatorName`, PPS `HomeSP/FriendlyName`).
    pub friendly_name: Option<String>,
    /// Credential realm (PPS `Credential/Realm`).
    pub realm: Option<String>,
    /// Roaming consortium OIs, lower-case hex.
    pub roaming_consortium_ois: Vec<String>,
    /// NAI realm names (Apple `NAIRealmNames`).
    pub nai_realms: Vec<String>,
    /// MCC+MNC pairs (Apple `MCCAndMNCs`), 5 or 6 digits each.
    pub mcc_mnc: Vec<String>,
    /// Other home partner FQDNs (PPS `HomeSP/OtherHomePartners`).
    pub other_home_partners: Vec<String>,
    /// Which credential the network authenticates with.
    pub credential: Option<PasspointCredential>,
}

/// The Passpoint credential type (the secrets themselves live in [`WifiNetwork::password`]
/// and [`EapConfig::client_identity`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasspointCredential {
    /// User name and password (EAP-TTLS).
    UsernamePassword,
    /// Client certificate (EAP-TLS), identified by its SHA-256 fingerprint (lower-case hex).
    Certificate {
        /// SHA-256 fingerprint of the client certificate.
        sha256_fingerprint: Option<String>,
    },
    /// SIM credential (EAP-SIM/AKA/AKA').
    Sim {
        /// IMSI, possibly ending in `*`.
        imsi: String,
    },
}

/// A Wi-Fi Easy Connect (DPP) bootstrap record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DppBootstrap {
    /// The `K:` value as written (base64 of a DER SubjectPublicKeyInfo).
    pub public_key: String,
    /// The key's curve.
    pub curve: DppCurve,
    /// Channels, expanded (`81/1,2` is two entries).
    pub channels: Vec<DppChannel>,
    /// MAC address of the device.
    pub mac: Option<[u8; 6]>,
    /// `I:` information (printable ASCII).
    pub info: Option<String>,
    /// `V:` DPP version.
    pub version: Option<u32>,
    /// `H:` host address (IP, optionally with a port) as written.
    pub host: Option<String>,
    /// `B:` supported curves bitmap, as written.
    pub supported_curves: Option<String>,
}

impl DppBootstrap {
    /// The MAC as `aa:bb:cc:dd:ee:ff`.
    pub fn mac_string(&self) -> Option<String> {
        self.mac.map(|m| {
            m.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        })
    }
}

/// An operating class / channel pair from a DPP `C:` list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DppChannel {
    /// Global operating class.
    pub op_class: u8,
    /// Channel number.
    pub channel: u8,
}

impl fmt::Display for DppChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.op_class, self.channel)
    }
}

/// Elliptic curves DPP allows for bootstrap keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DppCurve {
    /// NIST P-256 (prime256v1), the mandatory curve. Point checked on the curve.
    P256,
    /// NIST P-384. Point checked on the curve.
    P384,
    /// NIST P-521. Point length checked only.
    P521,
    /// brainpoolP256r1. Point length checked only.
    Brainpool256,
    /// brainpoolP384r1. Point length checked only.
    Brainpool384,
    /// brainpoolP512r1. Point length checked only.
    Brainpool512,
}

impl DppCurve {
    /// The curve's name as hostap spells it (`P-256`, `BP-256R1`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DppCurve::P256 => "P-256",
            DppCurve::P384 => "P-384",
            DppCurve::P521 => "P-521",
            DppCurve::Brainpool256 => "BP-256R1",
            DppCurve::Brainpool384 => "BP-384R1",
            DppCurve::Brainpool512 => "BP-512R1",
        }
    }
}

/// A platform limit or a property of the input, found while parsing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HotspotWarning {
    /// Stable upper-case code (see `docs/hotspot.md`).
    pub code: String,
    /// What it means for the user, in English. Never contains a secret.
    pub message: String,
}

impl HotspotWarning {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        HotspotWarning {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// Why a hotspot input was rejected. Stable, documented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HotspotErrorKind {
    /// Not any of the four formats (or a MIME type none of them uses).
    UnrecognizedFormat,
    /// The container is damaged: bad base64, XML, plist, MIME or DER syntax, not UTF-8.
    Malformed,
    /// A required field is missing or empty (SSID, DPP key, Passpoint credential, ...).
    MissingField,
    /// A field has a value the format does not allow.
    InvalidField,
    /// Valid input Culvert does not handle (encrypted profile, EAP type, signed BER, ...).
    Unsupported,
}

impl HotspotErrorKind {
    /// `UNRECOGNIZED_FORMAT`, `MALFORMED`, `MISSING_FIELD`, `INVALID_FIELD`, `UNSUPPORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            HotspotErrorKind::UnrecognizedFormat => "UNRECOGNIZED_FORMAT",
            HotspotErrorKind::Malformed => "MALFORMED",
            HotspotErrorKind::MissingField => "MISSING_FIELD",
            HotspotErrorKind::InvalidField => "INVALID_FIELD",
            HotspotErrorKind::Unsupported => "UNSUPPORTED",
        }
    }
}

impl fmt::Display for HotspotErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected hotspot input: a stable kind and a human message (never a secret).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct HotspotError {
    /// What kind of failure.
    pub kind: HotspotErrorKind,
    /// Human-readable detail, naming the field. Never contains a secret.
    pub message: String,
}

impl HotspotError {
    pub(crate) fn new(kind: HotspotErrorKind, message: impl Into<String>) -> Self {
        HotspotError {
            kind,
            message: message.into(),
        }
    }
    pub(crate) fn unrecognized(message: impl Into<String>) -> Self {
        Self::new(HotspotErrorKind::UnrecognizedFormat, message)
    }
    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::new(HotspotErrorKind::Malformed, message)
    }
    pub(crate) fn missing(message: impl Into<String>) -> Self {
        Self::new(HotspotErrorKind::MissingField, message)
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(HotspotErrorKind::InvalidField, message)
    }
    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        Self::new(HotspotErrorKind::Unsupported, message)
    }
}
