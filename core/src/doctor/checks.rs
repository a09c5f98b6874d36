//! The static checks behind [`super::diagnose`], one function per concern.

use super::{Code, DoctorOptions, Finding, Platform, PlatformFacts, Severity, SocketBypass};
use crate::config::{Config, EndpointHost, Section, SourceMap};
use crate::settings::{NetworkSettings, PRIVATE_IPV4};
use ipnetwork::{IpNetwork, Ipv4Network};
use std::collections::HashSet;
use std::net::IpAddr;

/// Bytes WireGuard adds to a packet over IPv4: outer IPv4 header 20, UDP 8,
/// WireGuard data header 16 and authentication tag 16.
pub const WIREGUARD_OVERHEAD_IPV4: u16 = 60;
/// Bytes WireGuard adds to a packet over IPv6 (outer header 40): the figure
/// wg-quick subtracts from the path MTU (1500 − 80 = 1420).
pub const WIREGUARD_OVERHEAD_IPV6: u16 = 80;

/// Where a finding points.
#[derive(Default)]
struct Loc {
    section: Option<Section>,
    key: Option<&'static str>,
    line: Option<usize>,
}

struct Ctx<'a> {
    config: &'a Config,
    map: &'a SourceMap,
    options: &'a DoctorOptions,
    facts: &'a PlatformFacts,
    settings: NetworkSettings,
    out: Vec<Finding>,
}

pub(super) fn run(
    config: &Config,
    map: &SourceMap,
    options: &DoctorOptions,
    facts: &PlatformFacts,
) -> Vec<Finding> {
    let mut cx = Ctx {
        config,
        map,
        options,
        facts,
        settings: NetworkSettings::from_config(config, &options.settings),
        out: Vec::new(),
    };
    cx.basics();
    cx.host_keys();
    cx.endpoint_loop();
    cx.dns();
    cx.one_family();
    cx.overlaps();
    cx.mtu();
    cx.keepalive();
    cx.lan_access();
    cx.per_app();
    // File order (findings without a line last); `diagnose` then orders by severity.
    cx.out.sort_by_key(|f| f.line.unwrap_or(usize::MAX));
    cx.out
}

/// `addr[/prefix]` as written in a list item, in network form.
fn item_network(item: &str) -> Option<IpNetwork> {
    let (addr, prefix) = match item.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
        None => (item, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let prefix = prefix.unwrap_or(if ip.is_ipv4() { 32 } else { 128 });
    network(&IpNetwork::new(ip, prefix).ok()?)
}

/// A network with its host bits cleared.
fn network(net: &IpNetwork) -> Option<IpNetwork> {
    IpNetwork::new(net.network(), net.prefix()).ok()
}

fn contains_net(outer: &IpNetwork, inner: &IpNetwork) -> bool {
    outer.is_ipv4() == inner.is_ipv4()
        && outer.prefix() <= inner.prefix()
        && outer.contains(inner.network())
}

fn family(v6: bool) -> &'static str {
    if v6 {
        "IPv6"
    } else {
        "IPv4"
    }
}

