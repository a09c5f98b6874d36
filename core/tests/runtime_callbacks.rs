//! Two runtimes in one process over loopback UDP with callback packet I/O.

mod runtime_support;

use culvert_core::config::{EndpointHost, PrivateKey};
use culvert_core::runtime::{Hooks, PacketIo, RuntimeError, Tunnel, TunnelEvent, TunnelState};
use runtime_support::*;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

struct Side {
    tunnel: Tunnel,
    sink: Arc<Collect>,
    events: Arc<Events>,
    protector: Arc<Protector>,
}

fn start(config: culvert_core::config::Config, hooks: Hooks) -> Side {
    let sink = Arc::new(Collect::default());
    let events = Arc::new(Events::default());
    let protector = Arc::new(Protector::default());
    let hooks = Hooks {
        events: Some(events.clone()),
        protector: Some(protector.clone()),
        ..hooks
    };
    let tunnel =
        Tunnel::start(config, PacketIo::Callbacks { sink: sink.clone() }, hooks).expect("start");
    Side {
        tunnel,
        sink,
        events,
        protector,
    }
}

fn pair() -> (Side, Side) {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb);
    let a = start(ca, Hooks::default());
    let port = a.tunnel.stats().unwrap().listen_port;
    let b = start(cb(port), Hooks::default());
    (a, b)
}

#[test]
fn two_runtimes_exchange_packets_both_ways() {
    let (a, b) = pair();
    assert_eq!(b.tunnel.state(), TunnelState::Connecting);
    let out = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"ping from b");
    b.tunnel.send_packets(vec![out.clone()]).unwrap();
    assert!(
        wait_until(LIMIT, || a.sink.contains(&out)),
        "A got B's packet"
    );
    let back: Vec<Vec<u8>> = (0..100u8)
        .map(|i| ipv4([10, 0, 0, 1], [10, 0, 0, 2], &[i; 500]))
        .collect();
    a.tunnel.send_packets(back.clone()).unwrap();
    assert!(
        wait_until(LIMIT, || b.sink.count() >= 100),
        "B got {}",
        b.sink.count()
    );
    assert_eq!(*b.sink.packets.lock().unwrap(), back, "in order, intact");
    assert!(wait_until(LIMIT, || a.tunnel.state() == TunnelState::Connected));
    assert_eq!(b.tunnel.state(), TunnelState::Connected);
    assert!(b
        .events
        .any(|e| matches!(e, TunnelEvent::HandshakeCompleted { .. })));
    assert!(b
        .events
        .any(|e| *e == TunnelEvent::StateChanged(TunnelState::Connected)));
    let sa = a.tunnel.stats().unwrap();
    let sb = b.tunnel.stats().unwrap();
    assert_eq!(sa.peers.len(), 1);
    let (pa, pb) = (&sa.peers[0], &sb.peers[0]);
    assert_eq!(pa.handshakes, 1);
    assert!(pa.last_handshake.is_some());
    assert!(
        pa.tx_packets >= 100 && pb.rx_packets >= 100,
        "{pa:?} {pb:?}"
    );
    assert_eq!(
        pa.endpoint.map(|e| e.port()),
        Some(sb.listen_port),
        "A learned B's endpoint by roaming"
    );
    assert!(
        b.sink.batches.load(Ordering::SeqCst) <= 100,
        "delivered in batches"
    );
}

#[test]
fn protect_is_called_for_every_socket_and_network_change_rebinds() {
    let (a, b) = pair();
    let initial = a.protector.calls.load(Ordering::SeqCst);
    assert!(initial >= 1, "protect called before use");
    let out = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"before");
    b.tunnel.send_packets(vec![out.clone()]).unwrap();
    assert!(wait_until(LIMIT, || a.sink.contains(&out)));
    let port_before = b.tunnel.stats().unwrap().listen_port;
    b.tunnel.network_changed().unwrap();
    assert!(
        wait_until(LIMIT, || b.protector.calls.load(Ordering::SeqCst)
            >= 2 * initial),
        "the rebound sockets were protected too"
    );
    assert_eq!(b.protector.bad_fds.load(Ordering::SeqCst), 0);
    assert!(wait_until(LIMIT, || b.tunnel.state() == TunnelState::Connected));
    assert_eq!(
        b.tunnel.stats().unwrap().listen_port,
        port_before,
        "same port after rebinding"
    );
    let after = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"after the network change");
    b.tunnel.send_packets(vec![after.clone()]).unwrap();
    assert!(wait_until(LIMIT, || a.sink.contains(&after)));
    assert!(
        wait_until(LIMIT, || b.tunnel.stats().unwrap().peers[0].handshakes >= 2),
        "re-handshake"
    );
    assert!(b
        .events
        .any(|e| *e == TunnelEvent::StateChanged(TunnelState::Reasserting)));
}

