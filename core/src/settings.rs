//! Network settings a platform tunnel must apply, derived from a [`crate::config::Config`].
//!
//! Swift and Kotlin only translate [`NetworkSettings`] into
//! `NEPacketTunnelNetworkSettings` / `VpnService.Builder`; every decision is made here:
//!
//! - **Addresses**: the interface addresses as written (`10.0.0.2/32`, `fd00::2/64`).
//! - **Included routes**: every peer's AllowedIPs in network form (`10.1.2.3/8` →
//!   `10.0.0.0/8`), deduplicated, with routes contained in another removed, sorted.
//! - **Excluded routes**: [`SettingsOptions::excluded_routes`] plus, with
//!   [`SettingsOptions::exclude_private`], the private/LAN ranges
//!   ([`PRIVATE_IPV4`], [`PRIVATE_IPV6`]) — only those overlapping an included route.
//!   The tunnel's own DNS servers are never excluded by the private ranges (as the
//!   Android app keeps them routed into the tunnel when it excludes private IPs).
//! - **Included minus excluded**: the minimal CIDR set covering exactly the included
//!   addresses that are not excluded, for platforms without (reliable) excluded
//!   routes (Android before API 33, iOS).
//! - **DNS**: servers and search domains; `dns_match_all` when there are DNS servers
//!   and the included routes cover a whole address family (full tunnel).
//! - **MTU**: the config's, else [`SettingsOptions::default_mtu`] (1280).
//! - **Per-app lists**: `IncludedApplications` / `ExcludedApplications` (Android).
//! - **Per-family rule**: which address families the platform configures
//!   ([`NetworkSettings::ipv4_enabled`] / [`NetworkSettings::ipv6_enabled`]: the
//!   family has an interface address or an included route — iOS then creates
//!   `NEIPv4Settings`/`NEIPv6Settings` even with no address, so that family's routes
//!   are claimed and cannot leak), which families Android lets bypass the VPN
//!   ([`NetworkSettings::allow_family_ipv4`] / [`NetworkSettings::allow_family_ipv6`],
//!   `VpnService.Builder.allowFamily`), and each interface address's own subnet
//!   ([`NetworkSettings::interface_routes`], added as included routes as WireGuardKit does).
//!
//! ### The `allowFamily` rule
//!
//! Android blocks every address family for which the VPN adds no address, route or
//! DNS server — device-wide, for every app the VPN covers — unless the app calls
//! `allowFamily` for it. An IPv4-only split tunnel without `allowFamily(AF_INET6)`
//! therefore kills all IPv6 on the device (and DNS, on IPv6-only carriers).
//! `allowFamily` has no effect on a family the VPN does configure.
//!
//! Rule: **allow both families unless the config routes everything**, i.e. unless
//! the included routes cover all of IPv4 or all of IPv6 ([`NetworkSettings::full_tunnel`]).
//! This is wireguard-android `GoBackend`'s rule (it skips `allowFamily` when it saw a
//! `/0` route), with two deliberate differences: "routes everything" is decided by
//! coverage (`0.0.0.0/1` + `128.0.0.0/1` is a full tunnel too, as the kill-switch
//! idiom intends), and the number of peers does not matter (`GoBackend` also allows
//! both when a default route is split over several peers, which lets the unconfigured
//! family leak although the user asked for everything to go through the tunnel).
//!
//! Kill-switch consequence: a full tunnel for one family only (`AllowedIPs =
//! 0.0.0.0/0` with no IPv6 address or route) keeps the other family *blocked* on the
//! device while the VPN runs — nothing leaks outside the tunnel, and IPv6-only
//! destinations are unreachable. Add `::/0` to route IPv6 through the tunnel instead.
//! A split tunnel never blocks a family: traffic outside its routes, of either family,
//! uses the underlying network as it would without the VPN.

use crate::config::Config;
use ipnetwork::{IpNetwork, Ipv4Network, Ipv6Network};
use serde::{Serialize, Serializer};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 ranges excluded by `exclude_private`: exactly the Android app's "Exclude
/// private IPs" set — RFC 1918 (10/8, 172.16/12, 192.168/16) and 224.0.0.0/3
/// (multicast and reserved) — so 0.0.0.0/0 becomes the same 30 routes Android's
/// `IPV4_PUBLIC_NETWORKS` lists. Link-local 169.254.0.0/16 and CGNAT 100.64.0.0/10
/// stay in the tunnel, as on Android (CGNAT is often the tunnel's own range);
/// add them to [`SettingsOptions::excluded_routes`] if wanted.
pub const PRIVATE_IPV4: [(Ipv4Addr, u8); 4] = [
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(224, 0, 0, 0), 3),
];

