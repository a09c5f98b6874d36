//! Secrets hygiene: no private key, preshared key (base64 or hex), Wi-Fi passphrase
//! or EAP / Passpoint password may appear in a log line, in the `Debug` output of a
//! public type, or in an error message (`Display` and `Debug`).
//!
//! Every test uses fresh secrets, runs real work with a capturing logger at TRACE,
//! and checks the captured lines and every string it can get from the API. Each
//! test also checks that its inputs really contained the secrets (so a check can
//! fail), and the `checker_*` tests prove the checker catches each form.

use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use base64::Engine as _;
use culvert_core::clock::Instant;
use culvert_core::config::{self, PresharedKey, PrivateKey};
use culvert_core::hotspot;
use culvert_core::proto::{PeerConfig, Tunnel};
use culvert_core::qr;

// ---------------------------------------------------------------- capturing logger

struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }
    fn flush(&self) {}
}

fn capture() -> &'static Capture {
    static LOGGER: OnceLock<&'static Capture> = OnceLock::new();
    LOGGER.get_or_init(|| {
        let logger: &'static Capture = Box::leak(Box::new(Capture(Mutex::new(Vec::new()))));
        log::set_logger(logger).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Trace);
        logger
    })
}

/// Every line logged so far (by any test of this binary: a leak anywhere fails).
fn log_lines() -> Vec<String> {
    capture()
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

// ---------------------------------------------------------------- secrets and checks

/// A secret and the forms in which it must never appear.
struct Secret {
    name: &'static str,
    /// Needles (matched case-insensitively).
    needles: Vec<String>,
}

impl Secret {
    /// A 32-byte key: base64 (with and without padding), hex, and every 16-character
    /// window of both (64 bits of a key is already a leak).
    fn key(name: &'static str, bytes: &[u8; 32]) -> Secret {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut needles = vec![b64.clone(), hex.clone()];
        let b64 = b64.trim_end_matches('=');
        for s in [b64, hex.as_str()] {
            for i in 0..=s.len() - 16 {
                needles.push(s[i..i + 16].to_string());
            }
        }
        // A byte-array Debug of the key, e.g. `[12, 200, ...]`.
        needles.push(
            format!("{:?}", &bytes[..8])
                .trim_end_matches(']')
                .to_string(),
        );
        Secret { name, needles }
    }

    /// A password: itself and its base64 (Passpoint PPS carries passwords in base64).
    fn password(name: &'static str, text: &str) -> Secret {
        Secret {
            name,
            needles: vec![
                text.to_string(),
                base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
            ],
        }
    }

    fn found_in(&self, text: &str) -> Option<&str> {
        let lower = text.to_lowercase();
        self.needles
            .iter()
            .find(|n| lower.contains(&n.to_lowercase()))
            .map(String::as_str)
    }
}

/// Fails if any secret appears in `text`; `what` says where `text` came from.
fn assert_clean(secrets: &[Secret], what: &str, text: &str) {
    for s in secrets {
        if let Some(needle) = s.found_in(text) {
            panic!("{} leaked into {what} (as {needle:?}): {text}", s.name);
        }
    }
}

fn assert_debug_clean<T: Debug>(secrets: &[Secret], what: &str, value: &T) {
    assert_clean(secrets, &format!("Debug of {what}"), &format!("{value:?}"));
    assert_clean(
        secrets,
        &format!("pretty Debug of {what}"),
        &format!("{value:#?}"),
    );
}

fn assert_error_clean<E: Debug + std::fmt::Display>(secrets: &[Secret], what: &str, err: &E) {
    assert_clean(
        secrets,
        &format!("error message of {what}"),
        &err.to_string(),
    );
    assert_debug_clean(secrets, what, err);
}

fn assert_logs_clean(secrets: &[Secret]) {
    let lines = log_lines();
    for line in &lines {
        assert_clean(secrets, "a log line", line);
    }
}

/// A key that is unique to this call (tests run in parallel and must not share secrets).
fn fresh_key() -> PrivateKey {
    PrivateKey::generate()
}

fn unique_password(tag: &str) -> String {
    // 20 random-looking characters, unique per call.
    let bytes = *PrivateKey::generate().as_bytes();
    let tail: String = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..15]);
    format!("{tag}-{tail}")
}

