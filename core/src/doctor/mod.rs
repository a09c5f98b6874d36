//! The doctor: explains why a tunnel's config will break the device's internet,
//! before (static findings from the config) and while it runs (live findings).
//!
//! [`diagnose`] looks at a parsed [`Config`], the app's choices
//! ([`DoctorOptions`]) and what is known about the platform ([`PlatformFacts`])
//! and returns [`Finding`]s: a stable [`Code`], a [`Severity`], a sentence, a
//! fix hint and, where the finding is about one place in the file, its
//! section, key and line ([`diagnose_with_locations`] with the parser's
//! [`SourceMap`]). Pure: no I/O, no clock. The codes and when they fire are
//! listed on [`Code`] and in `docs/health.md`.
//!
//! ```
//! use culvert_core::doctor::{self, Code, DoctorOptions, PlatformFacts};
//! let text = "[Interface]\nPrivateKey = TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=\n\
//!             Address = 10.0.0.2/32\n\n[Peer]\n\
//!             PublicKey = vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=\n\
//!             AllowedIPs = 198.51.100.0/24\nEndpoint = 198.51.100.1:51820\n";
//! let findings = doctor::diagnose_text(text, &DoctorOptions::default(), &PlatformFacts::linux()).unwrap();
//! let loop_ = findings.iter().find(|f| f.code == Code::EndpointInAllowedIps).unwrap();
//! assert_eq!((loop_.key.as_deref(), loop_.line), (Some("Endpoint"), Some(8)));
//! ```

mod checks;

use crate::config::{self, Config, ConfigError, Section, SourceMap};
use crate::health::{Health, ReasonCode, TunnelHealth};
use crate::settings::SettingsOptions;
use ipnetwork::IpNetwork;
use serde::Serialize;
use std::fmt;

pub use checks::WIREGUARD_OVERHEAD_IPV4;
pub use checks::WIREGUARD_OVERHEAD_IPV6;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the tunnel works as configured.
    Info,
    /// Some traffic leaks, breaks or stalls; the tunnel mostly works.
    Warning,
    /// The tunnel (or the device's internet while it is up) will not work as meant.
    Error,
}

