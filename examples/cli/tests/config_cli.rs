//! `culvert config check|settings`, `culvert keygen|pubkey`: exit codes, JSON
//! shapes, human output, and interoperability with `wg`.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PRIV: &str = "mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d/hAVJiyQsUUY=";
const PSK: &str = "zGxCk/llC0hJYEk3agkswZIpLW65bWSzNkI9MLjkMcI=";

mod common;
use common::{culvert, json_of, keys};

fn fixture(name: &str) -> String {
    common::fixture("config", name)
}

#[test]
fn check_valid_json_shape() {
    let out = culvert(
        &["config", "check", "--json", &fixture("lowercase-keys.conf")],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(keys(&v), ["config", "ok", "warnings"]);
    assert_eq!(v["ok"], true);
    let i = &v["config"]["interface"];
    assert_eq!(
        keys(i),
        [
            "addresses",
            "dns_search",
            "dns_servers",
            "excluded_applications",
            "included_applications",
            "listen_port",
            "mtu",
            "public_key"
        ]
    );
    assert_eq!(
        i["public_key"],
        "NWMZZj4cr/f1CPK6ddSIEsyRuVhN4TRbMb0xm6mPkj8="
    );
    assert_eq!(i["listen_port"], 51000);
    assert_eq!(i["mtu"], 1420);
    assert_eq!(i["addresses"], serde_json::json!(["10.0.0.2/32"]));
    assert_eq!(i["dns_servers"], serde_json::json!(["198.51.100.53"]));
    assert_eq!(i["dns_search"], serde_json::json!([]));
    let p = &v["config"]["peers"][0];
    assert_eq!(
        keys(p),
        [
            "allowed_ips",
            "endpoint",
            "has_preshared_key",
            "persistent_keepalive",
            "public_key"
        ]
    );
    assert_eq!(p["has_preshared_key"], true);
    assert_eq!(p["persistent_keepalive"], 15);
    assert_eq!(p["endpoint"], "198.51.100.1:51820");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(PRIV) && !text.contains(PSK), "{text}");
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn check_json_nulls_canonical_networks_and_warnings() {
    let out = culvert(
        &["config", "check", "--json", &fixture("host-keys.conf")],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["config"]["interface"]["listen_port"], Value::Null);
    assert_eq!(v["config"]["interface"]["mtu"], Value::Null);
    assert_eq!(v["config"]["peers"][0]["persistent_keepalive"], Value::Null);
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 6);
    for w in warnings {
        assert_eq!(keys(w), ["code", "message"]);
        assert_eq!(w["code"], "HOST_ONLY_KEY");
    }
    // AllowedIPs in network form; endpoints as `[v6]:port`.
    let out = culvert(
        &[
            "config",
            "check",
            "--json",
            &fixture("repeated-allowedips.conf"),
        ],
        None,
    );
    let v = json_of(&out);
    assert_eq!(
        v["config"]["peers"][0]["allowed_ips"],
        serde_json::json!(["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "fd00:1::/64"])
    );
    let v = json_of(&culvert(
        &["config", "check", "--json", &fixture("ipv6-endpoint.conf")],
        None,
    ));
    assert_eq!(v["config"]["peers"][0]["endpoint"], "[2001:db8::1]:51820");
    assert_eq!(
        v["config"]["peers"][0]["allowed_ips"],
        serde_json::json!(["::/0"])
    );
}

#[test]
fn check_invalid_json_shape_and_exit_1() {
    let out = culvert(
        &["config", "check", "--json", &fixture("invalid-value.conf")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(keys(&v), ["error", "ok"]);
    assert_eq!(v["ok"], false);
    let e = &v["error"];
    assert_eq!(keys(e), ["key", "kind", "line", "message", "section"]);
    assert_eq!(e["kind"], "INVALID_VALUE");
    assert_eq!(e["section"], "Peer");
    assert_eq!(e["key"], "Endpoint");
    assert_eq!(e["line"], 7);
    let v = json_of(&culvert(
        &[
            "config",
            "check",
            "--json",
            &fixture("missing-section.conf"),
        ],
        None,
    ));
    assert_eq!(v["error"]["kind"], "MISSING_SECTION");
    assert_eq!(v["error"]["section"], "Interface");
    assert_eq!(v["error"]["key"], Value::Null);
    assert_eq!(v["error"]["line"], Value::Null);
}

#[test]
fn human_error_points_at_the_line_without_the_key() {
    let out = culvert(&["config", "check", &fixture("invalid-key.conf")], None);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("invalid-key.conf:7: error: [Peer] PresharedKey:"),
        "{text}"
    );
    assert!(text.contains("    7 | PresharedKey = <redacted>"), "{text}");
    assert!(!text.contains(&PSK[..20]), "{text}");
    let out = culvert(
        &["config", "check", &fixture("unknown-attribute.conf")],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("    7 | PersistentKeepAlives = 25"), "{text}");
}

#[test]
fn human_success_lists_warnings() {
    let out = culvert(&["config", "check", &fixture("no-peers.conf")], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("valid"), "{text}");
    assert!(text.contains("warning [NO_PEERS]"), "{text}");
}

#[test]
fn stdin_dash_is_read() {
    let text = std::fs::read(fixture("crlf.conf")).unwrap();
    let out = culvert(&["config", "check", "--json", "-"], Some(&text));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out)["ok"], true);
}

#[test]
fn missing_file_and_bad_flags_exit_2() {
    let out = culvert(&["config", "check", "/nonexistent/culvert-test.conf"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    assert_eq!(
        culvert(&["config", "check", "--nope", "x"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(culvert(&["config", "check"], None).status.code(), Some(2));
    assert_eq!(
        culvert(
            &["config", "settings", "--exclude", "not-a-cidr", "x"],
            None
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn one_megabyte_of_garbage_is_an_error_quickly() {
    // Deterministic pseudo-random bytes (xorshift), 1 MiB.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let garbage: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("culvert-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("garbage.conf");
    std::fs::write(&path, &garbage).unwrap();
    // Printable garbage too: valid UTF-8, one long line per 100 bytes.
    let printable: Vec<u8> = garbage
        .iter()
        .enumerate()
        .map(|(i, b)| if i % 100 == 99 { b'\n' } else { b' ' + b % 95 })
        .collect();
    let path2 = dir.join("printable.conf");
    std::fs::write(&path2, &printable).unwrap();
    for p in [&path, &path2] {
        let start = Instant::now();
        let out = culvert(&["config", "check", "--json", p.to_str().unwrap()], None);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v = json_of(&out);
        assert_eq!(v["ok"], false);
        assert!(v["error"]["kind"].is_string());
        // Generous bound (shared CI machine); a hang would take far longer.
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "took {:?}",
            start.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn oversized_stdin_is_rejected_not_read_forever() {
    let big = vec![b'#'; 9 * 1024 * 1024];
    let out = culvert(&["config", "check", "--json", "-"], Some(&big));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["error"]["kind"], "SYNTAX_ERROR");
}

#[test]
fn settings_json_and_exclude_private() {
    let out = culvert(
        &[
            "config",
            "settings",
            "--json",
            "--exclude-private",
            &fixture("crlf.conf"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    let s = &v["settings"];
    assert_eq!(
        s["included_routes"],
        serde_json::json!(["0.0.0.0/0", "::/0"])
    );
    assert_eq!(
        s["excluded_routes"],
        serde_json::json!([
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/3",
            "fc00::/7",
            "fe80::/10",
            "ff00::/8"
        ])
    );
    let routes = s["included_routes_minus_excluded"].as_array().unwrap();
    assert_eq!(routes.len(), 30 + 8);
    assert_eq!(s["mtu"], 1280);
    assert_eq!(s["dns_match_all"], true);
    assert_eq!(s["full_tunnel"], true);
    let out = culvert(
        &[
            "config",
            "settings",
            "--exclude",
            "198.51.100.0/24",
            &fixture("crlf.conf"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("excluded routes:  198.51.100.0/24"), "{text}");
    let out = culvert(
        &["config", "settings", &fixture("invalid-number.conf")],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn keygen_and_pubkey_match_known_vectors_and_wg() {
    // Known vector: derived with `wg pubkey`.
    let out = culvert(&["pubkey"], Some(format!("{PRIV}\n").as_bytes()));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "NWMZZj4cr/f1CPK6ddSIEsyRuVhN4TRbMb0xm6mPkj8="
    );
    // RFC 7748 6.1 Alice, base64 of 77076d0a...2c2a → 8520f009...4e6a.
    let out = culvert(
        &["pubkey"],
        Some(b"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n"),
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
    );
    let out = culvert(&["pubkey"], Some(b"not a key\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());

    let key = culvert(&["keygen"], None);
    assert_eq!(key.status.code(), Some(0));
    let key = String::from_utf8(key.stdout).unwrap();
    assert_eq!(key.trim().len(), 44);
    let ours = culvert(&["pubkey"], Some(key.as_bytes()));
    let ours = String::from_utf8(ours.stdout).unwrap();
    assert_eq!(ours.trim().len(), 44);
    // With wireguard-tools installed, `wg pubkey` must agree on our key.
    match Command::new("wg")
        .arg("pubkey")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(mut wg) => {
            wg.stdin.take().unwrap().write_all(key.as_bytes()).unwrap();
            let theirs = wg.wait_with_output().unwrap();
            assert!(theirs.status.success());
            assert_eq!(String::from_utf8(theirs.stdout).unwrap(), ours);
            // And our pubkey agrees with wg on a key from `wg genkey`.
            let wg_key = Command::new("wg").arg("genkey").output().unwrap();
            assert!(wg_key.status.success());
            let ours = culvert(&["pubkey"], Some(&wg_key.stdout));
            let mut wg = Command::new("wg")
                .arg("pubkey")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            wg.stdin.take().unwrap().write_all(&wg_key.stdout).unwrap();
            assert_eq!(ours.stdout, wg.wait_with_output().unwrap().stdout);
        }
        Err(_) => eprintln!("note: `wg` not installed; compared with known vectors only"),
    }
}