// ---------------------------------------------------------------- the checker itself

#[test]
fn checker_catches_every_form_of_a_key() {
    let key = fresh_key();
    let s = [Secret::key("private key", key.as_bytes())];
    let b64 = key.to_base64();
    let hex: String = key.as_bytes().iter().map(|b| format!("{b:02X}")).collect();
    for leak in [
        b64.clone(),
        b64.trim_end_matches('=').to_string(),
        hex.clone(),
        hex.to_lowercase(),
        format!("prefix {} suffix", &b64[5..25]),
        format!("{:?}", key.as_bytes()),
    ] {
        let caught = std::panic::catch_unwind(|| assert_clean(&s, "test", &leak)).is_err();
        assert!(caught, "checker missed a leak: {leak}");
    }
    assert_clean(&s, "test", "nothing secret here");
}

#[test]
fn checker_catches_passwords_plain_and_base64() {
    let pw = unique_password("wifi");
    let s = [Secret::password("passphrase", &pw)];
    for leak in [
        pw.clone(),
        base64::engine::general_purpose::STANDARD.encode(pw.as_bytes()),
    ] {
        let caught = std::panic::catch_unwind(|| assert_clean(&s, "test", &leak)).is_err();
        assert!(caught, "checker missed a leak: {leak}");
    }
}

// ---------------------------------------------------------------- keys and wg-quick

fn wg_quick(private: &PrivateKey, psk: &PresharedKey, peer: &PrivateKey) -> String {
    format!(
        "[Interface]\nPrivateKey = {}\nListenPort = 51820\nAddress = 198.51.100.65/32\n\n\
         [Peer]\nPublicKey = {}\nPresharedKey = {}\nAllowedIPs = 198.51.100.66/32\n\
         Endpoint = 198.51.100.2:51820\n",
        private.to_base64(),
        peer.public_key().to_base64(),
        psk.to_base64()
    )
}

#[test]
fn key_types_and_config_debug_never_show_keys() {
    capture();
    let private = fresh_key();
    let psk = PresharedKey::generate();
    let peer = fresh_key();
    let secrets = [
        Secret::key("private key", private.as_bytes()),
        Secret::key("preshared key", psk.as_bytes()),
        Secret::key("peer's private key", peer.as_bytes()),
    ];
    let text = wg_quick(&private, &psk, &peer);
    assert!(secrets[0].found_in(&text).is_some() && secrets[1].found_in(&text).is_some());

    assert_debug_clean(&secrets, "PrivateKey", &private);
    assert_debug_clean(&secrets, "PresharedKey", &psk);
    let cfg = config::parse(&text).expect("valid config");
    assert_debug_clean(&secrets, "Config", &cfg);
    assert_debug_clean(&secrets, "Interface", &cfg.interface);
    assert_debug_clean(&secrets, "Peer", &cfg.peers[0]);
    assert_debug_clean(&secrets, "config warnings", &cfg.warnings());
    let settings = culvert_core::settings::NetworkSettings::from_config(
        &cfg,
        &culvert_core::settings::SettingsOptions::default(),
    );
    assert_debug_clean(&secrets, "NetworkSettings", &settings);
    assert_debug_clean(
        &secrets,
        "proto PeerConfig",
        &PeerConfig::from_config(&cfg.peers[0]),
    );
    assert_logs_clean(&secrets);
}