impl Ctx<'_> {
    fn push(&mut self, code: Code, severity: Severity, message: String, hint: String, loc: Loc) {
        self.out.push(Finding {
            code,
            severity,
            message,
            hint,
            section: loc.section,
            key: loc.key.map(str::to_owned),
            line: loc.line,
        });
    }

    fn mobile(&self) -> bool {
        self.facts.platform != Platform::Linux
    }

    /// "peer 2 (vBN7qyUT…)": never more of the key than that.
    fn peer_name(&self, n: usize) -> String {
        let key = self.config.peers[n].public_key.to_base64();
        format!("peer {} ({}…)", n + 1, &key[..8])
    }

    /// The location of `key` in the interface or a peer (the section header
    /// when the key is absent).
    fn at(&self, peer: Option<usize>, key: &'static str) -> Loc {
        Loc {
            section: Some(if peer.is_some() {
                Section::Peer
            } else {
                Section::Interface
            }),
            key: Some(key),
            line: self
                .map
                .key_line(peer, key)
                .or_else(|| self.map.section_line(peer)),
        }
    }

    /// The location of the `key` line holding an item that is network `net`.
    fn at_item(&self, peer: Option<usize>, key: &'static str, net: &IpNetwork) -> Loc {
        let line = self
            .map
            .item_line(peer, key, |item| item_network(item).as_ref() == Some(net));
        Loc {
            line: line.or_else(|| self.at(peer, key).line),
            ..self.at(peer, key)
        }
    }

    /// Whether the routes the platform applies (included minus excluded) send `ip` into the tunnel.
    fn routed(&self, ip: IpAddr) -> bool {
        self.settings
            .included_routes_minus_excluded
            .iter()
            .any(|r| r.contains(ip))
    }

    fn basics(&mut self) {
        let i = &self.config.interface;
        if i.addresses.is_empty() {
            let loc = self.at(None, "Address");
            self.push(
                Code::NoAddress,
                Severity::Error,
                "[Interface] has no Address: the tunnel interface gets no IP address, so nothing can be sent through it".into(),
                "add `Address = ` the tunnel address the server assigned to you (e.g. 10.0.0.2/32)".into(),
                loc,
            );
        }
        if self.config.peers.is_empty() {
            self.push(
                Code::NoPeers,
                Severity::Error,
                "no [Peer] section: the tunnel has nobody to talk to".into(),
                "add a [Peer] with the server's PublicKey, AllowedIPs and Endpoint".into(),
                Loc::default(),
            );
        }
        let own = i.private_key.public_key();
        for n in 0..self.config.peers.len() {
            let peer = &self.config.peers[n];
            if peer.public_key == own {
                let loc = self.at(Some(n), "PublicKey");
                self.push(
                    Code::PeerIsSelf,
                    Severity::Error,
                    format!("{} has this interface's own public key: a tunnel cannot handshake with itself", self.peer_name(n)),
                    "use the other side's public key (`wg pubkey` of its private key)".into(),
                    loc,
                );
            }
            if peer.allowed_ips.is_empty() {
                let loc = self.at(Some(n), "AllowedIPs");
                self.push(
                    Code::PeerNoAllowedIps,
                    Severity::Warning,
                    format!("{} has no AllowedIPs: no traffic is sent to it or accepted from it", self.peer_name(n)),
                    "add `AllowedIPs = ` the addresses reached through this peer (0.0.0.0/0, ::/0 for everything)".into(),
                    loc,
                );
            }
            if peer.endpoint.is_none() {
                let loc = self.at(Some(n), "Endpoint");
                self.push(
                    Code::PeerNoEndpoint,
                    Severity::Info,
                    format!("{} has no Endpoint: it must reach this side first; this side cannot start a handshake with it", self.peer_name(n)),
                    "fine on a server; on a client add `Endpoint = host:port`".into(),
                    loc,
                );
            }
        }
    }

    fn host_keys(&mut self) {
        let h = &self.config.interface.host;
        let linux = self.facts.platform == Platform::Linux;
        let keys = [
            ("Table", h.table.is_some() && !linux),
            ("FwMark", self.config.interface.fwmark.is_some() && !linux),
            ("PreUp", !h.pre_up.is_empty()),
            ("PostUp", !h.post_up.is_empty()),
            ("PreDown", !h.pre_down.is_empty()),
            ("PostDown", !h.post_down.is_empty()),
            ("SaveConfig", h.save_config.is_some()),
        ];
        let r#where = if linux {
            "by `culvert up`"
        } else {
            "on iOS or Android"
        };
        for (key, present) in keys {
            if present {
                let loc = self.at(None, key);
                self.push(
                    Code::HostOnlyKey,
                    Severity::Info,
                    format!("{key} is a wg-quick host setting: kept and written back, but not applied {where}"),
                    "nothing to do if the config is also used with wg-quick; otherwise remove it".into(),
                    loc,
                );
            }
        }
        let i = &self.config.interface;
        if linux && !(i.dns_servers.is_empty() && i.dns_search.is_empty()) {
            let loc = self.at(None, "DNS");
            self.push(
                Code::DnsNotApplied,
                Severity::Info,
                "DNS is not applied by `culvert up`: the host's resolver configuration is left unchanged".into(),
                "point the host's resolver at the tunnel's DNS server yourself (resolvectl dns IFACE ...) if you want it".into(),
                loc,
            );
        }
    }

    fn endpoint_loop(&mut self) {
        if self.facts.socket_bypass == SocketBypass::All {
            return;
        }
        // `culvert up` applies AllowedIPs as routes, without exclusions; a mobile
        // host routes included minus excluded.
        let linux = self.facts.platform == Platform::Linux;
        for n in 0..self.config.peers.len() {
            let Some(endpoint) = &self.config.peers[n].endpoint else {
                continue;
            };
            let EndpointHost::Ip(ip) = endpoint.host else {
                continue;
            };
            if !linux && !self.routed(ip) {
                continue;
            }
            // The most specific AllowedIPs route covering the endpoint, and whose it is.
            let mut best: Option<(usize, IpNetwork)> = None;
            for (m, peer) in self.config.peers.iter().enumerate() {
                for net in peer.allowed_ips.iter().filter_map(network) {
                    if net.contains(ip) && best.is_none_or(|(_, b)| net.prefix() > b.prefix()) {
                        best = Some((m, net));
                    }
                }
            }
            let Some((owner, route)) = best else {
                continue;
            };
            if route.prefix() == 0 && self.facts.socket_bypass == SocketBypass::DefaultRouteOnly {
                continue;
            }
            let loc = self.at(Some(n), "Endpoint");
            let owner_text = if owner == n {
                "its own AllowedIPs".to_owned()
            } else {
                format!("the AllowedIPs of {}", self.peer_name(owner))
            };
            self.push(
                Code::EndpointInAllowedIps,
                Severity::Error,
                format!(
                    "the Endpoint {ip} of {} is inside {route} in {owner_text}: the tunnel's own encrypted packets to it would be routed into the tunnel (a routing loop), so no handshake completes",
                    self.peer_name(n)
                ),
                if linux {
                    format!("take {ip} out of that AllowedIPs entry (split {route} around it), or use a default route (0.0.0.0/0, ::/0), which `culvert up` routes with a firewall mark so its own packets bypass the tunnel")
                } else {
                    format!("take {ip} out of that AllowedIPs entry (split {route} around it), or add {ip} to the excluded routes")
                },
                loc,
            );
        }
    }

    fn dns(&mut self) {
        if !self.mobile() {
            return;
        }
        let (full, match_all) = (self.settings.full_tunnel, self.settings.dns_match_all);
        if full && self.settings.dns_servers.is_empty() {
            let loc = self.at(None, "DNS");
            self.push(
                Code::FullTunnelWithoutDns,
                Severity::Warning,
                "the tunnel takes all traffic but sets no DNS server: the device keeps the network's resolver (often a LAN address such as 192.168.1.1), whose queries now go into the tunnel and usually get no answer, so names stop resolving".into(),
                "add `DNS = ` a resolver reachable through the tunnel (often the server's tunnel address) to [Interface]".into(),
                loc,
            );
        }
        if !match_all {
            return;
        }
        for ip in self.settings.dns_servers.clone() {
            if self.routed(ip) {
                continue;
            }
            let net = IpNetwork::from(ip);
            let loc = self.at_item(None, "DNS", &net);
            let host = if ip.is_ipv4() { "/32" } else { "/128" };
            self.push(
                Code::DnsNotRouted,
                Severity::Error,
                format!("every DNS query goes to the tunnel's servers, but {ip} is not inside the tunnel's routes: queries to it leave outside the tunnel (a DNS leak), or never arrive when it is an address only the tunnel can reach"),
                format!("add {ip}{host} (or the whole {} default route) to a peer's AllowedIPs, or remove it from the excluded routes", family(ip.is_ipv6())),
                loc,
            );
        }
    }

    fn one_family(&mut self) {
        let (v4, v6) = (
            self.settings.full_tunnel_ipv4,
            self.settings.full_tunnel_ipv6,
        );
        if v4 == v6 {
            return;
        }
        let (full, other) = (family(v6), family(v4));
        // Where the default route is: the first AllowedIPs entry of that family
        // of prefix 0 or 1 (0.0.0.0/1 + 128.0.0.0/1 is a default route too).
        let mut loc = Loc::default();
        'peers: for (n, peer) in self.config.peers.iter().enumerate() {
            for net in peer.allowed_ips.iter().filter_map(network) {
                if net.is_ipv6() == v6 && net.prefix() <= 1 {
                    loc = self.at_item(Some(n), "AllowedIPs", &net);
                    break 'peers;
                }
            }
        }
        let i = &self.config.interface;
        let other_configured = i.addresses.iter().any(|a| a.is_ipv6() == v4)
            || i.dns_servers.iter().any(|d| d.is_ipv6() == v4)
            || self
                .settings
                .included_routes
                .iter()
                .any(|r| r.is_ipv6() == v4);
        let other_default = if v4 { "::/0" } else { "0.0.0.0/0" };
        if self.facts.platform == Platform::Android && !other_configured {
            self.push(
                Code::DefaultRouteOneFamily,
                Severity::Info,
                format!("all {full} goes through the tunnel and nothing of {other} is configured: Android blocks {other} while the tunnel is up, so apps fall back to {full} (and {other}-only destinations fail)"),
                format!("add {other_default} and an {other} Address if the server carries {other}"),
                loc,
            );
        } else {
            self.push(
                Code::DefaultRouteOneFamily,
                Severity::Warning,
                format!("all {full} goes through the tunnel but not all {other}: {other} traffic leaves outside the tunnel, with the device's real address"),
                format!("add {other_default} to the same AllowedIPs (and an {other} Address) so {other} goes through the tunnel too, or disable {other} on the device"),
                loc,
            );
        }
    }

    fn overlaps(&mut self) {
        // (network, peer), sorted by family, start, then larger blocks and earlier peers first:
        // a block's enclosing blocks come before it.
        let mut all: Vec<(IpNetwork, usize)> = Vec::new();
        for (n, peer) in self.config.peers.iter().enumerate() {
            let mut seen = HashSet::new();
            for net in peer.allowed_ips.iter().filter_map(network) {
                if seen.insert(net) {
                    all.push((net, n));
                }
            }
        }
        all.sort_by_key(|(net, n)| (net.is_ipv6(), start(net), net.prefix(), *n));
        let mut stack: Vec<(IpNetwork, usize)> = Vec::new();
        for (net, n) in all {
            while stack
                .last()
                .is_some_and(|(top, _)| !contains_net(top, &net))
            {
                stack.pop();
            }
            if let Some(&(outer, m)) = stack.iter().rev().find(|(_, m)| *m != n) {
                let loc = self.at_item(Some(n), "AllowedIPs", &net);
                if outer == net {
                    self.push(
                        Code::OverlappingAllowedIps,
                        Severity::Warning,
                        format!("{net} is in the AllowedIPs of {} and of {}: only the later one, {}, gets its traffic", self.peer_name(m), self.peer_name(n), self.peer_name(n)),
                        "give each network to one peer".into(),
                        loc,
                    );
                } else {
                    self.push(
                        Code::NestedAllowedIps,
                        Severity::Info,
                        format!("{net} of {} is inside {outer} of {}: traffic to {net} goes to {}, the rest of {outer} to {}", self.peer_name(n), self.peer_name(m), self.peer_name(n), self.peer_name(m)),
                        "nothing to do if that is intended (a site behind one peer, everything else through another)".into(),
                        loc,
                    );
                }
            }
            stack.push((net, n));
        }
    }

    fn mtu(&mut self) {
        let i = &self.config.interface;
        let mtu = i.mtu.unwrap_or(self.options.settings.default_mtu);
        let loc = || Loc {
            section: Some(Section::Interface),
            key: Some("MTU"),
            line: if i.mtu.is_some() {
                self.map.key_line(None, "MTU")
            } else {
                None
            },
        };
        if mtu < 1280 && i.addresses.iter().any(|a| a.is_ipv6()) {
            let loc = loc();
            self.push(
                Code::MtuBelowIpv6Minimum,
                Severity::Warning,
                format!("MTU {mtu} is below 1280, the IPv6 minimum, but the interface has an IPv6 address: the system may refuse IPv6 on it"),
                "use MTU 1280 or more".into(),
                loc,
            );
        }
        let all_v4 = !self.config.peers.is_empty()
            && self.config.peers.iter().all(|p| {
                matches!(
                    p.endpoint.as_ref().map(|e| &e.host),
                    Some(EndpointHost::Ip(IpAddr::V4(_)))
                )
            });
        let (overhead, outer) = if all_v4 {
            (WIREGUARD_OVERHEAD_IPV4, "over IPv4")
        } else {
            (
                WIREGUARD_OVERHEAD_IPV6,
                "over IPv6, which an endpoint may use",
            )
        };
        let path = self.facts.path_mtu;
        let total = u32::from(mtu) + u32::from(overhead);
        if total > u32::from(path) {
            let loc = loc();
            let fit = path.saturating_sub(overhead);
            self.push(
                Code::MtuTooLarge,
                Severity::Warning,
                format!("MTU {mtu} plus WireGuard's {overhead} bytes {outer} is {total}, more than the path's {path}: full-size packets are fragmented or dropped, so large downloads and TLS handshakes stall while small requests work"),
                format!("set `MTU = {fit}` or lower (1280 fits every mobile path)"),
                loc,
            );
        }
    }

    fn keepalive(&mut self) {
        if !self.facts.behind_nat {
            return;
        }
        for n in 0..self.config.peers.len() {
            let peer = &self.config.peers[n];
            if peer.endpoint.is_none() || peer.persistent_keepalive.is_some() {
                continue;
            }
            let loc = self.at(Some(n), "PersistentKeepalive");
            self.push(
                Code::NoKeepaliveBehindNat,
                Severity::Warning,
                format!("{} has no PersistentKeepalive and this device is behind NAT: after 30 s to a few minutes of silence the NAT forgets the mapping, and what the peer sends (replies on idle connections, pushes) no longer reaches this device until it sends again", self.peer_name(n)),
                "add `PersistentKeepalive = 25` to this [Peer]".into(),
                loc,
            );
        }
    }

    fn lan_access(&mut self) {
        // On Linux, wg-quick's policy rules keep the main table's more specific
        // (LAN) routes: a default route never captures the LAN there. A LAN
        // counts as captured when one applied route contains all of it (the
        // tunnel's own DNS server inside a LAN range stays routed on purpose).
        if !self.options.keep_lan_access || !self.mobile() {
            return;
        }
        let lans: Vec<IpNetwork> = if self.facts.local_networks.is_empty() {
            PRIVATE_IPV4[..3]
                .iter()
                .filter_map(|&(a, p)| Ipv4Network::new(a, p).ok().map(IpNetwork::V4))
                .collect()
        } else {
            self.facts
                .local_networks
                .iter()
                .filter_map(network)
                .collect()
        };
        for lan in lans {
            let captured = self
                .settings
                .included_routes_minus_excluded
                .iter()
                .any(|r| contains_net(r, &lan));
            if !captured {
                continue;
            }
            // The AllowedIPs entry that brings it in: the first one containing the LAN.
            let mut loc = Loc::default();
            let mut via = String::new();
            'peers: for (n, peer) in self.config.peers.iter().enumerate() {
                for net in peer.allowed_ips.iter().filter_map(network) {
                    if contains_net(&net, &lan) {
                        loc = self.at_item(Some(n), "AllowedIPs", &net);
                        via = format!("{net} in the AllowedIPs of {}", self.peer_name(n));
                        break 'peers;
                    }
                }
            }
            let hint = if self.options.settings.exclude_private {
                format!("add {lan} to the excluded routes")
            } else {
                "turn on \"exclude private IPs\" (SettingsOptions.exclude_private; `--exclude-private`): the routes then leave 10/8, 172.16/12 and 192.168/16 outside the tunnel".into()
            };
            self.push(
                Code::LanRoutedIntoTunnel,
                Severity::Warning,
                format!("LAN access was asked for, but {via} sends the local network {lan} into the tunnel: printers, casting and the router are unreachable while the tunnel is up"),
                hint,
                loc,
            );
        }
    }

    fn per_app(&mut self) {
        let i = &self.config.interface;
        if i.included_applications.is_empty() && i.excluded_applications.is_empty() {
            return;
        }
        if self.facts.platform != Platform::Android {
            let key = if i.included_applications.is_empty() {
                "ExcludedApplications"
            } else {
                "IncludedApplications"
            };
            let loc = self.at(None, key);
            self.push(
                Code::PerAppUnsupported,
                Severity::Info,
                format!("{key} applies on Android only: on this platform every app uses the tunnel"),
                "use the platform's own per-app VPN (on Apple devices, managed per-app VPN) if you need it".into(),
                loc,
            );
            return;
        }
        let Some(known) = &self.facts.known_packages else {
            return;
        };
        let known: HashSet<&str> = known.iter().map(String::as_str).collect();
        for (key, list) in [
            ("IncludedApplications", &i.included_applications),
            ("ExcludedApplications", &i.excluded_applications),
        ] {
            let unknown: Vec<&String> = list
                .iter()
                .filter(|p| !known.contains(p.as_str()))
                .collect();
            if unknown.is_empty() {
                continue;
            }
            let none_left = key == "IncludedApplications" && unknown.len() == list.len();
            for package in unknown {
                let line = self
                    .map
                    .item_line(None, key, |item| item == package.as_str())
                    .or_else(|| self.map.key_line(None, key));
                let loc = Loc {
                    section: Some(Section::Interface),
                    key: Some(key),
                    line,
                };
                let (severity, effect) = if none_left {
                    (Severity::Error, "and no other listed app is: Android then sends every app through the tunnel")
                } else if key == "IncludedApplications" {
                    (
                        Severity::Warning,
                        "it is skipped, so the tunnel carries fewer apps than listed",
                    )
                } else {
                    (Severity::Warning, "it is skipped; if the name is mistyped, the app meant to bypass the tunnel goes through it")
                };
                self.push(
                    Code::UnknownPackage,
                    severity,
                    format!("{key} names {package}, which is not installed: {effect}"),
                    "check the package name (`adb shell pm list packages`, or the app's Play Store address)".into(),
                    loc,
                );
            }
        }
    }
}

/// The first address of a network as a number in its family.
fn start(net: &IpNetwork) -> u128 {
    match net.network() {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}
