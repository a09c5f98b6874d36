use super::*;

const PRIV: &str = "TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=";
const PUB_A: &str = "vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=";
const PUB_B: &str = "G8GcS7oLtc+yy0PnVJv5y/7ngi0KiT9nt7A95Nxdh3o=";

fn conf(interface: &str, peers: &[&str]) -> String {
    let mut s = format!("[Interface]\nPrivateKey = {PRIV}\n{interface}\n");
    for (n, p) in peers.iter().enumerate() {
        let key = if n == 0 { PUB_A } else { PUB_B };
        s.push_str(&format!("\n[Peer]\nPublicKey = {key}\n{p}\n"));
    }
    s
}

fn run(text: &str, options: &DoctorOptions, facts: &PlatformFacts) -> Vec<Finding> {
    diagnose_text(text, options, facts).expect("parses")
}

fn codes(findings: &[Finding]) -> Vec<(&'static str, Severity)> {
    findings
        .iter()
        .map(|f| (f.code.as_str(), f.severity))
        .collect()
}

fn find(findings: &[Finding], code: Code) -> &Finding {
    findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", codes(findings)))
}

const FULL: &str =
    "AllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = 198.51.100.1:51820\nPersistentKeepalive = 25";

#[test]
fn sensible_full_tunnel_is_clean_on_every_platform() {
    let text = conf(
        "Address = 10.0.0.2/32, fd00::2/128\nDNS = 10.0.0.1\nMTU = 1280",
        &[FULL],
    );
    for facts in [
        PlatformFacts::linux(),
        PlatformFacts::android(29),
        PlatformFacts::android(34),
        PlatformFacts::apple(),
    ] {
        let f = run(&text, &DoctorOptions::default(), &facts);
        assert!(
            f.iter().all(|f| f.severity == Severity::Info),
            "{:?}: {:?}",
            facts.platform,
            codes(&f)
        );
    }
}

#[test]
fn endpoint_inside_a_split_route_loops_on_linux_only() {
    let text = conf(
        "Address = 10.0.0.2/32",
        &["AllowedIPs = 198.51.100.0/24\nEndpoint = 198.51.100.1:51820"],
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::linux());
    let e = find(&f, Code::EndpointInAllowedIps);
    assert_eq!(e.severity, Severity::Error);
    assert_eq!(
        (e.section, e.key.as_deref(), e.line),
        (Some(Section::Peer), Some("Endpoint"), Some(8))
    );
    assert!(e.message.contains("198.51.100.0/24"), "{}", e.message);
    // Android protects the socket: no loop.
    let f = run(
        &text,
        &DoctorOptions::default(),
        &PlatformFacts::android(30),
    );
    assert!(f.iter().all(|f| f.code != Code::EndpointInAllowedIps));
    // A default route is marked by `culvert up`: no loop; a host without any bypass loops.
    let full = conf("Address = 10.0.0.2/32", &[FULL]);
    let f = run(&full, &DoctorOptions::default(), &PlatformFacts::linux());
    assert!(f.iter().all(|f| f.code != Code::EndpointInAllowedIps));
    let bare = PlatformFacts {
        socket_bypass: SocketBypass::None,
        ..PlatformFacts::linux()
    };
    let f = run(&full, &DoctorOptions::default(), &bare);
    find(&f, Code::EndpointInAllowedIps);
}

#[test]
fn another_peers_specific_route_captures_the_endpoint_under_a_default_route() {
    let text = conf(
        "Address = 10.0.0.2/32, fd00::2/128",
        &[FULL, "AllowedIPs = 198.51.100.0/24"],
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::linux());
    let e = find(&f, Code::EndpointInAllowedIps);
    assert!(e.message.contains("peer 2"), "{}", e.message);
    assert_eq!(e.line, Some(8));
}

