//! wg-quick configs, network settings and keys at the FFI edge.
//!
//! A parsed config is an opaque [`TunnelConfig`] object (its private key never
//! becomes a Kotlin/Swift string unless [`TunnelConfig::to_wg_quick`] is called);
//! read-only views ([`InterfaceInfo`], [`PeerInfo`]) carry no secret.

use crate::guard::{guard, Internal};
use culvert_core::config::{self as core_config, PresharedKey, PrivateKey};
use culvert_core::settings as core_settings;
use ipnetwork::IpNetwork;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Why a config (or a key) was rejected: the same kinds on every platform, named
/// as wireguard-android's `BadConfigException.Reason` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConfigErrorKind {
    /// A line is neither a section header, a `Key = value` pair, nor a comment
    /// (also: an empty value, text that is not UTF-8).
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
    /// A number is not a number.
    InvalidNumber,
    /// A value of the wrong form or out of range (address, endpoint, port, ...).
    InvalidValue,
    /// Two peers with the same public key.
    DuplicatePeer,
    /// A single-valued key given twice.
    DuplicateAttribute,
}

impl From<core_config::ErrorKind> for ConfigErrorKind {
    fn from(kind: core_config::ErrorKind) -> Self {
        use core_config::ErrorKind as K;
        match kind {
            K::SyntaxError => Self::SyntaxError,
            K::UnknownSection => Self::UnknownSection,
            K::UnknownAttribute => Self::UnknownAttribute,
            K::MissingSection => Self::MissingSection,
            K::MissingAttribute => Self::MissingAttribute,
            K::InvalidKey => Self::InvalidKey,
            K::InvalidNumber => Self::InvalidNumber,
            K::InvalidValue => Self::InvalidValue,
            K::DuplicatePeer => Self::DuplicatePeer,
            K::DuplicateAttribute => Self::DuplicateAttribute,
        }
    }
}

/// The section a config error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConfigSection {
    /// `[Interface]`.
    Interface,
    /// `[Peer]`.
    Peer,
}

impl From<core_config::Section> for ConfigSection {
    fn from(section: core_config::Section) -> Self {
        match section {
            core_config::Section::Interface => Self::Interface,
            core_config::Section::Peer => Self::Peer,
        }
    }
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
        /// The key (`Address`, `Endpoint`, ...) as the docs spell it, when known.
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

impl From<core_config::ConfigError> for ConfigError {
    fn from(err: core_config::ConfigError) -> Self {
        ConfigError::Invalid {
            kind: err.kind.into(),
            section: err.section.map(Into::into),
            key: err.key,
            line: err.line.map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
            detail: err.message,
        }
    }
}

fn invalid(kind: ConfigErrorKind, key: Option<&str>, detail: String) -> ConfigError {
    ConfigError::Invalid {
        kind,
        section: None,
        key: key.map(str::to_string),
        line: None,
        detail,
    }
}

/// A parsed wg-quick configuration. Opaque: it holds the private key, which
/// leaves Culvert only through [`TunnelConfig::to_wg_quick`].
#[derive(Debug, uniffi::Object)]
pub struct TunnelConfig {
    pub(crate) inner: core_config::Config,
}

/// A remark about a valid config (host-only keys, a peer without endpoint, ...).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConfigWarning {
    /// Stable code: `HOST_ONLY_KEY`, `NO_ADDRESS`, `NO_PEERS`, `PEER_NO_ALLOWED_IPS`,
    /// `PEER_NO_ENDPOINT`, `PEER_IS_SELF`, `OVERLAPPING_ALLOWED_IPS`, `MTU_BELOW_IPV6_MINIMUM`.
    pub code: String,
    /// A sentence for the user.
    pub detail: String,
}

/// The `[Interface]` section without its private key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InterfaceInfo {
    /// The public key matching `PrivateKey`.
    pub public_key: String,
    /// `ListenPort`, if set.
    pub listen_port: Option<u16>,
    /// `Address` entries as written (`10.0.0.2/32`).
    pub addresses: Vec<String>,
    /// `DNS` entries that are IP addresses.
    pub dns_servers: Vec<String>,
    /// `DNS` entries that are names (search domains).
    pub dns_search_domains: Vec<String>,
    /// `MTU`, if set.
    pub mtu: Option<u16>,
    /// `IncludedApplications` (Android package names).
    pub included_applications: Vec<String>,
    /// `ExcludedApplications` (Android package names).
    pub excluded_applications: Vec<String>,
}

