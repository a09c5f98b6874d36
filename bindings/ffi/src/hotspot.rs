//! Wi-Fi hotspot configurations and scanned codes at the FFI edge.
//!
//! The records mirror `culvert_core::hotspot` one to one (so a network can be
//! written back as `WIFI:`); passwords and PKCS#12 blobs are [`Secret`] /
//! [`SecretData`] objects, so a record's `toString()` / `description` never shows them.

use crate::config::{ConfigErrorKind, ConfigSection, TunnelConfig};
use crate::guard::{guard, Internal};
use culvert_core::hotspot as h;
use culvert_core::qr;
use std::sync::Arc;

/// A secret string (Wi-Fi passphrase, WEP key, EAP/Passpoint password). Its
/// `toString()` is `<redacted>`; read it with `reveal()` only to hand it to the OS.
#[derive(uniffi::Object)]
#[uniffi::export(Display, Debug)]
pub struct Secret(h::Secret);

#[uniffi::export]
impl Secret {
    /// Wraps a secret value (e.g. to write a `WIFI:` code for a network the app knows).
    #[uniffi::constructor]
    pub fn new(value: String) -> Arc<Self> {
        Arc::new(Secret(h::Secret::new(value)))
    }

    /// The secret itself. Never log it.
    pub fn reveal(&self) -> String {
        self.0.expose().to_string()
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Secret bytes (a PKCS#12 client identity). `toString()` never shows them.
#[derive(uniffi::Object)]
#[uniffi::export(Display, Debug)]
pub struct SecretData(h::SecretBytes);

#[uniffi::export]
impl SecretData {
    /// Wraps secret bytes.
    #[uniffi::constructor]
    pub fn new(value: Vec<u8>) -> Arc<Self> {
        Arc::new(SecretData(h::SecretBytes::new(value)))
    }

    /// The bytes themselves. Never log them.
    pub fn reveal(&self) -> Vec<u8> {
        self.0.expose().to_vec()
    }
}

impl std::fmt::Display for SecretData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<redacted {} bytes>", self.0.expose().len())
    }
}

impl std::fmt::Debug for SecretData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretData(<redacted {} bytes>)", self.0.expose().len())
    }
}

/// The format a hotspot config was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HotspotFormat {
    /// A `WIFI:` QR code.
    Wifi,
    /// A Wi-Fi Easy Connect `DPP:` URI.
    Dpp,
    /// An Apple `.mobileconfig` profile.
    Mobileconfig,
    /// An Android Passpoint profile (`application/x-wifi-config`) or PPS MO.
    Passpoint,
}

/// Security of a network. Named `WifiSecurity` (not `Security`) so that the
/// generated Swift type does not shadow Apple's `Security` module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum WifiSecurity {
    /// No security.
    Open,
    /// Enhanced Open (OWE).
    Owe,
    /// WEP (no longer accepted by Android's `WifiNetworkSuggestion`).
    Wep,
    /// WPA/WPA2 personal.
    Wpa,
    /// WPA3 personal (SAE).
    Sae,
    /// WPA2/WPA3 transition mode.
    WpaSae,
    /// WPA2/WPA3 enterprise (802.1X), including Passpoint.
    Eap,
}

/// EAP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EapMethod {
    /// EAP-TLS.
    Tls,
    /// EAP-TTLS.
    Ttls,
    /// PEAP.
    Peap,
    /// EAP-pwd.
    Pwd,
    /// EAP-FAST.
    Fast,
    /// EAP-SIM.
    Sim,
    /// EAP-AKA.
    Aka,
    /// EAP-AKA'.
    AkaPrime,
}

/// Phase-2 (inner) authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
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

/// A PKCS#12 client identity.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClientIdentity {
    /// The PKCS#12 blob.
    pub pkcs12: Arc<SecretData>,
    /// Its password, when the input carried one.
    pub password: Option<Arc<Secret>>,
}

