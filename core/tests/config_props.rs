//! Property tests: `parse(write(c)) == c` for generated valid configs, and the
//! parser never panics on arbitrary text.

use culvert_core::config::{
    parse, parse_bytes, write, Config, Endpoint, EndpointHost, HostKeys, Interface, Peer,
    PresharedKey, PrivateKey, PublicKey,
};
use ipnetwork::IpNetwork;
use proptest::prelude::*;
use std::collections::HashSet;
use std::net::IpAddr;

fn network() -> impl Strategy<Value = IpNetwork> {
    prop_oneof![
        (any::<u32>(), 0u8..=32)
            .prop_map(|(a, p)| IpNetwork::new(IpAddr::V4(a.into()), p).unwrap()),
        (any::<u128>(), 0u8..=128)
            .prop_map(|(a, p)| IpNetwork::new(IpAddr::V6(a.into()), p).unwrap()),
    ]
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|a| IpAddr::V4(a.into())),
        any::<u128>().prop_map(|a| IpAddr::V6(a.into())),
    ]
}

fn hostname() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,10}[a-z0-9](\\.[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?){0,3}\\.?".prop_filter(
        "ends in a letter label",
        |s| {
            s.trim_end_matches('.')
                .split('.')
                .any(|l| !l.bytes().all(|b| b.is_ascii_digit()))
        },
    )
}

fn unique<T: std::hash::Hash + Eq + Clone>(v: Vec<T>) -> Vec<T> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|x| seen.insert(x.clone())).collect()
}

fn command() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9 %=./\"'-]{0,30}[a-z0-9]"
}

fn host_keys() -> impl Strategy<Value = HostKeys> {
    (
        proptest::option::of("(off|auto|[0-9]{1,5}|[a-z]{1,8})"),
        prop::collection::vec(command(), 0..2),
        prop::collection::vec(command(), 0..2),
        prop::collection::vec(command(), 0..2),
        prop::collection::vec(command(), 0..2),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(table, pre_up, post_up, pre_down, post_down, save_config)| HostKeys {
                table,
                pre_up,
                post_up,
                pre_down,
                post_down,
                save_config,
            },
        )
}

fn app() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,8}(\\.[a-z][a-z0-9_]{0,8}){1,3}"
}

fn interface() -> impl Strategy<Value = Interface> {
    (
        any::<[u8; 32]>(),
        proptest::option::of(1u16..),
        prop::collection::vec(network(), 0..4),
        prop::collection::vec(ip(), 0..3),
        prop::collection::vec(hostname(), 0..3),
        proptest::option::of(576u16..),
        (any::<bool>(), prop::collection::vec(app(), 0..3)),
        proptest::option::of(1u32..),
        host_keys(),
    )
        .prop_map(
            |(key, listen_port, addresses, dns, search, mtu, (inc, apps), fwmark, host)| {
                let apps = unique(apps);
                Interface {
                    private_key: PrivateKey::from_bytes(key),
                    listen_port,
                    addresses: unique(addresses),
                    dns_servers: unique(dns),
                    dns_search: unique(search),
                    mtu,
                    included_applications: if inc { apps.clone() } else { Vec::new() },
                    excluded_applications: if inc { Vec::new() } else { apps },
                    fwmark,
                    host,
                }
            },
        )
}

fn endpoint() -> impl Strategy<Value = Endpoint> {
    (
        prop_oneof![
            ip().prop_map(EndpointHost::Ip),
            hostname().prop_map(EndpointHost::Name)
        ],
        1u16..,
    )
        .prop_map(|(host, port)| Endpoint { host, port })
}

fn peer() -> impl Strategy<Value = Peer> {
    (
        any::<[u8; 32]>(),
        proptest::option::of(any::<[u8; 32]>()),
        prop::collection::vec(network(), 0..5),
        proptest::option::of(endpoint()),
        proptest::option::of(1u16..),
    )
        .prop_map(|(key, psk, allowed, endpoint, keepalive)| Peer {
            public_key: PublicKey::from_bytes(key),
            preshared_key: psk.map(PresharedKey::from_bytes),
            allowed_ips: unique(allowed),
            endpoint,
            persistent_keepalive: keepalive,
        })
}

fn config() -> impl Strategy<Value = Config> {
    (interface(), prop::collection::vec(peer(), 0..4)).prop_map(|(interface, peers)| {
        let mut seen = HashSet::new();
        let peers = peers
            .into_iter()
            .filter(|p| seen.insert(p.public_key))
            .collect();
        Config { interface, peers }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn write_then_parse_is_identity(c in config()) {
        let text = write(&c);
        prop_assert_eq!(parse(&text), Ok(c.clone()), "{}", text.replace(&c.interface.private_key.to_base64(), "<priv>"));
        // Writing is stable: a second round gives the same text.
        prop_assert_eq!(write(&parse(&text).unwrap()), text);
    }

    #[test]
    fn crlf_and_case_do_not_change_meaning(c in config()) {
        let text = write(&c);
        let crlf = text.replace('\n', "\r\n");
        prop_assert_eq!(parse(&crlf), Ok(c.clone()));
        let lowered: String = text
            .lines()
            .map(|l| match l.split_once(" = ") {
                Some((k, v)) => format!("  {} =\t{}   # comment\n", k.to_lowercase(), v),
                None => format!("{}\n", l.to_uppercase()),
            })
            .collect();
        prop_assert_eq!(parse(&lowered), Ok(c));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_bytes(&bytes);
    }

    #[test]
    fn arbitrary_config_like_text_never_panics(lines in prop::collection::vec(
        "(\\[(Interface|Peer|interface|x)\\]|[A-Za-z]{1,20} ?= ?[ -~]{0,40}|#.*|[ -~]{0,40})", 0..20)) {
        let text = lines.join("\n");
        if let Ok(c) = parse(&text) {
            prop_assert_eq!(parse(&write(&c)), Ok(c));
        }
    }
}