/// IPv6 ranges excluded by `exclude_private` (the Android app has no IPv6 toggle):
/// unique local fc00::/7, link-local fe80::/10 and multicast ff00::/8.
pub const PRIVATE_IPV6: [(Ipv6Addr, u8); 3] = [
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),
];

/// The MTU used when the config has none: 1280, the IPv6 minimum, which fits
/// inside every mobile path (WireGuard adds 60–80 bytes of overhead).
pub const DEFAULT_MTU: u16 = 1280;

/// Choices the app makes that are not in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsOptions {
    /// Leave private/LAN ranges outside the tunnel (like the Android app's
    /// "Exclude private IPs"): see [`PRIVATE_IPV4`] and [`PRIVATE_IPV6`].
    pub exclude_private: bool,
    /// More ranges to keep outside the tunnel.
    pub excluded_routes: Vec<IpNetwork>,
    /// MTU when the config has none.
    pub default_mtu: u16,
}

impl Default for SettingsOptions {
    fn default() -> Self {
        Self {
            exclude_private: false,
            excluded_routes: Vec::new(),
            default_mtu: DEFAULT_MTU,
        }
    }
}

/// Everything a platform applies to bring the tunnel interface up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkSettings {
    /// Interface addresses with their prefixes, as written (v4 and v6).
    #[serde(serialize_with = "networks")]
    pub addresses: Vec<IpNetwork>,
    /// Routes into the tunnel: AllowedIPs in network form, deduplicated, without
    /// routes contained in others; IPv4 first, then by address.
    #[serde(serialize_with = "networks")]
    pub included_routes: Vec<IpNetwork>,
    /// Routes kept outside the tunnel (private ranges and user exclusions that
    /// overlap an included route), in network form.
    #[serde(serialize_with = "networks")]
    pub excluded_routes: Vec<IpNetwork>,
    /// The minimal CIDR set covering exactly `included_routes` minus `excluded_routes`.
    #[serde(serialize_with = "networks")]
    pub included_routes_minus_excluded: Vec<IpNetwork>,
    /// DNS servers.
    pub dns_servers: Vec<IpAddr>,
    /// DNS search domains.
    pub dns_search_domains: Vec<String>,
    /// Send every DNS query to the tunnel's servers (iOS `matchDomains = [""]`):
    /// there are DNS servers and the included routes cover all of IPv4 or IPv6.
    pub dns_match_all: bool,
    /// The interface MTU.
    pub mtu: u16,
    /// Only these apps use the tunnel (Android `addAllowedApplication`).
    pub included_applications: Vec<String>,
    /// These apps bypass the tunnel (Android `addDisallowedApplication`).
    pub excluded_applications: Vec<String>,
    /// The included routes cover all of IPv4 (`0.0.0.0/0` or equivalent).
    pub full_tunnel_ipv4: bool,
    /// The included routes cover all of IPv6 (`::/0` or equivalent).
    pub full_tunnel_ipv6: bool,
    /// Full-tunnel (kill-switch) semantics: a default route for either family.
    pub full_tunnel: bool,
    /// The platform configures IPv4 on the interface: there is an IPv4 interface
    /// address or an IPv4 included route (iOS creates `NEIPv4Settings` even with no
    /// address, so the routes are claimed).
    pub ipv4_enabled: bool,
    /// The platform configures IPv6: an IPv6 interface address or included route.
    pub ipv6_enabled: bool,
    /// Android `allowFamily(AF_INET)`: IPv4 may bypass the VPN when the VPN configures
    /// no IPv4. False exactly for a full tunnel (see the module docs' rule).
    pub allow_family_ipv4: bool,
    /// Android `allowFamily(AF_INET6)`: IPv6 may bypass the VPN when the VPN
    /// configures no IPv6. False exactly for a full tunnel (see the module docs' rule).
    pub allow_family_ipv6: bool,
    /// Each interface address's own subnet in network form (`10.0.0.2/24` →
    /// `10.0.0.0/24`, `/32` and `/128` stay host routes), deduplicated, IPv4 first:
    /// included routes on platforms that do not derive them from the address (iOS).
    #[serde(serialize_with = "networks")]
    pub interface_routes: Vec<IpNetwork>,
}

