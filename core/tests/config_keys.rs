//! Keys: RFC 7748 / `wg pubkey` compatibility, redaction, and that no error
//! message or Debug output carries key material.

use culvert_core::config::{parse, PresharedKey, PrivateKey, PublicKey};

const PRIV: &str = "mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d/hAVJiyQsUUY=";
const PUB1: &str = "G8GcS7oLtc+yy0PnVJv5y/7ngi0KiT9nt7A95Nxdh3o=";
const PSK: &str = "zGxCk/llC0hJYEk3agkswZIpLW65bWSzNkI9MLjkMcI=";

fn hex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

#[test]
fn rfc7748_alice_and_bob_public_keys() {
    // RFC 7748 section 6.1.
    let alice = PrivateKey::from_bytes(hex32(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    ));
    assert_eq!(
        alice.public_key().as_bytes(),
        &hex32("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    );
    let bob = PrivateKey::from_bytes(hex32(
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
    ));
    assert_eq!(
        bob.public_key().as_bytes(),
        &hex32("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
    );
}

#[test]
fn wg_pubkey_vector() {
    // Generated with `wg genkey | tee priv | wg pubkey`.
    let key = PrivateKey::from_base64(PRIV).unwrap();
    assert_eq!(
        key.public_key().to_base64(),
        "NWMZZj4cr/f1CPK6ddSIEsyRuVhN4TRbMb0xm6mPkj8="
    );
    assert_eq!(key.to_base64(), PRIV);
}

#[test]
fn generated_keys_are_clamped_and_distinct() {
    let a = PrivateKey::generate();
    let b = PrivateKey::generate();
    assert_ne!(a, b);
    for k in [&a, &b] {
        let bytes = k.as_bytes();
        assert_eq!(bytes[0] & 7, 0);
        assert_eq!(bytes[31] & 0x80, 0);
        assert_eq!(bytes[31] & 0x40, 0x40);
        assert_eq!(PrivateKey::from_base64(&k.to_base64()).unwrap(), *k);
    }
}

#[test]
fn malformed_keys_are_rejected() {
    for bad in [
        "",
        "abc",
        &PRIV[..43],
        &format!("{PRIV}A"),
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!=",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        assert!(PublicKey::from_base64(bad).is_err(), "{bad:?}");
        assert!(PrivateKey::from_base64(bad).is_err(), "{bad:?}");
        assert!(PresharedKey::from_base64(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn debug_of_a_config_shows_neither_private_nor_preshared_key() {
    let text = format!("[Interface]\nPrivateKey = {PRIV}\nAddress = 10.0.0.2/32\n\n[Peer]\nPublicKey = {PUB1}\nPresharedKey = {PSK}\nAllowedIPs = 0.0.0.0/0\n");
    let config = parse(&text).unwrap();
    let debug = format!("{config:?} {config:#?}");
    assert!(!debug.contains(PRIV) && !debug.contains(PSK));
    assert!(!debug.contains(&PRIV[..20]) && !debug.contains(&PSK[..20]));
    assert!(debug.contains("<redacted>"));
    let psk = config.peers[0].preshared_key.as_ref().unwrap();
    assert_eq!(format!("{psk}"), "<redacted>");
    assert_eq!(format!("{}", config.interface.private_key), "<redacted>");
    // Public keys are not secret.
    assert!(debug.contains(PUB1));
}

#[test]
fn error_messages_never_contain_key_material() {
    let cases = [
        // A key pasted into the wrong attribute.
        format!("[Interface]\nAddress = {PRIV}\n"),
        format!("[Interface]\nDNS = {PRIV}\n"),
        format!("[Interface]\nMTU = {PRIV}\n"),
        format!("[Interface]\nPrivateKey {PRIV}\n"),
        format!("[Interface]\nPrivateKey = {PRIV}x\n"),
        format!("[Interface]\nPrivateKey = {}\n", &PRIV[..43]),
        format!("[{PRIV}]\n"),
        format!("{PRIV}\n"),
        format!("[Interface]\nPrivateKey = {PRIV}\n[Peer]\nPublicKey = {PUB1}\nPresharedKey = {PSK} extra\n"),
        format!("[Interface]\nPrivateKey = {PRIV}\n[Peer]\nPublicKey = {PUB1}\nEndpoint = {PSK}\n"),
        format!("[Interface]\nPrivateKey = {PRIV}\n[Peer]\nPublicKey = {PUB1}\nPersistentKeepalive = {PSK}\n"),
        format!("[Interface]\nPrivateKey = {PRIV}\nTable = a {PSK}\n"),
    ];
    for text in &cases {
        let err = parse(text).expect_err(text);
        let all = format!("{err} {err:?} {}", serde_json::to_string(&err).unwrap());
        for secret in [PRIV, PSK] {
            // No 20-character run of a secret appears anywhere.
            for start in 0..=(secret.len() - 20) {
                assert!(!all.contains(&secret[start..start + 20]), "{all}");
            }
        }
    }
}
