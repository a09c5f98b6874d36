//! Apple configuration profiles (`.mobileconfig`): XML or binary plist, optionally
//! inside a CMS (PKCS#7) `SignedData` envelope, with `com.apple.wifi.managed` payloads.
//!
//! Signed profiles: the envelope is stripped with a BER/DER parser and the profile
//! inside is read; the signature is NOT verified (warning `SIGNATURE_NOT_VERIFIED`).
//! Verifying it needs the signer's trust chain, which is the OS's job when the profile
//! is installed. Encrypted payloads (`EncryptedPayloadContent`) are UNSUPPORTED.

use super::model::{
    ClientIdentity, EapConfig, EapMethod, HotspotError, HotspotWarning, PasspointConfig, Phase2,
    Secret, SecretBytes, Security, WifiNetwork,
};
use super::warnings::codes;
use der::asn1::{AnyRef, ObjectIdentifier, OctetString};
use der::{Decode, EncodingRules, Header, Reader, SliceReader, Tag, TagNumber};
use plist::{Dictionary, Value};
use std::collections::HashMap;
use std::io::Cursor;

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");

/// Whether the bytes look like a CMS envelope (a BER/DER SEQUENCE).
pub(crate) fn looks_signed(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
}

fn expect_tag<'a>(r: &mut SliceReader<'a>, tag: Tag) -> der::Result<Header> {
    let header = Header::decode(r)?;
    header.tag().assert_eq(tag)?;
    Ok(header)
}

/// Extracts the signed content of a CMS `SignedData` (RFC 5652), BER or DER.
/// Only walks down to `encapContentInfo.eContent`; nothing after it is read.
fn strip_cms(bytes: &[u8]) -> der::Result<Vec<u8>> {
    let explicit0 = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(0),
    };
    let mut r = SliceReader::new_with_encoding_rules(bytes, EncodingRules::Ber)?;
    expect_tag(&mut r, Tag::Sequence)?; // ContentInfo
    let content_type: ObjectIdentifier = r.decode()?;
    if content_type != ID_SIGNED_DATA {
        return Err(r.error(der::ErrorKind::OidUnknown { oid: content_type }));
    }
    expect_tag(&mut r, explicit0)?;
    expect_tag(&mut r, Tag::Sequence)?; // SignedData
    let _version: AnyRef<'_> = r.decode()?;
    let _digest_algorithms: AnyRef<'_> = r.decode()?;
    expect_tag(&mut r, Tag::Sequence)?; // EncapsulatedContentInfo
    let econtent_type: ObjectIdentifier = r.decode()?;
    if econtent_type != ID_DATA {
        return Err(r.error(der::ErrorKind::OidUnknown { oid: econtent_type }));
    }
    expect_tag(&mut r, explicit0)?;
    let content: OctetString = r.decode()?;
    Ok(content.into_bytes().into_vec())
}

/// Most plist events (values) a profile may expand to.
const MAX_EVENTS: usize = 200_000;
/// Most bytes of strings and data a profile may expand to.
const MAX_EXPANDED_BYTES: usize = 32 * 1024 * 1024;
/// Deepest nesting of arrays and dictionaries.
const MAX_DEPTH: usize = 64;

/// Reads a plist (XML or binary) within bounds: a binary plist is a graph whose
/// objects can be shared, so a few hundred bytes can expand exponentially.
fn read_plist(bytes: &[u8]) -> Result<Value, HotspotError> {
    use plist::stream::{Event, Reader};
    let too_big = || {
        HotspotError::unsupported(
            ".mobileconfig expands to more objects or bytes than any profile has (a shared-object bomb?)",
        )
    };
    let mut events = Vec::new();
    let mut depth = 0usize;
    let mut expanded = 0usize;
    for event in Reader::new(Cursor::new(bytes)) {
        let event = event.map_err(|e| {
            HotspotError::malformed(format!(".mobileconfig is not a valid plist: {e}"))
        })?;
        match &event {
            Event::StartArray(_) | Event::StartDictionary(_) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(HotspotError::unsupported(format!(
                        ".mobileconfig nests deeper than {MAX_DEPTH} levels"
                    )));
                }
            }
            Event::EndCollection => depth = depth.saturating_sub(1),
            Event::Data(d) => expanded += d.len(),
            Event::String(s) => expanded += s.len(),
            _ => {}
        }
        events.push(event);
        if events.len() > MAX_EVENTS || expanded > MAX_EXPANDED_BYTES {
            return Err(too_big());
        }
    }
    Value::from_events(events.into_iter().map(Ok))
        .map_err(|e| HotspotError::malformed(format!(".mobileconfig is not a valid plist: {e}")))
}

