//! `culvert doctor FILE`: the JSON shape, exit codes, human output, platform
//! flags, and the same error object as `config check` for a file that does not parse.

mod common;
use common::{culvert, json_of, keys};
use serde_json::Value;

fn fixture(name: &str) -> String {
    common::fixture("doctor", name)
}

fn codes(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn json_shape_with_a_located_error_finding() {
    let out = culvert(
        &["doctor", "--json", &fixture("endpoint-in-allowed-ips.conf")],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "an error finding exits 1");
    let v = json_of(&out);
    assert_eq!(keys(&v), ["findings", "ok"]);
    assert_eq!(v["ok"], true);
    let f = &v["findings"][0];
    assert_eq!(
        keys(f),
        ["code", "hint", "key", "line", "message", "section", "severity"]
    );
    assert_eq!(f["code"], "ENDPOINT_IN_ALLOWED_IPS");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["section"], "Peer");
    assert_eq!(f["key"], "Endpoint");
    assert_eq!(f["line"], 11);
    assert!(f["message"].as_str().unwrap().contains("routing loop"));
    assert!(!f["hint"].as_str().unwrap().is_empty());
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn location_fields_are_null_when_not_applicable() {
    let out = culvert(&["doctor", "--json", &fixture("no-peers.conf")], None);
    let v = json_of(&out);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "NO_PEERS");
    assert_eq!(keys(f).len(), 7);
    assert!(f["section"].is_null() && f["key"].is_null() && f["line"].is_null());
}

#[test]
fn unparseable_config_gives_the_config_check_error() {
    let file = fixture("does-not-parse.conf");
    let doctor = culvert(&["doctor", "--json", &file], None);
    let check = culvert(&["config", "check", "--json", &file], None);
    assert_eq!(doctor.status.code(), Some(1));
    let (d, c) = (json_of(&doctor), json_of(&check));
    assert_eq!(keys(&d), ["error", "ok"]);
    assert_eq!(d["ok"], false);
    assert_eq!(d["error"], c["error"]);
    assert_eq!(d["error"]["kind"], "INVALID_NUMBER");
}

#[test]
fn clean_config_exits_zero_with_no_findings() {
    for (file, platform) in [
        ("clean-linux-host.conf", "linux"),
        ("clean-android-full-tunnel.conf", "android"),
        ("clean-apple-split-tunnel.conf", "apple"),
    ] {
        let out = culvert(
            &["doctor", "--json", "--platform", platform, &fixture(file)],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{file}");
        let v = json_of(&out);
        assert_eq!(v["findings"], serde_json::json!([]), "{file}");
    }
    let out = culvert(&["doctor", &fixture("clean-linux-host.conf")], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.trim_end().ends_with("no findings"), "{text}");
}

#[test]
fn human_output_points_at_the_line_and_counts() {
    let file = fixture("dns-not-routed.conf");
    let out = culvert(&["doctor", "--platform", "apple", &file], None);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{file}:8: error DNS_NOT_ROUTED: [Interface] DNS: "
        )),
        "{first}"
    );
    assert!(text.lines().nth(1).unwrap().starts_with("    hint: "));
    assert!(
        text.trim_end().ends_with(": 1 error, 1 warning, 0 infos"),
        "{text}"
    );
}

#[test]
fn platform_changes_the_findings() {
    // The same file: a loop on a Linux host, none on Android (protected socket),
    // where the missing keepalive matters instead.
    let file = fixture("endpoint-in-allowed-ips.conf");
    let linux = json_of(&culvert(&["doctor", "--json", &file], None));
    let android = json_of(&culvert(
        &["doctor", "--json", "--platform", "android", &file],
        None,
    ));
    assert_eq!(
        codes(&linux),
        [("ENDPOINT_IN_ALLOWED_IPS".into(), "error".into())]
    );
    assert_eq!(
        codes(&android),
        [("NO_KEEPALIVE_BEHIND_NAT".into(), "warning".into())]
    );
    let nat_off = json_of(&culvert(
        &[
            "doctor",
            "--json",
            "--platform",
            "android",
            "--behind-nat",
            "false",
            &file,
        ],
        None,
    ));
    assert_eq!(codes(&nat_off), []);
}

