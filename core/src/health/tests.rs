use super::recovery::{Action, Backoff, Ladder};
use super::*;

fn key(n: u8) -> PublicKey {
    PublicKey::from_bytes([n; 32])
}

fn peer(n: u8) -> PeerEvidence {
    PeerEvidence::new(key(n))
}

fn one(p: PeerEvidence) -> Evidence {
    Evidence {
        peers: vec![p],
        ..Evidence::default()
    }
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn code(h: &Health) -> Option<ReasonCode> {
    h.reason().map(|r| r.code)
}

/// A peer with a session `age` old and these data counters.
fn live(n: u8, age: u64, tx: u64, rx: u64) -> PeerEvidence {
    PeerEvidence {
        since_handshake: Some(secs(age)),
        tx_data_packets: Some(tx),
        rx_data_packets: Some(rx),
        tx_packets: tx,
        rx_packets: rx + 1,
        ..peer(n)
    }
}

#[test]
fn healthy_when_data_flows_both_ways() {
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    for s in 0..60u64 {
        m.observe(&one(live(1, s, s * 10, s * 10)), t0 + secs(s));
    }
    assert_eq!(m.health().health, Health::Healthy);
    assert_eq!(m.health().peers[0].health, Health::Healthy);
}

#[test]
fn connected_but_dead_after_keepalive_plus_rekey_timeout() {
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    m.observe(&one(live(1, 1, 0, 0)), t0);
    // Data leaves every second from t0+1; nothing comes back.
    let mut went_down = None;
    for s in 1..=30u64 {
        let changed = m.observe(&one(live(1, 1 + s, s, 0)), t0 + secs(s));
        if changed.is_some() && went_down.is_none() {
            went_down = Some(s);
        }
    }
    // First unanswered send seen at t0+1; Down at +15 s.
    assert_eq!(went_down, Some(16));
    let h = &m.health().peers[0].health;
    let Health::Down(r) = h else { panic!("{h:?}") };
    assert_eq!(r.code, ReasonCode::NothingReceived);
    assert_eq!(r.duration, Some(secs(29)));
    assert!(r.message.contains("AllowedIPs"), "{}", r.message);
    // The only peer is Down: the tunnel is Down for the same reason.
    assert_eq!(code(&m.health().health), Some(ReasonCode::NothingReceived));
    assert!(matches!(m.health().health, Health::Down(_)));
    // An answer heals it at once.
    let back = m.observe(&one(live(1, 31, 31, 1)), t0 + secs(31));
    assert_eq!(back.unwrap().health, Health::Healthy);
}

#[test]
fn keepalives_coming_back_do_not_count_as_an_answer() {
    // The peer answers data with keepalives (it decrypts but drops our
    // packets): rx_packets climbs, rx_data does not.
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    for s in 0..=20u64 {
        let mut p = live(1, 1 + s, s, 0);
        p.rx_packets = 1 + s / 10;
        m.observe(&one(p), t0 + secs(s));
    }
    assert_eq!(
        code(&m.health().peers[0].health),
        Some(ReasonCode::NothingReceived)
    );
}

#[test]
fn no_session_no_connected_but_dead() {
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    for s in 0..=30u64 {
        let mut p = live(1, 200 + s, s, 0);
        p.since_handshake = Some(secs(200 + s));
        m.observe(&one(p), t0 + secs(s));
    }
    assert_eq!(m.health().peers[0].health, Health::Healthy);
}

#[test]
fn without_data_counters_tx_packets_stand_in_only_without_keepalive() {
    let t0 = Instant::now();
    let run = |pk: Option<u16>| {
        let mut m = HealthMonitor::default();
        for s in 0..=20u64 {
            let mut p = live(1, 1 + s, 0, 0);
            p.tx_data_packets = None;
            p.rx_data_packets = None;
            p.tx_packets = s;
            p.rx_packets = 1;
            p.persistent_keepalive = pk;
            m.observe(&one(p), t0 + secs(s));
        }
        code(&m.health().peers[0].health)
    };
    assert_eq!(run(None), Some(ReasonCode::NothingReceived));
    // With PersistentKeepalive, unanswered sends may be keepalives: no verdict.
    assert_eq!(run(Some(25)), None);
}

#[test]
fn handshake_failing_degraded_then_down() {
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    let mut p = peer(1);
    p.since_handshake = Some(secs(100));
    p.handshake_attempts = 2;
    m.observe(&one(p.clone()), t0);
    assert!(matches!(
        &m.health().peers[0].health,
        Health::Degraded(r) if r.code == ReasonCode::HandshakeFailing
    ));
    p.handshake_attempts = 3;
    let changed = m.observe(&one(p.clone()), t0 + secs(5)).unwrap();
    let Health::Down(r) = &changed.peers[0].health else {
        panic!()
    };
    assert_eq!(r.count, Some(3));
    assert!(r.message.contains("public key"));
    // A new peer's first attempt in flight is not a problem.
    let mut fresh = peer(2);
    fresh.handshake_attempts = 1;
    let mut m = HealthMonitor::default();
    m.observe(&one(fresh), t0);
    assert_eq!(m.health().health, Health::Healthy);
}

#[test]
fn endpoint_name_not_resolving() {
    let t0 = Instant::now();
    let mut p = peer(1);
    p.endpoint_is_name = true;
    p.endpoint_known = false;
    p.resolve_failures = 2;
    let mut m = HealthMonitor::default();
    m.observe(&one(p.clone()), t0);
    assert!(
        matches!(&m.health().health, Health::Down(r) if r.code == ReasonCode::EndpointUnresolved)
    );
    // An older address still in use: degraded only.
    p.endpoint_known = true;
    m.observe(&one(p), t0 + secs(1));
    assert!(
        matches!(&m.health().health, Health::Degraded(r) if r.code == ReasonCode::EndpointUnresolved)
    );
}

#[test]
fn inner_source_climbing_names_the_address() {
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    let mut p = live(1, 1, 0, 0);
    m.observe(&one(p.clone()), t0);
    p.dropped.inner_source = 2;
    m.observe(&one(p.clone()), t0 + secs(1));
    assert_eq!(m.health().health, Health::Healthy, "2 < 3");
    p.dropped.inner_source = 3;
    p.last_inner_source = Some("10.9.0.5".parse().unwrap());
    m.observe(&one(p.clone()), t0 + secs(2));
    let Health::Degraded(r) = &m.health().peers[0].health else {
        panic!("{:?}", m.health())
    };
    assert_eq!(r.code, ReasonCode::InnerSourceRejected);
    assert_eq!(r.address, Some("10.9.0.5".parse().unwrap()));
    assert!(r.message.contains("from 10.9.0.5"), "{}", r.message);
    // It stops climbing: healthy again after the window.
    m.observe(&one(p.clone()), t0 + secs(40));
    assert_eq!(m.health().peers[0].health, Health::Healthy);
}

#[test]
fn tunnel_level_reasons() {
    let t0 = Instant::now();
    // No route climbing.
    let mut m = HealthMonitor::default();
    let mut e = one(live(1, 1, 0, 0));
    m.observe(&e, t0);
    e.dropped.no_route = 5;
    m.observe(&e, t0 + secs(1));
    assert!(
        matches!(&m.health().health, Health::Degraded(r) if r.code == ReasonCode::NoRoute && r.count == Some(5))
    );
    // Nothing from the OS for 60 s.
    let mut m = HealthMonitor::default();
    let mut e = one(live(1, 1, 0, 0));
    e.packets_from_os = Some(10);
    m.observe(&e, t0);
    m.observe(&e, t0 + secs(59));
    assert_eq!(m.health().health, Health::Healthy);
    m.observe(&e, t0 + secs(60));
    assert_eq!(code(&m.health().health), Some(ReasonCode::NoTrafficFromOs));
    e.packets_from_os = Some(11);
    m.observe(&e, t0 + secs(61));
    assert_eq!(m.health().health, Health::Healthy);
    // Socket errors: Down when nothing was heard in the window.
    let mut m = HealthMonitor::default();
    let mut e = one(peer(1));
    m.observe(&e, t0);
    e.send_errors.unreachable = 3;
    m.observe(&e, t0 + secs(1));
    assert!(
        matches!(&m.health().health, Health::Down(r) if r.code == ReasonCode::NetworkUnreachable)
    );
    // ... Degraded while a peer is still heard from.
    e.peers[0].rx_packets = 1;
    e.send_errors.unreachable = 6;
    m.observe(&e, t0 + secs(2));
    assert!(
        matches!(&m.health().health, Health::Degraded(r) if r.code == ReasonCode::NetworkUnreachable)
    );
    // TUN closed beats everything.
    e.tun_closed = true;
    m.observe(&e, t0 + secs(3));
    assert!(matches!(&m.health().health, Health::Down(r) if r.code == ReasonCode::TunClosed));
}

#[test]
fn one_of_two_peers_down_is_degraded_tunnel() {
    let t0 = Instant::now();
    let mut bad = peer(1);
    bad.handshake_attempts = 4;
    let e = Evidence {
        peers: vec![bad, live(2, 1, 0, 0)],
        ..Evidence::default()
    };
    let mut m = HealthMonitor::default();
    m.observe(&e, t0);
    let Health::Degraded(r) = &m.health().health else {
        panic!()
    };
    assert_eq!(
        (r.code, r.peer),
        (ReasonCode::HandshakeFailing, Some(key(1)))
    );
    assert!(r.message.starts_with("peer 1 ("), "{}", r.message);
    // A server-side peer with no endpoint and no session does not count.
    let mut idle = peer(3);
    idle.endpoint_known = false;
    let mut bad = peer(1);
    bad.handshake_attempts = 4;
    let e = Evidence {
        peers: vec![bad, idle],
        ..Evidence::default()
    };
    m.observe(&e, t0 + secs(1));
    assert!(matches!(m.health().health, Health::Down(_)));
}

#[test]
fn changes_are_reported_once_not_for_growing_counters() {
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    let mut p = peer(1);
    p.handshake_attempts = 3;
    assert!(m.observe(&one(p.clone()), t0).is_some());
    p.handshake_attempts = 4;
    assert!(
        m.observe(&one(p.clone()), t0 + secs(5)).is_none(),
        "same level, code and peer"
    );
    assert_eq!(
        m.health().peers[0].health.reason().unwrap().count,
        Some(4),
        "but the message and counters are current"
    );
}

#[test]
fn counters_are_bounded_in_memory() {
    let t0 = Instant::now();
    let mut c = Climb::default();
    for i in 0..10_000u64 {
        c.push(t0 + Duration::from_millis(i), i, secs(30));
    }
    assert!(c.samples.len() <= MAX_SAMPLES);
}

// ---- the recovery ladder ----

fn down(code_for: ReasonCode, n: u8) -> TunnelHealth {
    let r = Reason {
        peer: Some(key(n)),
        ..reason(code_for, String::new())
    };
    TunnelHealth {
        health: Health::Down(r.clone()),
        peers: vec![PeerHealth {
            public_key: key(n),
            health: Health::Down(r),
        }],
    }
}

fn drain(l: &mut Ladder) -> Vec<(Action, u32)> {
    std::iter::from_fn(|| l.poll_step())
        .map(|s| (s.action, s.attempt))
        .collect()
}

#[test]
fn handshake_failing_ladder_steps_with_doubling_backoff() {
    let t0 = Instant::now();
    let mut p = peer(1);
    p.endpoint_is_name = true;
    let e = one(p);
    let h = down(ReasonCode::HandshakeFailing, 1);
    let mut l = Ladder::default();
    l.on_health(&h, &e, t0);
    assert_eq!(drain(&mut l), [(Action::Reresolve, 1)]);
    assert_eq!(l.poll_timeout(), Some(t0 + secs(5)));
    // Unchanged health does not step again early.
    l.on_health(&h, &e, t0 + secs(1));
    assert!(drain(&mut l).is_empty());
    let mut at = t0;
    let mut taken = Vec::new();
    while let Some(next) = l.poll_timeout() {
        if next > t0 + secs(1000) {
            break;
        }
        at = next;
        l.handle_timeout(at);
        taken.extend(drain(&mut l));
    }
    assert_eq!(
        taken[..3],
        [
            (Action::Rebind, 2),
            (Action::Rehandshake, 3),
            (Action::Rehandshake, 4)
        ]
    );
    // 5, 10, 20, 40, 80, then 120 s apart: bounded, never hot.
    assert!(at <= t0 + secs(1000));
    assert!(
        taken.len() <= 12,
        "{} steps in 1000 s: {taken:?}",
        taken.len()
    );
    assert_eq!(l.poll_timeout().unwrap() - at, secs(120));
}

#[test]
fn no_reresolve_for_a_literal_endpoint_and_nothing_for_config_problems() {
    let t0 = Instant::now();
    let e = one(peer(1));
    let mut l = Ladder::default();
    l.on_health(&down(ReasonCode::HandshakeFailing, 1), &e, t0);
    assert_eq!(drain(&mut l), [(Action::Rebind, 1)]);
    let mut l = Ladder::default();
    for code in [
        ReasonCode::InnerSourceRejected,
        ReasonCode::NoRoute,
        ReasonCode::NoTrafficFromOs,
        ReasonCode::TunClosed,
    ] {
        l.on_health(&down(code, 1), &e, t0);
        assert!(drain(&mut l).is_empty(), "{code}");
        assert_eq!(l.poll_timeout(), None, "{code}");
    }
}

#[test]
fn recovery_resets_the_ladder() {
    let t0 = Instant::now();
    let e = one(peer(1));
    let mut l = Ladder::new(Backoff::default());
    l.on_health(&down(ReasonCode::NothingReceived, 1), &e, t0);
    assert_eq!(drain(&mut l), [(Action::Rehandshake, 1)]);
    l.handle_timeout(t0 + secs(5));
    assert_eq!(drain(&mut l), [(Action::Rebind, 2)]);
    l.on_health(&TunnelHealth::default(), &e, t0 + secs(6));
    assert_eq!(l.poll_timeout(), None);
    // The same problem again starts from the first step.
    l.on_health(&down(ReasonCode::NothingReceived, 1), &e, t0 + secs(7));
    assert_eq!(drain(&mut l), [(Action::Rehandshake, 1)]);
    // A different reason for the same peer starts its own ladder.
    l.on_health(&down(ReasonCode::HandshakeFailing, 1), &e, t0 + secs(8));
    assert_eq!(drain(&mut l), [(Action::Rebind, 1)]);
}

#[test]
fn tunnel_socket_errors_rebind() {
    let t0 = Instant::now();
    let r = reason(ReasonCode::NetworkUnreachable, String::new());
    let h = TunnelHealth {
        health: Health::Down(r),
        peers: vec![],
    };
    let mut l = Ladder::default();
    l.on_health(&h, &Evidence::default(), t0);
    let s = l.poll_step().unwrap();
    assert_eq!(
        (s.action, s.peer, s.next_in),
        (Action::Rebind, None, secs(5))
    );
}

#[test]
fn poll_timeout_is_when_a_verdict_can_change_and_none_when_idle() {
    let t0 = Instant::now();
    let mut m = HealthMonitor::default();
    assert_eq!(m.poll_timeout(), None);
    m.observe(&one(live(1, 1, 0, 0)), t0);
    assert_eq!(m.poll_timeout(), None, "idle and healthy: no wake-up");
    // Unanswered data at t0+1: look again when the silence reaches 15 s.
    m.observe(&one(live(1, 2, 1, 0)), t0 + secs(1));
    assert_eq!(m.poll_timeout(), Some(t0 + secs(16)));
    assert!(m.observe(&one(live(1, 17, 1, 0)), t0 + secs(16)).is_some());
    assert_eq!(
        m.poll_timeout(),
        None,
        "already down: nothing more to wait for"
    );
    // Packets from the OS: the quiet rule's deadline.
    let mut m = HealthMonitor::default();
    let mut e = one(live(1, 1, 0, 0));
    e.packets_from_os = Some(1);
    m.observe(&e, t0);
    assert_eq!(m.poll_timeout(), Some(t0 + secs(60)));
}

#[test]
fn evidence_from_runtime_stats_and_events() {
    use crate::runtime::{FaultKind, IoFailures, PeerStats, TunnelEvent, TunnelStats};
    use std::time::SystemTime;
    let cfg = crate::config::parse(
        "[Interface]\nPrivateKey = TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=\n\
         [Peer]\nPublicKey = vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=\nAllowedIPs = 10.0.0.0/24\n\
         Endpoint = vpn.example.com:51820\nPersistentKeepalive = 25\n\
         [Peer]\nPublicKey = G8GcS7oLtc+yy0PnVJv5y/7ngi0KiT9nt7A95Nxdh3o=\nAllowedIPs = 10.0.1.0/24\n",
    )
    .unwrap();
    let (a, b) = (cfg.peers[0].public_key, cfg.peers[1].public_key);
    let wall = SystemTime::UNIX_EPOCH + secs(1_000_000);
    let stats = TunnelStats {
        listen_port: 1,
        peers: vec![PeerStats {
            public_key: a,
            endpoint: Some("198.51.100.1:51820".parse().unwrap()),
            rx_bytes: 0,
            tx_bytes: 0,
            rx_packets: 7,
            tx_packets: 9,
            last_handshake: Some(wall - secs(12)),
            handshakes: 1,
            rtt_ms: None,
            loss: 0.0,
            dropped: DropCounts {
                inner_source: 2,
                ..DropCounts::default()
            },
            rx_data_packets: 5,
            tx_data_packets: 6,
            last_inner_source: Some("10.9.0.5".parse().unwrap()),
        }],
        dropped: DropCounts {
            no_route: 4,
            ..DropCounts::default()
        },
        send_failures: IoFailures {
            unreachable: 5,
            buffer_full: 9,
            ..IoFailures::default()
        },
        tun_write_failures: IoFailures::default(),
        oversized_dropped: 0,
    };
    let mut builder = EvidenceBuilder::new();
    builder.on_event(&TunnelEvent::HandshakeFailing {
        peer: a,
        attempts: 3,
    });
    builder.on_event(&TunnelEvent::EndpointResolveFailed {
        peer: a,
        message: "no such host".into(),
    });
    builder.on_event(&TunnelEvent::Error {
        kind: FaultKind::RebindFailed,
        message: String::new(),
    });
    let e = builder.evidence(&stats, &cfg, wall);
    assert_eq!(e.send_errors.unreachable, 5);
    assert_eq!(e.rebind_failures, 1);
    assert!(!e.tun_closed);
    let pa = &e.peers[0];
    assert!(pa.endpoint_is_name && pa.endpoint_known);
    assert_eq!(pa.since_handshake, Some(secs(12)));
    assert_eq!((pa.rx_packets, pa.tx_packets), (7, 9));
    assert_eq!(
        (
            pa.handshake_attempts,
            pa.resolve_failures,
            pa.persistent_keepalive
        ),
        (3, 1, Some(25))
    );
    assert_eq!(pa.dropped.inner_source, 2);
    assert_eq!(
        (pa.rx_data_packets, pa.tx_data_packets, pa.last_inner_source),
        (Some(5), Some(6), Some("10.9.0.5".parse().unwrap()))
    );
    assert_eq!(e.dropped.no_route, 4);
    // The second peer is not in the stats: never seen, no endpoint.
    assert_eq!(e.peers[1].public_key, b);
    assert!(!e.peers[1].endpoint_known && e.peers[1].since_handshake.is_none());
    // A completed handshake and a resolution clear the event-side counters.
    builder.on_event(&TunnelEvent::HandshakeCompleted { peer: a });
    builder.on_event(&TunnelEvent::EndpointResolved {
        peer: a,
        endpoint: "198.51.100.1:51820".parse().unwrap(),
    });
    let e = builder.evidence(&stats, &cfg, wall);
    assert_eq!(
        (e.peers[0].handshake_attempts, e.peers[0].resolve_failures),
        (0, 0)
    );
}

#[test]
fn degraded_tunnel_socket_errors_take_no_step() {
    let t0 = Instant::now();
    let h = TunnelHealth {
        health: Health::Degraded(reason(ReasonCode::SendFailing, String::new())),
        peers: vec![],
    };
    let mut l = Ladder::default();
    l.on_health(&h, &Evidence::default(), t0);
    assert_eq!(
        l.poll_step(),
        None,
        "peers are heard from: the sockets work"
    );
}
