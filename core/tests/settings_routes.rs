//! NetworkSettings with exact expected route sets.

use culvert_core::config::parse;
use culvert_core::settings::{normalize, subtract, NetworkSettings, SettingsOptions};
use ipnetwork::IpNetwork;

const PRIV: &str = "mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d/hAVJiyQsUUY=";
const PUB1: &str = "G8GcS7oLtc+yy0PnVJv5y/7ngi0KiT9nt7A95Nxdh3o=";
const PUB2: &str = "U43LET0YqTJO3wT4L/2TxPlEFtw8GX1g/iihM6hPwUM=";

fn nets(list: &[&str]) -> Vec<IpNetwork> {
    list.iter().map(|s| s.parse().unwrap()).collect()
}

fn strs(list: &[IpNetwork]) -> Vec<String> {
    list.iter().map(|n| n.to_string()).collect()
}

fn settings(interface_extra: &str, allowed: &[&str], options: &SettingsOptions) -> NetworkSettings {
    let mut text = format!(
        "[Interface]\nPrivateKey = {PRIV}\nAddress = 10.0.0.2/32, fd00::2/64\n{interface_extra}\n"
    );
    for (n, a) in allowed.iter().enumerate() {
        let key = if n == 0 { PUB1 } else { PUB2 };
        text.push_str(&format!(
            "[Peer]\nPublicKey = {key}\nAllowedIPs = {a}\nEndpoint = 198.51.100.1:51820\n"
        ));
    }
    NetworkSettings::from_config(&parse(&text).unwrap(), options)
}

/// The official Android app's "exclude private IPs" replacement for 0.0.0.0/0
/// (`IPV4_PUBLIC_NETWORKS` in its PeerProxy).
const ANDROID_IPV4_PUBLIC_NETWORKS: [&str; 30] = [
    "0.0.0.0/5",
    "8.0.0.0/7",
    "11.0.0.0/8",
    "12.0.0.0/6",
    "16.0.0.0/4",
    "32.0.0.0/3",
    "64.0.0.0/2",
    "128.0.0.0/3",
    "160.0.0.0/5",
    "168.0.0.0/6",
    "172.0.0.0/12",
    "172.32.0.0/11",
    "172.64.0.0/10",
    "172.128.0.0/9",
    "173.0.0.0/8",
    "174.0.0.0/7",
    "176.0.0.0/4",
    "192.0.0.0/9",
    "192.128.0.0/11",
    "192.160.0.0/13",
    "192.169.0.0/16",
    "192.170.0.0/15",
    "192.172.0.0/14",
    "192.176.0.0/12",
    "192.192.0.0/10",
    "193.0.0.0/8",
    "194.0.0.0/7",
    "196.0.0.0/6",
    "200.0.0.0/5",
    "208.0.0.0/4",
];

#[test]
fn default_minus_ten_slash_eight() {
    let got = subtract(&nets(&["0.0.0.0/0"]), &nets(&["10.0.0.0/8"]));
    assert_eq!(
        strs(&got),
        [
            "0.0.0.0/5",
            "8.0.0.0/7",
            "11.0.0.0/8",
            "12.0.0.0/6",
            "16.0.0.0/4",
            "32.0.0.0/3",
            "64.0.0.0/2",
            "128.0.0.0/1"
        ]
    );
}

#[test]
fn default_minus_android_private_set_is_androids_public_list() {
    let got = subtract(
        &nets(&["0.0.0.0/0"]),
        &nets(&[
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/3",
        ]),
    );
    assert_eq!(strs(&got), ANDROID_IPV4_PUBLIC_NETWORKS);
}

#[test]
fn ipv6_default_minus_ula_link_local_multicast() {
    let got = subtract(
        &nets(&["::/0"]),
        &nets(&["fc00::/7", "fe80::/10", "ff00::/8"]),
    );
    assert_eq!(
        strs(&got),
        [
            "::/1",
            "8000::/2",
            "c000::/3",
            "e000::/4",
            "f000::/5",
            "f800::/6",
            "fe00::/9",
            "fec0::/10"
        ]
    );
}

#[test]
fn subtract_merges_siblings_into_minimal_set() {
    assert_eq!(
        strs(&subtract(&nets(&["0.0.0.0/1", "128.0.0.0/1"]), &[])),
        ["0.0.0.0/0"]
    );
    assert_eq!(
        strs(&subtract(
            &nets(&["198.51.100.0/25", "198.51.100.128/26", "198.51.100.192/26"]),
            &[]
        )),
        ["198.51.100.0/24"]
    );
    assert!(subtract(&nets(&["10.1.0.0/16"]), &nets(&["10.0.0.0/8"])).is_empty());
    assert_eq!(
        strs(&subtract(
            &nets(&["198.51.100.0/24"]),
            &nets(&["198.51.100.7/32"])
        )),
        [
            "198.51.100.0/30",
            "198.51.100.4/31",
            "198.51.100.6/32",
            "198.51.100.8/29",
            "198.51.100.16/28",
            "198.51.100.32/27",
            "198.51.100.64/26",
            "198.51.100.128/25"
        ]
    );
    // Families never mix.
    assert_eq!(
        strs(&subtract(&nets(&["::/0"]), &nets(&["0.0.0.0/0"]))),
        ["::/0"]
    );
}

#[test]
fn normalize_network_form_dedup_and_contained_removed() {
    let got = normalize(&nets(&[
        "10.3.0.7/16",
        "10.3.0.0/16",
        "10.3.4.0/24",
        "::/0",
        "fd00::1/64",
        "0.0.0.0/1",
        "10.0.0.0/8",
    ]));
    assert_eq!(strs(&got), ["0.0.0.0/1", "::/0"]);
    let got = normalize(&nets(&[
        "198.51.100.130/25",
        "198.51.100.0/25",
        "fd00::1/64",
    ]));
    assert_eq!(
        strs(&got),
        ["198.51.100.0/25", "198.51.100.128/25", "fd00::/64"]
    );
}