/// Enterprise (802.1X) settings.
#[derive(Debug, Clone, uniffi::Record)]
pub struct EapConfig {
    /// The outer EAP method, when the input said.
    pub method: Option<EapMethod>,
    /// Inner authentication for TTLS/PEAP/FAST.
    pub phase2: Option<Phase2>,
    /// The identity (user name).
    pub identity: Option<String>,
    /// The anonymous (outer) identity.
    pub anonymous_identity: Option<String>,
    /// Server names the RADIUS certificate must match.
    pub trusted_server_names: Vec<String>,
    /// CA certificates (DER).
    pub ca_certificates: Vec<Vec<u8>>,
    /// The client identity for EAP-TLS.
    pub client_identity: Option<ClientIdentity>,
}

/// The Passpoint credential type.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PasspointCredential {
    /// User name and password (EAP-TTLS).
    UsernamePassword,
    /// Client certificate (EAP-TLS).
    Certificate {
        /// SHA-256 fingerprint of the client certificate (lower-case hex).
        sha256_fingerprint: Option<String>,
    },
    /// SIM credential (EAP-SIM/AKA/AKA').
    Sim {
        /// IMSI, possibly ending in `*`.
        imsi: String,
    },
}

/// Hotspot 2.0 / Passpoint settings.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PasspointConfig {
    /// The home service provider's FQDN.
    pub fqdn: String,
    /// Operator name to show.
    pub friendly_name: Option<String>,
    /// Credential realm.
    pub realm: Option<String>,
    /// Roaming consortium OIs, lower-case hex.
    pub roaming_consortium_ois: Vec<String>,
    /// NAI realm names.
    pub nai_realms: Vec<String>,
    /// MCC+MNC pairs.
    pub mcc_mnc: Vec<String>,
    /// Other home partner FQDNs.
    pub other_home_partners: Vec<String>,
    /// The credential type.
    pub credential: Option<PasspointCredential>,
}

/// One Wi-Fi network.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WifiNetwork {
    /// The SSID (or prefix); `None` for Passpoint networks.
    pub ssid: Option<String>,
    /// The SSID is a prefix (iOS only).
    #[uniffi(default = false)]
    pub ssid_is_prefix: bool,
    /// The network does not broadcast its SSID.
    #[uniffi(default = false)]
    pub hidden: bool,
    /// Security type.
    pub security: WifiSecurity,
    /// Passphrase, raw PSK (64 hex digits), WEP key or EAP/Passpoint password.
    #[uniffi(default = None)]
    pub password: Option<Arc<Secret>>,
    /// iOS `joinOnce` (only used for warnings).
    #[uniffi(default = false)]
    pub join_once: bool,
    /// Enterprise settings.
    #[uniffi(default = None)]
    pub eap: Option<EapConfig>,
    /// Passpoint settings.
    #[uniffi(default = None)]
    pub passpoint: Option<PasspointConfig>,
}

/// DPP curves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DppCurve {
    /// NIST P-256.
    P256,
    /// NIST P-384.
    P384,
    /// NIST P-521.
    P521,
    /// brainpoolP256r1.
    Brainpool256,
    /// brainpoolP384r1.
    Brainpool384,
    /// brainpoolP512r1.
    Brainpool512,
}

/// An operating class / channel pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct DppChannel {
    /// Global operating class.
    pub op_class: u8,
    /// Channel number.
    pub channel: u8,
}

/// A Wi-Fi Easy Connect (DPP) bootstrap record.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DppBootstrap {
    /// The `K:` value as written.
    pub public_key: String,
    /// The key's curve.
    pub curve: DppCurve,
    /// Channels.
    pub channels: Vec<DppChannel>,
    /// MAC address as `aa:bb:cc:dd:ee:ff`.
    pub mac: Option<String>,
    /// `I:` information.
    pub info: Option<String>,
    /// `V:` DPP version.
    pub version: Option<u32>,
    /// `H:` host address as written.
    pub host: Option<String>,
    /// `B:` supported curves bitmap as written.
    pub supported_curves: Option<String>,
}