#[test]
fn dns_outside_the_routes_while_capturing_all_domains() {
    // IPv4 full tunnel, an IPv6 DNS server: its queries leak.
    let text = conf(
        "Address = 10.0.0.2/32\nDNS = 10.0.0.1, 2001:db8::53",
        &["AllowedIPs = 0.0.0.0/0\nEndpoint = 198.51.100.1:51820\nPersistentKeepalive = 25"],
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::apple());
    let e = find(&f, Code::DnsNotRouted);
    assert_eq!(e.severity, Severity::Error);
    assert!(e.message.contains("2001:db8::53"));
    assert_eq!((e.key.as_deref(), e.line), (Some("DNS"), Some(4)));
    assert_eq!(
        f.iter().filter(|f| f.code == Code::DnsNotRouted).count(),
        1,
        "10.0.0.1 is routed"
    );
    // Excluding the server's range by hand takes it out of the tunnel too.
    let opts = DoctorOptions {
        settings: SettingsOptions {
            excluded_routes: vec!["10.0.0.0/24".parse().unwrap()],
            ..SettingsOptions::default()
        },
        ..DoctorOptions::default()
    };
    let f = run(&text, &opts, &PlatformFacts::apple());
    assert_eq!(f.iter().filter(|f| f.code == Code::DnsNotRouted).count(), 2);
    // Split tunnel: DNS does not capture every domain, no finding.
    let split = conf(
        "Address = 10.0.0.2/32\nDNS = 2001:db8::53",
        &["AllowedIPs = 10.0.0.0/24\nEndpoint = 198.51.100.1:51820\nPersistentKeepalive = 25"],
    );
    let f = run(&split, &DoctorOptions::default(), &PlatformFacts::apple());
    assert!(f.iter().all(|f| f.code != Code::DnsNotRouted));
}

#[test]
fn full_tunnel_without_dns_on_mobile() {
    let text = conf("Address = 10.0.0.2/32, fd00::2/128", &[FULL]);
    let f = run(
        &text,
        &DoctorOptions::default(),
        &PlatformFacts::android(33),
    );
    let e = find(&f, Code::FullTunnelWithoutDns);
    assert_eq!(e.severity, Severity::Warning);
    assert_eq!((e.key.as_deref(), e.line), (Some("DNS"), Some(1)));
}

#[test]
fn one_family_default_route_leaks_or_is_blocked_on_android() {
    let text = conf(
        "Address = 10.0.0.2/32\nDNS = 10.0.0.1",
        &["AllowedIPs = 0.0.0.0/0\nEndpoint = 198.51.100.1:51820\nPersistentKeepalive = 25"],
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::apple());
    let e = find(&f, Code::DefaultRouteOneFamily);
    assert_eq!(e.severity, Severity::Warning);
    assert!(e.message.contains("IPv6 traffic leaves"), "{}", e.message);
    assert_eq!((e.key.as_deref(), e.line), (Some("AllowedIPs"), Some(8)));
    let f = run(
        &text,
        &DoctorOptions::default(),
        &PlatformFacts::android(30),
    );
    assert_eq!(
        find(&f, Code::DefaultRouteOneFamily).severity,
        Severity::Info
    );
    // On Android with an IPv6 address, IPv6 is allowed and leaks.
    let text = conf(
        "Address = 10.0.0.2/32, fd00::2/128\nDNS = 10.0.0.1",
        &["AllowedIPs = 0.0.0.0/1, 128.0.0.0/1\nEndpoint = 198.51.100.1:51820\nPersistentKeepalive = 25"],
    );
    let f = run(
        &text,
        &DoctorOptions::default(),
        &PlatformFacts::android(30),
    );
    assert_eq!(
        find(&f, Code::DefaultRouteOneFamily).severity,
        Severity::Warning
    );
}

#[test]
fn overlapping_and_nested_allowed_ips() {
    let text = conf(
        "Address = 10.0.0.2/32",
        &[
            "AllowedIPs = 10.0.0.0/8, 192.168.7.0/24\nEndpoint = 198.51.100.1:51820",
            "AllowedIPs = 10.1.0.0/16\nAllowedIPs = 192.168.7.9/24\nEndpoint = 198.51.100.2:51820",
        ],
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::linux());
    let dup = find(&f, Code::OverlappingAllowedIps);
    assert_eq!(dup.severity, Severity::Warning);
    assert!(dup.message.contains("192.168.7.0/24"), "{}", dup.message);
    assert_eq!(dup.line, Some(13));
    let nested = find(&f, Code::NestedAllowedIps);
    assert_eq!(nested.severity, Severity::Info);
    assert!(
        nested.message.contains("10.1.0.0/16 of peer 2"),
        "{}",
        nested.message
    );
    assert_eq!(nested.line, Some(12));
    assert_eq!(f.len(), 2, "{:?}", codes(&f));
}

