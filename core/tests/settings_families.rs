//! The per-family rule of `NetworkSettings`: which families the platform configures
//! (`ipv4_enabled` / `ipv6_enabled`), which Android lets bypass the VPN
//! (`allow_family_ipv4` / `allow_family_ipv6`) and the interface subnets
//! (`interface_routes`), for v4-only, v6-only, dual, split and full tunnels.

use culvert_core::config::parse;
use culvert_core::settings::{NetworkSettings, SettingsOptions};

const PRIV: &str = "mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d/hAVJiyQsUUY=";
const PUB1: &str = "G8GcS7oLtc+yy0PnVJv5y/7ngi0KiT9nt7A95Nxdh3o=";
const PUB2: &str = "U43LET0YqTJO3wT4L/2TxPlEFtw8GX1g/iihM6hPwUM=";

/// A config with `Address = addresses` and one peer per `allowed` entry.
fn settings(addresses: &str, allowed: &[&str]) -> NetworkSettings {
    let mut text = format!("[Interface]\nPrivateKey = {PRIV}\n");
    if !addresses.is_empty() {
        text.push_str(&format!("Address = {addresses}\n"));
    }
    for (n, a) in allowed.iter().enumerate() {
        let key = if n == 0 { PUB1 } else { PUB2 };
        text.push_str(&format!(
            "[Peer]\nPublicKey = {key}\nAllowedIPs = {a}\nEndpoint = 198.51.100.1:51820\n"
        ));
    }
    NetworkSettings::from_config(&parse(&text).unwrap(), &SettingsOptions::default())
}

fn strs(s: &NetworkSettings) -> Vec<String> {
    s.interface_routes.iter().map(|n| n.to_string()).collect()
}

/// (ipv4_enabled, ipv6_enabled, allow_family_ipv4, allow_family_ipv6)
fn family(s: &NetworkSettings) -> (bool, bool, bool, bool) {
    (
        s.ipv4_enabled,
        s.ipv6_enabled,
        s.allow_family_ipv4,
        s.allow_family_ipv6,
    )
}

#[test]
fn v4_only_split_tunnel_allows_both_families() {
    let s = settings("10.0.0.2/24", &["10.0.0.0/24, 198.51.100.0/24"]);
    // IPv6 is not configured, so Android would block it device-wide without allowFamily.
    assert_eq!(family(&s), (true, false, true, true));
    assert_eq!(strs(&s), ["10.0.0.0/24"]);
}

#[test]
fn v4_only_full_tunnel_blocks_the_other_family() {
    let s = settings("10.0.0.2/32", &["0.0.0.0/0"]);
    assert!(s.full_tunnel_ipv4 && !s.full_tunnel_ipv6);
    // Kill switch: IPv6 stays blocked (nothing configured for it, no allowFamily).
    assert_eq!(family(&s), (true, false, false, false));
    assert_eq!(strs(&s), ["10.0.0.2/32"]);
}

#[test]
fn v6_only_split_and_full_tunnels() {
    let split = settings("fd00::2/64", &["fd00::/64, 2001:db8::/32"]);
    assert_eq!(family(&split), (false, true, true, true));
    assert_eq!(strs(&split), ["fd00::/64"]);
    let full = settings("fd00::2/128", &["::/0"]);
    assert_eq!(family(&full), (false, true, false, false));
    assert_eq!(strs(&full), ["fd00::2/128"]);
}

#[test]
fn dual_stack_split_and_full_tunnels() {
    let split = settings(
        "10.0.0.2/24, fd00::2/64",
        &["10.0.0.0/24, fd00::/64, 198.51.100.0/24"],
    );
    assert_eq!(family(&split), (true, true, true, true));
    assert_eq!(strs(&split), ["10.0.0.0/24", "fd00::/64"]);
    let full = settings("10.0.0.2/32, fd00::2/128", &["0.0.0.0/0, ::/0"]);
    assert_eq!(family(&full), (true, true, false, false));
    assert_eq!(strs(&full), ["10.0.0.2/32", "fd00::2/128"]);
}

#[test]
fn a_route_alone_enables_its_family() {
    // No IPv6 address, but an IPv6 route: iOS must create NEIPv6Settings for it.
    let s = settings("10.0.0.2/32", &["10.0.0.0/8, 2001:db8::/32"]);
    assert_eq!(family(&s), (true, true, true, true));
    // No address at all.
    let s = settings("", &["2001:db8::/32"]);
    assert_eq!(family(&s), (false, true, true, true));
    assert!(s.interface_routes.is_empty());
}

#[test]
fn full_tunnel_is_decided_by_coverage_and_not_by_peer_count() {
    // The kill-switch idiom: two halves, no /0.
    let halves = settings("10.0.0.2/32", &["0.0.0.0/1, 128.0.0.0/1"]);
    assert!(halves.full_tunnel);
    assert!(!halves.allow_family_ipv4 && !halves.allow_family_ipv6);
    // A default route split across two peers is still a full tunnel.
    let two_peers = settings("10.0.0.2/32", &["0.0.0.0/1", "128.0.0.0/1"]);
    assert!(!two_peers.allow_family_ipv4 && !two_peers.allow_family_ipv6);
    // Almost everything is not everything.
    let almost = settings("10.0.0.2/32", &["0.0.0.0/1, 128.0.0.0/2"]);
    assert!(almost.allow_family_ipv4 && almost.allow_family_ipv6);
}

#[test]
fn excluding_private_ranges_keeps_a_full_tunnel_full() {
    let text = format!(
        "[Interface]\nPrivateKey = {PRIV}\nAddress = 10.0.0.2/32\n\
         [Peer]\nPublicKey = {PUB1}\nAllowedIPs = 0.0.0.0/0\n"
    );
    let options = SettingsOptions {
        exclude_private: true,
        ..SettingsOptions::default()
    };
    let s = NetworkSettings::from_config(&parse(&text).unwrap(), &options);
    assert!(!s.excluded_routes.is_empty());
    assert_eq!(family(&s), (true, false, false, false));
}

#[test]
fn interface_routes_are_network_form_deduplicated_v4_first() {
    let s = settings(
        "fd00::9/64, 10.0.0.7/24, 10.0.0.8/24, 192.0.2.1/32",
        &["198.51.100.0/24"],
    );
    assert_eq!(strs(&s), ["10.0.0.0/24", "192.0.2.1/32", "fd00::/64"]);
}