/// Parses a profile. Returns its networks and warnings about the input.
pub fn parse_mobileconfig(
    bytes: &[u8],
) -> Result<(Vec<WifiNetwork>, Vec<HotspotWarning>), HotspotError> {
    let mut warnings = Vec::new();
    let stripped;
    let mut plist_bytes = bytes;
    if looks_signed(bytes) {
        stripped = strip_cms(bytes).map_err(|_| {
            HotspotError::unsupported(
                "signed .mobileconfig: the CMS envelope is not a SignedData with embedded content Culvert can read",
            )
        })?;
        plist_bytes = &stripped;
        warnings.push(HotspotWarning::new(
            codes::SIGNATURE_NOT_VERIFIED,
            "signed profile: the CMS envelope was removed but its signature was not verified; the OS verifies it on installation",
        ));
    }
    let root = read_plist(plist_bytes)?;
    let root = root.as_dictionary().ok_or_else(|| {
        HotspotError::malformed(".mobileconfig: the top level is not a dictionary")
    })?;
    if root.contains_key("EncryptedPayloadContent") {
        return Err(HotspotError::unsupported(
            ".mobileconfig: encrypted payloads (EncryptedPayloadContent) cannot be read without the device's key",
        ));
    }

    let payloads: Vec<&Dictionary> = match string(root, "PayloadType")? {
        Some("com.apple.wifi.managed") => vec![root],
        _ => match root.get("PayloadContent") {
            None => {
                return Err(HotspotError::missing(
                    ".mobileconfig: PayloadContent is missing",
                ))
            }
            Some(v) => v
                .as_array()
                .ok_or_else(|| {
                    HotspotError::invalid(".mobileconfig: PayloadContent is not an array")
                })?
                .iter()
                .map(|p| {
                    p.as_dictionary().ok_or_else(|| {
                        HotspotError::invalid(".mobileconfig: a payload is not a dictionary")
                    })
                })
                .collect::<Result<_, _>>()?,
        },
    };

    // Certificates other payloads refer to by PayloadUUID.
    let mut certs: HashMap<&str, Vec<u8>> = HashMap::new();
    let mut identities: HashMap<&str, ClientIdentity> = HashMap::new();
    let mut wifi = Vec::new();
    for payload in &payloads {
        let kind = string(payload, "PayloadType")?.unwrap_or("");
        let uuid = string(payload, "PayloadUUID")?.unwrap_or("");
        match kind {
            "com.apple.wifi.managed" => wifi.push(*payload),
            "com.apple.security.root"
            | "com.apple.security.pem"
            | "com.apple.security.pkcs1"
            | "com.apple.security.pkix" => {
                if let Some(data) = payload.get("PayloadContent").and_then(Value::as_data) {
                    certs.insert(uuid, certificate_der(data)?);
                }
            }
            "com.apple.security.pkcs12" => {
                if let Some(data) = payload.get("PayloadContent").and_then(Value::as_data) {
                    identities.insert(
                        uuid,
                        ClientIdentity {
                            pkcs12: SecretBytes::new(data.to_vec()),
                            password: string(payload, "Password")?.map(Secret::new),
                        },
                    );
                }
            }
            other => warnings.push(HotspotWarning::new(
                codes::PAYLOAD_IGNORED,
                format!(
                    "payload of type {} ignored (not Wi-Fi)",
                    other.chars().take(80).collect::<String>()
                ),
            )),
        }
    }
    if wifi.is_empty() {
        return Err(HotspotError::missing(
            ".mobileconfig: no com.apple.wifi.managed payload",
        ));
    }
    let mut networks = Vec::new();
    for payload in wifi {
        networks.push(wifi_payload(payload, &certs, &identities, &mut warnings)?);
    }
    Ok((networks, warnings))
}