/// A platform limit or a property of the input, found while parsing.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HotspotWarning {
    /// Stable upper-case code (see docs/hotspot.md).
    pub code: String,
    /// A sentence for the user (never a secret).
    pub detail: String,
}

/// Everything a hotspot input describes.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HotspotConfig {
    /// Where it came from.
    pub format: HotspotFormat,
    /// The networks (empty for DPP).
    pub networks: Vec<WifiNetwork>,
    /// The DPP bootstrap record (DPP only).
    pub dpp: Option<DppBootstrap>,
    /// What a platform will refuse or change.
    pub warnings: Vec<HotspotWarning>,
}

/// Why a hotspot input was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HotspotErrorKind {
    /// Not any of the four formats.
    UnrecognizedFormat,
    /// The container is damaged (base64, XML, plist, MIME, DER, UTF-8).
    Malformed,
    /// A required field is missing or empty.
    MissingField,
    /// A field has a value the format does not allow.
    InvalidField,
    /// Valid input Culvert does not handle.
    Unsupported,
}

/// A hotspot input was rejected. `detail` names the field, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HotspotError {
    /// The input is not usable: `kind` says why.
    #[error("{detail}")]
    Invalid {
        /// Why.
        kind: HotspotErrorKind,
        /// A sentence for the user.
        detail: String,
    },
    /// Culvert failed (a bug, never bad input).
    #[error("{detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

impl Internal for HotspotError {
    fn internal(detail: String) -> Self {
        HotspotError::Internal { detail }
    }
}

/// What a scanned QR code holds.
#[derive(Debug, uniffi::Enum)]
pub enum QrPayload {
    /// A WireGuard tunnel.
    WireGuard {
        /// The parsed config.
        config: Arc<TunnelConfig>,
    },
    /// A `WIFI:` network.
    Wifi {
        /// The parsed network.
        hotspot: HotspotConfig,
    },
    /// A `DPP:` bootstrap record.
    Dpp {
        /// The parsed record.
        hotspot: HotspotConfig,
    },
}

/// A scanned code was rejected: by the wg-quick parser or by the hotspot parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum QrError {
    /// The code is a wg-quick config with an error.
    #[error("{detail}")]
    Config {
        /// Why.
        kind: ConfigErrorKind,
        /// The section, when known.
        section: Option<ConfigSection>,
        /// The key, when known.
        key: Option<String>,
        /// The 1-based line, when known.
        line: Option<u32>,
        /// A sentence for the user.
        detail: String,
    },
    /// The code is a `WIFI:`/`DPP:` string with an error, or nothing Culvert knows
    /// (`UNRECOGNIZED_FORMAT`).
    #[error("{detail}")]
    Hotspot {
        /// Why.
        kind: HotspotErrorKind,
        /// A sentence for the user.
        detail: String,
    },
    /// Culvert failed (a bug, never bad input).
    #[error("{detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

impl Internal for QrError {
    fn internal(detail: String) -> Self {
        QrError::Internal { detail }
    }
}

// ---- core → FFI ----

impl From<h::HotspotErrorKind> for HotspotErrorKind {
    fn from(kind: h::HotspotErrorKind) -> Self {
        match kind {
            h::HotspotErrorKind::UnrecognizedFormat => Self::UnrecognizedFormat,
            h::HotspotErrorKind::Malformed => Self::Malformed,
            h::HotspotErrorKind::MissingField => Self::MissingField,
            h::HotspotErrorKind::InvalidField => Self::InvalidField,
            h::HotspotErrorKind::Unsupported => Self::Unsupported,
        }
    }
}

impl From<h::HotspotError> for HotspotError {
    fn from(err: h::HotspotError) -> Self {
        HotspotError::Invalid {
            kind: err.kind.into(),
            detail: err.message,
        }
    }
}