impl Severity {
    /// `"info"`, `"warning"` or `"error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is about: a stable, machine-readable code (`as_str`, and the
/// JSON spelling, is SCREAMING_SNAKE_CASE). New codes may be added; existing
/// ones keep their meaning. Static codes come from the config
/// ([`diagnose`]); live ones ([`Code::Live`]) from a running tunnel's health
/// ([`live_findings`]) and are spelled as its [`ReasonCode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// A peer's endpoint address is inside the tunnel's routes on a platform
    /// whose tunnel sockets do not bypass those routes: the encrypted packets
    /// would be routed into the tunnel itself (a routing loop). Error.
    EndpointInAllowedIps,
    /// DNS captures every domain (full tunnel with DNS servers) but a DNS
    /// server is not inside the tunnel's routes: its queries leave outside the
    /// tunnel or do not arrive. Error.
    DnsNotRouted,
    /// A full tunnel for one address family, no DNS server: the system keeps
    /// the network's resolver, whose queries (often to a LAN address) now go
    /// into the tunnel. Warning.
    FullTunnelWithoutDns,
    /// A default route for IPv4 or IPv6 only: the other family leaks outside the
    /// tunnel (warning), or is blocked while the tunnel is up (Android, info).
    DefaultRouteOneFamily,
    /// Two peers have the same AllowedIPs network: only the later one gets its
    /// traffic. Warning.
    OverlappingAllowedIps,
    /// One peer's AllowedIPs network contains another's: the more specific one
    /// wins for its addresses. Info.
    NestedAllowedIps,
    /// The interface MTU plus WireGuard's overhead exceeds the outer path's
    /// MTU: large packets are fragmented or lost. Warning.
    MtuTooLarge,
    /// MTU below 1280 on an interface with an IPv6 address. Warning.
    MtuBelowIpv6Minimum,
    /// A peer we reach through NAT has no PersistentKeepalive: once the NAT
    /// mapping expires, nothing the peer sends reaches us until we send. Warning.
    NoKeepaliveBehindNat,
    /// The user asked to keep LAN access, but a tunnel route covers a LAN
    /// range. Warning.
    LanRoutedIntoTunnel,
    /// An `IncludedApplications`/`ExcludedApplications` entry names no
    /// installed package (Android). Warning; error when no included package
    /// exists (then every app uses the tunnel).
    UnknownPackage,
    /// Per-app rules on a platform that does not apply them. Info.
    PerAppUnsupported,
    /// DNS set on a platform host that does not apply it (`culvert up`). Info.
    DnsNotApplied,
    /// wg-quick host keys (PreUp, Table, ...) on a platform that ignores them. Info.
    HostOnlyKey,
    /// No interface `Address`. Error.
    NoAddress,
    /// No `[Peer]`. Error.
    NoPeers,
    /// A peer with no AllowedIPs: no traffic goes to it. Warning.
    PeerNoAllowedIps,
    /// A peer with no Endpoint: it must reach us first. Info.
    PeerNoEndpoint,
    /// A peer with this interface's own public key. Error.
    PeerIsSelf,
    /// From the running tunnel: its health's reason (`NOTHING_RECEIVED`,
    /// `INNER_SOURCE_REJECTED`, `NO_TRAFFIC_FROM_OS`, ...). Error when the
    /// peer or tunnel is down, warning when degraded.
    Live(ReasonCode),
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Code {
    /// The stable spelling, e.g. `"ENDPOINT_IN_ALLOWED_IPS"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::EndpointInAllowedIps => "ENDPOINT_IN_ALLOWED_IPS",
            Code::DnsNotRouted => "DNS_NOT_ROUTED",
            Code::FullTunnelWithoutDns => "FULL_TUNNEL_WITHOUT_DNS",
            Code::DefaultRouteOneFamily => "DEFAULT_ROUTE_ONE_FAMILY",
            Code::OverlappingAllowedIps => "OVERLAPPING_ALLOWED_IPS",
            Code::NestedAllowedIps => "NESTED_ALLOWED_IPS",
            Code::MtuTooLarge => "MTU_TOO_LARGE",
            Code::MtuBelowIpv6Minimum => "MTU_BELOW_IPV6_MINIMUM",
            Code::NoKeepaliveBehindNat => "NO_KEEPALIVE_BEHIND_NAT",
            Code::LanRoutedIntoTunnel => "LAN_ROUTED_INTO_TUNNEL",
            Code::UnknownPackage => "UNKNOWN_PACKAGE",
            Code::PerAppUnsupported => "PER_APP_UNSUPPORTED",
            Code::DnsNotApplied => "DNS_NOT_APPLIED",
            Code::HostOnlyKey => "HOST_ONLY_KEY",
            Code::NoAddress => "NO_ADDRESS",
            Code::NoPeers => "NO_PEERS",
            Code::PeerNoAllowedIps => "PEER_NO_ALLOWED_IPS",
            Code::PeerNoEndpoint => "PEER_NO_ENDPOINT",
            Code::PeerIsSelf => "PEER_IS_SELF",
            Code::Live(reason) => reason.as_str(),
        }
    }

    /// Whether the code comes from a running tunnel.
    pub fn is_live(self) -> bool {
        matches!(self, Code::Live(_))
    }

    /// Every static code, in declaration order.
    pub const ALL: [Code; 19] = [
        Code::EndpointInAllowedIps,
        Code::DnsNotRouted,
        Code::FullTunnelWithoutDns,
        Code::DefaultRouteOneFamily,
        Code::OverlappingAllowedIps,
        Code::NestedAllowedIps,
        Code::MtuTooLarge,
        Code::MtuBelowIpv6Minimum,
        Code::NoKeepaliveBehindNat,
        Code::LanRoutedIntoTunnel,
        Code::UnknownPackage,
        Code::PerAppUnsupported,
        Code::DnsNotApplied,
        Code::HostOnlyKey,
        Code::NoAddress,
        Code::NoPeers,
        Code::PeerNoAllowedIps,
        Code::PeerNoEndpoint,
        Code::PeerIsSelf,
    ];

    /// The code for its spelling (`as_str`), static or live, if there is one.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .chain(ReasonCode::ALL.into_iter().map(Code::Live))
            .find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing the doctor has to say. Never contains key material (peers are
/// named by number and the start of their public key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What it is about.
    pub code: Code,
    /// How much it matters.
    pub severity: Severity,
    /// A sentence for people: what happens and why.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// The section it is about, when it is about one place in the config.
    pub section: Option<Section>,
    /// The attribute (`AllowedIPs`), or the missing one, when there is one.
    pub key: Option<String>,
    /// The 1-based line in the file, when known (see [`diagnose_with_locations`]).
    pub line: Option<usize>,
}

