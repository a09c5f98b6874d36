//! The typed wg-quick configuration: what a parsed file means.

use super::key::{PresharedKey, PrivateKey, PublicKey};
use ipnetwork::IpNetwork;
use std::fmt;
use std::net::IpAddr;

/// A whole wg-quick configuration: one `[Interface]` and its peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The `[Interface]` section.
    pub interface: Interface,
    /// The `[Peer]` sections, in file order.
    pub peers: Vec<Peer>,
}

/// The `[Interface]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// `PrivateKey` (required).
    pub private_key: PrivateKey,
    /// `ListenPort`; `None` picks a random port.
    pub listen_port: Option<u16>,
    /// `Address`: interface addresses as written, host bits and prefix kept (`10.0.0.2/32`).
    pub addresses: Vec<IpNetwork>,
    /// `DNS` entries that are IP addresses.
    pub dns_servers: Vec<IpAddr>,
    /// `DNS` entries that are hostnames: search domains.
    pub dns_search: Vec<String>,
    /// `MTU`.
    pub mtu: Option<u16>,
    /// `IncludedApplications` (Android package names).
    pub included_applications: Vec<String>,
    /// `ExcludedApplications` (Android package names).
    pub excluded_applications: Vec<String>,
    /// `FwMark`; `None` when absent or `off`.
    pub fwmark: Option<u32>,
    /// wg-quick host-only keys: kept and written back, not applied on mobile.
    pub host: HostKeys,
}

/// wg-quick keys that only make sense on a desktop host (`wg-quick(8)`).
/// Culvert keeps and writes them back but never runs or applies them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostKeys {
    /// `Table` (`off`, `auto` or a table number/name), as written.
    pub table: Option<String>,
    /// `PreUp` commands, in order.
    pub pre_up: Vec<String>,
    /// `PostUp` commands, in order.
    pub post_up: Vec<String>,
    /// `PreDown` commands, in order.
    pub pre_down: Vec<String>,
    /// `PostDown` commands, in order.
    pub post_down: Vec<String>,
    /// `SaveConfig`.
    pub save_config: Option<bool>,
}

impl HostKeys {
    /// Whether any host-only key is present.
    pub fn is_empty(&self) -> bool {
        *self == HostKeys::default()
    }
}

/// A `[Peer]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// `PublicKey` (required).
    pub public_key: PublicKey,
    /// `PresharedKey`.
    pub preshared_key: Option<PresharedKey>,
    /// `AllowedIPs`, as written (host bits kept); use `.network()` for the route.
    pub allowed_ips: Vec<IpNetwork>,
    /// `Endpoint`.
    pub endpoint: Option<Endpoint>,
    /// `PersistentKeepalive` in seconds; `None` for `off` or 0.
    pub persistent_keepalive: Option<u16>,
}

/// The host part of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EndpointHost {
    /// A literal IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A DNS name, resolved by the runtime (off the data path).
    Name(String),
}

/// A peer endpoint: `host:port`, `[v6]:port` or `name:port`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The host.
    pub host: EndpointHost,
    /// The UDP port.
    pub port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            EndpointHost::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]:{}", self.port),
            EndpointHost::Ip(IpAddr::V4(ip)) => write!(f, "{ip}:{}", self.port),
            EndpointHost::Name(name) => write!(f, "{name}:{}", self.port),
        }
    }
}