/// One `[Peer]` section without its preshared key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PeerInfo {
    /// `PublicKey`.
    pub public_key: String,
    /// Whether a `PresharedKey` is set.
    pub has_preshared_key: bool,
    /// `AllowedIPs` as written.
    pub allowed_ips: Vec<String>,
    /// `Endpoint` as written back (`host:port`, `[v6]:port`).
    pub endpoint: Option<String>,
    /// `PersistentKeepalive` in seconds, if on.
    pub persistent_keepalive: Option<u16>,
}

/// An address or route: `address/prefix_length`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IpPrefix {
    /// The address (`10.0.0.0`, `fd00::`).
    pub address: String,
    /// The prefix length (0–32 for IPv4, 0–128 for IPv6).
    pub prefix_length: u8,
}

impl From<&IpNetwork> for IpPrefix {
    fn from(net: &IpNetwork) -> Self {
        IpPrefix {
            address: net.ip().to_string(),
            prefix_length: net.prefix(),
        }
    }
}

/// Choices the app makes that are not in the config file.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SettingsOptions {
    /// Keep private/LAN ranges outside the tunnel (the Android app's "Exclude private IPs").
    #[uniffi(default = false)]
    pub exclude_private: bool,
    /// More ranges to keep outside the tunnel, as CIDR text (`192.0.2.0/24`).
    #[uniffi(default = [])]
    pub excluded_routes: Vec<String>,
    /// The MTU when the config has none (default 1280).
    #[uniffi(default = None)]
    pub default_mtu: Option<u16>,
}

/// Everything a platform applies to bring the tunnel interface up
/// (`VpnService.Builder` / `NEPacketTunnelNetworkSettings`): Kotlin and Swift only translate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NetworkSettings {
    /// Interface addresses with their prefixes, as written.
    pub addresses: Vec<IpPrefix>,
    /// Routes into the tunnel (AllowedIPs in network form, minimal).
    pub included_routes: Vec<IpPrefix>,
    /// Routes kept outside (Android API 33+ `excludeRoute`, iOS `excludedRoutes`).
    pub excluded_routes: Vec<IpPrefix>,
    /// `included_routes` minus `excluded_routes` as a minimal CIDR set (Android below API 33).
    pub included_routes_minus_excluded: Vec<IpPrefix>,
    /// DNS servers.
    pub dns_servers: Vec<String>,
    /// DNS search domains.
    pub dns_search_domains: Vec<String>,
    /// Send every DNS query to the tunnel's servers (iOS `matchDomains = [""]`).
    pub dns_match_all: bool,
    /// The interface MTU.
    pub mtu: u16,
    /// Only these apps use the tunnel (`addAllowedApplication`).
    pub included_applications: Vec<String>,
    /// These apps bypass the tunnel (`addDisallowedApplication`).
    pub excluded_applications: Vec<String>,
    /// The included routes cover all of IPv4.
    pub full_tunnel_ipv4: bool,
    /// The included routes cover all of IPv6.
    pub full_tunnel_ipv6: bool,
    /// A default route for either family (kill-switch semantics).
    pub full_tunnel: bool,
    /// Configure IPv4 on the interface (an IPv4 address or included route): iOS
    /// creates `NEIPv4Settings` even with no address.
    pub ipv4_enabled: bool,
    /// Configure IPv6 on the interface (an IPv6 address or included route).
    pub ipv6_enabled: bool,
    /// Android `allowFamily(AF_INET)`: false exactly for a full tunnel (kill switch).
    pub allow_family_ipv4: bool,
    /// Android `allowFamily(AF_INET6)`: false exactly for a full tunnel (kill switch).
    pub allow_family_ipv6: bool,
    /// Each interface address's subnet in network form (included routes on iOS).
    pub interface_routes: Vec<IpPrefix>,
}

impl From<core_settings::NetworkSettings> for NetworkSettings {
    fn from(s: core_settings::NetworkSettings) -> Self {
        let prefixes = |v: &[IpNetwork]| v.iter().map(IpPrefix::from).collect::<Vec<_>>();
        NetworkSettings {
            addresses: prefixes(&s.addresses),
            included_routes: prefixes(&s.included_routes),
            excluded_routes: prefixes(&s.excluded_routes),
            included_routes_minus_excluded: prefixes(&s.included_routes_minus_excluded),
            dns_servers: s.dns_servers.iter().map(ToString::to_string).collect(),
            dns_search_domains: s.dns_search_domains,
            dns_match_all: s.dns_match_all,
            mtu: s.mtu,
            included_applications: s.included_applications,
            excluded_applications: s.excluded_applications,
            full_tunnel_ipv4: s.full_tunnel_ipv4,
            full_tunnel_ipv6: s.full_tunnel_ipv6,
            full_tunnel: s.full_tunnel,
            ipv4_enabled: s.ipv4_enabled,
            ipv6_enabled: s.ipv6_enabled,
            allow_family_ipv4: s.allow_family_ipv4,
            allow_family_ipv6: s.allow_family_ipv6,
            interface_routes: prefixes(&s.interface_routes),
        }
    }
}