/// The platform a config is diagnosed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// A Linux host running `culvert up` (wg-quick's routing).
    Linux,
    /// Android's `VpnService`.
    Android,
    /// iOS or macOS `NEPacketTunnelProvider`.
    Apple,
}

impl Platform {
    /// `"linux"`, `"android"` or `"apple"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Linux => "linux",
            Platform::Android => "android",
            Platform::Apple => "apple",
        }
    }
}

/// Whether the tunnel's own UDP sockets escape the tunnel's routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SocketBypass {
    /// Always (Android `VpnService.protect`, Apple's packet tunnel provider).
    All,
    /// Only from a whole-family default route (`culvert up`/wg-quick: a
    /// firewall mark and policy rules for `0.0.0.0/0` and `::/0`; any other
    /// route applies to the tunnel's own packets too).
    DefaultRouteOnly,
    /// Never (a host that routes everything through the tunnel, unprotected).
    None,
}

/// What is known about the device and network the tunnel runs on. Start from
/// [`PlatformFacts::linux`], [`PlatformFacts::android`] or
/// [`PlatformFacts::apple`] and change what the app knows better.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformFacts {
    /// The platform.
    pub platform: Platform,
    /// Android API level (`Build.VERSION.SDK_INT`), when on Android.
    pub android_api_level: Option<u32>,
    /// Whether the tunnel's own sockets escape its routes.
    pub socket_bypass: SocketBypass,
    /// The outer path's MTU (the physical network's; 1500 on Ethernet, Wi-Fi
    /// and most cellular networks).
    pub path_mtu: u16,
    /// Whether this device reaches its peers through NAT (true on phones: Wi-Fi
    /// routers and carrier NAT).
    pub behind_nat: bool,
    /// Installed application packages (Android), to check per-app rules
    /// against; `None` when unknown (the check is skipped).
    pub known_packages: Option<Vec<String>>,
    /// The local networks the device is attached to (`192.168.1.0/24`), for
    /// the LAN-access check; empty means unknown: the RFC 1918 ranges are
    /// assumed.
    pub local_networks: Vec<IpNetwork>,
}

impl PlatformFacts {
    /// A Linux host running `culvert up`: default-route sockets are marked,
    /// 1500-byte path, not assumed behind NAT.
    pub fn linux() -> PlatformFacts {
        PlatformFacts {
            platform: Platform::Linux,
            android_api_level: None,
            socket_bypass: SocketBypass::DefaultRouteOnly,
            path_mtu: 1500,
            behind_nat: false,
            known_packages: None,
            local_networks: Vec::new(),
        }
    }

    /// An Android device at `api_level`: protected sockets, behind NAT.
    pub fn android(api_level: u32) -> PlatformFacts {
        PlatformFacts {
            platform: Platform::Android,
            android_api_level: Some(api_level),
            socket_bypass: SocketBypass::All,
            behind_nat: true,
            ..PlatformFacts::linux()
        }
    }

    /// An iPhone, iPad or Mac: the provider's sockets bypass the tunnel, behind NAT.
    pub fn apple() -> PlatformFacts {
        PlatformFacts {
            platform: Platform::Apple,
            socket_bypass: SocketBypass::All,
            behind_nat: true,
            ..PlatformFacts::linux()
        }
    }
}

