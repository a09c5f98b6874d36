//! `qr::parse_qr`: one entry point for a wg-quick config, `WIFI:` or `DPP:`.

use culvert_core::config::PrivateKey;
use culvert_core::qr::{parse_qr, QrError, QrPayload};

fn wg_config() -> String {
    let key = PrivateKey::generate();
    let peer = PrivateKey::generate().public_key();
    format!(
        "[Interface]\nPrivateKey = {}\nAddress = 10.0.0.2/32\nDNS = 198.51.100.53\n\n[Peer]\nPublicKey = {}\nAllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = vpn.example.net:51820\n",
        key.to_base64(),
        peer.to_base64()
    )
}

#[test]
fn wireguard_config_is_recognised() {
    let text = wg_config();
    let QrPayload::WireGuard(config) = parse_qr(&text).unwrap() else {
        panic!("not wireguard");
    };
    assert_eq!(config.peers.len(), 1);
    // A leading comment and BOM (some exporters add them) do not hide it.
    let commented = format!("\u{feff}# exported tunnel\n{text}");
    assert_eq!(parse_qr(&commented).unwrap().kind(), "wireguard");
}

#[test]
fn wireguard_errors_keep_config_kinds() {
    let broken = "[Interface]\nPrivateKey = nope\n";
    let err = parse_qr(broken).unwrap_err();
    assert!(matches!(err, QrError::WireGuard(_)));
    assert_eq!(err.kind(), "INVALID_KEY");
    assert!(!err.message().is_empty());
}

#[test]
fn wifi_and_dpp_are_recognised() {
    assert_eq!(
        parse_qr("WIFI:S:x;T:WPA;P:password1;;").unwrap().kind(),
        "wifi"
    );
    let dpp =
        "DPP:K:MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADURzxmttZoIRIPWGoQMV00XHWCAQIhXruVWOz0NjlkIA=;;";
    assert_eq!(parse_qr(dpp).unwrap().kind(), "dpp");
    assert_eq!(
        parse_qr("WIFI:T:WPA;;").unwrap_err().kind(),
        "MISSING_FIELD"
    );
    assert_eq!(parse_qr("DPP:;;").unwrap_err().kind(), "MISSING_FIELD");
}

#[test]
fn anything_else_is_unrecognized() {
    for text in [
        "",
        "hello",
        "https://example.com",
        "wifi:S:x;;",
        "MECARD:N:x;;",
    ] {
        let err = parse_qr(text).unwrap_err();
        assert_eq!(err.kind(), "UNRECOGNIZED_FORMAT", "{text:?}");
    }
}
