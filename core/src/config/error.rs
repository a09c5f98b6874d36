//! The one error type of the wg-quick parser: what went wrong, and where.

use serde::Serialize;
use std::fmt;

/// Why a configuration was rejected. The names (and `as_str`) are the reasons the
/// official WireGuard Android app reports (`BadConfigException.Reason`), plus
/// [`ErrorKind::DuplicatePeer`] and [`ErrorKind::DuplicateAttribute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorKind {
    /// A line that is neither a section header nor `Key = Value` (also: empty value,
    /// text that is not UTF-8).
    SyntaxError,
    /// A section header other than `[Interface]` or `[Peer]`, or an attribute outside any section.
    UnknownSection,
    /// An attribute name this section does not have.
    UnknownAttribute,
    /// No `[Interface]` section in the file.
    MissingSection,
    /// A required attribute (`PrivateKey`, `PublicKey`) is absent.
    MissingAttribute,
    /// A key that is not base64 of 32 bytes; also `IncludedApplications` together
    /// with `ExcludedApplications` (as Android reports it).
    InvalidKey,
    /// A number that does not parse as an integer.
    InvalidNumber,
    /// A value of the right shape but not acceptable (out of range, bad address, ...).
    InvalidValue,
    /// Two `[Peer]` sections with the same public key.
    DuplicatePeer,
    /// A single-valued attribute given twice in one section.
    DuplicateAttribute,
}

impl ErrorKind {
    /// The reason as the Android app spells it, e.g. `"SYNTAX_ERROR"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SYNTAX_ERROR",
            ErrorKind::UnknownSection => "UNKNOWN_SECTION",
            ErrorKind::UnknownAttribute => "UNKNOWN_ATTRIBUTE",
            ErrorKind::MissingSection => "MISSING_SECTION",
            ErrorKind::MissingAttribute => "MISSING_ATTRIBUTE",
            ErrorKind::InvalidKey => "INVALID_KEY",
            ErrorKind::InvalidNumber => "INVALID_NUMBER",
            ErrorKind::InvalidValue => "INVALID_VALUE",
            ErrorKind::DuplicatePeer => "DUPLICATE_PEER",
            ErrorKind::DuplicateAttribute => "DUPLICATE_ATTRIBUTE",
        }
    }

    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::SyntaxError,
        ErrorKind::UnknownSection,
        ErrorKind::UnknownAttribute,
        ErrorKind::MissingSection,
        ErrorKind::MissingAttribute,
        ErrorKind::InvalidKey,
        ErrorKind::InvalidNumber,
        ErrorKind::InvalidValue,
        ErrorKind::DuplicatePeer,
        ErrorKind::DuplicateAttribute,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A configuration section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Section {
    /// `[Interface]`.
    Interface,
    /// `[Peer]`.
    Peer,
}

impl Section {
    /// `"Interface"` or `"Peer"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Interface => "Interface",
            Section::Peer => "Peer",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected configuration: the first problem from the top of the file.
///
/// - `section`: the section the problem is in; for `MISSING_SECTION` the missing
///   one; `None` for `UNKNOWN_SECTION` and text that is not UTF-8.
/// - `key`: the attribute as the docs spell it (`PersistentKeepalive`); for
///   `UNKNOWN_ATTRIBUTE` the name as written; for `UNKNOWN_SECTION` the section
///   name; `None` for syntax errors and `MISSING_SECTION`.
/// - `line`: 1-based; for `MISSING_ATTRIBUTE` the section header's line; `None`
///   for `MISSING_SECTION`.
/// - `message`: for people. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ConfigError {
    /// Why.
    pub kind: ErrorKind,
    /// In which section.
    pub section: Option<Section>,
    /// Which attribute.
    pub key: Option<String>,
    /// Which line (1-based).
    pub line: Option<usize>,
    /// A human explanation.
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(
        kind: ErrorKind,
        section: Option<Section>,
        key: Option<&str>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            section,
            key: key.map(str::to_owned),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        match (&self.section, &self.key) {
            (Some(section), Some(key)) => write!(f, "[{section}] {key}: ")?,
            (Some(section), None) => write!(f, "[{section}]: ")?,
            (None, Some(key)) => write!(f, "{key}: ")?,
            (None, None) => {}
        }
        write!(f, "{} ({})", self.message, self.kind)
    }
}