fn networks<S: Serializer>(list: &[IpNetwork], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(list.iter().map(|n| n.to_string()))
}

impl NetworkSettings {
    /// Derives the settings from a parsed config and the app's options.
    pub fn from_config(config: &Config, options: &SettingsOptions) -> NetworkSettings {
        let i = &config.interface;
        let allowed: Vec<IpNetwork> = config
            .peers
            .iter()
            .flat_map(|p| p.allowed_ips.iter().copied())
            .collect();
        let included_routes = normalize(&allowed);

        // Private ranges, minus the tunnel's own DNS servers that the tunnel routes.
        let mut private: Vec<IpNetwork> = Vec::new();
        if options.exclude_private {
            let v4 = PRIVATE_IPV4
                .iter()
                .map(|&(a, p)| IpNetwork::V4(Ipv4Network::new(a, p).expect("valid")));
            let v6 = PRIVATE_IPV6
                .iter()
                .map(|&(a, p)| IpNetwork::V6(Ipv6Network::new(a, p).expect("valid")));
            let dns_hosts: Vec<IpNetwork> = i
                .dns_servers
                .iter()
                .map(|&ip| IpNetwork::from(ip))
                .filter(|host| included_routes.iter().any(|r| r.contains(host.ip())))
                .collect();
            private = subtract(&v4.chain(v6).collect::<Vec<_>>(), &dns_hosts);
        }
        let mut wanted = options.excluded_routes.clone();
        wanted.extend(private);
        let excluded_routes: Vec<IpNetwork> = normalize(&wanted)
            .into_iter()
            .filter(|e| included_routes.iter().any(|r| overlaps(r, e)))
            .collect();
        let included_routes_minus_excluded = subtract(&included_routes, &excluded_routes);

        let full_tunnel_ipv4 = covers_family(&included_routes, false);
        let full_tunnel_ipv6 = covers_family(&included_routes, true);
        let full_tunnel = full_tunnel_ipv4 || full_tunnel_ipv6;
        let has_family = |v6: bool| {
            i.addresses
                .iter()
                .chain(included_routes.iter())
                .any(|n| n.is_ipv6() == v6)
        };
        let ipv4_enabled = has_family(false);
        let ipv6_enabled = has_family(true);
        let mut interface_routes: Vec<IpNetwork> = i
            .addresses
            .iter()
            .map(|a| make_network(a.is_ipv6(), to_range(a).start, a.prefix()))
            .collect();
        interface_routes.sort_by_key(|n| (n.is_ipv6(), to_range(n).start, n.prefix()));
        interface_routes.dedup();
        NetworkSettings {
            addresses: i.addresses.clone(),
            included_routes,
            excluded_routes,
            included_routes_minus_excluded,
            dns_servers: i.dns_servers.clone(),
            dns_search_domains: i.dns_search.clone(),
            dns_match_all: full_tunnel && !i.dns_servers.is_empty(),
            mtu: i.mtu.unwrap_or(options.default_mtu),
            included_applications: i.included_applications.clone(),
            excluded_applications: i.excluded_applications.clone(),
            full_tunnel_ipv4,
            full_tunnel_ipv6,
            full_tunnel,
            ipv4_enabled,
            ipv6_enabled,
            allow_family_ipv4: !full_tunnel,
            allow_family_ipv6: !full_tunnel,
            interface_routes,
        }
    }
}

/// A prefix as an inclusive range of integers in its family.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Range {
    v6: bool,
    start: u128,
    end: u128,
}

fn bits(v6: bool) -> u32 {
    if v6 {
        128
    } else {
        32
    }
}

fn to_range(net: &IpNetwork) -> Range {
    let (v6, addr) = match net.network() {
        IpAddr::V4(a) => (false, u128::from(u32::from(a))),
        IpAddr::V6(a) => (true, u128::from(a)),
    };
    let host_bits = bits(v6) - u32::from(net.prefix());
    let size_minus_one = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    Range {
        v6,
        start: addr,
        end: addr + size_minus_one,
    }
}

