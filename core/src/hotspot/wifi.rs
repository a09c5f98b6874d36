//! `WIFI:` QR codes: the ZXing syntax as ZXing's `WifiResultParser` and Android's
//! `WifiUriParser` read it, and a writer back to it.
//!
//! Decisions where the two disagree (tested in `core/tests/hotspot_conformance.rs`,
//! documented in `docs/hotspot.md`):
//! - Fields are split on unescaped `;` and matched by key at the start of a field,
//!   leading whitespace skipped (Android's new parser). ZXing's substring search can
//!   find `S:` inside another value (`P:abcS:y`); we do not.
//! - A last field without the closing `;` is kept (Android); ZXing drops it.
//! - A secured network without a password parses (ZXing) with a `MISSING_PASSWORD`
//!   warning; Android's parser throws.
//! - `T:` is matched case-insensitively; `WPA2-EAP` is enterprise (ZXing), not PSK
//!   (Android's `startsWith("WPA")`). Unknown types (Android's `ADB`) are INVALID_FIELD.
//! - When a key repeats, the first value wins (ZXing and Android's legacy parser).

use super::model::{EapConfig, EapMethod, HotspotError, Phase2, Secret, Security, WifiNetwork};

/// Characters the writer escapes with a backslash.
const ESCAPED: &[char] = &['\\', ';', ',', ':', '"'];

/// Splits the body after `WIFI:` on unescaped `;`, unescaping each field.
fn split_fields(body: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for ch in body.chars() {
        if escaped {
            current.push(ch);
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == ';' {
            fields.push(std::mem::take(&mut current));
        } else {
            current.push(ch);
        }
    }
    // A lone trailing backslash is dropped (as Android's removeBackSlash does).
    if !current.is_empty() {
        fields.push(current);
    }
    fields
}

#[derive(Default)]
struct Fields {
    ssid: Option<String>,
    kind: Option<String>,
    password: Option<String>,
    hidden: Option<String>,
    eap: Option<String>,
    phase2: Option<String>,
    identity: Option<String>,
    anonymous: Option<String>,
    transition_disable: Option<String>,
}

/// Parses a `WIFI:` string (BOM and leading whitespace already removed by the caller
/// or not: both are skipped here).
pub fn parse_wifi_uri(text: &str) -> Result<WifiNetwork, HotspotError> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let text = text.trim_end_matches(['\r', '\n']);
    let Some(body) = text.strip_prefix("WIFI:") else {
        return Err(HotspotError::unrecognized(
            "not a WIFI: QR code (the scheme is case-sensitive: WIFI:)",
        ));
    };

    let mut f = Fields::default();
    for raw in split_fields(body) {
        // The escape-aware split already removed backslashes, so a key is recognised
        // from the unescaped text; an escaped "S\:" is not a key in ZXing or Android
        // either, but this difference is harmless: keys are never escaped in practice.
        let field = raw.trim_start();
        let Some((key, value)) = field.split_once(':') else {
            continue;
        };
        let slot = match key {
            "S" => &mut f.ssid,
            "T" => &mut f.kind,
            "P" => &mut f.password,
            "H" => &mut f.hidden,
            "E" => &mut f.eap,
            "PH2" => &mut f.phase2,
            "I" => &mut f.identity,
            "A" => &mut f.anonymous,
            "R" => &mut f.transition_disable,
            _ => continue, // K: (WPA3 SAE key), unknown keys: ignored like both parsers do.
        };
        if slot.is_none() {
            *slot = Some(value.to_string());
        }
    }

    let ssid = match f.ssid {
        Some(s) if !s.is_empty() => s,
        _ => return Err(HotspotError::missing("WIFI: S (SSID) is missing or empty")),
    };

    let kind = f.kind.as_deref().map(str::trim).unwrap_or("");
    let transition_disable = f.transition_disable.as_deref().map(str::trim) == Some("1");
    let security = match kind.to_ascii_uppercase().as_str() {
        "" | "NOPASS" => Security::Open,
        "WEP" => Security::Wep,
        "WPA" | "WPA2" if transition_disable => Security::Sae,
        "WPA" | "WPA2" => Security::Wpa,
        "SAE" => Security::Sae,
        "WPA2-EAP" => Security::Eap,
        _ => {
            return Err(HotspotError::invalid(format!(
                "WIFI: T (security) \"{}\" is not one of nopass, WEP, WPA, WPA2, SAE, WPA2-EAP",
                kind.chars().take(32).collect::<String>()
            )))
        }
    };

    // H: is "true"/"false"; any other value is ZXing's legacy spelling of the phase-2
    // method when PH2: is absent.
    let mut hidden = false;
    let mut phase2_text = f.phase2.clone();
    if let Some(h) = f.hidden.as_deref().map(str::trim) {
        if h.eq_ignore_ascii_case("true") {
            hidden = true;
        } else if h.eq_ignore_ascii_case("false") {
        } else if phase2_text.is_none() && security == Security::Eap {
            phase2_text = Some(h.to_string());
        }
    }

    let password = match security {
        Security::Open => None,
        _ => f.password.filter(|p| !p.is_empty()).map(Secret::new),
    };

    let eap = if security == Security::Eap {
        let method = match f.eap.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(name) => Some(EapMethod::from_name(name).ok_or_else(|| {
                HotspotError::invalid(format!(
                    "WIFI: E (EAP method) \"{}\" is not one of TLS, TTLS, PEAP, PWD, FAST, SIM, AKA, AKA'",
                    name.chars().take(32).collect::<String>()
                ))
            })?),
        };
        let phase2 = match phase2_text.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(name) => Some(Phase2::from_name(name).ok_or_else(|| {
                HotspotError::invalid(format!(
                    "WIFI: PH2 (phase 2) \"{}\" is not one of PAP, CHAP, MSCHAP, MSCHAPV2, GTC, EAP",
                    name.chars().take(32).collect::<String>()
                ))
            })?),
        };
        Some(EapConfig {
            method,
            phase2,
            identity: f.identity.filter(|s| !s.is_empty()),
            anonymous_identity: f.anonymous.filter(|s| !s.is_empty()),
            ..EapConfig::default()
        })
    } else {
        None
    };

    Ok(WifiNetwork {
        ssid: Some(ssid),
        hidden,
        security,
        password,
        eap,
        ..WifiNetwork::default()
    })
}