#[test]
fn packages_file_in_pm_list_format() {
    let dir = std::env::temp_dir().join(format!("culvert-doctor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = dir.join("packages.txt");
    std::fs::write(
        &list,
        "package:org.mozilla.firefox\npackage:com.example.mail\n",
    )
    .unwrap();
    let out = culvert(
        &[
            "doctor",
            "--json",
            "--platform",
            "android",
            "--packages",
            list.to_str().unwrap(),
            &fixture("unknown-package.conf"),
        ],
        None,
    );
    let v = json_of(&out);
    assert_eq!(codes(&v), [("UNKNOWN_PACKAGE".into(), "warning".into())]);
    assert!(v["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("com.exmaple.mail"));
    // An unreadable list is a usage error.
    let out = culvert(
        &[
            "doctor",
            "--platform",
            "android",
            "--packages",
            dir.join("missing").to_str().unwrap(),
            &fixture("unknown-package.conf"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keep_lan_and_exclude_private_flags() {
    let file = fixture("lan-access.conf");
    let base = ["doctor", "--json", "--platform", "android", "--keep-lan"];
    let v = json_of(&culvert(&[&base[..], &[&file]].concat(), None));
    // 10/8, 172.16/12 and 192.168/16 (no --local given).
    assert_eq!(
        codes(&v),
        vec![("LAN_ROUTED_INTO_TUNNEL".to_owned(), "warning".to_owned()); 3]
    );
    let v = json_of(&culvert(
        &[&base[..], &["--exclude-private", &file]].concat(),
        None,
    ));
    assert_eq!(codes(&v), []);
}

#[test]
fn reads_stdin_and_rejects_a_missing_file() {
    let text = std::fs::read(fixture("mtu-too-large.conf")).unwrap();
    let out = culvert(&["doctor", "--json", "-"], Some(&text));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        codes(&json_of(&out)),
        [("MTU_TOO_LARGE".into(), "warning".into())]
    );
    let out = culvert(&["doctor", "/nonexistent/tunnel.conf"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn findings_never_show_keys() {
    let file = fixture("overlapping-allowed-ips.conf");
    let text = std::fs::read_to_string(&file).unwrap();
    let out = culvert(&["doctor", "--json", &file], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in text.lines() {
        if let Some((name, value)) = line.split_once('=') {
            if name.trim().ends_with("Key") {
                assert!(!stdout.contains(value.trim()), "{}", name.trim());
            }
        }
    }
}

/// `--interface PATH` asks a UAPI socket with `culvert_doctor=1` and prints the
/// answer (a stand-in server here; `culvert up` answers in the netns tests).
#[test]
fn interface_asks_the_uapi_socket() {
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::net::UnixListener;
    let dir = std::env::temp_dir().join(format!("culvert-doctor-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wg9.sock");
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).unwrap();
    let answer = r#"{"ok":true,"findings":[{"code":"NOTHING_RECEIVED","severity":"error","message":"peer 1 (abc…): data sent for 21 s got nothing back","hint":"fix the server's AllowedIPs","section":null,"key":null,"line":null}]}"#;
    let server = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for _ in 0..2 {
            let (conn, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            requests.push(line.clone());
            let mut blank = String::new();
            reader.read_line(&mut blank).unwrap();
            let mut conn = conn;
            write!(conn, "culvert_doctor_json={answer}\nerrno=0\n\n").unwrap();
        }
        requests
    });
    let p = path.to_str().unwrap();
    let out = culvert(&["doctor", "--json", "--interface", p], None);
    assert_eq!(out.status.code(), Some(1), "an error finding");
    let v = json_of(&out);
    assert_eq!(codes(&v), [("NOTHING_RECEIVED".into(), "error".into())]);
    let out = culvert(&["doctor", "--interface", p], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("{p}: error NOTHING_RECEIVED: peer 1")),
        "{text}"
    );
    assert!(text.trim_end().ends_with(": 1 error, 0 warnings, 0 infos"));
    assert_eq!(server.join().unwrap(), ["culvert_doctor=1\n"; 2]);
    // No such interface: a usage error.
    let out = culvert(
        &[
            "doctor",
            "--interface",
            dir.join("nope.sock").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
