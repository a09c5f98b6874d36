//! One entry point for anything a user scans: a wg-quick config, `WIFI:` or `DPP:`.
//!
//! The official WireGuard apps export a tunnel as a QR code holding the wg-quick
//! text itself; Wi-Fi QR codes hold a `WIFI:` string; Easy Connect codes a `DPP:`
//! URI. [`parse_qr`] tells them apart and parses each with its own parser.
//!
//! ```
//! use culvert_core::qr::{parse_qr, QrPayload};
//! assert!(matches!(parse_qr("WIFI:S:Cafe;T:nopass;;"), Ok(QrPayload::Wifi(_))));
//! assert_eq!(parse_qr("hello").unwrap_err().kind(), "UNRECOGNIZED_FORMAT");
//! ```

use crate::config::{self, Config, ConfigError};
use crate::hotspot::{self, HotspotConfig, HotspotError};

/// What a scanned code holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum QrPayload {
    /// A WireGuard tunnel (wg-quick text).
    WireGuard(Config),
    /// A `WIFI:` network (format [`hotspot::HotspotFormat::Wifi`]).
    Wifi(HotspotConfig),
    /// A `DPP:` bootstrap record (format [`hotspot::HotspotFormat::Dpp`]).
    Dpp(HotspotConfig),
}

impl QrPayload {
    /// `"wireguard"`, `"wifi"` or `"dpp"`.
    pub fn kind(&self) -> &'static str {
        match self {
            QrPayload::WireGuard(_) => "wireguard",
            QrPayload::Wifi(_) => "wifi",
            QrPayload::Dpp(_) => "dpp",
        }
    }
}

/// Why a scanned code was rejected: the error of the parser it was given to.
/// Text that is none of the three is a [`HotspotError`] of kind `UNRECOGNIZED_FORMAT`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The code is a wg-quick config with an error.
    #[error(transparent)]
    WireGuard(ConfigError),
    /// The code is a `WIFI:` or `DPP:` string with an error, or nothing recognised.
    #[error(transparent)]
    Hotspot(HotspotError),
}

impl QrError {
    /// The stable error kind (`INVALID_KEY`, `MISSING_FIELD`, `UNRECOGNIZED_FORMAT`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            QrError::WireGuard(e) => e.kind.as_str(),
            QrError::Hotspot(e) => e.kind.as_str(),
        }
    }

    /// The human message (never a secret).
    pub fn message(&self) -> &str {
        match self {
            QrError::WireGuard(e) => &e.message,
            QrError::Hotspot(e) => &e.message,
        }
    }
}

/// Whether the text's first meaningful line is a `[Section]` header.
fn looks_like_wg_quick(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with('['))
}

/// Parses the text of a scanned code.
pub fn parse_qr(text: &str) -> Result<QrPayload, QrError> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with("WIFI:") {
        let network = hotspot::parse_hotspot(body.as_bytes(), None).map_err(QrError::Hotspot)?;
        return Ok(QrPayload::Wifi(network));
    }
    if body.starts_with("DPP:") {
        let record = hotspot::parse_hotspot(body.as_bytes(), None).map_err(QrError::Hotspot)?;
        return Ok(QrPayload::Dpp(record));
    }
    if looks_like_wg_quick(body) {
        return config::parse(text)
            .map(QrPayload::WireGuard)
            .map_err(QrError::WireGuard);
    }
    Err(QrError::Hotspot(HotspotError {
        kind: hotspot::HotspotErrorKind::UnrecognizedFormat,
        message: "not a WireGuard configuration, WIFI: QR code or DPP: URI".to_string(),
    }))
}