fn make_network(v6: bool, addr: u128, prefix: u8) -> IpNetwork {
    if v6 {
        IpNetwork::V6(Ipv6Network::new(Ipv6Addr::from(addr), prefix).expect("prefix ≤ 128"))
    } else {
        IpNetwork::V4(Ipv4Network::new(Ipv4Addr::from(addr as u32), prefix).expect("prefix ≤ 32"))
    }
}

fn overlaps(a: &IpNetwork, b: &IpNetwork) -> bool {
    let (a, b) = (to_range(a), to_range(b));
    a.v6 == b.v6 && a.start <= b.end && b.start <= a.end
}

/// Network form, deduplicated, routes contained in another removed; IPv4 first,
/// then by address and prefix. (Siblings are not merged: routes stay as the user
/// wrote them.)
pub fn normalize(nets: &[IpNetwork]) -> Vec<IpNetwork> {
    let mut ranges: Vec<(Range, u8)> = nets.iter().map(|n| (to_range(n), n.prefix())).collect();
    // Sort by start, larger blocks first, so a containing block precedes its contents.
    ranges.sort_by(|(a, pa), (b, pb)| (a.v6, a.start, pa).cmp(&(b.v6, b.start, pb)));
    let mut out: Vec<(Range, u8)> = Vec::new();
    for (r, p) in ranges {
        match out.last() {
            Some((last, _)) if last.v6 == r.v6 && last.start <= r.start && r.end <= last.end => {}
            _ => out.push((r, p)),
        }
    }
    out.into_iter()
        .map(|(r, p)| make_network(r.v6, r.start, p))
        .collect()
}

/// Merges overlapping and adjacent ranges, per family, sorted.
fn merge(mut ranges: Vec<Range>) -> Vec<Range> {
    ranges.sort();
    let mut out: Vec<Range> = Vec::new();
    for r in ranges {
        if let Some(last) = out.last_mut() {
            if last.v6 == r.v6
                && (r.start <= last.end
                    || r.start == last.end.wrapping_add(1) && last.end != u128::MAX)
            {
                last.end = last.end.max(r.end);
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// The minimal CIDR set covering exactly the addresses of `include` that are not
/// in `exclude` (both families; IPv4 first, sorted).
pub fn subtract(include: &[IpNetwork], exclude: &[IpNetwork]) -> Vec<IpNetwork> {
    let include = merge(include.iter().map(to_range).collect());
    let exclude = merge(exclude.iter().map(to_range).collect());
    let mut out = Vec::new();
    for inc in include {
        let mut pieces = vec![inc];
        for ex in exclude.iter().filter(|e| e.v6 == inc.v6) {
            let mut next = Vec::with_capacity(pieces.len() + 1);
            for p in pieces {
                if ex.end < p.start || ex.start > p.end {
                    next.push(p);
                    continue;
                }
                if ex.start > p.start {
                    next.push(Range {
                        end: ex.start - 1,
                        ..p
                    });
                }
                if ex.end < p.end {
                    next.push(Range {
                        start: ex.end + 1,
                        ..p
                    });
                }
            }
            pieces = next;
        }
        for p in pieces {
            range_to_cidrs(p, &mut out);
        }
    }
    out
}

/// The fewest aligned blocks that tile `r` exactly.
fn range_to_cidrs(r: Range, out: &mut Vec<IpNetwork>) {
    let width = bits(r.v6);
    let mut start = r.start;
    // Bounded: each step covers at least one address and at most 2·width steps occur.
    loop {
        let align = start.trailing_zeros().min(width);
        let mut host_bits = align;
        loop {
            let last = if host_bits >= 128 {
                u128::MAX
            } else {
                start + ((1u128 << host_bits) - 1)
            };
            if last <= r.end {
                break;
            }
            host_bits -= 1;
        }
        out.push(make_network(r.v6, start, (width - host_bits) as u8));
        let last = if host_bits >= 128 {
            u128::MAX
        } else {
            start + ((1u128 << host_bits) - 1)
        };
        if last >= r.end {
            return;
        }
        start = last + 1;
    }
}

/// Whether `routes` (disjoint or nested) cover every address of one family.
fn covers_family(routes: &[IpNetwork], v6: bool) -> bool {
    let merged = merge(routes.iter().map(to_range).filter(|r| r.v6 == v6).collect());
    let max = if v6 { u128::MAX } else { u128::from(u32::MAX) };
    matches!(merged.as_slice(), [r] if r.start == 0 && r.end == max)
}
