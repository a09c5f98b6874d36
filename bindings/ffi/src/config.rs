//! wg-quick configs and keys at the FFI edge.

use crate::guard::{guard, Internal};
use culvert_core::config::{PresharedKey, PrivateKey};
use zeroize::Zeroizing;

/// Why a config (or a key) was rejected: the same kinds on every platform, named
/// as wireguard-android's `BadConfigException.Reason` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConfigErrorKind {
    /// A line is neither a section header, a `Key = value` pair, nor a comment.
    SyntaxError,
    /// A `[Section]` other than `[Interface]` or `[Peer]`.
    UnknownSection,
    /// A key that section does not have.
    UnknownAttribute,
    /// No `[Interface]` section.
    MissingSection,
    /// A required key (`PrivateKey`, `PublicKey`) is absent.
    MissingAttribute,
    /// A key is not base64 of 32 bytes.
    InvalidKey,
    /// A number is not a number or out of range.
    InvalidNumber,
    /// A value of the wrong form (address, endpoint, ...).
    InvalidValue,
    /// Two peers with the same public key.
    DuplicatePeer,
    /// A single-valued key given twice.
    DuplicateAttribute,
}

/// The section a config error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConfigSection {
    /// `[Interface]`.
    Interface,
    /// `[Peer]`.
    Peer,
}

/// A config or key was rejected. Show `detail` to the user (it never contains a key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ConfigError {
    /// The input is not a valid config: `kind` says why, `section`/`key`/`line` where.
    #[error("{detail}")]
    Invalid {
        /// Why.
        kind: ConfigErrorKind,
        /// The section, when known.
        section: Option<ConfigSection>,
        /// The key (`Address`, `Endpoint`, ...), when known.
        key: Option<String>,
        /// The 1-based line number, when known.
        line: Option<u32>,
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

impl Internal for ConfigError {
    fn internal(detail: String) -> Self {
        ConfigError::Internal { detail }
    }
}

fn invalid_key(detail: &str) -> ConfigError {
    ConfigError::Invalid {
        kind: ConfigErrorKind::InvalidKey,
        section: None,
        key: None,
        line: None,
        detail: detail.to_string(),
    }
}

/// A new random private key, base64 as `wg genkey` prints it. Store it as a secret.
#[uniffi::export]
pub fn generate_private_key() -> String {
    PrivateKey::generate().to_base64()
}

/// A new random preshared key, base64 as `wg genpsk` prints it. Store it as a secret.
#[uniffi::export]
pub fn generate_preshared_key() -> String {
    PresharedKey::generate().to_base64()
}

/// The public key of a base64 private key, as `wg pubkey` derives it.
#[uniffi::export]
pub fn public_key(private_key: String) -> Result<String, ConfigError> {
    let private_key = Zeroizing::new(private_key);
    guard(|| {
        let key = PrivateKey::from_base64(&private_key)
            .map_err(|_| invalid_key("the private key is not base64 of 32 bytes"))?;
        Ok(key.public_key().to_base64())
    })
}