/// The app's (and user's) choices that are not in the config file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DoctorOptions {
    /// The settings options the app will pass to
    /// [`crate::settings::NetworkSettings::from_config`] (excluded routes, the
    /// MTU when the config has none).
    pub settings: SettingsOptions,
    /// The user asked to keep reaching the local network (printers, casting)
    /// while the tunnel is up.
    pub keep_lan_access: bool,
}

/// Findings for `config` on a platform, without line numbers (section and key
/// are still given). Errors first, then warnings, then infos; in file order
/// within each (findings without a line last).
pub fn diagnose(config: &Config, options: &DoctorOptions, facts: &PlatformFacts) -> Vec<Finding> {
    diagnose_with_locations(config, &SourceMap::default(), options, facts)
}

/// [`diagnose`] with line numbers from the parser's [`SourceMap`]
/// ([`config::parse_with_locations`]).
pub fn diagnose_with_locations(
    config: &Config,
    map: &SourceMap,
    options: &DoctorOptions,
    facts: &PlatformFacts,
) -> Vec<Finding> {
    let mut findings = checks::run(config, map, options, facts);
    // Stable: equal severities keep the order the checks (file order) gave.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

/// Parses wg-quick text and diagnoses it, with line numbers. The parse error,
/// if the text does not parse.
pub fn diagnose_text(
    text: &str,
    options: &DoctorOptions,
    facts: &PlatformFacts,
) -> Result<Vec<Finding>, ConfigError> {
    let (config, map) = config::parse_with_locations(text)?;
    Ok(diagnose_with_locations(&config, &map, options, facts))
}

/// Live findings from a running tunnel's health: one per unhealthy peer, and
/// one for the tunnel's own reason (not repeated when it is a peer's). The
/// messages carry the counters; no location fields.
pub fn live_findings(health: &TunnelHealth) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |h: &Health| {
        let (severity, r) = match h {
            Health::Healthy => return,
            Health::Degraded(r) => (Severity::Warning, r),
            Health::Down(r) => (Severity::Error, r),
        };
        out.push(Finding {
            code: Code::Live(r.code),
            severity,
            message: r.message.clone(),
            hint: live_hint(r.code).to_owned(),
            section: None,
            key: None,
            line: None,
        });
    };
    for p in &health.peers {
        push(&p.health);
    }
    if health.health.reason().is_some_and(|r| r.peer.is_none()) {
        push(&health.health);
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn live_hint(code: ReasonCode) -> &'static str {
    match code {
        ReasonCode::TunClosed => "restart the tunnel; if it keeps happening, check what closes the interface (another VPN app, the OS revoking the VPN)",
        ReasonCode::RebindFailing => "Culvert keeps retrying; check that the device has a network and that nothing holds the listen port",
        ReasonCode::NetworkUnreachable => "check the device's connection; on an IPv6-only network the endpoint needs an IPv6 address or a name that resolves over DNS64",
        ReasonCode::SendNotPermitted => "allow the tunnel's UDP port in the firewall; on Android make sure the sockets are protected and no other always-on VPN blocks it",
        ReasonCode::PacketTooLarge => "lower the tunnel's MTU (1280 fits every path)",
        ReasonCode::SendFailing => "check the device's network; Culvert rebinds its sockets with backoff",
        ReasonCode::EndpointUnresolved => "check the endpoint's host name and the device's DNS; use an IP address if the name is not public",
        ReasonCode::HandshakeFailing => "check the Endpoint and that the server runs and is reachable on that UDP port, and that the server lists this device's public key as a peer",
        ReasonCode::NothingReceived => "on the server, make sure this peer's AllowedIPs include this device's tunnel Address, and that its firewall forwards (and NATs) the tunnel's traffic",
        ReasonCode::InnerSourceRejected => "add the peer's source address (or its network) to that peer's AllowedIPs here, or fix the Address the peer uses",
        ReasonCode::NoRoute => "traffic is routed into the tunnel for addresses no peer's AllowedIPs cover: align the routes with the AllowedIPs",
        ReasonCode::NoTrafficFromOs => "check that the tunnel's routes (AllowedIPs) capture the traffic you expect, and that the system or app uses the tunnel",
    }
}

#[cfg(test)]
mod tests;
