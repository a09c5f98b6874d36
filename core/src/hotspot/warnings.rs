//! Platform limits, checked before the OS is asked. Codes are stable (see `docs/hotspot.md`).

use super::model::{is_hex, EapMethod, HotspotWarning, Security, WifiNetwork};

/// Warning codes about a network (recomputed by [`super::HotspotConfig::recheck`]).
pub mod codes {
    /// SSID longer than 32 bytes (UTF-8): both platforms refuse it.
    pub const SSID_TOO_LONG: &str = "SSID_TOO_LONG";
    /// SSID prefix: iOS only (`NEHotspotConfiguration(ssidPrefix:)`); Android has no prefix match.
    pub const SSID_PREFIX_IOS_ONLY: &str = "SSID_PREFIX_IOS_ONLY";
    /// A secured network without a password: the user must be asked for it.
    pub const MISSING_PASSWORD: &str = "MISSING_PASSWORD";
    /// WPA/SAE passphrase shorter than 8 characters.
    pub const PASSPHRASE_TOO_SHORT: &str = "PASSPHRASE_TOO_SHORT";
    /// Passphrase longer than 63 characters (and not a 64-hex raw PSK).
    pub const PASSPHRASE_TOO_LONG: &str = "PASSPHRASE_TOO_LONG";
    /// Passphrase with non-ASCII characters: Android's suggestion builder refuses it.
    pub const PASSPHRASE_NOT_ASCII: &str = "PASSPHRASE_NOT_ASCII";
    /// 64 hex digits: a raw PSK, which `WifiNetworkSuggestion.Builder` cannot take.
    pub const RAW_PSK: &str = "RAW_PSK";
    /// WEP key given as ASCII (5/13 characters): iOS refuses it.
    pub const WEP_ASCII_KEY: &str = "WEP_ASCII_KEY";
    /// WEP key of a length no platform accepts.
    pub const WEP_KEY_LENGTH: &str = "WEP_KEY_LENGTH";
    /// WEP at all: Android's `WifiNetworkSuggestion` has no WEP support.
    pub const WEP_DEPRECATED: &str = "WEP_DEPRECATED";
    /// EAP without a method (`WIFI:T:WPA2-EAP` without `E:`).
    pub const EAP_METHOD_MISSING: &str = "EAP_METHOD_MISSING";
    /// TLS-based EAP without CA certificate or trusted server names.
    pub const EAP_NO_SERVER_VALIDATION: &str = "EAP_NO_SERVER_VALIDATION";
    /// EAP or Passpoint with `joinOnce`: iOS does not support it.
    pub const EAP_JOIN_ONCE: &str = "EAP_JOIN_ONCE";
    /// An MCC+MNC of 5 digits: iOS (`NEHotspotHS20Settings`) wants exactly 6.
    pub const MCC_MNC_FORMAT: &str = "MCC_MNC_FORMAT";

    /// A signed profile whose CMS envelope was stripped without verifying the signature.
    pub const SIGNATURE_NOT_VERIFIED: &str = "SIGNATURE_NOT_VERIFIED";
    /// A `.mobileconfig` payload that is not Wi-Fi (or a certificate it uses) was ignored.
    pub const PAYLOAD_IGNORED: &str = "PAYLOAD_IGNORED";
    /// `AcceptEAPTypes` listed several methods; the first supported one is used.
    pub const EAP_METHODS_REDUCED: &str = "EAP_METHODS_REDUCED";
    /// A Passpoint installation file read without the `application/x-wifi-config` MIME type.
    pub const PASSPOINT_MIME_TYPE: &str = "PASSPOINT_MIME_TYPE";
    /// A PPS MO with several credential types; the first (as Android picks it) is used.
    pub const PASSPOINT_EXTRA_CREDENTIALS: &str = "PASSPOINT_EXTRA_CREDENTIALS";
    /// A DPP `V:` value that is not a number.
    pub const DPP_UNKNOWN_VERSION: &str = "DPP_UNKNOWN_VERSION";
}

const NETWORK_CODES: &[&str] = &[
    codes::SSID_TOO_LONG,
    codes::SSID_PREFIX_IOS_ONLY,
    codes::MISSING_PASSWORD,
    codes::PASSPHRASE_TOO_SHORT,
    codes::PASSPHRASE_TOO_LONG,
    codes::PASSPHRASE_NOT_ASCII,
    codes::RAW_PSK,
    codes::WEP_ASCII_KEY,
    codes::WEP_KEY_LENGTH,
    codes::WEP_DEPRECATED,
    codes::EAP_METHOD_MISSING,
    codes::EAP_NO_SERVER_VALIDATION,
    codes::EAP_JOIN_ONCE,
    codes::MCC_MNC_FORMAT,
];

pub(crate) fn is_network_warning(code: &str) -> bool {
    NETWORK_CODES.contains(&code)
}

fn label(network: &WifiNetwork) -> String {
    match (&network.ssid, &network.passpoint) {
        (Some(ssid), _) => format!("network \"{ssid}\""),
        (None, Some(pp)) => format!("Passpoint network {}", pp.fqdn),
        (None, None) => "network".to_string(),
    }
}

