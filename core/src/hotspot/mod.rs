//! Wi-Fi hotspot configurations: `WIFI:` QR codes, `DPP:` URIs, `.mobileconfig`, Passpoint profiles.
//!
//! [`parse_hotspot`] detects the format and returns one validated [`HotspotConfig`]:
//! the networks (or a DPP bootstrap record) plus `warnings` for what iOS or Android
//! will refuse, so an app can tell the user before asking the OS. [`write_wifi_uri`]
//! writes a network back as a `WIFI:` string for showing a QR code.
//!
//! Errors are one [`HotspotError`] with a stable [`HotspotErrorKind`]; no error
//! message and no `Debug` output ever contains a password, PSK or PKCS#12 blob.
//!
//! ```
//! use culvert_core::hotspot::{parse_hotspot, Security};
//! let config = parse_hotspot(b"WIFI:T:WPA;S:Cafe;P:espresso42;;", None).unwrap();
//! assert_eq!(config.networks[0].ssid.as_deref(), Some("Cafe"));
//! assert_eq!(config.networks[0].security, Security::Wpa);
//! ```

mod dpp;
mod mobileconfig;
mod model;
mod passpoint;
mod warnings;
mod wifi;

pub use dpp::parse_dpp_uri;
pub use mobileconfig::parse_mobileconfig;
pub use model::{
    ClientIdentity, DppBootstrap, DppChannel, DppCurve, EapConfig, EapMethod, HotspotConfig,
    HotspotError, HotspotErrorKind, HotspotFormat, HotspotWarning, PasspointConfig,
    PasspointCredential, Phase2, Secret, SecretBytes, Security, WifiNetwork,
};
pub use passpoint::{parse_install_file, parse_pps_xml};
pub use warnings::{codes as warning_codes, network_warnings};
pub use wifi::{parse_wifi_uri, write_wifi_uri};

/// The MIME type Android requires for a Passpoint installation file.
pub const MIME_WIFI_CONFIG: &str = "application/x-wifi-config";
/// The MIME type of an Apple configuration profile.
pub const MIME_MOBILECONFIG: &str = "application/x-apple-aspen-config";

/// Largest input accepted (4 MiB): profiles with certificates are a few kB.
pub const MAX_INPUT_LEN: usize = 4 * 1024 * 1024;

/// A roaming consortium OI as lower-case hex: 3 to 15 octets (ANQP allows that range;
/// 3 and 5 are what operators use), an optional `0x` removed.
pub(crate) fn normalize_oi(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    (text.len() % 2 == 0 && (6..=30).contains(&text.len()) && model::is_hex(text))
        .then(|| text.to_ascii_lowercase())
}

fn skip_bom_and_space(input: &[u8]) -> &[u8] {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    &input[start..]
}

fn finish(
    format: HotspotFormat,
    networks: Vec<WifiNetwork>,
    dpp: Option<DppBootstrap>,
    input_warnings: Vec<HotspotWarning>,
) -> HotspotConfig {
    let mut config = HotspotConfig {
        format,
        networks,
        dpp,
        warnings: input_warnings,
    };
    config.recheck();
    config
}

fn as_text(bytes: &[u8], what: &str) -> Result<String, HotspotError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| HotspotError::malformed(format!("{what} is not UTF-8 text")))
}

