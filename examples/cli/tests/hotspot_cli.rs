//! `culvert hotspot parse` and `culvert qr parse`: JSON shapes and exit codes.

use serde_json::Value;

mod common;
use common::{culvert, json_of, keys};

fn fixture(path: &str) -> String {
    common::fixture("hotspot", path)
}

#[test]
fn wifi_json_shape() {
    let out = culvert(
        &[
            "hotspot",
            "parse",
            "--json",
            "WIFI:T:WPA2-EAP;S:Corp\\;1;E:TTLS;PH2:PAP;I:me;A:anon;P:pw;H:true;;",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(keys(&v), ["dpp", "format", "networks", "ok", "warnings"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["format"], "wifi");
    assert_eq!(v["dpp"], Value::Null);
    let n = &v["networks"][0];
    assert_eq!(
        keys(n),
        ["eap", "hidden", "passpoint", "password", "security", "ssid"]
    );
    assert_eq!(n["ssid"], "Corp;1");
    assert_eq!(n["hidden"], true);
    assert_eq!(n["security"], "eap");
    assert_eq!(n["password"], "pw");
    assert_eq!(n["passpoint"], Value::Null);
    assert_eq!(
        keys(&n["eap"]),
        ["anonymous_identity", "identity", "method", "phase2"]
    );
    assert_eq!(n["eap"]["method"], "TTLS");
    assert_eq!(n["eap"]["phase2"], "PAP");
    assert_eq!(n["eap"]["identity"], "me");
    assert_eq!(n["eap"]["anonymous_identity"], "anon");
    let codes: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            assert_eq!(keys(w), ["code", "message"]);
            w["code"].as_str().unwrap()
        })
        .collect();
    assert!(codes.contains(&"EAP_NO_SERVER_VALIDATION"), "{codes:?}");
}

#[test]
fn dpp_json_shape() {
    let key = "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADURzxmttZoIRIPWGoQMV00XHWCAQIhXruVWOz0NjlkIA=";
    let uri =
        format!("DPP:C:81/1,2,115/36;M:A0B1C2D3E4F5;I:SN=7;V:2;H:198.51.100.7:8908;K:{key};;");
    let out = culvert(&["hotspot", "parse", "--json", &uri], None);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["format"], "dpp");
    assert_eq!(v["networks"], Value::Array(vec![]));
    let d = &v["dpp"];
    assert_eq!(
        keys(d),
        ["channels", "host", "info", "mac", "public_key", "version"]
    );
    assert_eq!(d["public_key"], key);
    assert_eq!(d["channels"], serde_json::json!(["81/1", "81/2", "115/36"]));
    assert_eq!(d["mac"], "a0:b1:c2:d3:e4:f5");
    assert_eq!(d["info"], "SN=7");
    assert_eq!(d["version"], 2);
    assert_eq!(d["host"], "198.51.100.7:8908");
}

