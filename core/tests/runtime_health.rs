//! Health and recovery in a running tunnel (issue 15 items 1–2, 5): two
//! Culvert tunnels over loopback, real time, waits on conditions with deadlines.
//!
//! - A peer that never answers: `Down(HANDSHAKE_FAILING)` after 3 attempts
//!   (≈ 10 s), a `HealthChanged` event, a recovery step, `health()` agrees.
//! - The responder's AllowedIPs lack the initiator's address ("handshake OK but
//!   nothing comes back"): the initiator goes `Down(NOTHING_RECEIVED)` 15 s
//!   after its first unanswered data; the responder is
//!   `Degraded(INNER_SOURCE_REJECTED)` naming the offending address.
//! - A healthy exchange stays healthy with no `HealthChanged` event.

mod runtime_support;

use culvert_core::config::{Config, PrivateKey};
use culvert_core::health::recovery::Action;
use culvert_core::health::{Health, ReasonCode};
use culvert_core::runtime::{Hooks, PacketIo, Tunnel, TunnelEvent};
use runtime_support::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn start(config: Config) -> (Tunnel, Arc<Collect>, Arc<Events>) {
    let sink = Arc::new(Collect::default());
    let events = Arc::new(Events::default());
    let hooks = Hooks {
        events: Some(events.clone()),
        ..Hooks::default()
    };
    let t = Tunnel::start(config, PacketIo::Callbacks { sink: sink.clone() }, hooks).unwrap();
    (t, sink, events)
}

fn reason_of(h: &Health) -> Option<ReasonCode> {
    h.reason().map(|r| r.code)
}

#[test]
fn unanswered_handshakes_go_down_and_the_ladder_steps() {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    // A UDP socket that receives and never answers: the "server" is gone.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let config = Config {
        interface: interface(&ka, None, "10.0.0.1/32"),
        peers: vec![peer(&kb, &["10.0.0.2/32"], Some((ip("127.0.0.1"), port)))],
    };
    let (a, _, events) = start(config);
    let started = Instant::now();
    a.send_packets(vec![ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"hello?")])
        .unwrap();
    let down = wait_until(
        Duration::from_secs(30),
        || matches!(&a.health().health, Health::Down(r) if r.code == ReasonCode::HandshakeFailing),
    );
    assert!(down, "health: {:?}", a.health());
    let took = started.elapsed();
    // 3 initiations at REKEY_TIMEOUT (+ up to 333 ms jitter) apart: about 10 s.
    assert!(took >= Duration::from_secs(9), "down too early: {took:?}");
    let h = a.health();
    let r = h.peers[0].health.reason().unwrap();
    assert_eq!(r.peer, Some(kb.public_key()));
    assert!(r.count.unwrap() >= 3);
    assert!(events.any(|e| matches!(
        e,
        TunnelEvent::HealthChanged(h) if reason_of(&h.health) == Some(ReasonCode::HandshakeFailing)
    )));
    // A literal endpoint: no re-resolve; the first step is a rebind.
    assert!(
        wait_until(Duration::from_secs(5), || events.any(|e| matches!(
            e,
            TunnelEvent::RecoveryStep(s) if s.action == Action::Rebind
                && s.reason == ReasonCode::HandshakeFailing
                && s.attempt == 1
        ))),
        "{:?}",
        events.0.lock().unwrap()
    );
    assert!(!events.any(|e| matches!(
        e,
        TunnelEvent::RecoveryStep(s) if s.action == Action::Reresolve
    )));
    a.stop().unwrap();
}

#[test]
fn peer_without_our_address_in_allowed_ips_means_nothing_comes_back() {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    // B knows A's key but routes only 10.0.0.99 to it: A's packets from
    // 10.0.0.1 are dropped by B (inner source), B answers with keepalives only.
    let b_config = Config {
        interface: interface(&kb, None, "10.0.0.2/32"),
        peers: vec![peer(&ka, &["10.0.0.99/32"], None)],
    };
    let (b, _, b_events) = start(b_config);
    let b_port = b.stats().unwrap().listen_port;
    let a_config = Config {
        interface: interface(&ka, None, "10.0.0.1/32"),
        peers: vec![peer(&kb, &["10.0.0.2/32"], Some((ip("127.0.0.1"), b_port)))],
    };
    let (a, _, a_events) = start(a_config);
    let a_down = wait_until(Duration::from_secs(40), || {
        let _ = a.send_packets(vec![ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"anyone?")]);
        std::thread::sleep(Duration::from_millis(200));
        matches!(&a.health().health, Health::Down(r) if r.code == ReasonCode::NothingReceived)
    });
    let ah = a.health();
    assert!(a_down, "A: {ah:?}");
    let r = ah.peers[0].health.reason().unwrap();
    assert!(r.duration.unwrap() >= Duration::from_secs(15));
    assert!(r.message.contains("AllowedIPs"), "{}", r.message);
    // The handshake itself worked.
    assert!(a_events.any(|e| matches!(e, TunnelEvent::HandshakeCompleted { .. })));
    // The ladder's first step for it: a fresh handshake.
    assert!(wait_until(Duration::from_secs(5), || a_events.any(
        |e| matches!(
            e,
            TunnelEvent::RecoveryStep(s) if s.action == Action::Rehandshake
                && s.reason == ReasonCode::NothingReceived
        )
    )));
    // B: the peer sends from an address its AllowedIPs do not include.
    let bh = b.health();
    let Health::Degraded(r) = &bh.peers[0].health else {
        panic!("B: {bh:?}")
    };
    assert_eq!(r.code, ReasonCode::InnerSourceRejected);
    assert_eq!(r.address, Some("10.0.0.1".parse().unwrap()));
    assert!(b_events.any(|e| matches!(e, TunnelEvent::HealthChanged(_))));
    a.stop().unwrap();
    b.stop().unwrap();
}

#[test]
fn a_working_exchange_stays_healthy() {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb);
    let (a, a_sink, a_events) = start(ca);
    let port = a.stats().unwrap().listen_port;
    let (b, b_sink, b_events) = start(cb(port));
    // Three seconds of packets both ways.
    let until = Instant::now() + Duration::from_secs(3);
    let mut n = 0u8;
    while Instant::now() < until {
        n = n.wrapping_add(1);
        let _ = b.send_packets(vec![ipv4([10, 0, 0, 2], [10, 0, 0, 1], &[n])]);
        let _ = a.send_packets(vec![ipv4([10, 0, 0, 1], [10, 0, 0, 2], &[n])]);
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(a_sink.count() > 10 && b_sink.count() > 10);
    for (t, events) in [(&a, &a_events), (&b, &b_events)] {
        assert_eq!(t.health().health, Health::Healthy, "{:?}", t.health());
        assert!(
            !events.any(|e| matches!(e, TunnelEvent::HealthChanged(_))),
            "{:?}",
            events.0.lock().unwrap()
        );
        assert!(!events.any(|e| matches!(e, TunnelEvent::RecoveryStep(_))));
    }
    a.stop().unwrap();
    b.stop().unwrap();
}