/// The platform warnings for one network.
pub fn network_warnings(network: &WifiNetwork) -> Vec<HotspotWarning> {
    let mut out = Vec::new();
    let name = label(network);
    let w = |code: &str, msg: String| HotspotWarning::new(code, msg);

    if let Some(ssid) = &network.ssid {
        if ssid.len() > 32 {
            out.push(w(
                codes::SSID_TOO_LONG,
                format!(
                    "{name}: the SSID is {} bytes; Wi-Fi allows 32, iOS and Android refuse it",
                    ssid.len()
                ),
            ));
        }
    }
    if network.ssid_is_prefix {
        out.push(w(
            codes::SSID_PREFIX_IOS_ONLY,
            format!(
                "{name}: SSID prefix matching exists on iOS only; Android needs the exact SSID"
            ),
        ));
    }

    let password = network.password.as_ref().map(|p| p.expose());
    match network.security {
        Security::Wpa | Security::WpaSae | Security::Sae => match password {
            None => out.push(w(
                codes::MISSING_PASSWORD,
                format!(
                    "{name}: {} without a password; Android's WifiUriParser rejects this, ask the user for it",
                    network.security.as_str()
                ),
            )),
            Some(p) => {
                let raw = network.password_is_raw_psk();
                let chars = p.chars().count();
                if raw {
                    out.push(w(
                        codes::RAW_PSK,
                        format!("{name}: the password is a raw 64-hex-digit PSK; Android's WifiNetworkSuggestion.Builder only takes 8-63 character passphrases"),
                    ));
                } else if chars < 8 {
                    out.push(w(
                        codes::PASSPHRASE_TOO_SHORT,
                        format!("{name}: the passphrase has {chars} characters; iOS{} refuse passphrases shorter than 8",
                            if network.security == Security::Sae { "" } else { " and Android" }),
                    ));
                } else if chars > 63 {
                    out.push(w(
                        codes::PASSPHRASE_TOO_LONG,
                        format!("{name}: the passphrase has {chars} characters; iOS and Android refuse more than 63"),
                    ));
                }
                if !p.is_ascii() {
                    out.push(w(
                        codes::PASSPHRASE_NOT_ASCII,
                        format!("{name}: the passphrase has non-ASCII characters; Android's WifiNetworkSuggestion.Builder refuses it"),
                    ));
                }
            }
        },
        Security::Wep => {
            out.push(w(
                codes::WEP_DEPRECATED,
                format!("{name}: WEP is insecure; Android's WifiNetworkSuggestion cannot add WEP networks"),
            ));
            match password {
                None => out.push(w(
                    codes::MISSING_PASSWORD,
                    format!("{name}: WEP without a key; ask the user for it"),
                )),
                Some(p) => {
                    let len = p.len();
                    let hex = is_hex(p);
                    if hex && matches!(len, 10 | 26 | 32 | 58) {
                        // Hex keys are accepted everywhere WEP is.
                    } else if matches!(len, 5 | 13 | 16 | 29) && p.is_ascii() {
                        out.push(w(
                            codes::WEP_ASCII_KEY,
                            format!("{name}: the WEP key is ASCII text; iOS only accepts hex WEP keys (10 or 26 hex digits)"),
                        ));
                    } else {
                        out.push(w(
                            codes::WEP_KEY_LENGTH,
                            format!("{name}: a WEP key must be 5/13 ASCII characters or 10/26 hex digits; this one has {} characters", p.chars().count()),
                        ));
                    }
                }
            }
        }
        Security::Open | Security::Owe | Security::Eap => {}
    }

    if network.security == Security::Eap {
        if let Some(eap) = &network.eap {
            if eap.method.is_none() {
                out.push(w(
                    codes::EAP_METHOD_MISSING,
                    format!("{name}: enterprise network without an EAP method; neither platform can join it as is"),
                ));
            }
            let tls_based = matches!(
                eap.method,
                Some(EapMethod::Tls | EapMethod::Ttls | EapMethod::Peap | EapMethod::Fast)
            );
            if tls_based
                && network.passpoint.is_none()
                && eap.ca_certificates.is_empty()
                && eap.trusted_server_names.is_empty()
            {
                out.push(w(
                    codes::EAP_NO_SERVER_VALIDATION,
                    format!("{name}: no CA certificate or trusted server name; Android 11+ refuses such suggestions and iOS asks the user to trust the server"),
                ));
            }
        }
        if let Some(pp) = &network.passpoint {
            for m in pp.mcc_mnc.iter().filter(|m| m.len() != 6) {
                out.push(w(
                    codes::MCC_MNC_FORMAT,
                    format!("{name}: MCC/MNC {m} has {} digits; iOS wants exactly 6 (pad a 2-digit MNC with a leading 0)", m.len()),
                ));
            }
        }
        if network.join_once {
            out.push(w(
                codes::EAP_JOIN_ONCE,
                format!("{name}: iOS does not support joinOnce for EAP or Passpoint networks"),
            ));
        }
    }
    out
}
