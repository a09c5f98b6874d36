//! Tunnel health and the doctor at the FFI edge: [`TunnelHealth`] (from
//! `Tunnel.health()` and the `HealthChanged` event), [`RecoveryAction`] (the
//! `RecoveryStep` event), and [`diagnose`] / [`diagnose_config`] (static
//! findings) and `Tunnel.liveFindings()` (live ones), all with the stable
//! codes and sentences of `culvert_core::health` and `culvert_core::doctor`.

use crate::config::{ConfigError, ConfigSection, TunnelConfig};
use crate::guard::guard;
use culvert_core::doctor as core_doctor;
use culvert_core::health as core_health;
use culvert_core::settings::SettingsOptions;
use std::sync::Arc;

/// How healthy a peer or the tunnel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HealthLevel {
    /// Nothing wrong is known.
    Healthy,
    /// Works, with a problem worth showing (`reason` says which).
    Degraded,
    /// Does not carry traffic (`reason` says why).
    Down,
}

/// Why a peer or the tunnel is not healthy.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HealthReason {
    /// Stable code: `HANDSHAKE_FAILING`, `NOTHING_RECEIVED`, `ENDPOINT_UNRESOLVED`,
    /// `INNER_SOURCE_REJECTED`, `NO_ROUTE`, `NO_TRAFFIC_FROM_OS`,
    /// `NETWORK_UNREACHABLE`, `SEND_NOT_PERMITTED`, `PACKET_TOO_LARGE`,
    /// `SEND_FAILING`, `REBIND_FAILING`, `TUN_CLOSED`.
    pub code: String,
    /// A sentence for the user, with the counters (never a key).
    pub detail: String,
    /// The peer it is about (public key, base64), if one.
    pub peer: Option<String>,
    /// The counter behind it (attempts, drops, errors), if one.
    pub count: Option<u64>,
    /// How long it has lasted, in milliseconds, if measured.
    pub duration_ms: Option<u64>,
    /// The offending address (`INNER_SOURCE_REJECTED`), when known.
    pub address: Option<String>,
}

/// One peer's health.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PeerHealth {
    /// The peer's public key (base64).
    pub peer: String,
    /// Its level.
    pub level: HealthLevel,
    /// Why, unless healthy.
    pub reason: Option<HealthReason>,
}

/// The tunnel's health and each peer's.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TunnelHealth {
    /// The tunnel as a whole.
    pub level: HealthLevel,
    /// Why, unless healthy.
    pub reason: Option<HealthReason>,
    /// Each peer, in config order.
    pub peers: Vec<PeerHealth>,
}

fn level_and_reason(h: &core_health::Health) -> (HealthLevel, Option<HealthReason>) {
    let level = match h {
        core_health::Health::Healthy => HealthLevel::Healthy,
        core_health::Health::Degraded(_) => HealthLevel::Degraded,
        core_health::Health::Down(_) => HealthLevel::Down,
    };
    let reason = h.reason().map(|r| HealthReason {
        code: r.code.as_str().to_owned(),
        detail: r.message.clone(),
        peer: r.peer.map(|k| k.to_base64()),
        count: r.count,
        duration_ms: r
            .duration
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        address: r.address.map(|a| a.to_string()),
    });
    (level, reason)
}

impl From<&core_health::TunnelHealth> for TunnelHealth {
    fn from(h: &core_health::TunnelHealth) -> Self {
        let (level, reason) = level_and_reason(&h.health);
        TunnelHealth {
            level,
            reason,
            peers: h
                .peers
                .iter()
                .map(|p| {
                    let (level, reason) = level_and_reason(&p.health);
                    PeerHealth {
                        peer: p.public_key.to_base64(),
                        level,
                        reason,
                    }
                })
                .collect(),
        }
    }
}

/// A step the recovery ladder took.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecoveryAction {
    /// `rehandshake`, `reresolve` or `rebind`.
    pub action: String,
    /// The peer (base64), or none for the tunnel's sockets.
    pub peer: Option<String>,
    /// The reason code it answers.
    pub reason: String,
    /// 1 for the first step of this problem, then 2, 3, ...
    pub attempt: u32,
    /// Milliseconds until the next step if the problem stays.
    pub next_in_ms: u64,
}

