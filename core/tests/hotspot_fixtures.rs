//! Culvert's own hotspot fixtures: every format and every error kind.
//! Files under `tests/fixtures/hotspot/` (made by its `generate.py`), expectations in
//! its `expected.json`; `WIFI:` and `DPP:` cases are inline below.

use culvert_core::hotspot::{
    parse_hotspot, write_wifi_uri, HotspotConfig, HotspotErrorKind, HotspotFormat,
    PasspointCredential, WifiNetwork,
};
use serde_json::Value;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hotspot")
}

fn codes(config: &HotspotConfig) -> Vec<&str> {
    config.warnings.iter().map(|w| w.code.as_str()).collect()
}

fn check_network(label: &str, n: &WifiNetwork, exp: &Value) {
    let eap = n.eap.as_ref();
    let pp = n.passpoint.as_ref();
    for (key, want) in exp.as_object().unwrap() {
        let got: Value = match key.as_str() {
            "ssid" => n.ssid.clone().into(),
            "security" => n.security.as_str().into(),
            "hidden" => n.hidden.into(),
            "password" => n.password.as_ref().map(|p| p.expose().to_string()).into(),
            "eap_method" => eap.and_then(|e| e.method).map(|m| m.as_str()).into(),
            "phase2" => eap.and_then(|e| e.phase2).map(|m| m.as_str()).into(),
            "identity" => eap.and_then(|e| e.identity.clone()).into(),
            "anonymous_identity" => eap.and_then(|e| e.anonymous_identity.clone()).into(),
            "trusted_server_names" => eap.map(|e| e.trusted_server_names.clone()).into(),
            "ca_certificates" => eap.map_or(0, |e| e.ca_certificates.len()).into(),
            "client_identity" => eap.is_some_and(|e| e.client_identity.is_some()).into(),
            "fqdn" => pp.map(|p| p.fqdn.clone()).into(),
            "friendly_name" => pp.and_then(|p| p.friendly_name.clone()).into(),
            "realm" => pp.and_then(|p| p.realm.clone()).into(),
            "roaming_consortium_ois" => pp.map(|p| p.roaming_consortium_ois.clone()).into(),
            "nai_realms" => pp.map(|p| p.nai_realms.clone()).into(),
            "mcc_mnc" => pp.map(|p| p.mcc_mnc.clone()).into(),
            "credential" => match pp.and_then(|p| p.credential.as_ref()) {
                Some(PasspointCredential::UsernamePassword) => "username_password".into(),
                Some(PasspointCredential::Certificate { .. }) => "certificate".into(),
                Some(PasspointCredential::Sim { .. }) => "sim".into(),
                None => Value::Null,
            },
            other => panic!("{label}: unknown expectation key {other}"),
        };
        assert_eq!(&got, want, "{label}: {key}");
    }
}

#[test]
fn fixture_files_parse_as_expected() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("expected.json")).unwrap())
            .unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    let mut kinds_seen = std::collections::BTreeSet::new();
    let mut formats_seen = std::collections::BTreeSet::new();
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let mime = case["mime"].as_str();
        let label = format!("{file} (mime {mime:?})");
        let data = std::fs::read(fixtures().join(file)).unwrap();
        let result = parse_hotspot(&data, mime);
        if let Some(kind) = case["error"].as_str() {
            let err = result.expect_err(&label);
            assert_eq!(err.kind.as_str(), kind, "{label}: {err}");
            assert!(!err.message.is_empty());
            kinds_seen.insert(kind.to_string());
            continue;
        }
        let config = result.unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(
            config.format.as_str(),
            case["format"].as_str().unwrap(),
            "{label}"
        );
        formats_seen.insert(config.format.as_str());
        let nets = case["networks"].as_array().unwrap();
        assert_eq!(config.networks.len(), nets.len(), "{label}");
        for (n, exp) in config.networks.iter().zip(nets) {
            check_network(&label, n, exp);
        }
        let got = codes(&config);
        for code in case["warnings"].as_array().into_iter().flatten() {
            assert!(
                got.contains(&code.as_str().unwrap()),
                "{label}: {code} not in {got:?}"
            );
        }
        for code in case["no_warnings"].as_array().into_iter().flatten() {
            assert!(
                !got.contains(&code.as_str().unwrap()),
                "{label}: {code} in {got:?}"
            );
        }
    }
    assert_eq!(formats_seen.len(), 2, "mobileconfig and passpoint files");
    assert_eq!(
        kinds_seen.len(),
        5,
        "every error kind has a fixture: {kinds_seen:?}"
    );
}