#[test]
fn refusing_protect_fails_start() {
    struct No;
    impl culvert_core::runtime::SocketProtector for No {
        fn protect(&self, _fd: i32) -> Result<(), String> {
            Err("VpnService.protect returned false".into())
        }
    }
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, _) = configs(&ka, &kb);
    let hooks = Hooks {
        protector: Some(Arc::new(No)),
        ..Hooks::default()
    };
    let err = Tunnel::start(
        ca,
        PacketIo::Callbacks {
            sink: Arc::new(Collect::default()),
        },
        hooks,
    )
    .unwrap_err();
    assert!(
        matches!(err, RuntimeError::Protect(ref m) if m.contains("protect")),
        "{err}"
    );
}

#[test]
fn sleep_and_wake() {
    let (a, b) = pair();
    let out = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"1");
    b.tunnel.send_packets(vec![out.clone()]).unwrap();
    assert!(wait_until(LIMIT, || a.sink.contains(&out)));
    b.tunnel.sleep().unwrap();
    assert!(wait_until(LIMIT, || b.tunnel.state() == TunnelState::Sleeping));
    // Woken right away, the fresh session is kept (no racing handshake).
    b.tunnel.wake().unwrap();
    assert!(wait_until(LIMIT, || b.tunnel.state() == TunnelState::Connected));
    assert_eq!(b.tunnel.stats().unwrap().peers[0].handshakes, 1);
    // Asleep for longer than REKEY_TIMEOUT (5 s): wake forces a fresh handshake.
    b.tunnel.sleep().unwrap();
    let asleep = std::time::Instant::now();
    assert!(wait_until(LIMIT, || asleep.elapsed() > Duration::from_millis(5_200)));
    b.tunnel.wake().unwrap();
    assert!(
        wait_until(LIMIT, || b.tunnel.stats().unwrap().peers[0].handshakes >= 2),
        "wake re-handshakes"
    );
    assert!(wait_until(LIMIT, || b.tunnel.state() == TunnelState::Connected));
}

#[test]
fn stop_then_every_call_is_stopped() {
    let (a, _b) = pair();
    a.tunnel.stop().unwrap();
    assert_eq!(a.tunnel.state(), TunnelState::Stopped);
    assert_eq!(a.tunnel.stop(), Err(RuntimeError::Stopped));
    assert_eq!(a.tunnel.stats().unwrap_err(), RuntimeError::Stopped);
    assert_eq!(
        a.tunnel.send_packets(vec![vec![0x45]]),
        Err(RuntimeError::Stopped)
    );
    assert_eq!(a.tunnel.sleep(), Err(RuntimeError::Stopped));
    assert_eq!(a.tunnel.wake(), Err(RuntimeError::Stopped));
    assert_eq!(a.tunnel.network_changed(), Err(RuntimeError::Stopped));
    assert!(a
        .events
        .any(|e| *e == TunnelEvent::StateChanged(TunnelState::Stopped)));
}

#[test]
fn hostname_endpoint_resolves_later() {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb);
    let a = start(ca, Hooks::default());
    let port = a.tunnel.stats().unwrap().listen_port;
    let mut config_b = cb(port);
    config_b.peers[0].endpoint.as_mut().unwrap().host = EndpointHost::Name("peer-a.test".into());
    let resolver = Arc::new(FakeResolver {
        answers: vec![("peer-a.test".into(), vec!["127.0.0.1".parse().unwrap()])],
        fail_first: 1,
        calls: Default::default(),
    });
    let b = start(
        config_b,
        Hooks {
            resolver: Some(resolver.clone()),
            ..Hooks::default()
        },
    );
    // Start succeeded while the name does not resolve; packets wait.
    let out = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"waited for DNS");
    b.tunnel.send_packets(vec![out.clone()]).unwrap();
    assert!(
        wait_until(LIMIT, || a.sink.contains(&out)),
        "delivered after the retry resolved"
    );
    assert!(resolver.calls.lock().unwrap().len() >= 2, "retried");
    assert!(b
        .events
        .any(|e| matches!(e, TunnelEvent::EndpointResolved { .. })));
}

#[test]
fn nat64_from_a_given_prefix() {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (_, cb) = configs(&ka, &kb);
    let mut config = cb(51820);
    config.peers[0].endpoint.as_mut().unwrap().host = ip("198.51.100.2");
    let b = start(
        config,
        Hooks {
            nat64_prefix: Some("64:ff9b::/96".parse().unwrap()),
            ..Hooks::default()
        },
    );
    let expected = "[64:ff9b::c633:6402]:51820".parse().unwrap();
    assert!(wait_until(LIMIT, || b.tunnel.stats().unwrap().peers[0]
        .endpoint
        == Some(expected)));
}