#[test]
fn nested_within_one_peer_is_not_reported() {
    let text = conf(
        "Address = 10.0.0.2/32",
        &["AllowedIPs = 10.0.0.0/8, 10.1.0.0/16\nEndpoint = 198.51.100.1:51820"],
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::linux());
    assert!(f.is_empty(), "{:?}", codes(&f));
}

#[test]
fn mtu_against_the_path_with_overhead_by_endpoint_family() {
    let v4 = conf(
        "Address = 10.0.0.2/32\nMTU = 1440",
        &["AllowedIPs = 10.0.0.0/24\nEndpoint = 198.51.100.1:51820"],
    );
    // 1440 + 60 = 1500 fits an IPv4 path exactly.
    let f = run(&v4, &DoctorOptions::default(), &PlatformFacts::linux());
    assert!(f.iter().all(|f| f.code != Code::MtuTooLarge));
    // A hostname may resolve to IPv6: 80 bytes, 1520 > 1500.
    let name = v4.replace("198.51.100.1", "vpn.example.com");
    let f = run(&name, &DoctorOptions::default(), &PlatformFacts::linux());
    let e = find(&f, Code::MtuTooLarge);
    assert_eq!((e.key.as_deref(), e.line), (Some("MTU"), Some(4)));
    assert!(e.hint.contains("MTU = 1420"), "{}", e.hint);
    // A smaller path (PPPoE, 1492).
    let facts = PlatformFacts {
        path_mtu: 1492,
        ..PlatformFacts::linux()
    };
    let f = run(&v4, &DoctorOptions::default(), &facts);
    assert!(find(&f, Code::MtuTooLarge).hint.contains("MTU = 1432"));
    // No MTU in the config: the default applies, no line.
    let opts = DoctorOptions {
        settings: SettingsOptions {
            default_mtu: 1500,
            ..SettingsOptions::default()
        },
        ..DoctorOptions::default()
    };
    let f = run(
        &v4.replace("MTU = 1440\n", ""),
        &opts,
        &PlatformFacts::linux(),
    );
    let e = find(&f, Code::MtuTooLarge);
    assert_eq!((e.key.as_deref(), e.line), (Some("MTU"), None));
}

#[test]
fn keepalive_behind_nat() {
    let text = conf(
        "Address = 10.0.0.2/32, fd00::2/128\nDNS = 10.0.0.1",
        &["AllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = 198.51.100.1:51820"],
    );
    let f = run(
        &text,
        &DoctorOptions::default(),
        &PlatformFacts::android(34),
    );
    let e = find(&f, Code::NoKeepaliveBehindNat);
    assert_eq!(
        (e.section, e.key.as_deref(), e.line, e.severity),
        (
            Some(Section::Peer),
            Some("PersistentKeepalive"),
            Some(6),
            Severity::Warning
        )
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::linux());
    assert!(f.iter().all(|f| f.code != Code::NoKeepaliveBehindNat));
}