impl From<qr::QrError> for QrError {
    fn from(err: qr::QrError) -> Self {
        match err {
            qr::QrError::WireGuard(e) => match crate::config::ConfigError::from(e) {
                crate::config::ConfigError::Invalid {
                    kind,
                    section,
                    key,
                    line,
                    detail,
                } => QrError::Config {
                    kind,
                    section,
                    key,
                    line,
                    detail,
                },
                crate::config::ConfigError::Internal { detail } => QrError::Internal { detail },
            },
            qr::QrError::Hotspot(e) => QrError::Hotspot {
                kind: e.kind.into(),
                detail: e.message,
            },
        }
    }
}

fn security_out(s: h::Security) -> WifiSecurity {
    match s {
        h::Security::Open => WifiSecurity::Open,
        h::Security::Owe => WifiSecurity::Owe,
        h::Security::Wep => WifiSecurity::Wep,
        h::Security::Wpa => WifiSecurity::Wpa,
        h::Security::Sae => WifiSecurity::Sae,
        h::Security::WpaSae => WifiSecurity::WpaSae,
        h::Security::Eap => WifiSecurity::Eap,
    }
}

fn security_in(s: WifiSecurity) -> h::Security {
    match s {
        WifiSecurity::Open => h::Security::Open,
        WifiSecurity::Owe => h::Security::Owe,
        WifiSecurity::Wep => h::Security::Wep,
        WifiSecurity::Wpa => h::Security::Wpa,
        WifiSecurity::Sae => h::Security::Sae,
        WifiSecurity::WpaSae => h::Security::WpaSae,
        WifiSecurity::Eap => h::Security::Eap,
    }
}

fn eap_method_out(m: h::EapMethod) -> EapMethod {
    match m {
        h::EapMethod::Tls => EapMethod::Tls,
        h::EapMethod::Ttls => EapMethod::Ttls,
        h::EapMethod::Peap => EapMethod::Peap,
        h::EapMethod::Pwd => EapMethod::Pwd,
        h::EapMethod::Fast => EapMethod::Fast,
        h::EapMethod::Sim => EapMethod::Sim,
        h::EapMethod::Aka => EapMethod::Aka,
        h::EapMethod::AkaPrime => EapMethod::AkaPrime,
    }
}

fn eap_method_in(m: EapMethod) -> h::EapMethod {
    match m {
        EapMethod::Tls => h::EapMethod::Tls,
        EapMethod::Ttls => h::EapMethod::Ttls,
        EapMethod::Peap => h::EapMethod::Peap,
        EapMethod::Pwd => h::EapMethod::Pwd,
        EapMethod::Fast => h::EapMethod::Fast,
        EapMethod::Sim => h::EapMethod::Sim,
        EapMethod::Aka => h::EapMethod::Aka,
        EapMethod::AkaPrime => h::EapMethod::AkaPrime,
    }
}

fn phase2_out(p: h::Phase2) -> Phase2 {
    match p {
        h::Phase2::Pap => Phase2::Pap,
        h::Phase2::Chap => Phase2::Chap,
        h::Phase2::Mschap => Phase2::Mschap,
        h::Phase2::Mschapv2 => Phase2::Mschapv2,
        h::Phase2::Gtc => Phase2::Gtc,
        h::Phase2::Eap => Phase2::Eap,
    }
}

fn phase2_in(p: Phase2) -> h::Phase2 {
    match p {
        Phase2::Pap => h::Phase2::Pap,
        Phase2::Chap => h::Phase2::Chap,
        Phase2::Mschap => h::Phase2::Mschap,
        Phase2::Mschapv2 => h::Phase2::Mschapv2,
        Phase2::Gtc => h::Phase2::Gtc,
        Phase2::Eap => h::Phase2::Eap,
    }
}

fn secret_out(s: &h::Secret) -> Arc<Secret> {
    Arc::new(Secret(s.clone()))
}