/// PEM or DER certificate data to DER; checks it is at least a DER SEQUENCE.
fn certificate_der(data: &[u8]) -> Result<Vec<u8>, HotspotError> {
    let der = if data.starts_with(b"-----BEGIN") {
        super::passpoint::pem_to_der(data).ok_or_else(|| {
            HotspotError::invalid(".mobileconfig: a certificate payload has malformed PEM")
        })?
    } else {
        data.to_vec()
    };
    if !super::passpoint::is_der_sequence(&der) {
        return Err(HotspotError::invalid(
            ".mobileconfig: a certificate payload is not a DER certificate",
        ));
    }
    Ok(der)
}

fn type_error(key: &str, expected: &str) -> HotspotError {
    HotspotError::invalid(format!(".mobileconfig: {key} must be {expected}"))
}

fn string<'a>(dict: &'a Dictionary, key: &str) -> Result<Option<&'a str>, HotspotError> {
    match dict.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| type_error(key, "a string")),
    }
}

fn boolean(dict: &Dictionary, key: &str) -> Result<Option<bool>, HotspotError> {
    match dict.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_boolean()
            .map(Some)
            .ok_or_else(|| type_error(key, "a boolean")),
    }
}

fn strings(dict: &Dictionary, key: &str) -> Result<Vec<String>, HotspotError> {
    match dict.get(key) {
        None => Ok(Vec::new()),
        Some(v) => v
            .as_array()
            .ok_or_else(|| type_error(key, "an array of strings"))?
            .iter()
            .map(|s| {
                s.as_string()
                    .map(str::to_string)
                    .ok_or_else(|| type_error(key, "an array of strings"))
            })
            .collect(),
    }
}

fn wifi_payload(
    p: &Dictionary,
    certs: &HashMap<&str, Vec<u8>>,
    identities: &HashMap<&str, ClientIdentity>,
    warnings: &mut Vec<HotspotWarning>,
) -> Result<WifiNetwork, HotspotError> {
    let is_hotspot = boolean(p, "IsHotspot")?.unwrap_or(false);
    let ssid = string(p, "SSID_STR")?
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if ssid.is_none() && !is_hotspot {
        return Err(HotspotError::missing(
            ".mobileconfig: SSID_STR is missing or empty in a com.apple.wifi.managed payload",
        ));
    }
    let hidden = boolean(p, "HIDDEN_NETWORK")?.unwrap_or(false);
    let encryption = string(p, "EncryptionType")?.unwrap_or("Any");
    let mut security = match encryption {
        "None" => Security::Open,
        "WEP" => Security::Wep,
        "WPA" | "WPA2" => Security::Wpa,
        "WPA3" => Security::Sae,
        "Any" => Security::WpaSae,
        other => {
            return Err(HotspotError::invalid(format!(
            ".mobileconfig: EncryptionType \"{}\" is not one of None, WEP, WPA, WPA2, WPA3, Any",
            other.chars().take(32).collect::<String>()
        )))
        }
    };
    let mut password = string(p, "Password")?
        .filter(|s| !s.is_empty())
        .map(Secret::new);

    let eap = match p.get("EAPClientConfiguration") {
        None => None,
        Some(v) => {
            let d = v
                .as_dictionary()
                .ok_or_else(|| type_error("EAPClientConfiguration", "a dictionary"))?;
            let (eap, eap_password) = eap_config(d, p, certs, identities, warnings)?;
            password = eap_password;
            security = Security::Eap;
            Some(eap)
        }
    };
    if security == Security::Open {
        password = None;
    }

    let passpoint = if is_hotspot {
        if eap.is_none() {
            return Err(HotspotError::missing(
                ".mobileconfig: a Hotspot 2.0 payload (IsHotspot) needs EAPClientConfiguration",
            ));
        }
        let fqdn = string(p, "DomainName")?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                HotspotError::missing(
                    ".mobileconfig: DomainName is required for a Hotspot 2.0 payload (IsHotspot)",
                )
            })?;
        let mut ois = Vec::new();
        for oi in strings(p, "RoamingConsortiumOIs")? {
            ois.push(super::normalize_oi(&oi).ok_or_else(|| {
                HotspotError::invalid(
                    ".mobileconfig: RoamingConsortiumOIs must be hex strings of 3 to 15 octets (6 to 30 digits)",
                )
            })?);
        }
        let mcc_mnc = strings(p, "MCCAndMNCs")?;
        if mcc_mnc
            .iter()
            .any(|m| !(5..=6).contains(&m.len()) || !m.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(HotspotError::invalid(
                ".mobileconfig: MCCAndMNCs entries must be 5 or 6 digits",
            ));
        }
        Some(PasspointConfig {
            fqdn: fqdn.to_string(),
            friendly_name: string(p, "DisplayedOperatorName")?.map(str::to_string),
            realm: None,
            roaming_consortium_ois: ois,
            nai_realms: strings(p, "NAIRealmNames")?,
            mcc_mnc,
            other_home_partners: Vec::new(),
            credential: None,
        })
    } else {
        None
    };

    Ok(WifiNetwork {
        ssid,
        ssid_is_prefix: false,
        hidden,
        security,
        password,
        join_once: false,
        eap,
        passpoint,
    })
}