impl From<&core_health::recovery::Step> for RecoveryAction {
    fn from(s: &core_health::recovery::Step) -> Self {
        RecoveryAction {
            action: s.action.as_str().to_owned(),
            peer: s.peer.map(|k| k.to_base64()),
            reason: s.reason.as_str().to_owned(),
            attempt: s.attempt,
            next_in_ms: u64::try_from(s.next_in.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FindingSeverity {
    /// Worth knowing.
    Info,
    /// Some traffic leaks, breaks or stalls.
    Warning,
    /// The tunnel (or the device's internet while it is up) will not work as meant.
    Error,
}

/// One thing the doctor has to say (the same fields as `culvert doctor --json`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// Stable code, e.g. `ENDPOINT_IN_ALLOWED_IPS`, `NOTHING_RECEIVED`.
    pub code: String,
    /// How much it matters.
    pub severity: FindingSeverity,
    /// A sentence for the user (never a key).
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// The config section it is about, when there is one.
    pub section: Option<ConfigSection>,
    /// The attribute, when there is one.
    pub key: Option<String>,
    /// The 1-based line, when known.
    pub line: Option<u32>,
}

impl From<core_doctor::Finding> for Finding {
    fn from(f: core_doctor::Finding) -> Self {
        Finding {
            code: f.code.as_str().to_owned(),
            severity: match f.severity {
                core_doctor::Severity::Info => FindingSeverity::Info,
                core_doctor::Severity::Warning => FindingSeverity::Warning,
                core_doctor::Severity::Error => FindingSeverity::Error,
            },
            message: f.message,
            hint: f.hint,
            section: f.section.map(Into::into),
            key: f.key,
            line: f.line.map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
        }
    }
}

/// The platform a config is diagnosed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DoctorPlatform {
    /// A Linux host running `culvert up`.
    Linux,
    /// Android `VpnService`.
    Android,
    /// iOS or macOS packet tunnel provider.
    Apple,
}

/// What the app knows about the device (`null`: the platform's default).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlatformFacts {
    /// The platform.
    pub platform: DoctorPlatform,
    /// Android API level (`Build.VERSION.SDK_INT`).
    pub android_api_level: Option<u32>,
    /// The outer path MTU (default 1500).
    pub path_mtu: Option<u16>,
    /// Whether the device is behind NAT (default: yes on phones).
    pub behind_nat: Option<bool>,
    /// Installed packages (Android), to check per-app rules; none: not checked.
    pub known_packages: Option<Vec<String>>,
    /// The device's local networks (`192.168.1.0/24`); empty: RFC 1918 assumed.
    pub local_networks: Vec<String>,
}

/// The app's choices that are not in the config.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DoctorOptions {
    /// The app keeps private/LAN ranges outside the tunnel.
    pub exclude_private: bool,
    /// More ranges the app keeps outside the tunnel (CIDR); bad ones are ignored.
    pub excluded_routes: Vec<String>,
    /// The MTU used when the config has none (default 1280).
    pub default_mtu: Option<u16>,
    /// The user asked to keep reaching the local network.
    pub keep_lan_access: bool,
}

fn core_inputs(
    options: &DoctorOptions,
    facts: &PlatformFacts,
) -> (core_doctor::DoctorOptions, core_doctor::PlatformFacts) {
    let mut f = match facts.platform {
        DoctorPlatform::Linux => core_doctor::PlatformFacts::linux(),
        DoctorPlatform::Android => {
            core_doctor::PlatformFacts::android(facts.android_api_level.unwrap_or(34))
        }
        DoctorPlatform::Apple => core_doctor::PlatformFacts::apple(),
    };
    if let Some(mtu) = facts.path_mtu {
        f.path_mtu = mtu;
    }
    if let Some(nat) = facts.behind_nat {
        f.behind_nat = nat;
    }
    f.known_packages = facts.known_packages.clone();
    f.local_networks = facts
        .local_networks
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    let defaults = SettingsOptions::default();
    let o = core_doctor::DoctorOptions {
        settings: SettingsOptions {
            exclude_private: options.exclude_private,
            excluded_routes: options
                .excluded_routes
                .iter()
                .filter_map(|n| n.parse().ok())
                .collect(),
            default_mtu: options.default_mtu.unwrap_or(defaults.default_mtu),
        },
        keep_lan_access: options.keep_lan_access,
    };
    (o, f)
}