#[test]
fn config_errors_never_echo_keys() {
    capture();
    let private = fresh_key();
    let psk = PresharedKey::generate();
    let peer = fresh_key();
    let secrets = [
        Secret::key("private key", private.as_bytes()),
        Secret::key("preshared key", psk.as_bytes()),
    ];
    let good = wg_quick(&private, &psk, &peer);
    let pk = private.to_base64();
    let ps = psk.to_base64();
    let broken = [
        // A later error in a file that holds valid keys.
        good.replace("ListenPort = 51820", "ListenPort = not-a-port"),
        good.replace(
            "AllowedIPs = 198.51.100.66/32",
            "AllowedIPs = 198.51.100.666/32",
        ),
        format!("{good}\n[Bogus]\nKey = value\n"),
        // The key itself slightly wrong: too long, too short, a bad character.
        good.replace(&pk, &format!("{pk}AA")),
        good.replace(&pk, &pk[..40]),
        good.replace(&ps, &format!("{}!", &ps[..43])),
        // Keys in the wrong place or repeated.
        good.replace("[Peer]\n", &format!("[Peer]\nPrivateKey = {pk}\n")),
        good.replace("ListenPort", &format!("PrivateKey = {pk}\nListenPort")),
        good.replace(
            &format!("PresharedKey = {ps}"),
            &format!("PresharedKey = {ps}\nPresharedKey = {ps}"),
        ),
        // Not UTF-8 after the keys.
        format!("{good}\u{0}"),
    ];
    let mut errors = 0;
    for text in &broken {
        if let Err(e) = config::parse(text) {
            errors += 1;
            assert_error_clean(&secrets, "ConfigError", &e);
        }
        let mut bytes = text.as_bytes().to_vec();
        bytes.push(0xff);
        if let Err(e) = config::parse_bytes(&bytes) {
            assert_error_clean(&secrets, "ConfigError (bytes)", &e);
        }
        if let Err(e) = qr::parse_qr(text) {
            assert_error_clean(&secrets, "QrError", &e);
        }
    }
    assert!(
        errors >= 8,
        "only {errors} of the broken configs were rejected"
    );
    for bad in [format!("{pk}A"), pk[..30].to_string(), pk.replace('A', "*")] {
        if let Err(e) = PrivateKey::from_base64(&bad) {
            assert_error_clean(&secrets, "KeyError", &e);
        }
        if let Err(e) = PresharedKey::from_base64(&bad) {
            assert_error_clean(&secrets, "KeyError", &e);
        }
    }
    assert_logs_clean(&secrets);
}

// ---------------------------------------------------------------- a whole proto session

fn packet(src: Ipv4Addr, dst: Ipv4Addr, len: usize) -> Vec<u8> {
    let mut p = vec![0u8; len];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(len as u16).to_be_bytes());
    p[8] = 64;
    p[9] = 17;
    p[12..16].copy_from_slice(&src.octets());
    p[16..20].copy_from_slice(&dst.octets());
    p
}

fn pump(from: &mut Tunnel, to: &mut Tunnel, src: SocketAddr, now: Instant) -> usize {
    let mut out = Vec::new();
    while let Some(t) = from.poll_transmit() {
        out.push(t.payload.to_vec());
    }
    for d in &out {
        to.handle_datagram(src, d, now);
    }
    out.len()
}