/// Parses any of the four formats. `mime` is the MIME type the input came with, if any:
/// `application/x-wifi-config` forces the Passpoint installation-file reading (and is
/// the only type Android installs such a file from); `application/x-apple-aspen-config`
/// forces `.mobileconfig`; `text/plain`, `text/xml`, `application/xml`,
/// `application/octet-stream` and `None` detect the format from the content; any other
/// type is UNSUPPORTED.
pub fn parse_hotspot(input: &[u8], mime: Option<&str>) -> Result<HotspotConfig, HotspotError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(HotspotError::unsupported(format!(
            "input is {} bytes; hotspot configurations larger than {MAX_INPUT_LEN} bytes are refused",
            input.len()
        )));
    }
    let mime = mime.map(|m| {
        m.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    match mime.as_deref() {
        Some(MIME_WIFI_CONFIG) => {
            let (network, warnings) = parse_install_file(input)?;
            return Ok(finish(HotspotFormat::Passpoint, vec![network], None, warnings));
        }
        Some(MIME_MOBILECONFIG) => {
            let (networks, warnings) = parse_mobileconfig(skip_bom_and_space(input))?;
            return Ok(finish(HotspotFormat::Mobileconfig, networks, None, warnings));
        }
        None
        | Some(
            "text/plain"
            | "text/xml"
            | "application/xml"
            | "application/octet-stream"
            | "application/x-passpoint-profile",
        ) => {}
        Some(other) => {
            return Err(HotspotError::unsupported(format!(
                "MIME type {} is not a hotspot configuration type (Android installs Passpoint files only as {MIME_WIFI_CONFIG})",
                other.chars().take(64).collect::<String>()
            )))
        }
    }

    let body = skip_bom_and_space(input);
    if body.is_empty() {
        return Err(HotspotError::unrecognized("the input is empty"));
    }
    if body.starts_with(b"WIFI:") {
        let network = parse_wifi_uri(&as_text(body, "the WIFI: code")?)?;
        return Ok(finish(HotspotFormat::Wifi, vec![network], None, Vec::new()));
    }
    if body.starts_with(b"DPP:") {
        let (record, warnings) = parse_dpp_uri(&as_text(body, "the DPP: URI")?)?;
        return Ok(finish(
            HotspotFormat::Dpp,
            Vec::new(),
            Some(record),
            warnings,
        ));
    }
    if body.starts_with(b"bplist") || mobileconfig::looks_signed(body) {
        let (networks, warnings) = parse_mobileconfig(body)?;
        return Ok(finish(
            HotspotFormat::Mobileconfig,
            networks,
            None,
            warnings,
        ));
    }
    if body.starts_with(b"<") {
        let text = as_text(body, "the XML document")?;
        let head: String = text.chars().take(2048).collect();
        if head.contains("<plist") || head.contains("<!DOCTYPE plist") {
            let (networks, warnings) = parse_mobileconfig(body)?;
            return Ok(finish(
                HotspotFormat::Mobileconfig,
                networks,
                None,
                warnings,
            ));
        }
        if head.contains("<MgmtTree") {
            let (network, warnings) = parse_pps_xml(&text)?;
            return Ok(finish(
                HotspotFormat::Passpoint,
                vec![network],
                None,
                warnings,
            ));
        }
        return Err(HotspotError::unrecognized(
            "XML that is neither a plist (.mobileconfig) nor a PerProviderSubscription MgmtTree",
        ));
    }
    if passpoint::looks_like_mime(body) {
        return Err(HotspotError::malformed(
            "a Passpoint MIME message that is not base64-encoded; application/x-wifi-config is base64 of the MIME message",
        ));
    }
    if let Some(decoded) = passpoint::decode_base64_lenient(body) {
        if passpoint::looks_like_mime(&decoded) {
            let (network, mut warnings) = parse_install_file(body)?;
            warnings.push(HotspotWarning::new(
                warning_codes::PASSPOINT_MIME_TYPE,
                format!("Passpoint installation file read without a MIME type; Android installs it only when served as {MIME_WIFI_CONFIG}"),
            ));
            return Ok(finish(
                HotspotFormat::Passpoint,
                vec![network],
                None,
                warnings,
            ));
        }
    }
    let lower: Vec<u8> = body.iter().take(8).map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"wifi:") || lower.starts_with(b"dpp:") {
        return Err(HotspotError::unrecognized(
            "the WIFI: and DPP: schemes are upper-case; ZXing and Android do not accept other spellings",
        ));
    }
    Err(HotspotError::unrecognized(
        "not a WIFI: QR code, DPP: URI, .mobileconfig or Passpoint profile",
    ))
}