#[uniffi::export]
impl TunnelConfig {
    /// Parses wg-quick text.
    #[uniffi::constructor]
    pub fn parse(text: String) -> Result<Arc<Self>, ConfigError> {
        let text = Zeroizing::new(text);
        guard(|| {
            Ok(Arc::new(TunnelConfig {
                inner: core_config::parse(&text)?,
            }))
        })
    }

    /// Parses wg-quick bytes (a file as read); text that is not UTF-8 is a `SYNTAX_ERROR`.
    #[uniffi::constructor]
    pub fn parse_bytes(bytes: Vec<u8>) -> Result<Arc<Self>, ConfigError> {
        let bytes = Zeroizing::new(bytes);
        guard(|| {
            Ok(Arc::new(TunnelConfig {
                inner: core_config::parse_bytes(&bytes)?,
            }))
        })
    }

    /// The config as wg-quick text (round-trips through [`TunnelConfig::parse`]).
    /// Contains the private and preshared keys: store it as a secret.
    pub fn to_wg_quick(&self) -> String {
        // The app asked for the text: this copy leaves the zeroizing buffer for
        // the FFI (it is freed once lowered into the foreign string).
        String::clone(&core_config::write(&self.inner))
    }

    /// The `[Interface]` section, without the private key.
    pub fn interface_info(&self) -> InterfaceInfo {
        let i = &self.inner.interface;
        InterfaceInfo {
            public_key: i.private_key.public_key().to_base64(),
            listen_port: i.listen_port,
            addresses: i.addresses.iter().map(ToString::to_string).collect(),
            dns_servers: i.dns_servers.iter().map(ToString::to_string).collect(),
            dns_search_domains: i.dns_search.clone(),
            mtu: i.mtu,
            included_applications: i.included_applications.clone(),
            excluded_applications: i.excluded_applications.clone(),
        }
    }

    /// The peers, in file order, without preshared keys.
    pub fn peers(&self) -> Vec<PeerInfo> {
        self.inner
            .peers
            .iter()
            .map(|p| PeerInfo {
                public_key: p.public_key.to_base64(),
                has_preshared_key: p.preshared_key.is_some(),
                allowed_ips: p.allowed_ips.iter().map(ToString::to_string).collect(),
                endpoint: p.endpoint.as_ref().map(ToString::to_string),
                persistent_keepalive: p.persistent_keepalive,
            })
            .collect()
    }

    /// Remarks about this config (never an error; never contains a key).
    pub fn warnings(&self) -> Vec<ConfigWarning> {
        self.inner
            .warnings()
            .into_iter()
            .map(|w| ConfigWarning {
                code: w.code,
                detail: w.message,
            })
            .collect()
    }

    /// The settings the platform applies for this config. Fails only on an
    /// `excluded_routes` entry that is not CIDR text (`INVALID_VALUE`).
    pub fn network_settings(
        &self,
        options: SettingsOptions,
    ) -> Result<NetworkSettings, ConfigError> {
        guard(|| {
            let mut excluded = Vec::with_capacity(options.excluded_routes.len());
            for text in &options.excluded_routes {
                let net: IpNetwork = text.trim().parse().map_err(|_| {
                    invalid(
                        ConfigErrorKind::InvalidValue,
                        Some("excludedRoutes"),
                        format!("{text:?} is not an address range like 192.0.2.0/24"),
                    )
                })?;
                excluded.push(net);
            }
            let core_options = core_settings::SettingsOptions {
                exclude_private: options.exclude_private,
                excluded_routes: excluded,
                default_mtu: options.default_mtu.unwrap_or(core_settings::DEFAULT_MTU),
            };
            Ok(core_settings::NetworkSettings::from_config(&self.inner, &core_options).into())
        })
    }
}

/// Parses wg-quick text (same as `TunnelConfig.parse`).
#[uniffi::export]
pub fn parse_config(text: String) -> Result<Arc<TunnelConfig>, ConfigError> {
    TunnelConfig::parse(text)
}

/// Writes a config back as wg-quick text (same as `TunnelConfig.toWgQuick`).
/// Contains the keys: store it as a secret.
#[uniffi::export]
pub fn write_config(config: Arc<TunnelConfig>) -> String {
    config.to_wg_quick()
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
        let key = PrivateKey::from_base64(&private_key).map_err(|_| {
            invalid(
                ConfigErrorKind::InvalidKey,
                Some("PrivateKey"),
                "the private key is not base64 of 32 bytes".to_string(),
            )
        })?;
        Ok(key.public_key().to_base64())
    })
}
