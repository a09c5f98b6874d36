//! Wi-Fi Easy Connect `DPP:` bootstrapping URIs, checked as hostap's `dpp_parse_uri`
//! checks them, with the public key parsed as a DER SubjectPublicKeyInfo.

use super::model::{DppBootstrap, DppChannel, DppCurve, HotspotError, HotspotWarning};
use super::warnings::codes;
use base64::Engine as _;
use der::asn1::ObjectIdentifier;
use der::Decode;
use spki::SubjectPublicKeyInfoRef;

const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const CURVES: &[(&str, DppCurve, usize)] = &[
    ("1.2.840.10045.3.1.7", DppCurve::P256, 32),
    ("1.3.132.0.34", DppCurve::P384, 48),
    ("1.3.132.0.35", DppCurve::P521, 66),
    ("1.3.36.3.3.2.8.1.1.7", DppCurve::Brainpool256, 32),
    ("1.3.36.3.3.2.8.1.1.11", DppCurve::Brainpool384, 48),
    ("1.3.36.3.3.2.8.1.1.13", DppCurve::Brainpool512, 64),
];

/// Parses a `DPP:` URI. Returns the record and warnings about it.
pub fn parse_dpp_uri(text: &str) -> Result<(DppBootstrap, Vec<HotspotWarning>), HotspotError> {
    let text = text.trim_start_matches('\u{feff}').trim();
    let Some(body) = text.strip_prefix("DPP:") else {
        return Err(HotspotError::unrecognized(
            "not a DPP: URI (the scheme is case-sensitive: DPP:)",
        ));
    };

    let (mut chan, mut mac, mut info, mut key, mut version, mut host, mut curves) =
        (None, None, None, None, None, None, None);
    // Tokens end at ';'. Empty tokens (the terminating ";;") are skipped, the first
    // occurrence of a key wins and unknown keys are ignored, as in hostap. Unlike hostap
    // a last token without its ';' is still read (Android's parser splits the same way).
    for token in body.split(';') {
        if token.is_empty() {
            continue;
        }
        let (k, v) = match token.split_once(':') {
            Some(kv) => kv,
            None => continue,
        };
        let slot = match k {
            "C" => &mut chan,
            "M" => &mut mac,
            "I" => &mut info,
            "K" => &mut key,
            "V" => &mut version,
            "H" => &mut host,
            "B" => &mut curves,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(v);
        }
    }

    let Some(key) = key.filter(|k| !k.is_empty()) else {
        return Err(HotspotError::missing(
            "DPP: K (public key) is missing or empty",
        ));
    };
    let mut warnings = Vec::new();
    let channels = match chan {
        Some(c) => parse_channels(c)?,
        None => Vec::new(),
    };
    let mac = match mac {
        Some(m) => Some(parse_mac(m)?),
        None => None,
    };
    if let Some(i) = info {
        if !i.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(HotspotError::invalid(
                "DPP: I (information) must be printable ASCII (0x20-0x7E)",
            ));
        }
    }
    let version = match version {
        None => None,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if !v.starts_with('+') => Some(n),
            _ => {
                warnings.push(HotspotWarning::new(
                    codes::DPP_UNKNOWN_VERSION,
                    "DPP: V (version) is not a number; ignored as hostap does",
                ));
                None
            }
        },
    };
    if let Some(h) = host {
        check_host(h)?;
    }
    let curve = parse_public_key(key)?;

    Ok((
        DppBootstrap {
            public_key: key.to_string(),
            curve,
            channels,
            mac,
            info: info.map(str::to_string),
            version,
            host: host.map(str::to_string),
            supported_curves: curves.map(str::to_string),
        },
        warnings,
    ))
}

fn invalid_channels() -> HotspotError {
    HotspotError::invalid(
        "DPP: C (channel list) must be opclass/channel[,channel...][,opclass/channel...] with numbers 1-255",
    )
}

fn parse_number(text: &str) -> Option<u8> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u8>().ok().filter(|n| *n > 0)
}

/// `81/1,2,115/36`: an operating class carries forward to bare channels.
fn parse_channels(list: &str) -> Result<Vec<DppChannel>, HotspotError> {
    let mut out = Vec::new();
    let mut op_class: Option<u8> = None;
    for item in list.split(',') {
        let channel_text = match item.split_once('/') {
            Some((class, channel)) => {
                op_class = Some(parse_number(class).ok_or_else(invalid_channels)?);
                channel
            }
            None => item,
        };
        let op_class = op_class.ok_or_else(invalid_channels)?;
        let channel = parse_number(channel_text).ok_or_else(invalid_channels)?;
        out.push(DppChannel { op_class, channel });
    }
    Ok(out)
}

fn parse_mac(text: &str) -> Result<[u8; 6], HotspotError> {
    let err = || HotspotError::invalid("DPP: M (MAC address) must be 12 hex digits");
    if text.len() != 12 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(err());
    }
    let mut mac = [0u8; 6];
    for (i, byte) in mac.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| err())?;
    }
    Ok(mac)
}

fn check_host(text: &str) -> Result<(), HotspotError> {
    use std::net::{IpAddr, SocketAddr};
    if text.parse::<IpAddr>().is_ok() || text.parse::<SocketAddr>().is_ok() {
        return Ok(());
    }
    Err(HotspotError::invalid(
        "DPP: H (host) must be an IP address, optionally with a port (IPv6 with a port in brackets)",
    ))
}

fn parse_public_key(text: &str) -> Result<DppCurve, HotspotError> {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let der = engine
        .decode(text)
        .map_err(|_| HotspotError::invalid("DPP: K (public key) is not valid base64"))?;
    let spki = SubjectPublicKeyInfoRef::from_der(&der).map_err(|_| {
        HotspotError::invalid("DPP: K (public key) is not a DER SubjectPublicKeyInfo")
    })?;
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
        return Err(HotspotError::invalid(
            "DPP: K (public key) is not an elliptic-curve key",
        ));
    }
    let curve_oid = spki
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        .ok_or_else(|| {
            HotspotError::invalid(
                "DPP: K (public key) must name its curve (explicit curve parameters are not allowed)",
            )
        })?;
    let oid_text = curve_oid.to_string();
    let Some(&(_, curve, field_len)) = CURVES.iter().find(|(oid, _, _)| *oid == oid_text) else {
        return Err(HotspotError::invalid(format!(
            "DPP: K (public key) uses curve {oid_text}; DPP allows P-256, P-384, P-521 and brainpool 256/384/512"
        )));
    };
    let point = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| HotspotError::invalid("DPP: K (public key) has a malformed BIT STRING"))?;
    let not_on_curve = || {
        HotspotError::invalid(format!(
            "DPP: K (public key) is not a valid {} point",
            curve.as_str()
        ))
    };
    match curve {
        DppCurve::P256 => {
            p256::PublicKey::from_sec1_bytes(point).map_err(|_| not_on_curve())?;
        }
        DppCurve::P384 => {
            p384::PublicKey::from_sec1_bytes(point).map_err(|_| not_on_curve())?;
        }
        _ => {
            let ok = match point.first() {
                Some(0x02 | 0x03) => point.len() == 1 + field_len,
                Some(0x04) => point.len() == 1 + 2 * field_len,
                _ => false,
            };
            if !ok {
                return Err(not_on_curve());
            }
        }
    }
    Ok(curve)
}