fn credential_out(c: &h::PasspointCredential) -> PasspointCredential {
    match c {
        h::PasspointCredential::UsernamePassword => PasspointCredential::UsernamePassword,
        h::PasspointCredential::Certificate { sha256_fingerprint } => {
            PasspointCredential::Certificate {
                sha256_fingerprint: sha256_fingerprint.clone(),
            }
        }
        h::PasspointCredential::Sim { imsi } => PasspointCredential::Sim { imsi: imsi.clone() },
    }
}

fn credential_in(c: &PasspointCredential) -> h::PasspointCredential {
    match c {
        PasspointCredential::UsernamePassword => h::PasspointCredential::UsernamePassword,
        PasspointCredential::Certificate { sha256_fingerprint } => {
            h::PasspointCredential::Certificate {
                sha256_fingerprint: sha256_fingerprint.clone(),
            }
        }
        PasspointCredential::Sim { imsi } => h::PasspointCredential::Sim { imsi: imsi.clone() },
    }
}

impl From<&h::WifiNetwork> for WifiNetwork {
    fn from(n: &h::WifiNetwork) -> Self {
        WifiNetwork {
            ssid: n.ssid.clone(),
            ssid_is_prefix: n.ssid_is_prefix,
            hidden: n.hidden,
            security: security_out(n.security),
            password: n.password.as_ref().map(secret_out),
            join_once: n.join_once,
            eap: n.eap.as_ref().map(|e| EapConfig {
                method: e.method.map(eap_method_out),
                phase2: e.phase2.map(phase2_out),
                identity: e.identity.clone(),
                anonymous_identity: e.anonymous_identity.clone(),
                trusted_server_names: e.trusted_server_names.clone(),
                ca_certificates: e.ca_certificates.clone(),
                client_identity: e.client_identity.as_ref().map(|c| ClientIdentity {
                    pkcs12: Arc::new(SecretData(c.pkcs12.clone())),
                    password: c.password.as_ref().map(secret_out),
                }),
            }),
            passpoint: n.passpoint.as_ref().map(|p| PasspointConfig {
                fqdn: p.fqdn.clone(),
                friendly_name: p.friendly_name.clone(),
                realm: p.realm.clone(),
                roaming_consortium_ois: p.roaming_consortium_ois.clone(),
                nai_realms: p.nai_realms.clone(),
                mcc_mnc: p.mcc_mnc.clone(),
                other_home_partners: p.other_home_partners.clone(),
                credential: p.credential.as_ref().map(credential_out),
            }),
        }
    }
}

impl From<&WifiNetwork> for h::WifiNetwork {
    fn from(n: &WifiNetwork) -> Self {
        h::WifiNetwork {
            ssid: n.ssid.clone(),
            ssid_is_prefix: n.ssid_is_prefix,
            hidden: n.hidden,
            security: security_in(n.security),
            password: n.password.as_ref().map(|s| s.0.clone()),
            join_once: n.join_once,
            eap: n.eap.as_ref().map(|e| h::EapConfig {
                method: e.method.map(eap_method_in),
                phase2: e.phase2.map(phase2_in),
                identity: e.identity.clone(),
                anonymous_identity: e.anonymous_identity.clone(),
                trusted_server_names: e.trusted_server_names.clone(),
                ca_certificates: e.ca_certificates.clone(),
                client_identity: e.client_identity.as_ref().map(|c| h::ClientIdentity {
                    pkcs12: c.pkcs12.0.clone(),
                    password: c.password.as_ref().map(|s| s.0.clone()),
                }),
            }),
            passpoint: n.passpoint.as_ref().map(|p| h::PasspointConfig {
                fqdn: p.fqdn.clone(),
                friendly_name: p.friendly_name.clone(),
                realm: p.realm.clone(),
                roaming_consortium_ois: p.roaming_consortium_ois.clone(),
                nai_realms: p.nai_realms.clone(),
                mcc_mnc: p.mcc_mnc.clone(),
                other_home_partners: p.other_home_partners.clone(),
                credential: p.credential.as_ref().map(credential_in),
            }),
        }
    }
}