#[test]
fn proto_session_at_trace_logs_no_key() {
    capture();
    let (ka, kb) = (fresh_key(), fresh_key());
    let psk = PresharedKey::generate();
    let secrets = [
        Secret::key("A's private key", ka.as_bytes()),
        Secret::key("B's private key", kb.as_bytes()),
        Secret::key("preshared key", psk.as_bytes()),
    ];
    let (a4, b4) = (
        Ipv4Addr::new(198, 51, 100, 65),
        Ipv4Addr::new(198, 51, 100, 66),
    );
    let ua = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1)), 51820);
    let ub = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 2)), 51820);
    let mut now = Instant::now();
    let mut a = Tunnel::new(&ka);
    let mut b = Tunnel::new(&kb);
    let peer = |k: &PrivateKey, ip: Ipv4Addr, ep| PeerConfig {
        public_key: k.public_key(),
        preshared_key: Some(psk.clone()),
        allowed_ips: vec![ipnetwork::IpNetwork::new(IpAddr::V4(ip), 32).unwrap()],
        endpoint: Some(ep),
        persistent_keepalive: Some(25),
    };
    a.add_peer(peer(&kb, b4, ub), now).unwrap();
    b.add_peer(peer(&ka, a4, ua), now).unwrap();

    // Handshake, data both ways, a spoofed inner source, garbage, a replay, timers.
    let mut delivered = 0;
    for round in 0..20u32 {
        a.handle_tun_packet(&packet(a4, b4, 100 + round as usize), now);
        b.handle_tun_packet(&packet(b4, a4, 80), now);
        b.handle_tun_packet(&packet(b4, Ipv4Addr::new(203, 0, 113, 1), 80), now); // no route
        for _ in 0..4 {
            pump(&mut a, &mut b, ua, now);
            pump(&mut b, &mut a, ub, now);
        }
        while b.poll_tun().is_some() {
            delivered += 1;
        }
        while a.poll_tun().is_some() {}
        a.handle_datagram(ub, &[4, 0, 0, 0, 1, 2, 3], now);
        a.handle_datagram(ub, &[1, 0, 0, 0], now);
        now += Duration::from_secs(3);
        a.handle_timeout(now);
        b.handle_timeout(now);
    }
    assert!(delivered > 0, "the session never carried data");
    // A replayed data packet and an inner-source spoof.
    a.handle_tun_packet(&packet(a4, b4, 60), now);
    let replay: Vec<Vec<u8>> =
        std::iter::from_fn(|| a.poll_transmit().map(|t| t.payload.to_vec())).collect();
    for d in replay.iter().chain(replay.iter()) {
        b.handle_datagram(ua, d, now);
    }
    while b.poll_tun().is_some() {}
    a.sleep();
    a.wake(now);
    pump(&mut a, &mut b, ua, now);
    while let Some(e) = a.poll_event() {
        assert_debug_clean(&secrets, "proto Event", &e);
    }
    while let Some(e) = b.poll_event() {
        assert_debug_clean(&secrets, "proto Event", &e);
    }
    assert_debug_clean(&secrets, "proto Tunnel", &a);
    assert_debug_clean(&secrets, "proto PeerStats", &a.stats());
    assert_debug_clean(&secrets, "proto DropCounts", &b.dropped());
    if let Err(e) = a.add_peer(peer(&kb, b4, ub), now) {
        assert_error_clean(&secrets, "ProtoError", &e);
    }
    let lines = log_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("TRACE") || l.starts_with("DEBUG")),
        "the session logged nothing at TRACE/DEBUG: the check would be empty"
    );
    assert_logs_clean(&secrets);
}

// ---------------------------------------------------------------- Wi-Fi and Passpoint