fn ok(input: &str) -> HotspotConfig {
    parse_hotspot(input.as_bytes(), None).unwrap_or_else(|e| panic!("{input:?}: {e}"))
}

fn err(input: &str) -> HotspotErrorKind {
    parse_hotspot(input.as_bytes(), None)
        .map(|c| panic!("{input:?} accepted: {c:?}"))
        .unwrap_err()
        .kind
}

#[test]
fn wifi_fields_in_any_order_with_escapes() {
    let c = ok("\u{feff}  WIFI:P:pa\\;ss\\:w\\,d\\\\\\\";H:true;S:My \\\"Net\\\";T:WPA2;;");
    assert_eq!(c.format, HotspotFormat::Wifi);
    let n = &c.networks[0];
    assert_eq!(n.ssid.as_deref(), Some("My \"Net\""));
    assert_eq!(n.password.as_ref().unwrap().expose(), "pa;ss:w,d\\\"");
    assert!(n.hidden);
    assert_eq!(n.security.as_str(), "wpa");
}

#[test]
fn wifi_security_mapping() {
    let cases = [
        ("WIFI:S:a;;", "open"),
        ("WIFI:S:a;T:;;", "open"),
        ("WIFI:S:a;T:nopass;P:ignored;;", "open"),
        ("WIFI:S:a;T:WEP;P:0123456789;;", "wep"),
        ("WIFI:S:a;T:WPA;P:password1;;", "wpa"),
        ("WIFI:S:a;T:wpa2;P:password1;;", "wpa"),
        ("WIFI:S:a;T:WPA;R:1;P:password1;;", "sae"),
        ("WIFI:S:a;T:WPA;R:0;P:password1;;", "wpa"),
        ("WIFI:S:a;T:SAE;P:password1;;", "sae"),
        (
            "WIFI:S:a;T:WPA2-EAP;E:PEAP;PH2:MSCHAPV2;I:u;A:anon;P:pw;;",
            "eap",
        ),
    ];
    for (input, want) in cases {
        let c = ok(input);
        assert_eq!(c.networks[0].security.as_str(), want, "{input}");
    }
    assert!(ok("WIFI:S:a;T:nopass;P:ignored;;").networks[0]
        .password
        .is_none());
    let eap = ok("WIFI:S:a;T:WPA2-EAP;E:PEAP;PH2:MSCHAPV2;I:u;A:anon;P:pw;;");
    let e = eap.networks[0].eap.as_ref().unwrap();
    assert_eq!(e.method.unwrap().as_str(), "PEAP");
    assert_eq!(e.phase2.unwrap().as_str(), "MSCHAPV2");
    assert_eq!(e.identity.as_deref(), Some("u"));
    assert_eq!(e.anonymous_identity.as_deref(), Some("anon"));
}