#[test]
fn passpoint_file_with_and_without_mime() {
    let file = fixture("passpoint/install_user_ca_p12.wifi-config");
    let out = culvert(
        &[
            "hotspot",
            "parse",
            "--json",
            "--mime",
            "application/x-wifi-config",
            "--file",
            &file,
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json_of(&out);
    assert_eq!(v["format"], "passpoint");
    let n = &v["networks"][0];
    assert_eq!(n["ssid"], Value::Null);
    assert_eq!(n["password"], "pp-secret-pw", "decoded from the PPS base64");
    let p = &n["passpoint"];
    assert_eq!(
        keys(p),
        [
            "fqdn",
            "friendly_name",
            "realm",
            "roaming_consortium_ois",
            "username"
        ]
    );
    assert_eq!(p["fqdn"], "pp.culvert.test");
    assert_eq!(p["username"], "erin");
    assert_eq!(
        p["roaming_consortium_ois"],
        serde_json::json!(["5a03ba0000", "004096"])
    );

    let out = culvert(
        &[
            "hotspot",
            "parse",
            "--json",
            "--mime",
            "application/wifi-config",
            "--file",
            &file,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(keys(&v), ["error", "ok"]);
    assert_eq!(v["ok"], false);
    assert_eq!(keys(&v["error"]), ["kind", "message"]);
    assert_eq!(v["error"]["kind"], "UNSUPPORTED");
}

#[test]
fn mobileconfig_from_stdin() {
    let data = std::fs::read(fixture("mobileconfig/wpa2_binary.mobileconfig")).unwrap();
    let out = culvert(&["hotspot", "parse", "--json", "-"], Some(&data));
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["format"], "mobileconfig");
    assert_eq!(v["networks"][0]["ssid"], "Home; Net");
    let out = culvert(&["hotspot", "parse", "--json", "--file", "-"], Some(&data));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn human_output_hides_secrets_and_errors_exit_1() {
    let out = culvert(
        &["hotspot", "parse", "WIFI:S:a;T:WPA;P:hunter2-secret;;"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"a\""), "{text}");
    assert!(!text.contains("hunter2-secret"), "{text}");

    let out = culvert(
        &["hotspot", "parse", "WIFI:S:a;T:WPA9;P:hunter2-secret;;"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("INVALID_FIELD") && !text.contains("hunter2-secret"),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(culvert(&["hotspot", "parse"], None).status.code(), Some(2));
    assert_eq!(
        culvert(&["hotspot", "parse", "WIFI:S:a;;", "--file", "x"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        culvert(
            &["hotspot", "parse", "--file", "/nonexistent/culvert"],
            None
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(culvert(&["qr", "parse"], None).status.code(), Some(2));
    assert_eq!(
        culvert(&["hotspot", "parse", "--bogus"], None)
            .status
            .code(),
        Some(2)
    );
}

fn wg_text() -> String {
    // Fresh keys (test material only).
    let private = culvert_core::config::PrivateKey::generate().to_base64();
    let public = culvert_core::config::PrivateKey::generate()
        .public_key()
        .to_base64();
    format!(
        "[Interface]\nPrivateKey = {private}\nAddress = 10.0.0.2/32\nDNS = 198.51.100.53\n\n[Peer]\nPublicKey = {public}\nAllowedIPs = 10.1.0.0/16, ::/0\nEndpoint = [fd00::1]:51820\nPersistentKeepalive = 25\n"
    )
}

#[test]
fn qr_shapes_for_all_three_kinds() {
    let out = culvert(&["qr", "parse", "--json", "WIFI:S:Cafe;T:nopass;;"], None);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(keys(&v), ["config", "hotspot", "kind", "ok"]);
    assert_eq!(v["kind"], "wifi");
    assert_eq!(v["config"], Value::Null);
    assert_eq!(v["hotspot"]["format"], "wifi");
    assert_eq!(v["hotspot"]["networks"][0]["security"], "open");

    let out = culvert(
        &["qr", "parse", "--json", "DPP:K:MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADURzxmttZoIRIPWGoQMV00XHWCAQIhXruVWOz0NjlkIA=;;"],
        None,
    );
    assert_eq!(json_of(&out)["kind"], "dpp");

    let text = wg_text();
    let out = culvert(&["qr", "parse", "--json", "-"], Some(text.as_bytes()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json_of(&out);
    assert_eq!(v["kind"], "wireguard");
    assert_eq!(v["hotspot"], Value::Null);
    let config = &v["config"];
    assert_eq!(keys(config), ["interface", "peers"]);
    assert_eq!(
        config["interface"]["addresses"],
        serde_json::json!(["10.0.0.2/32"])
    );
    assert_eq!(
        config["peers"][0]["allowed_ips"],
        serde_json::json!(["10.1.0.0/16", "::/0"])
    );
    assert_eq!(config["peers"][0]["endpoint"], "[fd00::1]:51820");
    assert_eq!(config["peers"][0]["persistent_keepalive"], 25);
    let key_line = text.lines().nth(1).unwrap();
    let private_key = key_line.trim_start_matches("PrivateKey = ");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(private_key));

    // `config` is the same object `config check --json` prints (once that command exists).
    let dir = std::env::temp_dir().join(format!("culvert-qr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tunnel.conf");
    std::fs::write(&path, &text).unwrap();
    let check = culvert(&["config", "check", "--json", path.to_str().unwrap()], None);
    let _ = std::fs::remove_dir_all(&dir);
    if check.status.code() == Some(2) {
        eprintln!("SKIP: `culvert config check` not available in this build");
    } else {
        assert_eq!(json_of(&check)["config"], v["config"]);
    }

    let out = culvert(
        &["qr", "parse", "--json", "[Interface]\nPrivateKey = nope\n"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["error"]["kind"], "INVALID_KEY");
    assert_eq!(v["error"]["line"], 2);

    let out = culvert(&["qr", "parse", "--json", "hello"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["error"]["kind"], "UNRECOGNIZED_FORMAT");
}