#[test]
fn nat64_prefix_discovered_through_the_resolver() {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (_, cb) = configs(&ka, &kb);
    let mut config = cb(51820);
    config.peers[0].endpoint.as_mut().unwrap().host = EndpointHost::Name("v4-only.test".into());
    let resolver = Arc::new(FakeResolver {
        answers: vec![
            (
                "ipv4only.arpa".into(),
                vec!["2001:db8:64::c000:aa".parse().unwrap()],
            ),
            ("v4-only.test".into(), vec!["198.51.100.2".parse().unwrap()]),
        ],
        fail_first: 0,
        calls: Default::default(),
    });
    let b = start(
        config,
        Hooks {
            resolver: Some(resolver.clone()),
            assume_ipv6_only: true,
            ..Hooks::default()
        },
    );
    let expected = "[2001:db8:64::c633:6402]:51820".parse().unwrap();
    assert!(
        wait_until(LIMIT, || b.tunnel.stats().unwrap().peers[0].endpoint
            == Some(expected)),
        "{:?}",
        b.tunnel.stats().unwrap().peers[0].endpoint
    );
    assert!(resolver
        .calls
        .lock()
        .unwrap()
        .iter()
        .any(|h| h == "ipv4only.arpa"));
}

#[test]
fn update_keeps_the_session() {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb);
    let a = start(ca, Hooks::default());
    let port = a.tunnel.stats().unwrap().listen_port;
    let config_b = cb(port);
    let b = start(config_b.clone(), Hooks::default());
    let out = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"1");
    b.tunnel.send_packets(vec![out.clone()]).unwrap();
    assert!(wait_until(LIMIT, || a.sink.contains(&out)));
    let mut updated = config_b.clone();
    updated.peers[0]
        .allowed_ips
        .push("10.9.0.0/16".parse().unwrap());
    updated
        .peers
        .push(peer(&PrivateKey::generate(), &["10.8.0.0/16"], None));
    b.tunnel.update(updated).unwrap();
    let out2 = ipv4([10, 0, 0, 2], [10, 9, 0, 1], b"2");
    b.tunnel.send_packets(vec![out2.clone()]).unwrap();
    assert!(wait_until(LIMIT, || a.sink.contains(&out2)));
    let stats = b.tunnel.stats().unwrap();
    assert_eq!(stats.peers.len(), 2);
    let pa = stats
        .peers
        .iter()
        .find(|p| p.public_key == ka.public_key())
        .unwrap();
    assert_eq!(pa.handshakes, 1, "session kept");
    let mut dup = config_b.clone();
    dup.peers.push(dup.peers[0].clone());
    assert!(matches!(
        b.tunnel.update(dup),
        Err(RuntimeError::InvalidConfig(_))
    ));
}

#[test]
fn bulk_transfer_through_batched_sockets_arrives_intact_and_in_order() {
    let (a, b) = pair();
    let first = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"hello");
    b.tunnel.send_packets(vec![first.clone()]).unwrap();
    assert!(wait_until(LIMIT, || a.sink.contains(&first)));
    let bulk: Vec<Vec<u8>> = (0..1000u32)
        .map(|i| {
            let mut payload = i.to_be_bytes().to_vec();
            payload.resize(1372, (i % 251) as u8);
            ipv4([10, 0, 0, 1], [10, 0, 0, 2], &payload)
        })
        .collect();
    for chunk in bulk.chunks(250) {
        let want = b.sink.count() + chunk.len();
        a.tunnel.send_packets(chunk.to_vec()).unwrap();
        assert!(
            wait_until(LIMIT, || b.sink.count() >= want),
            "got {} of {want}",
            b.sink.count()
        );
    }
    assert_eq!(*b.sink.packets.lock().unwrap(), bulk);
    let s = a.tunnel.stats().unwrap();
    assert_eq!(s.dropped.queue_full, 0);
}

/// Answers each lookup of a name with the next address in its list (the last one repeats).
struct ChangingResolver {
    answers: std::sync::Mutex<Vec<std::net::IpAddr>>,
    calls: std::sync::atomic::AtomicUsize,
}

impl culvert_core::runtime::Resolver for ChangingResolver {
    fn resolve(&self, _host: &str) -> Result<Vec<std::net::IpAddr>, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut a = self.answers.lock().unwrap();
        let ip = if a.len() > 1 { a.remove(0) } else { a[0] };
        Ok(vec![ip])
    }
}