#[test]
fn wifi_errors() {
    assert_eq!(
        err("WIFI:T:WPA;P:password1;;"),
        HotspotErrorKind::MissingField
    );
    assert_eq!(
        err("WIFI:S:;T:WPA;P:password1;;"),
        HotspotErrorKind::MissingField
    );
    assert_eq!(
        err("WIFI:S:a;T:WPA4;P:password1;;"),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(
        err("WIFI:S:a;T:WPA2-EAP;E:MD5;;"),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(
        err("WIFI:S:a;T:WPA2-EAP;E:TTLS;PH2:NONE;;"),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(err("wifi:S:a;;"), HotspotErrorKind::UnrecognizedFormat);
    assert_eq!(err(""), HotspotErrorKind::UnrecognizedFormat);
    assert_eq!(err("   \n"), HotspotErrorKind::UnrecognizedFormat);
    assert_eq!(
        err("https://example.com"),
        HotspotErrorKind::UnrecognizedFormat
    );
    assert_eq!(
        parse_hotspot(b"WIFI:S:\xff\xfe;;", None).unwrap_err().kind,
        HotspotErrorKind::Malformed
    );
}

#[test]
fn wifi_platform_warnings() {
    let has = |input: &str, code: &str| codes(&ok(input)).contains(&code);
    assert!(has("WIFI:S:a;T:WPA;P:1234;;", "PASSPHRASE_TOO_SHORT"));
    assert!(!has("WIFI:S:a;T:WPA;P:12345678;;", "PASSPHRASE_TOO_SHORT"));
    let long = "x".repeat(64);
    assert!(has(
        &format!("WIFI:S:a;T:WPA;P:{long};;"),
        "PASSPHRASE_TOO_LONG"
    ));
    let hex = "0123456789abcdef".repeat(4);
    assert!(has(&format!("WIFI:S:a;T:WPA;P:{hex};;"), "RAW_PSK"));
    assert!(!has(
        &format!("WIFI:S:a;T:WPA;P:{hex};;"),
        "PASSPHRASE_TOO_LONG"
    ));
    assert!(has("WIFI:S:a;T:WPA;P:pässwörd1;;", "PASSPHRASE_NOT_ASCII"));
    assert!(has("WIFI:S:a;T:WEP;P:abcde;;", "WEP_ASCII_KEY"));
    assert!(!has("WIFI:S:a;T:WEP;P:0123456789;;", "WEP_ASCII_KEY"));
    assert!(has("WIFI:S:a;T:WEP;P:abc;;", "WEP_KEY_LENGTH"));
    assert!(has("WIFI:S:a;T:WEP;P:0123456789;;", "WEP_DEPRECATED"));
    let ssid = "s".repeat(33);
    assert!(has(&format!("WIFI:S:{ssid};;"), "SSID_TOO_LONG"));
    assert!(!has(
        &format!("WIFI:S:{};;", "s".repeat(32)),
        "SSID_TOO_LONG"
    ));
    assert!(has("WIFI:S:a;T:SAE;;", "MISSING_PASSWORD"));
    assert!(has("WIFI:S:a;T:WPA2-EAP;I:u;P:p;;", "EAP_METHOD_MISSING"));
    assert!(has(
        "WIFI:S:a;T:WPA2-EAP;E:TTLS;I:u;P:p;;",
        "EAP_NO_SERVER_VALIDATION"
    ));
    assert!(!has(
        "WIFI:S:a;T:WPA2-EAP;E:SIM;;",
        "EAP_NO_SERVER_VALIDATION"
    ));
    assert!(ok("WIFI:S:a;T:WPA;P:password1;;").warnings.is_empty());

    // joinOnce is the app's choice; recheck() reports it for EAP.
    let mut c = ok("WIFI:S:a;T:WPA2-EAP;E:SIM;;");
    c.networks[0].join_once = true;
    c.recheck();
    assert!(codes(&c).contains(&"EAP_JOIN_ONCE"));
}

const P256_KEY: &str =
    "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADURzxmttZoIRIPWGoQMV00XHWCAQIhXruVWOz0NjlkIA=";

#[test]
fn dpp_fields() {
    let c = ok(&format!(
        "DPP:V:2;C:81/1,6,11,115/36;M:A0B1C2D3E4F5;I:SN=1;H:[fd00::1]:8908;B:3;X:future;K:{P256_KEY};;"
    ));
    let d = c.dpp.as_ref().unwrap();
    assert!(c.networks.is_empty());
    let chans: Vec<String> = d.channels.iter().map(|c| c.to_string()).collect();
    assert_eq!(chans, ["81/1", "81/6", "81/11", "115/36"]);
    assert_eq!(d.mac_string().as_deref(), Some("a0:b1:c2:d3:e4:f5"));
    assert_eq!(d.version, Some(2));
    assert_eq!(d.info.as_deref(), Some("SN=1"));
    assert_eq!(d.host.as_deref(), Some("[fd00::1]:8908"));
    assert_eq!(d.curve.as_str(), "P-256");
    // Missing final ";;" is tolerated.
    assert!(ok(&format!("DPP:K:{P256_KEY}")).dpp.is_some());
    let w = ok(&format!("DPP:V:two;K:{P256_KEY};;"));
    assert!(codes(&w).contains(&"DPP_UNKNOWN_VERSION"));
}

#[test]
fn dpp_key_checks() {
    // Keys made with `openssl ecparam -genkey` for this test.
    let p384 = "MEYwEAYHKoZIzj0CAQYFK4EEACIDMgADs745/y1T1rTWA2wDTFsH2U/ARGZwNtegnxeZnWb/H9Sz5YCBbRBOe4D9ZXJrjrli";
    assert_eq!(
        ok(&format!("DPP:K:{p384};;")).dpp.unwrap().curve.as_str(),
        "P-384"
    );
    let bp256 = "MDowFAYHKoZIzj0CAQYJKyQDAwIIAQEHAyIAA1BCyxB1taJ9WQtxt5KR1Ssl5LsYhAXfQQDRYcKZ07gK";
    assert_eq!(
        ok(&format!("DPP:K:{bp256};;")).dpp.unwrap().curve.as_str(),
        "BP-256R1"
    );
    let uncompressed = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERsaJBebFcYB82qO7XGzm6ph7yZ2khqqynzj+RdTPDTD0N+kAHMs6qx2K5lv4ICS9T6Q+5ua62+3ZCDcVH4OWyQ==";
    assert!(ok(&format!("DPP:K:{uncompressed};;")).dpp.is_some());
    // The same key with the last bit of y flipped: not on the curve.
    let off_curve = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERsaJBebFcYB82qO7XGzm6ph7yZ2khqqynzj+RdTPDTD0N+kAHMs6qx2K5lv4ICS9T6Q+5ua62+3ZCDcVH4OWyA==";
    let e = parse_hotspot(format!("DPP:K:{off_curve};;").as_bytes(), None).unwrap_err();
    assert_eq!(e.kind, HotspotErrorKind::InvalidField);
    assert!(e.message.contains("not a valid P-256 point"), "{e}");
    assert_eq!(err("DPP:K:!!!;;"), HotspotErrorKind::InvalidField);
    assert_eq!(err("DPP:K:aGVsbG8=;;"), HotspotErrorKind::InvalidField);
    assert_eq!(err("DPP:C:81/1;;"), HotspotErrorKind::MissingField);
    assert_eq!(
        err(&format!("DPP:C:0/1;K:{P256_KEY};;")),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(
        err(&format!("DPP:C:81/256;K:{P256_KEY};;")),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(
        err(&format!("DPP:C:6;K:{P256_KEY};;")),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(
        err(&format!("DPP:M:a0:b1:c2:d3:e4:f5;K:{P256_KEY};;")),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(
        err(&format!("DPP:I:caf\u{e9};K:{P256_KEY};;")),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(
        err(&format!("DPP:H:host.example;K:{P256_KEY};;")),
        HotspotErrorKind::InvalidField
    );
    assert_eq!(err("dpp:K:x;;"), HotspotErrorKind::UnrecognizedFormat);
}

#[test]
fn writer_output_and_refusals() {
    let c = ok("WIFI:S:a\\;b;T:WPA;P:x\\\\y1234;H:true;;");
    let uri = write_wifi_uri(&c.networks[0]).unwrap();
    assert_eq!(uri, "WIFI:T:WPA;S:a\\;b;P:x\\\\y1234;H:true;;");
    // Passpoint networks have no SSID: not expressible.
    let pp = parse_hotspot(
        &std::fs::read(fixtures().join("passpoint/user.xml")).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(
        write_wifi_uri(&pp.networks[0]).unwrap_err().kind,
        HotspotErrorKind::Unsupported
    );
    // EAP with CA certificates cannot be carried by WIFI:.
    let ttls = parse_hotspot(
        &std::fs::read(fixtures().join("mobileconfig/eap_ttls.mobileconfig")).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(
        write_wifi_uri(&ttls.networks[0]).unwrap_err().kind,
        HotspotErrorKind::Unsupported
    );
    // Lossy but useful: wpa-sae becomes T:WPA.
    let any = parse_hotspot(
        &std::fs::read(fixtures().join("mobileconfig/any_wpa3_wep.mobileconfig")).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(
        write_wifi_uri(&any.networks[0]).unwrap(),
        "WIFI:T:WPA;S:Transition;P:transition-pw;;"
    );
}

/// Secrets never show in `Debug`, `Display` or an error message.
#[test]
fn secrets_are_redacted() {
    let secrets = [
        "correct horse",
        "eap-secret-pw",
        "p12-secret-pw",
        "hs20-secret-pw",
        "pp-secret-pw",
    ];
    let files = [
        "mobileconfig/wpa2.mobileconfig",
        "mobileconfig/eap_ttls.mobileconfig",
        "mobileconfig/eap_tls.mobileconfig",
        "mobileconfig/hotspot20.mobileconfig",
        "passpoint/user.xml",
        "passpoint/install_user_ca_p12.wifi-config",
    ];
    let mut seen = 0;
    for file in files {
        let data = std::fs::read(fixtures().join(file)).unwrap();
        let config = parse_hotspot(&data, None).unwrap();
        let debug = format!("{config:?} {:#?}", config);
        for s in secrets {
            assert!(!debug.contains(s), "{file}: Debug shows a secret");
        }
        for n in &config.networks {
            if let Some(p) = &n.password {
                assert_eq!(format!("{p}"), "<redacted>");
                seen += 1;
            }
        }
    }
    assert!(seen >= 5);
    let pw = "Sup3r;Secret:pw";
    let escaped = "Sup3r\\;Secret\\:pw";
    for input in [
        format!("WIFI:S:x;T:WPA4;P:{escaped};;"),
        format!("WIFI:S:x;T:WPA2-EAP;E:BOGUS;P:{escaped};;"),
        format!("WIFI:T:WPA;P:{escaped};;"),
    ] {
        let e = parse_hotspot(input.as_bytes(), None).unwrap_err();
        assert!(!format!("{e} {e:?}").contains(pw), "{input}");
    }
    let c = ok(&format!("WIFI:S:x;T:WPA;P:{escaped};;"));
    assert!(!format!("{c:?}").contains(pw));
    // A PPS MO whose password is not base64 must not echo it.
    let xml = std::fs::read_to_string(fixtures().join("passpoint/user.xml"))
        .unwrap()
        .replace("cHAtc2VjcmV0LXB3", "not*base64*secret");
    let e = parse_hotspot(xml.as_bytes(), None).unwrap_err();
    assert_eq!(e.kind, HotspotErrorKind::InvalidField);
    assert!(!e.message.contains("not*base64*secret"));
    // Parser messages that could quote input are not passed on.
    let xml = "<MgmtTree><Node><Value>&hunter2secret;</Value></Node></MgmtTree>";
    let e = parse_hotspot(xml.as_bytes(), None).unwrap_err();
    assert_eq!(e.kind, HotspotErrorKind::Malformed);
    assert!(!e.message.contains("hunter2secret"), "{e}");
}

#[test]
fn oversized_and_garbage_input_is_an_error() {
    let big = vec![b'A'; culvert_core::hotspot::MAX_INPUT_LEN + 1];
    assert_eq!(
        parse_hotspot(&big, None).unwrap_err().kind,
        HotspotErrorKind::Unsupported
    );
    let garbage: Vec<u8> = (0..100_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(parse_hotspot(&garbage, None).is_err());
    assert!(parse_hotspot(b"bplist00garbage", None).is_err());
    assert!(parse_hotspot(b"\x30\x80\x30\x80", None).is_err());
}

/// A binary plist whose arrays share objects: 60 levels of `[prev, prev]` expand to
/// 2^60 values. It must be refused quickly, not expanded.
fn shared_object_bplist(levels: u8) -> Vec<u8> {
    let mut data = b"bplist00".to_vec();
    let mut offsets = vec![data.len() as u16];
    data.extend([0x10, 0x01]); // integer 1
    for i in 1..levels {
        offsets.push(data.len() as u16);
        data.extend([0xA2, i - 1, i - 1]); // array of two refs to the previous object
    }
    let table = data.len() as u64;
    for off in &offsets {
        data.extend(off.to_be_bytes());
    }
    data.extend([0u8; 6]);
    data.extend([2, 1]); // offset size, ref size
    data.extend((offsets.len() as u64).to_be_bytes());
    data.extend((offsets.len() as u64 - 1).to_be_bytes()); // top object
    data.extend(table.to_be_bytes());
    data
}

#[test]
fn expansion_and_nesting_bombs_are_refused() {
    let start = std::time::Instant::now();
    let e = parse_hotspot(&shared_object_bplist(60), None).unwrap_err();
    assert_eq!(e.kind, HotspotErrorKind::Unsupported, "{e}");
    // A small shared graph is fine: it is just a plist without Wi-Fi.
    let e = parse_hotspot(&shared_object_bplist(3), None).unwrap_err();
    assert_ne!(e.kind, HotspotErrorKind::Unsupported, "{e}");

    let deep = format!(
        "<plist>{}{}</plist>",
        "<array>".repeat(5000),
        "</array>".repeat(5000)
    );
    assert_eq!(
        parse_hotspot(deep.as_bytes(), None).unwrap_err().kind,
        HotspotErrorKind::Unsupported
    );
    let deep_pps = format!(
        "<MgmtTree>{}{}</MgmtTree>",
        "<Node>".repeat(5000),
        "</Node>".repeat(5000)
    );
    assert!(parse_hotspot(deep_pps.as_bytes(), None).is_err());
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn roaming_consortium_oi_lengths() {
    let xml = std::fs::read_to_string(fixtures().join("passpoint/user.xml")).unwrap();
    let with = |ois: &str| parse_hotspot(xml.replace("5A03BA0000,004096", ois).as_bytes(), None);
    let c = with("0x11223344, 001BC504BD").unwrap();
    let pp = c.networks[0].passpoint.as_ref().unwrap();
    assert_eq!(pp.roaming_consortium_ois, ["11223344", "001bc504bd"]);
    for bad in ["12345", "1122", "", "11223344,", "zz2233"] {
        assert_eq!(
            with(bad).unwrap_err().kind,
            HotspotErrorKind::InvalidField,
            "{bad:?}"
        );
    }
}