fn fixture(rel: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/hotspot/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn wifi_qr_passphrases_never_leak() {
    capture();
    let pw = unique_password("wpa");
    let eap = unique_password("eap");
    let secrets = [
        Secret::password("Wi-Fi passphrase", &pw),
        Secret::password("EAP password", &eap),
    ];
    let good = [
        format!("WIFI:S:Culvert Net;T:WPA;P:{pw};;"),
        format!("WIFI:T:SAE;S:Culvert6;P:{pw};H:true;;"),
        format!("WIFI:T:WPA2-EAP;S:Corp;E:PEAP;PH2:MSCHAPV2;I:erin;P:{eap};;"),
    ];
    let bad = [
        format!("WIFI:T:WPA;P:{pw};;"),                           // no SSID
        format!("WIFI:S:Net;T:BOGUS;P:{pw};;"),                   // unknown type
        format!("WIFI:S:Net;T:WPA;P:{pw}"),                       // unterminated
        format!("WIFI:S:Net;T:WPA;P:{pw}{pw}{pw};;"),             // passphrase too long
        format!("WIFI:S:Net;T:WPA;P:{pw};P:{pw};;"),              // repeated field
        format!("WIFI:S:Net;T:WEP;P:{pw};;"),                     // bad WEP key
        format!("WIFI:S:Net;T:WPA2-EAP;E:NOPE;I:erin;P:{eap};;"), // unknown EAP method
        format!("WIFI:S:\u{0};T:WPA;P:{pw};;"),
    ];
    let mut parsed = 0;
    for text in &good {
        assert!(secrets.iter().any(|s| s.found_in(text).is_some()));
        match hotspot::parse_hotspot(text.as_bytes(), None) {
            Ok(cfg) => {
                parsed += 1;
                assert_debug_clean(&secrets, "HotspotConfig", &cfg);
                for n in &cfg.networks {
                    assert_debug_clean(&secrets, "WifiNetwork", n);
                }
                assert_debug_clean(&secrets, "hotspot warnings", &cfg.warnings);
            }
            Err(e) => assert_error_clean(&secrets, "HotspotError", &e),
        }
        match qr::parse_qr(text) {
            Ok(p) => assert_debug_clean(&secrets, "QrPayload", &p),
            Err(e) => assert_error_clean(&secrets, "QrError", &e),
        }
    }
    assert!(parsed >= 2, "valid WIFI: codes were rejected");
    let mut rejected = 0;
    for text in &bad {
        match hotspot::parse_hotspot(text.as_bytes(), None) {
            Ok(cfg) => assert_debug_clean(&secrets, "HotspotConfig", &cfg),
            Err(e) => {
                rejected += 1;
                assert_error_clean(&secrets, "HotspotError", &e);
            }
        }
        if let Err(e) = qr::parse_qr(text) {
            assert_error_clean(&secrets, "QrError", &e);
        }
    }
    assert!(
        rejected >= 2,
        "only {rejected} broken WIFI: codes were rejected"
    );
    assert_logs_clean(&secrets);
}

#[test]
fn mobileconfig_and_passpoint_passwords_never_leak() {
    capture();
    let wpa = unique_password("psk");
    let eap = unique_password("eap");
    let pps = unique_password("pps");
    let secrets = [
        Secret::password("mobileconfig Wi-Fi password", &wpa),
        Secret::password("mobileconfig EAP password", &eap),
        Secret::password("Passpoint password", &pps),
    ];
    let wpa2 = fixture("mobileconfig/wpa2.mobileconfig").replace("correct horse", &wpa);
    let ttls = fixture("mobileconfig/eap_ttls.mobileconfig").replace("eap-secret-pw", &eap);
    let user = fixture("passpoint/user.xml").replace(
        "cHAtc2VjcmV0LXB3",
        &base64::engine::general_purpose::STANDARD.encode(pps.as_bytes()),
    );
    assert!(wpa2.contains(&wpa) && ttls.contains(&eap) && secrets[2].found_in(&user).is_some());
    let mut ok = 0;
    let inputs: Vec<(String, Option<&str>)> = vec![
        (wpa2.clone(), Some("application/x-apple-aspen-config")),
        (ttls.clone(), Some("application/x-apple-aspen-config")),
        (user.clone(), None),
        // Broken after the secret: truncated, wrong root, unsupported values.
        (
            wpa2[..wpa2.len() * 2 / 3].to_string(),
            Some("application/x-apple-aspen-config"),
        ),
        (
            ttls.replace(
                "<key>EAPClientConfiguration</key>",
                "<key>EAPClientConfiguration</key><string>x</string>",
            ),
            None,
        ),
        (user.replace("<Value>21</Value>", "<Value>99</Value>"), None),
        (user.replace("MgmtTree", "NotMgmtTree"), None),
        (user[..user.len() / 2].to_string(), None),
    ];
    for (text, mime) in &inputs {
        match hotspot::parse_hotspot(text.as_bytes(), *mime) {
            Ok(cfg) => {
                ok += 1;
                assert_debug_clean(&secrets, "HotspotConfig", &cfg);
                for n in &cfg.networks {
                    assert_debug_clean(&secrets, "WifiNetwork", n);
                    // A WIFI: string exports the secret by design; only its errors are checked.
                    if let Err(e) = hotspot::write_wifi_uri(n) {
                        assert_error_clean(&secrets, "HotspotError (write)", &e);
                    }
                }
            }
            Err(e) => assert_error_clean(&secrets, "HotspotError", &e),
        }
    }
    assert!(ok >= 3, "the valid profiles did not parse ({ok})");
    assert_logs_clean(&secrets);
}

// ---------------------------------------------------------------- a whole runtime session

mod runtime_session {
    use super::*;
    use culvert_core::runtime::{
        EventSink, Hooks, PacketIo, PacketSink, Tunnel as Runtime, TunnelEvent,
    };
    use std::sync::Arc;

    #[derive(Default)]
    struct Sink(Mutex<Vec<Vec<u8>>>);
    impl PacketSink for Sink {
        fn deliver(&self, packets: Vec<Vec<u8>>) {
            self.0.lock().unwrap().extend(packets);
        }
    }
    #[derive(Default)]
    struct Events(Mutex<Vec<TunnelEvent>>);
    impl EventSink for Events {
        fn on_event(&self, event: TunnelEvent) {
            self.0.lock().unwrap().push(event);
        }
    }

    fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if cond() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        cond()
    }

    fn conf(
        own: &PrivateKey,
        psk: &PresharedKey,
        peer: &PrivateKey,
        addr: &str,
        peer_addr: &str,
        endpoint: Option<u16>,
    ) -> config::Config {
        let mut text = format!(
            "[Interface]\nPrivateKey = {}\nAddress = {addr}/32\n\n[Peer]\nPublicKey = {}\n\
             PresharedKey = {}\nAllowedIPs = {peer_addr}/32\n",
            own.to_base64(),
            peer.public_key().to_base64(),
            psk.to_base64()
        );
        if let Some(port) = endpoint {
            text.push_str(&format!("Endpoint = 127.0.0.1:{port}\n"));
        }
        config::parse(&text).expect("valid config")
    }

    #[test]
    fn runtime_session_at_trace_logs_no_key() {
        capture();
        let (ka, kb) = (fresh_key(), fresh_key());
        let psk = PresharedKey::generate();
        let secrets = [
            Secret::key("A's private key", ka.as_bytes()),
            Secret::key("B's private key", kb.as_bytes()),
            Secret::key("preshared key", psk.as_bytes()),
        ];
        let (sink_a, sink_b) = (Arc::new(Sink::default()), Arc::new(Sink::default()));
        let events = Arc::new(Events::default());
        let hooks = || Hooks {
            events: Some(events.clone()),
            ..Hooks::default()
        };
        let a = Runtime::start(
            conf(&ka, &psk, &kb, "198.51.100.65", "198.51.100.66", None),
            PacketIo::Callbacks {
                sink: sink_a.clone(),
            },
            hooks(),
        )
        .expect("start A");
        let port = a.stats().expect("stats").listen_port;
        let b = Runtime::start(
            conf(&kb, &psk, &ka, "198.51.100.66", "198.51.100.65", Some(port)),
            PacketIo::Callbacks {
                sink: sink_b.clone(),
            },
            hooks(),
        )
        .expect("start B");
        let (a4, b4) = (
            Ipv4Addr::new(198, 51, 100, 65),
            Ipv4Addr::new(198, 51, 100, 66),
        );
        b.send_packets(vec![packet(b4, a4, 200)]).expect("send");
        assert!(
            wait_until(Duration::from_secs(10), || !sink_a
                .0
                .lock()
                .unwrap()
                .is_empty()),
            "A never got B's packet: the session did not run"
        );
        a.send_packets((0..50).map(|i| packet(a4, b4, 100 + i)).collect())
            .expect("send");
        assert!(wait_until(Duration::from_secs(10), || sink_b
            .0
            .lock()
            .unwrap()
            .len()
            >= 50));
        // Lifecycle calls that log: network change, sleep/wake, a live update.
        b.network_changed().expect("network_changed");
        b.sleep().expect("sleep");
        b.wake().expect("wake");
        b.update(conf(
            &kb,
            &psk,
            &ka,
            "198.51.100.66",
            "198.51.100.65",
            Some(port),
        ))
        .expect("update");
        b.send_packets(vec![packet(b4, a4, 300)]).expect("send");
        assert!(wait_until(Duration::from_secs(10), || sink_a
            .0
            .lock()
            .unwrap()
            .len()
            >= 2));
        assert_debug_clean(&secrets, "runtime TunnelStats", &a.stats().expect("stats"));
        assert_debug_clean(&secrets, "runtime TunnelStats", &b.stats().expect("stats"));
        assert_debug_clean(&secrets, "runtime Tunnel", &a);
        a.stop().expect("stop");
        b.stop().expect("stop");
        let err = a.send_packets(vec![]).expect_err("after stop");
        assert_error_clean(&secrets, "RuntimeError", &err);
        let seen = events.0.lock().unwrap().clone();
        assert!(!seen.is_empty(), "no events: the check would be empty");
        for e in &seen {
            assert_debug_clean(&secrets, "TunnelEvent", e);
        }
        let lines = log_lines();
        assert!(
            lines.iter().any(|l| l.contains("boringtun")),
            "boringtun's own logs were not captured through the bridge"
        );
        assert_logs_clean(&secrets);
    }
}