fn escape(value: &str, out: &mut String) {
    for ch in value.chars() {
        if ESCAPED.contains(&ch) {
            out.push('\\');
        }
        out.push(ch);
    }
}

/// Writes a network as a `WIFI:` string, for showing a QR code.
///
/// `parse(write_wifi_uri(n)) == n` for every network this accepts, except two lossy
/// mappings the QR syntax forces: `owe` is written as `T:nopass` (Android joins it
/// as open-or-OWE) and `wpa-sae` as `T:WPA` (transition mode). UNSUPPORTED for what
/// `WIFI:` cannot carry: no SSID (Passpoint), an SSID prefix, CA certificates, trusted
/// server names, a client identity, Passpoint settings.
pub fn write_wifi_uri(network: &WifiNetwork) -> Result<String, HotspotError> {
    let Some(ssid) = network.ssid.as_deref().filter(|s| !s.is_empty()) else {
        return Err(HotspotError::unsupported(
            "WIFI: needs an SSID; Passpoint networks cannot be written as a WIFI: QR code",
        ));
    };
    if network.ssid_is_prefix {
        return Err(HotspotError::unsupported(
            "WIFI: cannot express an SSID prefix",
        ));
    }
    if network.passpoint.is_some() {
        return Err(HotspotError::unsupported(
            "WIFI: cannot carry Passpoint settings",
        ));
    }
    let kind = match network.security {
        Security::Open | Security::Owe => "nopass",
        Security::Wep => "WEP",
        Security::Wpa | Security::WpaSae => "WPA",
        Security::Sae => "SAE",
        Security::Eap => "WPA2-EAP",
    };
    let mut out = String::from("WIFI:T:");
    out.push_str(kind);
    out.push_str(";S:");
    escape(ssid, &mut out);
    out.push(';');
    if network.security != Security::Open && network.security != Security::Owe {
        if let Some(p) = network.password.as_ref().filter(|p| !p.expose().is_empty()) {
            out.push_str("P:");
            escape(p.expose(), &mut out);
            out.push(';');
        }
    }
    if network.hidden {
        out.push_str("H:true;");
    }
    if network.security == Security::Eap {
        if let Some(eap) = &network.eap {
            if !eap.ca_certificates.is_empty()
                || !eap.trusted_server_names.is_empty()
                || eap.client_identity.is_some()
            {
                return Err(HotspotError::unsupported(
                    "WIFI: cannot carry CA certificates, trusted server names or a client identity",
                ));
            }
            if let Some(m) = eap.method {
                out.push_str("E:");
                escape(m.as_str(), &mut out);
                out.push(';');
            }
            if let Some(p) = eap.phase2 {
                out.push_str("PH2:");
                out.push_str(p.as_str());
                out.push(';');
            }
            if let Some(i) = eap.identity.as_deref().filter(|s| !s.is_empty()) {
                out.push_str("I:");
                escape(i, &mut out);
                out.push(';');
            }
            if let Some(a) = eap.anonymous_identity.as_deref().filter(|s| !s.is_empty()) {
                out.push_str("A:");
                escape(a, &mut out);
                out.push(';');
            }
        } else {
            // Parsing T:WPA2-EAP always yields an (empty) EAP config.
        }
    }
    out.push(';');
    Ok(out)
}