fn curve_out(c: h::DppCurve) -> DppCurve {
    match c {
        h::DppCurve::P256 => DppCurve::P256,
        h::DppCurve::P384 => DppCurve::P384,
        h::DppCurve::P521 => DppCurve::P521,
        h::DppCurve::Brainpool256 => DppCurve::Brainpool256,
        h::DppCurve::Brainpool384 => DppCurve::Brainpool384,
        h::DppCurve::Brainpool512 => DppCurve::Brainpool512,
    }
}

fn warning_out(w: &h::HotspotWarning) -> HotspotWarning {
    HotspotWarning {
        code: w.code.clone(),
        detail: w.message.clone(),
    }
}

impl From<&h::HotspotConfig> for HotspotConfig {
    fn from(c: &h::HotspotConfig) -> Self {
        HotspotConfig {
            format: match c.format {
                h::HotspotFormat::Wifi => HotspotFormat::Wifi,
                h::HotspotFormat::Dpp => HotspotFormat::Dpp,
                h::HotspotFormat::Mobileconfig => HotspotFormat::Mobileconfig,
                h::HotspotFormat::Passpoint => HotspotFormat::Passpoint,
            },
            networks: c.networks.iter().map(WifiNetwork::from).collect(),
            dpp: c.dpp.as_ref().map(|d| DppBootstrap {
                public_key: d.public_key.clone(),
                curve: curve_out(d.curve),
                channels: d
                    .channels
                    .iter()
                    .map(|ch| DppChannel {
                        op_class: ch.op_class,
                        channel: ch.channel,
                    })
                    .collect(),
                mac: d.mac_string(),
                info: d.info.clone(),
                version: d.version,
                host: d.host.clone(),
                supported_curves: d.supported_curves.clone(),
            }),
            warnings: c.warnings.iter().map(warning_out).collect(),
        }
    }
}

// ---- exports ----

/// Parses any hotspot input: a `WIFI:` code, a `DPP:` URI, a `.mobileconfig`
/// (XML or binary, signed or not) or an Android Passpoint profile. `mime` is the
/// content type when known (`application/x-wifi-config`, ...), else detection by content.
#[uniffi::export(default(mime = None))]
pub fn parse_hotspot(input: Vec<u8>, mime: Option<String>) -> Result<HotspotConfig, HotspotError> {
    guard(|| {
        let config = h::parse_hotspot(&input, mime.as_deref())?;
        Ok(HotspotConfig::from(&config))
    })
}

/// Writes a network as a `WIFI:` string (for showing a QR code). Fails with
/// `UNSUPPORTED` for what `WIFI:` cannot carry (Passpoint, certificates, SSID prefixes).
#[uniffi::export]
pub fn write_wifi_uri(network: WifiNetwork) -> Result<String, HotspotError> {
    guard(|| Ok(h::write_wifi_uri(&h::WifiNetwork::from(&network))?))
}

/// What the platforms will refuse or change about `network` (e.g. after the app
/// edited it); the same warnings `parse_hotspot` reports.
#[uniffi::export]
pub fn hotspot_warnings(network: WifiNetwork) -> Vec<HotspotWarning> {
    h::network_warnings(&h::WifiNetwork::from(&network))
        .iter()
        .map(warning_out)
        .collect()
}

/// Parses the text of a scanned QR code: a wg-quick config, a `WIFI:` code or a `DPP:` URI.
#[uniffi::export]
pub fn parse_qr(text: String) -> Result<QrPayload, QrError> {
    guard(|| {
        Ok(match qr::parse_qr(&text)? {
            qr::QrPayload::WireGuard(config) => QrPayload::WireGuard {
                config: Arc::new(TunnelConfig { inner: config }),
            },
            qr::QrPayload::Wifi(c) => QrPayload::Wifi {
                hotspot: HotspotConfig::from(&c),
            },
            qr::QrPayload::Dpp(c) => QrPayload::Dpp {
                hotspot: HotspotConfig::from(&c),
            },
        })
    })
}