#[test]
fn default_route_while_keeping_lan_access() {
    let text = conf(
        "Address = 10.0.0.2/32, fd00::2/128\nDNS = 10.0.0.1",
        &[FULL],
    );
    let keep = DoctorOptions {
        keep_lan_access: true,
        ..DoctorOptions::default()
    };
    let f = run(&text, &keep, &PlatformFacts::android(34));
    let lan: Vec<&Finding> = f
        .iter()
        .filter(|f| f.code == Code::LanRoutedIntoTunnel)
        .collect();
    assert_eq!(lan.len(), 3, "10/8, 172.16/12, 192.168/16");
    assert_eq!(lan[0].line, Some(8));
    assert!(lan[0].hint.contains("exclude private"));
    // With private ranges excluded, LAN access is kept.
    let mut both = keep.clone();
    both.settings.exclude_private = true;
    let f = run(&text, &both, &PlatformFacts::android(34));
    assert!(f.iter().all(|f| f.code != Code::LanRoutedIntoTunnel));
    // ... unless the actual LAN is outside them (a CGNAT-range LAN).
    let facts = PlatformFacts {
        local_networks: vec!["100.64.1.0/24".parse().unwrap()],
        ..PlatformFacts::android(34)
    };
    let f = run(&text, &both, &facts);
    assert!(find(&f, Code::LanRoutedIntoTunnel)
        .hint
        .contains("add 100.64.1.0/24 to the excluded routes"));
    // Not asked for: nothing.
    let f = run(
        &text,
        &DoctorOptions::default(),
        &PlatformFacts::android(34),
    );
    assert!(f.iter().all(|f| f.code != Code::LanRoutedIntoTunnel));
}

#[test]
fn unknown_packages_on_android() {
    let text = conf(
        "Address = 10.0.0.2/32\nIncludedApplications = org.mozilla.firefox, com.exmaple.app",
        &["AllowedIPs = 10.0.0.0/24\nEndpoint = 198.51.100.1:51820\nPersistentKeepalive = 25"],
    );
    let facts = PlatformFacts {
        known_packages: Some(vec!["org.mozilla.firefox".into(), "com.example.app".into()]),
        ..PlatformFacts::android(31)
    };
    let f = run(&text, &DoctorOptions::default(), &facts);
    let e = find(&f, Code::UnknownPackage);
    assert_eq!(e.severity, Severity::Warning);
    assert!(e.message.contains("com.exmaple.app"));
    assert_eq!(
        (e.key.as_deref(), e.line),
        (Some("IncludedApplications"), Some(4))
    );
    assert_eq!(
        f.iter().filter(|f| f.code == Code::UnknownPackage).count(),
        1
    );
    // None installed: every app would use the tunnel.
    let facts = PlatformFacts {
        known_packages: Some(vec![]),
        ..facts
    };
    let f = run(&text, &DoctorOptions::default(), &facts);
    assert!(f
        .iter()
        .filter(|f| f.code == Code::UnknownPackage)
        .all(|f| f.severity == Severity::Error));
    // Unknown list: skipped. Other platforms: per-app rules do not apply.
    let f = run(
        &text,
        &DoctorOptions::default(),
        &PlatformFacts::android(31),
    );
    assert!(f.iter().all(|f| f.code != Code::UnknownPackage));
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::apple());
    find(&f, Code::PerAppUnsupported);
}

#[test]
fn errors_first_then_file_order() {
    let text = conf(
        "DNS = 2001:db8::53\nMTU = 1500",
        &["AllowedIPs = 0.0.0.0/0\nEndpoint = 198.51.100.1:51820"],
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::apple());
    let sev: Vec<Severity> = f.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(sev, sorted, "{:?}", codes(&f));
    assert_eq!(f[0].code, Code::NoAddress);
    for pair in f.windows(2) {
        if pair[0].severity == pair[1].severity {
            assert!(pair[0].line.unwrap_or(usize::MAX) <= pair[1].line.unwrap_or(usize::MAX));
        }
    }
}

#[test]
fn without_a_source_map_there_are_no_lines_but_still_keys() {
    let text = conf(
        "Address = 10.0.0.2/32",
        &["AllowedIPs = 198.51.100.0/24\nEndpoint = 198.51.100.1:51820"],
    );
    let config = crate::config::parse(&text).unwrap();
    let f = diagnose(&config, &DoctorOptions::default(), &PlatformFacts::linux());
    let e = find(&f, Code::EndpointInAllowedIps);
    assert_eq!((e.key.as_deref(), e.line), (Some("Endpoint"), None));
}

#[test]
fn codes_round_trip_and_serialize_as_spelled() {
    for code in Code::ALL {
        assert_eq!(Code::parse(code.as_str()), Some(code));
        assert_eq!(
            serde_json::to_value(code).unwrap(),
            serde_json::Value::String(code.as_str().into())
        );
    }
    assert_eq!(serde_json::to_value(Severity::Warning).unwrap(), "warning");
}