#[test]
fn full_tunnel_with_dns_captures_all_domains() {
    let s = settings(
        "DNS = 198.51.100.53, corp.example.com",
        &["0.0.0.0/0, ::/0"],
        &SettingsOptions::default(),
    );
    assert_eq!(strs(&s.included_routes), ["0.0.0.0/0", "::/0"]);
    assert!(s.excluded_routes.is_empty());
    assert_eq!(
        strs(&s.included_routes_minus_excluded),
        ["0.0.0.0/0", "::/0"]
    );
    assert!(s.full_tunnel && s.full_tunnel_ipv4 && s.full_tunnel_ipv6);
    assert!(s.dns_match_all);
    assert_eq!(s.dns_search_domains, ["corp.example.com"]);
    assert_eq!(s.mtu, 1280);
    assert_eq!(strs(&s.addresses), ["10.0.0.2/32", "fd00::2/64"]);
}

#[test]
fn split_default_halves_count_as_full_tunnel() {
    let s = settings(
        "DNS = 198.51.100.53",
        &["0.0.0.0/1, 128.0.0.0/1"],
        &SettingsOptions::default(),
    );
    assert!(s.full_tunnel_ipv4 && !s.full_tunnel_ipv6 && s.full_tunnel && s.dns_match_all);
    assert_eq!(strs(&s.included_routes), ["0.0.0.0/1", "128.0.0.0/1"]);
}

#[test]
fn split_tunnel_does_not_capture_dns() {
    let s = settings(
        "DNS = 10.0.0.1\nMTU = 1420",
        &["10.0.0.0/24", "10.0.0.0/16, fd00::/64"],
        &SettingsOptions::default(),
    );
    assert_eq!(strs(&s.included_routes), ["10.0.0.0/16", "fd00::/64"]);
    assert!(!s.full_tunnel && !s.dns_match_all);
    assert_eq!(s.mtu, 1420);
}

#[test]
fn exclude_private_v4_and_v6_keeps_tunnel_dns() {
    let options = SettingsOptions {
        exclude_private: true,
        ..SettingsOptions::default()
    };
    let s = settings("DNS = 10.64.0.1", &["0.0.0.0/0, ::/0"], &options);
    // 10.0.0.0/8 minus the DNS server 10.64.0.1.
    let ten: Vec<String> = strs(&subtract(&nets(&["10.0.0.0/8"]), &nets(&["10.64.0.1/32"])));
    let mut want = ten.clone();
    want.extend(
        [
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/3",
            "fc00::/7",
            "fe80::/10",
            "ff00::/8",
        ]
        .map(String::from),
    );
    assert_eq!(strs(&s.excluded_routes), want);
    assert_eq!(ten.len(), 24);
    let minus = strs(&s.included_routes_minus_excluded);
    assert!(minus.contains(&"10.64.0.1/32".to_owned()));
    assert!(minus.contains(&"11.0.0.0/8".to_owned()));
    assert!(!minus.iter().any(|r| r.starts_with("192.168.")));
    assert!(minus.contains(&"::/1".to_owned()));
    assert!(
        s.full_tunnel,
        "the kill-switch flag follows the included routes"
    );
}

#[test]
fn exclusions_outside_included_routes_are_dropped() {
    let options = SettingsOptions {
        exclude_private: true,
        excluded_routes: nets(&["198.51.100.0/24", "203.0.113.0/24"]),
        default_mtu: 1400,
    };
    let s = settings("", &["198.51.0.0/16"], &options);
    assert_eq!(strs(&s.excluded_routes), ["198.51.100.0/24"]);
    assert_eq!(
        strs(&s.included_routes_minus_excluded),
        [
            "198.51.0.0/18",
            "198.51.64.0/19",
            "198.51.96.0/22",
            "198.51.101.0/24",
            "198.51.102.0/23",
            "198.51.104.0/21",
            "198.51.112.0/20",
            "198.51.128.0/17"
        ]
    );
    assert_eq!(s.mtu, 1400);
}

#[test]
fn per_app_lists_pass_through() {
    let s = settings(
        "IncludedApplications = com.example.a, com.example.b",
        &["0.0.0.0/0"],
        &SettingsOptions::default(),
    );
    assert_eq!(s.included_applications, ["com.example.a", "com.example.b"]);
    assert!(s.excluded_applications.is_empty());
}

#[test]
fn settings_serialize_with_strings() {
    let s = settings(
        "DNS = 198.51.100.53",
        &["0.0.0.0/0"],
        &SettingsOptions::default(),
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["included_routes"], serde_json::json!(["0.0.0.0/0"]));
    assert_eq!(json["dns_servers"], serde_json::json!(["198.51.100.53"]));
    assert_eq!(json["full_tunnel_ipv4"], serde_json::json!(true));
    assert_eq!(json["mtu"], serde_json::json!(1280));
}

#[test]
fn exclude_private_on_default_route_matches_android_public_networks() {
    let options = SettingsOptions {
        exclude_private: true,
        ..SettingsOptions::default()
    };
    let s = settings("", &["0.0.0.0/0"], &options);
    assert_eq!(
        strs(&s.included_routes_minus_excluded),
        ANDROID_IPV4_PUBLIC_NETWORKS
    );
    assert_eq!(
        strs(&s.excluded_routes),
        [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/3"
        ]
    );
}
