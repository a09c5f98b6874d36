//! Files as the official apps write them (Android's `toWgQuickString`, Apple's
//! `asWgQuickConfig`: different attribute orders and spellings) mean the same
//! config, and survive Culvert's round trip unchanged in meaning.

use culvert_core::config::{parse, write};

const PRIV: &str = "mGEHRNXAdy2FLnaWPxWEB7IBKyrpv2d/hAVJiyQsUUY=";
const PUB1: &str = "G8GcS7oLtc+yy0PnVJv5y/7ngi0KiT9nt7A95Nxdh3o=";
const PUB2: &str = "U43LET0YqTJO3wT4L/2TxPlEFtw8GX1g/iihM6hPwUM=";
const PSK: &str = "zGxCk/llC0hJYEk3agkswZIpLW65bWSzNkI9MLjkMcI=";

/// Android: sorted attributes, `PreSharedKey` spelling, DNS servers then search
/// domains, a trailing block without a final newline.
fn android() -> String {
    format!(
        "[Interface]\nAddress = 10.0.0.2/32, fd00::2/128\nDNS = 198.51.100.53, 2001:db8::53, corp.example.com\n\
         ExcludedApplications = com.example.bank\nListenPort = 51000\nMTU = 1420\nPrivateKey = {PRIV}\n\n\
         [Peer]\nAllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = vpn.example.com:51820\nPersistentKeepalive = 25\n\
         PreSharedKey = {PSK}\nPublicKey = {PUB1}\n\n\
         [Peer]\nAllowedIPs = 198.51.100.0/24\nEndpoint = [2001:db8::1]:51820\nPublicKey = {PUB2}"
    )
}

/// Apple: PrivateKey first, then ListenPort, Address, DNS, MTU; peers lead with PublicKey.
fn apple() -> String {
    format!(
        "[Interface]\nPrivateKey = {PRIV}\nListenPort = 51000\nAddress = 10.0.0.2/32, fd00::2/128\n\
         DNS = 198.51.100.53, 2001:db8::53, corp.example.com\nMTU = 1420\nExcludedApplications = com.example.bank\n\n\
         [Peer]\nPublicKey = {PUB1}\nPresharedKey = {PSK}\nAllowedIPs = 0.0.0.0/0, ::/0\n\
         Endpoint = vpn.example.com:51820\nPersistentKeepalive = 25\n\n\
         [Peer]\nPublicKey = {PUB2}\nAllowedIPs = 198.51.100.0/24\nEndpoint = [2001:db8::1]:51820\n"
    )
}

#[test]
fn android_and_apple_files_mean_the_same() {
    let a = parse(&android()).unwrap();
    let b = parse(&apple()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.peers.len(), 2);
    assert_eq!(a.interface.dns_search, ["corp.example.com"]);
    assert_eq!(a.peers[0].persistent_keepalive, Some(25));
    assert!(a.peers[0].preshared_key.is_some());
}

#[test]
fn official_files_round_trip() {
    for text in [android(), apple()] {
        let c = parse(&text).unwrap();
        let written = write(&c);
        assert_eq!(parse(&written).unwrap(), c);
        // Culvert's own output reads as a plain wg-quick file: one [Interface] first.
        assert!(written.starts_with("[Interface]\nPrivateKey = "));
        assert_eq!(written.matches("[Peer]").count(), 2);
    }
}