#[test]
fn failing_handshakes_re_resolve_the_endpoint() {
    // B's peer A is a host name. Nobody listens on A's port at first, so B's
    // initiations go unanswered; after 3 attempts (10 s) B resolves the name again
    // (dynamic DNS). Only then does A come up, and B connects without a restart.
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (mut ca, cb) = configs(&ka, &kb);
    let port = std::net::UdpSocket::bind("0.0.0.0:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    ca.interface.listen_port = Some(port);
    let mut config_b = cb(port);
    config_b.peers[0].endpoint.as_mut().unwrap().host = EndpointHost::Name("dyn.test".into());
    let resolver = Arc::new(ChangingResolver {
        answers: std::sync::Mutex::new(vec![
            "127.0.0.1".parse().unwrap(),
            "127.0.0.3".parse().unwrap(),
        ]),
        calls: Default::default(),
    });
    let b = start(
        config_b,
        Hooks {
            resolver: Some(resolver.clone()),
            ..Hooks::default()
        },
    );
    let out = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"after re-resolving");
    b.tunnel.send_packets(vec![out.clone()]).unwrap();
    assert!(
        wait_until(Duration::from_secs(20), || resolver
            .calls
            .load(Ordering::SeqCst)
            >= 2),
        "resolved again after failing handshakes"
    );
    assert!(b
        .events
        .any(|e| matches!(e, TunnelEvent::HandshakeFailing { attempts, .. } if *attempts >= 3)));
    let a = start(ca, Hooks::default());
    assert!(
        wait_until(Duration::from_secs(15), || a.sink.contains(&out)),
        "delivered once A is up"
    );
}

#[test]
fn send_packets_reports_what_overflowed_its_queue() {
    use culvert_core::runtime::INBOUND_QUEUE_CAP;
    let (a, _b) = pair();
    // Packets for no route: the loop drops them (counted as no_route) once it runs.
    let packet = |i: usize| {
        let mut p = vec![0u8; 28];
        p[0] = 0x45;
        p[3] = 28;
        p[12..16].copy_from_slice(&[10, 0, 0, 1]);
        p[16..20].copy_from_slice(&[203, 0, 113, (i % 250) as u8]);
        p
    };
    let excess = 10;
    let batch: Vec<Vec<u8>> = (0..INBOUND_QUEUE_CAP + excess).map(packet).collect();
    // One call holds the queue's lock: a fresh tunnel's empty queue takes exactly the cap.
    assert_eq!(
        a.tunnel.send_packets(batch),
        Err(RuntimeError::QueueFull {
            accepted: INBOUND_QUEUE_CAP
        })
    );
    // The loop drains the accepted ones (no route), the overflow is counted apart,
    // and a small batch is accepted again.
    let drained = |a: &Side| {
        let d = a.tunnel.stats().unwrap().dropped;
        d.no_route >= INBOUND_QUEUE_CAP as u64
    };
    assert!(wait_until(LIMIT, || drained(&a)), "the queue never drained");
    let dropped = a.tunnel.stats().unwrap().dropped;
    assert_eq!(dropped.queue_full, excess as u64, "{dropped:?}");
    assert_eq!(dropped.no_route, INBOUND_QUEUE_CAP as u64, "{dropped:?}");
    assert_eq!(a.tunnel.send_packets(vec![packet(1)]), Ok(()));
    assert_eq!(a.tunnel.send_packets(Vec::new()), Ok(()));
}

#[test]
fn ipv4_literal_reaches_a_platform_resolver_whose_answer_wins() {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (_, cb) = configs(&ka, &kb);
    let mut config = cb(51820);
    config.peers[0].endpoint.as_mut().unwrap().host = ip("198.51.100.2");
    // What iOS getaddrinfo(AI_DEFAULT) answers for an IPv4 literal behind NAT64.
    let resolver = Arc::new(FakeResolver {
        answers: vec![(
            "198.51.100.2".into(),
            vec!["2001:db8:64::c633:6402".parse().unwrap()],
        )],
        fail_first: 0,
        calls: Default::default(),
    });
    let b = start(
        config,
        Hooks {
            resolver: Some(resolver.clone()),
            ..Hooks::default()
        },
    );
    let expected = "[2001:db8:64::c633:6402]:51820".parse().unwrap();
    assert!(
        wait_until(LIMIT, || b.tunnel.stats().unwrap().peers[0].endpoint
            == Some(expected)),
        "{:?}",
        b.tunnel.stats().unwrap().peers[0].endpoint
    );
    assert!(resolver
        .calls
        .lock()
        .unwrap()
        .iter()
        .any(|h| h == "198.51.100.2"));
}