fn eap_config(
    d: &Dictionary,
    payload: &Dictionary,
    certs: &HashMap<&str, Vec<u8>>,
    identities: &HashMap<&str, ClientIdentity>,
    warnings: &mut Vec<HotspotWarning>,
) -> Result<(EapConfig, Option<Secret>), HotspotError> {
    let types = match d.get("AcceptEAPTypes") {
        None => {
            return Err(HotspotError::missing(
                ".mobileconfig: EAPClientConfiguration.AcceptEAPTypes is missing",
            ))
        }
        Some(v) => v
            .as_array()
            .ok_or_else(|| type_error("AcceptEAPTypes", "an array of integers"))?
            .iter()
            .map(|t| {
                t.as_signed_integer()
                    .ok_or_else(|| type_error("AcceptEAPTypes", "an array of integers"))
            })
            .collect::<Result<Vec<i64>, _>>()?,
    };
    let method = types
        .iter()
        .find_map(|t| EapMethod::from_eap_type(*t))
        .ok_or_else(|| {
            if types.is_empty() {
                HotspotError::missing(".mobileconfig: AcceptEAPTypes is empty")
            } else {
                HotspotError::unsupported(format!(
                    ".mobileconfig: AcceptEAPTypes {types:?} has no method Culvert supports (13 TLS, 21 TTLS, 25 PEAP, 43 FAST, 52 PWD, 18 SIM, 23 AKA, 50 AKA')"
                ))
            }
        })?;
    if types.len() > 1 {
        warnings.push(HotspotWarning::new(
            codes::EAP_METHODS_REDUCED,
            format!(
                "AcceptEAPTypes {types:?}: only {} is kept (Android takes one method per network)",
                method.as_str()
            ),
        ));
    }
    let phase2 = match string(d, "TTLSInnerAuthentication")? {
        Some(name) => Some(Phase2::from_name(name).ok_or_else(|| {
            HotspotError::invalid(format!(
                ".mobileconfig: TTLSInnerAuthentication \"{}\" is not one of PAP, CHAP, MSCHAP, MSCHAPv2, EAP",
                name.chars().take(32).collect::<String>()
            ))
        })?),
        // Apple's defaults: TTLS uses MSCHAPv2, PEAP is always MSCHAPv2 inside.
        None if matches!(method, EapMethod::Ttls | EapMethod::Peap) => Some(Phase2::Mschapv2),
        None => None,
    };
    let mut ca_certificates = Vec::new();
    for uuid in strings(d, "PayloadCertificateAnchorUUID")? {
        let cert = certs.get(uuid.as_str()).ok_or_else(|| {
            HotspotError::invalid(format!(
                ".mobileconfig: PayloadCertificateAnchorUUID {} names no certificate payload in this profile",
                uuid.chars().take(64).collect::<String>()
            ))
        })?;
        ca_certificates.push(cert.clone());
    }
    let client_identity = match string(payload, "PayloadCertificateUUID")? {
        None => None,
        Some(uuid) => Some(identities.get(uuid).cloned().ok_or_else(|| {
            HotspotError::invalid(format!(
                ".mobileconfig: PayloadCertificateUUID {} names no PKCS#12 payload in this profile",
                uuid.chars().take(64).collect::<String>()
            ))
        })?),
    };
    let password = string(d, "UserPassword")?
        .filter(|s| !s.is_empty())
        .map(Secret::new);
    Ok((
        EapConfig {
            method: Some(method),
            phase2,
            identity: string(d, "UserName")?.map(str::to_string),
            anonymous_identity: string(d, "OuterIdentity")?.map(str::to_string),
            trusted_server_names: strings(d, "TLSTrustedServerNames")?,
            ca_certificates,
            client_identity,
        },
        password,
    ))
}