/// Static findings for wg-quick `text`, with line numbers; the parse error if
/// it does not parse.
#[uniffi::export]
pub fn diagnose(
    text: String,
    options: DoctorOptions,
    facts: PlatformFacts,
) -> Result<Vec<Finding>, ConfigError> {
    guard(|| {
        let (o, f) = core_inputs(&options, &facts);
        Ok(core_doctor::diagnose_text(&text, &o, &f)?
            .into_iter()
            .map(Into::into)
            .collect())
    })
}

/// Static findings for a parsed config (no line numbers).
#[uniffi::export]
pub fn diagnose_config(
    config: Arc<TunnelConfig>,
    options: DoctorOptions,
    facts: PlatformFacts,
) -> Vec<Finding> {
    guard(|| {
        let (o, f) = core_inputs(&options, &facts);
        Ok::<_, ConfigError>(
            core_doctor::diagnose(&config.inner, &o, &f)
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    })
    .unwrap_or_default()
}

/// Live findings for a running tunnel's health (`Tunnel.health()`).
pub(crate) fn live_findings(health: &core_health::TunnelHealth) -> Vec<Finding> {
    core_doctor::live_findings(health)
        .into_iter()
        .map(Into::into)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[Interface]\nPrivateKey = TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=\n\
                        Address = 10.0.0.2/32\n\n[Peer]\n\
                        PublicKey = vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=\n\
                        AllowedIPs = 198.51.100.0/24\nEndpoint = 198.51.100.1:51820\n";

    fn linux() -> PlatformFacts {
        PlatformFacts {
            platform: DoctorPlatform::Linux,
            android_api_level: None,
            path_mtu: None,
            behind_nat: None,
            known_packages: None,
            local_networks: vec![],
        }
    }

    fn options() -> DoctorOptions {
        DoctorOptions {
            exclude_private: false,
            excluded_routes: vec![],
            default_mtu: None,
            keep_lan_access: false,
        }
    }

    #[test]
    fn diagnose_gives_the_same_findings_as_the_core() {
        let f = diagnose(TEXT.into(), options(), linux()).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "ENDPOINT_IN_ALLOWED_IPS");
        assert_eq!(f[0].severity, FindingSeverity::Error);
        assert_eq!(
            (f[0].key.as_deref(), f[0].line),
            (Some("Endpoint"), Some(8))
        );
        // On Android the socket is protected: no loop, but no keepalive either.
        let android = PlatformFacts {
            platform: DoctorPlatform::Android,
            android_api_level: Some(30),
            ..linux()
        };
        let f = diagnose(TEXT.into(), options(), android).unwrap();
        assert_eq!(f[0].code, "NO_KEEPALIVE_BEHIND_NAT");
        let err = diagnose("[Interface]\nMTU = x\n".into(), options(), linux()).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { line: Some(2), .. }));
    }

    #[test]
    fn health_maps_codes_sentences_and_peers() {
        let key = culvert_core::config::PublicKey::from_bytes([3; 32]);
        let reason = core_health::Reason {
            code: core_health::ReasonCode::InnerSourceRejected,
            message: "peer 1 sends packets from 10.9.0.5".into(),
            peer: Some(key),
            count: Some(4),
            duration: None,
            address: Some("10.9.0.5".parse().unwrap()),
        };
        let core = core_health::TunnelHealth {
            health: core_health::Health::Degraded(reason.clone()),
            peers: vec![core_health::PeerHealth {
                public_key: key,
                health: core_health::Health::Degraded(reason),
            }],
        };
        let h = TunnelHealth::from(&core);
        assert_eq!(h.level, HealthLevel::Degraded);
        let r = h.peers[0].reason.as_ref().unwrap();
        assert_eq!(r.code, "INNER_SOURCE_REJECTED");
        assert_eq!(r.address.as_deref(), Some("10.9.0.5"));
        assert_eq!(r.peer.as_deref(), Some(key.to_base64().as_str()));
        let live = live_findings(&core);
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].severity, FindingSeverity::Warning);
    }
}
