//! Culvert's own wg-quick fixtures (`tests/fixtures/config/`): one file per error
//! kind plus tricky valid files, each checked against `expected.json`.

use culvert_core::config::{parse, parse_bytes, write, Config};
use serde_json::Value;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config")
}

fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(dir().join("expected.json")).unwrap()).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn check_valid(name: &str, config: &Config, want: &Value) {
    let i = &config.interface;
    let shown = |v: Vec<String>| v;
    assert_eq!(
        shown(i.addresses.iter().map(|a| a.to_string()).collect()),
        strings(&want["addresses"]),
        "{name}: addresses"
    );
    assert_eq!(
        shown(i.dns_servers.iter().map(|a| a.to_string()).collect()),
        strings(&want["dns_servers"]),
        "{name}: dns_servers"
    );
    assert_eq!(
        i.dns_search,
        strings(&want["dns_search"]),
        "{name}: dns_search"
    );
    if let Some(mtu) = want.get("mtu") {
        assert_eq!(i.mtu.map(u64::from), mtu.as_u64(), "{name}: mtu");
    }
    if let Some(port) = want.get("listen_port") {
        assert_eq!(
            i.listen_port.map(u64::from),
            port.as_u64(),
            "{name}: listen_port"
        );
    }
    if let Some(apps) = want.get("excluded_applications") {
        assert_eq!(i.excluded_applications, strings(apps), "{name}");
    }
    let peers = want["peers"].as_array().unwrap();
    assert_eq!(config.peers.len(), peers.len(), "{name}: peers");
    for (peer, want) in config.peers.iter().zip(peers) {
        assert_eq!(
            peer.allowed_ips
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>(),
            strings(&want["allowed_ips"]),
            "{name}: allowed_ips"
        );
        assert_eq!(
            peer.endpoint.as_ref().map(|e| e.to_string()),
            want["endpoint"].as_str().map(str::to_owned),
            "{name}: endpoint"
        );
        assert_eq!(
            peer.persistent_keepalive.map(u64::from),
            want["persistent_keepalive"].as_u64(),
            "{name}: keepalive"
        );
        if let Some(psk) = want.get("has_preshared_key") {
            assert_eq!(
                peer.preshared_key.is_some(),
                psk.as_bool().unwrap(),
                "{name}"
            );
        }
    }
    let codes: Vec<String> = config.warnings().into_iter().map(|w| w.code).collect();
    assert_eq!(codes, strings(&want["warnings"]), "{name}: warnings");
    // Round trip: written text parses back to the same config.
    assert_eq!(
        parse(&write(config)).as_ref(),
        Ok(config),
        "{name}: round trip"
    );
}

fn check(name: &str) {
    let all = expected();
    let want = &all["cases"][name];
    assert!(want.is_object(), "{name} has no entry in expected.json");
    let result = parse_bytes(&std::fs::read(dir().join(name)).unwrap());
    if want["ok"].as_bool().unwrap() {
        match result {
            Ok(config) => check_valid(name, &config, want),
            Err(err) => panic!("{name}: expected ok, got {err}"),
        }
    } else {
        let err = result.expect_err(name);
        assert_eq!(
            err.kind.as_str(),
            want["kind"].as_str().unwrap(),
            "{name}: kind ({err})"
        );
        assert_eq!(
            err.section.map(|s| s.as_str()),
            want["section"].as_str(),
            "{name}: section ({err})"
        );
        assert_eq!(
            err.key.as_deref(),
            want["key"].as_str(),
            "{name}: key ({err})"
        );
        assert_eq!(
            err.line.map(|l| l as u64),
            want["line"].as_u64(),
            "{name}: line ({err})"
        );
        assert!(!err.message.is_empty());
    }
}

macro_rules! fixtures {
    ($($test:ident => $file:literal,)*) => {
        $(#[test] fn $test() { check($file); })*
        const ALL: &[&str] = &[$($file),*];
    };
}

fixtures! {
    applications => "applications.conf",
    comments => "comments.conf",
    crlf => "crlf.conf",
    duplicate_attribute_endpoint => "duplicate-attribute-endpoint.conf",
    duplicate_attribute => "duplicate-attribute.conf",
    duplicate_peer => "duplicate-peer.conf",
    first_error_wins => "first-error-wins.conf",
    host_keys => "host-keys.conf",
    hostname_endpoint => "hostname-endpoint.conf",
    invalid_key_applications => "invalid-key-applications.conf",
    invalid_key => "invalid-key.conf",
    invalid_number_keepalive => "invalid-number-keepalive.conf",
    invalid_number => "invalid-number.conf",
    invalid_value_address => "invalid-value-address.conf",
    invalid_value_allowedips => "invalid-value-allowedips.conf",
    invalid_value_bare_ipv6_endpoint => "invalid-value-bare-ipv6-endpoint.conf",
    invalid_value_dns => "invalid-value-dns.conf",
    invalid_value_keepalive_range => "invalid-value-keepalive-range.conf",
    invalid_value => "invalid-value.conf",
    ipv6_endpoint => "ipv6-endpoint.conf",
    keepalive_off => "keepalive-off.conf",
    lowercase_keys => "lowercase-keys.conf",
    missing_attribute_peer => "missing-attribute-peer.conf",
    missing_attribute => "missing-attribute.conf",
    missing_section_empty => "missing-section-empty.conf",
    missing_section => "missing-section.conf",
    no_peers => "no-peers.conf",
    repeated_allowedips => "repeated-allowedips.conf",
    syntax_error_empty_value => "syntax-error-empty-value.conf",
    syntax_error_not_utf8 => "syntax-error-not-utf8.conf",
    syntax_error => "syntax-error.conf",
    unknown_attribute_wrong_section => "unknown-attribute-wrong-section.conf",
    unknown_attribute => "unknown-attribute.conf",
    unknown_section_before_interface => "unknown-section-before-interface.conf",
    unknown_section => "unknown-section.conf",
}

#[test]
fn every_fixture_file_has_a_test_and_an_expectation() {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".conf"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = ALL.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed);
    let all = expected();
    let mut keys: Vec<String> = all["cases"].as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, listed);
}

#[test]
fn every_error_kind_has_a_fixture() {
    let all = expected();
    for kind in culvert_core::config::ErrorKind::ALL {
        assert!(
            all["cases"]
                .as_object()
                .unwrap()
                .values()
                .any(|c| c["kind"] == kind.as_str()),
            "no fixture for {kind}"
        );
    }
}