#[test]
fn findings_never_carry_key_material() {
    let text = conf(
        "Address = 10.0.0.2/32\nPreUp = echo hi",
        &[
            "AllowedIPs = 10.0.0.0/8\nEndpoint = 198.51.100.1:51820",
            "AllowedIPs = 10.0.0.0/8\nEndpoint = 10.0.0.9:51820",
        ],
    );
    let f = run(&text, &DoctorOptions::default(), &PlatformFacts::linux());
    assert!(!f.is_empty());
    for finding in &f {
        let all = format!("{} {}", finding.message, finding.hint);
        for secret in [PRIV, PUB_A, PUB_B] {
            assert!(!all.contains(secret), "{all}");
        }
    }
}

#[test]
fn source_map_records_lines_and_keeps_no_secret_values() {
    let text = format!(
        "# comment\n[Interface]\nPrivateKey = {PRIV}\naddress = 10.0.0.2/32, fd00::2/128\nPreUp = wg set x private-key /k\n\n[Peer]\nPublicKey = {PUB_A}\nPresharedKey = {PRIV}\nAllowedIPs = 10.0.0.0/24\n"
    );
    let (_, map) = crate::config::parse_with_locations(&text).unwrap();
    assert_eq!(map.interface, Some(2));
    assert_eq!(map.peers, vec![7]);
    assert_eq!(map.key_line(None, "Address"), Some(4));
    assert_eq!(map.key_line(Some(0), "AllowedIPs"), Some(10));
    assert_eq!(
        map.item_line(None, "Address", |i| i == "fd00::2/128"),
        Some(4)
    );
    for a in &map.attributes {
        if ["PrivateKey", "PublicKey", "PresharedKey", "PreUp"].contains(&a.key) {
            assert!(a.items.is_empty(), "{}", a.key);
        }
    }
    assert!(!format!("{map:?}").contains(PRIV));
}

#[test]
fn live_findings_from_health() {
    use crate::clock::Instant;
    use crate::health::{Evidence, HealthMonitor, PeerEvidence};
    use std::time::Duration;
    let key = crate::config::PublicKey::from_bytes([7; 32]);
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    let mut p = PeerEvidence::new(key);
    p.since_handshake = Some(Duration::from_secs(1));
    p.tx_data_packets = Some(0);
    p.rx_data_packets = Some(0);
    let mut e = Evidence {
        peers: vec![p],
        packets_from_os: Some(0),
        ..Evidence::default()
    };
    m.observe(&e, t0);
    e.peers[0].tx_data_packets = Some(5);
    e.peers[0].dropped.inner_source = 4;
    e.peers[0].last_inner_source = Some("10.9.9.9".parse().unwrap());
    e.dropped.no_route = 9;
    m.observe(&e, t0 + Duration::from_secs(1));
    let f = live_findings(m.health());
    // Inner source on the peer; no route on the tunnel, not yet 15 s of silence.
    assert_eq!(
        codes(&f),
        [("INNER_SOURCE_REJECTED", Severity::Warning),],
        "the tunnel's reason is the peer's: not repeated"
    );
    assert!(f[0].message.contains("10.9.9.9") && f[0].message.contains("4 dropped"));
    m.observe(&e, t0 + Duration::from_secs(20));
    let f = live_findings(m.health());
    let c = find(&f, Code::Live(crate::health::ReasonCode::NothingReceived));
    assert_eq!(c.severity, Severity::Error);
    assert!(c.message.contains("19 s"), "{}", c.message);
    assert!(c.hint.contains("AllowedIPs"));
    assert_eq!((c.section, c.line), (None, None));
    assert_eq!(serde_json::to_value(c.code).unwrap(), "NOTHING_RECEIVED");
    assert_eq!(
        Code::parse("NO_TRAFFIC_FROM_OS"),
        Some(Code::Live(crate::health::ReasonCode::NoTrafficFromOs))
    );
}
