//! Two or more Culvert tunnels in memory, time driven by hand (`pair_support`).

use culvert_core::proto::timers::{
    KEY_WIPE_TIME, REKEY_AFTER_TIME, REKEY_ATTEMPT_TIME, REKEY_TIMEOUT, REKEY_TIMEOUT_JITTER_MAX,
};
use culvert_core::proto::{Event, PeerConfig, Tunnel};
mod pair_support;
use pair_support::*;
use std::time::Duration;

const A: usize = 0;
const B: usize = 1;

fn ping_a_to_b(n: &mut Net, payload: &[u8]) -> Vec<u8> {
    let p = ipv4([10, 0, 0, 1], [10, 0, 0, 2], payload);
    n.send_ip(A, &p);
    p
}

fn handshake(n: &mut Net) {
    let p = ping_a_to_b(n, b"hello");
    n.settle(Duration::from_secs(1));
    assert_eq!(
        n.nodes[B].delivered.last(),
        Some(&p),
        "queued packet delivered after handshake"
    );
}

#[test]
fn handshake_and_data_both_ways() {
    let mut n = Net::pair();
    handshake(&mut n);
    let (ka, kb) = (n.nodes[A].public(), n.nodes[B].public());
    assert!(n.nodes[A]
        .events
        .contains(&Event::HandshakeCompleted { peer: kb }));
    assert!(n.nodes[B]
        .events
        .contains(&Event::HandshakeCompleted { peer: ka }));
    let back = ipv6("fd00::2", "fd00::1", b"reply over v6");
    n.send_ip(B, &back);
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[A].delivered, vec![back]);
    for i in 0..50u8 {
        ping_a_to_b(&mut n, &[i; 1000]);
    }
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.len(), 51);
    let sa = n.nodes[A].stats(&kb);
    let sb = n.nodes[B].stats(&ka);
    assert_eq!(sa.handshakes, 1);
    assert_eq!(sb.handshakes, 1);
    assert!(
        sa.tx_bytes > 50_000 && sb.rx_bytes >= sa.tx_bytes - 200,
        "{sa:?} {sb:?}"
    );
    assert_eq!(sa.tx_packets, sb.rx_packets);
    assert!(sa.last_handshake.is_some());
    assert_eq!(sb.dropped, Default::default());
}

#[test]
fn multi_peer_routing_and_inner_source_check() {
    let (kh, k1, k2) = (key(), key(), key());
    let (ah, a1, a2) = ("198.51.100.10:1", "198.51.100.11:1", "198.51.100.12:1");
    let mut n = Net::default();
    let hub = n.add(
        kh.clone(),
        ah,
        vec![
            peer_of(
                &k1,
                Some(a1.parse().unwrap()),
                &["10.1.0.0/16", "fd01::/64"],
            ),
            peer_of(
                &k2,
                Some(a2.parse().unwrap()),
                &["10.1.2.0/24", "0.0.0.0/0"],
            ),
        ],
    );
    let s1 = n.add(
        k1,
        a1,
        vec![peer_of(
            &kh,
            Some(ah.parse().unwrap()),
            &["0.0.0.0/0", "::/0"],
        )],
    );
    let s2 = n.add(
        k2,
        a2,
        vec![peer_of(&kh, Some(ah.parse().unwrap()), &["0.0.0.0/0"])],
    );
    // Longest prefix: 10.1.2.x goes to peer 2 (/24 beats /16), 10.1.3.x to peer 1, 8.8.8.8 to peer 2.
    let to2 = ipv4([10, 9, 9, 9], [10, 1, 2, 5], b"to two");
    let to1 = ipv4([10, 9, 9, 9], [10, 1, 3, 5], b"to one");
    let to1v6 = ipv6("fd09::9", "fd01::5", b"to one v6");
    let default = ipv4([10, 9, 9, 9], [8, 8, 8, 8], b"default");
    n.send_ip(hub, &to2);
    n.send_ip(hub, &to1);
    n.send_ip(hub, &to1v6);
    n.send_ip(hub, &default);
    n.send_ip(hub, &ipv6("fd09::9", "fd99::1", b"no route"));
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[s1].delivered, vec![to1, to1v6]);
    assert_eq!(n.nodes[s2].delivered, vec![to2, default]);
    assert_eq!(n.nodes[hub].tunnel.dropped().no_route, 1);
    // Inner-source check: spoke 1 claims a source inside spoke 2's range.
    let spoofed = ipv4([10, 1, 2, 7], [10, 9, 9, 9], b"spoofed");
    let honest = ipv4([10, 1, 3, 7], [10, 9, 9, 9], b"honest");
    n.send_ip(s1, &spoofed);
    n.send_ip(s1, &honest);
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[hub].delivered, vec![honest]);
    let st = n.nodes[hub].stats(&n.nodes[s1].public());
    assert_eq!(st.dropped.inner_source, 1);
}

#[test]
fn rekey_after_rekey_after_time_keeps_data_flowing() {
    let mut n = Net::pair();
    handshake(&mut n);
    let kb = n.nodes[B].public();
    for i in 0..30u8 {
        n.run_for(Duration::from_secs(5));
        ping_a_to_b(&mut n, &[i; 100]);
        let back = ipv4([10, 0, 0, 2], [10, 0, 0, 1], &[i; 10]);
        n.send_ip(B, &back);
    }
    n.settle(Duration::from_secs(1));
    assert!(REKEY_AFTER_TIME < Duration::from_secs(150));
    let s = n.nodes[A].stats(&kb);
    assert!(s.handshakes >= 2, "a rekey happened after 150 s: {s:?}");
    assert_eq!(
        n.nodes[B].delivered.len(),
        31,
        "no packet lost across the rekey"
    );
    assert_eq!(n.nodes[A].delivered.len(), 30);
}

#[test]
fn passive_keepalive_after_receiving_and_persistent_keepalive() {
    let mut n = Net::pair();
    handshake(&mut n);
    let sent_before = n.nodes[B].sent;
    // B received data and sends nothing back: after KEEPALIVE (10 s) it sends one keepalive.
    n.run_for(Duration::from_secs(12));
    assert_eq!(n.nodes[B].sent, sent_before + 1, "one passive keepalive");
    n.run_for(Duration::from_secs(60));
    assert_eq!(n.nodes[B].sent, sent_before + 1, "and no more");

    // Persistent keepalive every 25 s.
    let mut n = Net::pair();
    let kb_key = n.nodes[B].key.clone();
    let baddr = n.nodes[B].addr;
    let mut cfg = peer_of(&kb_key, Some(baddr), &["10.0.0.2/32"]);
    cfg.persistent_keepalive = Some(25);
    n.nodes[A].tunnel.set_peers(vec![cfg], now()).unwrap();
    handshake(&mut n);
    let before = n.nodes[A].sent;
    n.run_for(Duration::from_secs(200));
    let sent = n.nodes[A].sent - before;
    // 25 s after the last packet either way (B's passive keepalive at 10 s counts).
    assert!(
        (7..=8).contains(&sent),
        "about 8 keepalives in 200 s, got {sent}"
    );
}

#[test]
fn loss_and_reordering() {
    let mut n = Net::pair();
    let mut counter = 0u32;
    // Drop every third datagram, in both directions, handshakes included.
    n.drop = Box::new(move |_| {
        counter += 1;
        counter.is_multiple_of(3)
    });
    n.reorder = true;
    let p = ping_a_to_b(&mut n, b"first");
    n.run_for(Duration::from_secs(30));
    assert!(
        n.nodes[B].delivered.contains(&p) || n.nodes[A].stats(&n.nodes[B].public()).handshakes >= 1
    );
    for i in 0..60u8 {
        ping_a_to_b(&mut n, &[i; 64]);
    }
    n.settle(Duration::from_secs(1));
    let got = n.nodes[B].delivered.len();
    assert!(
        (35..=61).contains(&got),
        "about two thirds arrive despite reordering: {got}"
    );
    assert!(n.dropped > 10);
    let s = n.nodes[B].stats(&n.nodes[A].public());
    assert_eq!(
        s.dropped.replay, 0,
        "reordering within the window is not a replay"
    );
}

#[test]
fn peer_restart_makes_a_new_session() {
    let mut n = Net::pair();
    handshake(&mut n);
    let ka = n.nodes[A].public();
    let kb = n.nodes[B].public();
    // B restarts with the same key and config: its sessions are gone.
    let peers = vec![peer_of(
        &n.nodes[A].key.clone(),
        Some(n.nodes[A].addr),
        &["10.0.0.1/32"],
    )];
    let mut fresh = Tunnel::new(&n.nodes[B].key);
    fresh.set_peers(peers, now()).unwrap();
    n.nodes[B].tunnel = fresh;
    n.nodes[B].delivered.clear();
    // A keeps sending; B cannot decrypt; after 15 s without an answer A re-handshakes.
    for i in 0..10u8 {
        ping_a_to_b(&mut n, &[i; 10]);
        n.run_for(Duration::from_secs(3));
    }
    n.settle(Duration::from_secs(1));
    assert!(n.nodes[A].stats(&kb).handshakes >= 2);
    assert_eq!(n.nodes[B].stats(&ka).handshakes, 1);
    assert!(!n.nodes[B].delivered.is_empty(), "traffic resumed");
    // Old-session packets: the restarted tunnel has a new random index mask, so
    // they usually name no peer at all (unknown_peer), else no session.
    assert!(
        n.nodes[B].stats(&ka).dropped.no_session + n.nodes[B].tunnel.dropped().unknown_peer > 0,
        "old-session packets counted"
    );
}

#[test]
fn roaming_follows_the_latest_authenticated_source() {
    let mut n = Net::pair();
    handshake(&mut n);
    let ka = n.nodes[A].public();
    n.move_node(A, "198.51.100.77:4000");
    ping_a_to_b(&mut n, b"from a new address");
    n.settle(Duration::from_secs(1));
    assert_eq!(
        n.nodes[B].tunnel.endpoint(&ka),
        Some("198.51.100.77:4000".parse().unwrap())
    );
    assert!(n.nodes[B]
        .events
        .iter()
        .any(|e| matches!(e, Event::EndpointChanged { .. })));
    // B's reply reaches A at its new address.
    let back = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"found you");
    n.send_ip(B, &back);
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[A].delivered, vec![back]);
    // An unauthenticated datagram from elsewhere does not move the endpoint.
    n.inject(
        B,
        "198.51.100.99:9".parse().unwrap(),
        &[
            4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
            9, 9, 9,
        ],
    );
    assert_eq!(
        n.nodes[B].tunnel.endpoint(&ka),
        Some("198.51.100.77:4000".parse().unwrap())
    );
}

#[test]
fn update_keeps_sessions_of_unchanged_peers() {
    let mut n = Net::pair();
    handshake(&mut n);
    let kb = n.nodes[B].public();
    let kc = key();
    let baddr = n.nodes[B].addr;
    let bkey = n.nodes[B].key.clone();
    let peers: Vec<PeerConfig> = vec![
        peer_of(&bkey, Some(baddr), &["10.0.0.2/32", "10.0.5.0/24"]),
        peer_of(&kc, None, &["10.0.9.0/24"]),
    ];
    n.nodes[A].tunnel.set_peers(peers, now()).unwrap();
    let p = ipv4([10, 0, 0, 1], [10, 0, 5, 5], b"new route, old session");
    let sent = n.nodes[A].sent;
    n.send_ip(A, &p);
    assert_eq!(
        n.nodes[A].sent,
        sent + 1,
        "sent straight away, no new handshake"
    );
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[A].stats(&kb).handshakes, 1);
    // B only accepts 10.0.0.1 from A; the destination side does not matter.
    assert_eq!(n.nodes[B].delivered.last(), Some(&p));
    // A preshared-key change is a new peer: a new session.
    let mut with_psk = peer_of(&bkey, Some(baddr), &["10.0.0.2/32"]);
    with_psk.preshared_key = Some(culvert_core::config::PresharedKey::generate());
    n.nodes[A].tunnel.set_peers(vec![with_psk], now()).unwrap();
    assert_eq!(n.nodes[A].stats(&kb).handshakes, 0);
    assert!(n.nodes[A]
        .tunnel
        .set_peers(
            vec![peer_of(&kc, None, &[]), peer_of(&kc, None, &[])],
            now()
        )
        .is_err());
}

#[test]
fn sleep_silences_timers_and_wake_rehandshakes() {
    let mut n = Net::pair();
    handshake(&mut n);
    let kb = n.nodes[B].public();
    n.run_for(Duration::from_secs(15)); // B's passive keepalive
    n.nodes[A].tunnel.sleep();
    assert_eq!(n.nodes[A].tunnel.poll_timeout(), None);
    // 200 s asleep: past REJECT_AFTER_TIME, the session is unusable.
    let wakeups = n.nodes[A].wakeups;
    n.run_for(Duration::from_secs(200));
    assert_eq!(n.nodes[A].wakeups, wakeups, "no timer while asleep");
    n.nodes[A].tunnel.wake(now());
    n.collect(A);
    n.settle(Duration::from_secs(1));
    assert_eq!(
        n.nodes[A].stats(&kb).handshakes,
        2,
        "wake forced a fresh handshake"
    );
    let p = ping_a_to_b(&mut n, b"after wake");
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.last(), Some(&p));
}

#[test]
fn idle_tunnel_goes_quiet() {
    let mut n = Net::pair();
    handshake(&mut n);
    let back = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"pong");
    n.send_ip(B, &back);
    n.settle(Duration::from_secs(1));
    let (wa, wb) = (n.nodes[A].wakeups, n.nodes[B].wakeups);
    n.run_for(KEY_WIPE_TIME + Duration::from_secs(60));
    // At most a passive keepalive each, then exactly one wake-up to wipe keys.
    assert!(
        n.nodes[A].wakeups - wa <= 2,
        "A woke {} times",
        n.nodes[A].wakeups - wa
    );
    assert!(
        n.nodes[B].wakeups - wb <= 2,
        "B woke {} times",
        n.nodes[B].wakeups - wb
    );
    assert_eq!(n.nodes[A].tunnel.poll_timeout(), None);
    assert_eq!(n.nodes[B].tunnel.poll_timeout(), None);
    let kb = n.nodes[B].public();
    assert!(n.nodes[A].events.contains(&Event::PeerIdle { peer: kb }));
    // An hour later: still nothing.
    let w = n.nodes[A].wakeups;
    n.run_for(Duration::from_secs(3600));
    assert_eq!(n.nodes[A].wakeups, w);
    // And traffic still works afterwards (new handshake).
    let p = ping_a_to_b(&mut n, b"morning");
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.last(), Some(&p));
}

#[test]
fn unanswered_handshake_retries_then_gives_up() {
    let mut n = Net::pair();
    n.drop = Box::new(|_| true);
    ping_a_to_b(&mut n, b"into the void");
    let kb = n.nodes[B].public();
    // The handshake queue has fixed caps: 32 packets per peer, 2 KiB per packet.
    for i in 0..40u8 {
        ping_a_to_b(&mut n, &[i; 100]);
    }
    ping_a_to_b(&mut n, &[7; 3000]);
    let s = n.nodes[A].stats(&kb);
    assert_eq!(s.queued, culvert_core::proto::PEER_QUEUE_CAP);
    assert_eq!(s.dropped.queue_full, 41 + 1 - 32);
    n.run_for(REKEY_ATTEMPT_TIME + Duration::from_secs(10));
    let attempts: Vec<u32> = n.nodes[A]
        .events
        .iter()
        .filter_map(|e| match e {
            Event::HandshakeFailing { attempts, .. } => Some(*attempts),
            _ => None,
        })
        .collect();
    assert!(attempts.len() >= 15, "{attempts:?}");
    assert_eq!(attempts[0], 2);
    assert!(
        n.nodes[A].sent >= 17 && n.nodes[A].sent <= 20,
        "sent {}",
        n.nodes[A].sent
    );
    assert_eq!(n.nodes[A].tunnel.poll_timeout(), None, "gave up: quiet");
    assert_eq!(n.nodes[A].stats(&kb).queued, 0, "queue cleared");
}

#[test]
fn malformed_input_is_counted_never_panics() {
    let mut n = Net::pair();
    handshake(&mut n);
    let from = n.nodes[A].addr;
    let mut seed = 0x1234_5678u32;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for len in 0..400usize {
        let mut d: Vec<u8> = (0..len).map(|_| rnd() as u8).collect();
        if len >= 4 {
            d[0] = (len % 5) as u8;
            d[1..4].fill(0);
        }
        n.inject(B, from, &d);
        n.nodes[B].tunnel.handle_tun_packet(&d, now());
        n.collect(B);
    }
    let total = n.nodes[B].tunnel.dropped();
    let peer = n.nodes[B].stats(&n.nodes[A].public()).dropped;
    assert!(
        total.malformed + peer.malformed + total.unknown_peer + peer.no_session > 100,
        "{total:?} {peer:?}"
    );
    assert!(n.nodes[B].delivered.len() == 1, "nothing garbage delivered");
    // The session still works.
    let p = ping_a_to_b(&mut n, b"still fine");
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.last(), Some(&p));
}

#[test]
fn handshake_flood_triggers_cookie_replies() {
    let mut n = Net::pair();
    let kb = n.nodes[B].key.clone();
    let target = n.nodes[B].addr;
    let mut flood = Vec::new();
    for i in 0..150u32 {
        let k = key();
        let mut t = Tunnel::new(&k);
        t.set_peers(vec![peer_of(&kb, Some(target), &["10.0.0.2/32"])], now())
            .unwrap();
        t.handle_tun_packet(&ipv4([10, 0, 0, 9], [10, 0, 0, 2], b"x"), now());
        let tx = t.poll_transmit().expect("an initiation");
        let from = format!("198.51.100.{}:{}", 100 + i % 100, 1000 + i);
        flood.push((from.parse().unwrap(), tx.payload.to_vec()));
    }
    for (from, d) in &flood {
        n.inject(B, *from, d);
    }
    let dropped = n.nodes[B].tunnel.dropped();
    assert!(dropped.rate_limited >= 40, "{dropped:?}");
    // Unknown initiators are counted, not answered.
    assert!(dropped.unknown_peer > 0);
    // A second later the limiter resets lazily and a real peer gets through.
    advance(Duration::from_secs(2));
    handshake(&mut n);
}

fn initiations_to(
    kb: &culvert_core::config::PrivateKey,
    target: std::net::SocketAddr,
    n: usize,
) -> Vec<Vec<u8>> {
    (0..n)
        .map(|_| {
            let mut t = Tunnel::new(&key());
            t.set_peers(vec![peer_of(kb, Some(target), &["10.0.0.2/32"])], now())
                .unwrap();
            t.handle_tun_packet(&ipv4([10, 0, 0, 9], [10, 0, 0, 2], b"x"), now());
            t.poll_transmit().expect("an initiation").payload.to_vec()
        })
        .collect()
}

#[test]
fn one_flooding_source_does_not_starve_other_peers() {
    let mut n = Net::pair();
    let kb = n.nodes[B].key.clone();
    let target = n.nodes[B].addr;
    let attacker: std::net::SocketAddr = "198.51.100.66:6666".parse().unwrap();
    for d in initiations_to(&kb, target, 60) {
        n.inject(B, attacker, &d);
    }
    let dropped = n.nodes[B].tunnel.dropped();
    assert!(dropped.rate_limited >= 55, "per-source limit: {dropped:?}");
    let sent_before = n.nodes[B].sent;
    assert_eq!(sent_before, 0, "no cookie or response went to the flooder");
    // The real peer, from its own address, handshakes at once (no cookie round trip).
    handshake(&mut n);
    assert_eq!(n.nodes[A].stats(&n.nodes[B].public()).handshakes, 1);
}

#[test]
fn persistent_keepalive_peer_connects_at_once() {
    let mut n = Net::pair();
    let bkey = n.nodes[B].key.clone();
    let baddr = n.nodes[B].addr;
    let mut cfg = peer_of(&bkey, Some(baddr), &["10.0.0.2/32"]);
    cfg.persistent_keepalive = Some(25);
    let mut fresh = Tunnel::new(&n.nodes[A].key);
    fresh.set_peers(vec![cfg], now()).unwrap();
    n.nodes[A].tunnel = fresh;
    n.collect(A);
    n.settle(Duration::from_secs(1));
    assert_eq!(
        n.nodes[A].stats(&n.nodes[B].public()).handshakes,
        1,
        "handshake without traffic"
    );
}

#[test]
fn a_thousand_peers_route_by_longest_prefix() {
    let hub_key = key();
    let hub_addr: std::net::SocketAddr = "198.51.100.200:51820".parse().unwrap();
    let mut n = Net::default();
    let keys: Vec<_> = (0..1000).map(|_| key()).collect();
    let peers: Vec<PeerConfig> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let nets: Vec<String> = (0..10)
                .map(|j| format!("10.{}.{}.{}/28", i / 250, i % 250, j * 16))
                .collect();
            let refs: Vec<&str> = nets.iter().map(|s| s.as_str()).collect();
            let addr = format!("[fd00::{:x}]:51820", i + 1);
            peer_of(k, Some(addr.parse().unwrap()), &refs)
        })
        .collect();
    let hub = n.add(hub_key.clone(), &hub_addr.to_string(), peers);
    // Three spokes are real nodes.
    let mut spokes = Vec::new();
    for i in [0usize, 499, 999] {
        let addr = format!("[fd00::{:x}]:51820", i + 1);
        let s = n.add(
            keys[i].clone(),
            &addr,
            vec![peer_of(&hub_key, Some(hub_addr), &["0.0.0.0/0"])],
        );
        spokes.push((i, s));
    }
    for &(i, s) in &spokes {
        let dst = [10, (i / 250) as u8, (i % 250) as u8, 16 * 9 + 3];
        let p = ipv4([10, 255, 0, 1], dst, format!("for {i}").as_bytes());
        n.send_ip(hub, &p);
        n.settle(Duration::from_secs(1));
        assert_eq!(n.nodes[s].delivered, vec![p], "spoke {i}");
    }
}

#[test]
fn wake_does_not_race_a_handshake_that_just_completed() {
    // A is frozen past key expiry; on resume B's initiation is waiting for it and
    // completes first. wake() then must not force a second handshake at once.
    let mut n = Net::pair();
    handshake(&mut n);
    n.run_for(Duration::from_secs(15));
    n.nodes[A].tunnel.sleep();
    n.run_for(Duration::from_secs(200));
    let kb = n.nodes[B].public();
    let before = n.nodes[A].stats(&kb).handshakes;
    // B has traffic for A: it initiates; A answers while still "asleep".
    let to_a = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"wake up");
    n.send_ip(B, &to_a);
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[A].stats(&kb).handshakes, before + 1);
    let sent = n.nodes[A].sent;
    n.nodes[A].tunnel.wake(now());
    n.collect(A);
    assert_eq!(
        n.nodes[A].sent, sent,
        "no initiation racing the fresh session"
    );
    // And A's reply flows on the fresh session.
    let back = ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"awake");
    n.send_ip(A, &back);
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.last(), Some(&back));
    assert_eq!(n.nodes[A].delivered.last(), Some(&to_a));
}

#[test]
fn a_burst_of_peer_initiations_does_not_starve_the_response_to_ours() {
    // Drill "frozen past key expiry": B's retried initiations queued up in A's
    // socket while A was stopped; A answers them all at once, then starts its own
    // handshake (network change, or wake). B's response comes from the source of
    // the burst: the per-source limit on initiations must not drop it (it did:
    // A then waited REKEY_TIMEOUT, 5 s, to retry).
    let mut n = Net::pair();
    handshake(&mut n);
    n.run_for(Duration::from_secs(15));
    let kb = n.nodes[B].public();
    let from_b = n.nodes[B].addr;
    let burst_len = culvert_core::proto::source_limit::SOURCE_BURST as usize;
    let mut burst = Vec::new();
    for _ in 0..burst_len {
        assert_eq!(n.nodes[B].tunnel.force_handshake(now()), 1);
        while let Some(tx) = n.nodes[B].tunnel.poll_transmit() {
            burst.push(tx.payload.to_vec());
        }
    }
    assert_eq!(burst.len(), burst_len);
    for d in &burst {
        n.inject(A, from_b, d);
    }
    let limited = n.nodes[A].tunnel.dropped().rate_limited;
    assert_eq!(limited, 0, "the burst itself is within the limit");
    let before = n.nodes[A].stats(&kb).handshakes;
    assert_eq!(n.nodes[A].tunnel.force_handshake(now()), 1);
    n.collect(A);
    n.settle(Duration::from_secs(1));
    assert_eq!(
        n.nodes[A].tunnel.dropped().rate_limited,
        0,
        "B's response to A's initiation was rate-limited"
    );
    assert_eq!(
        n.nodes[B].tunnel.dropped().rate_limited,
        0,
        "A's initiation after its burst of responses was rate-limited"
    );
    assert_eq!(
        n.nodes[A].stats(&kb).handshakes,
        before + 1,
        "A's own handshake completed in one round trip"
    );
    let p = ping_a_to_b(&mut n, b"after the burst");
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.last(), Some(&p));
}

#[test]
fn duplicates_and_packets_older_than_the_window_are_counted_apart() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let mut n = Net::pair();
    handshake(&mut n);
    let (ka, from_a) = (n.nodes[A].public(), n.nodes[A].addr);
    // Hold back A's next data packet; record the ones that pass.
    let held: Rc<RefCell<Vec<Vec<u8>>>> = Rc::default();
    let passed: Rc<RefCell<Vec<Vec<u8>>>> = Rc::default();
    let (h, p) = (held.clone(), passed.clone());
    n.drop = Box::new(move |d| {
        if d.from != from_a || d.payload[0] != 4 {
            return false;
        }
        if h.borrow().is_empty() {
            h.borrow_mut().push(d.payload.clone());
            return true;
        }
        p.borrow_mut().push(d.payload.clone());
        false
    });
    for i in 0..1101u32 {
        ping_a_to_b(&mut n, &i.to_be_bytes());
        if i % 100 == 99 {
            n.settle(Duration::from_secs(1));
        }
    }
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.len(), 1 + 1100, "all but the held one");
    assert_eq!(passed.borrow().len(), 1100);
    // The held packet is now 1,100 packets behind the newest: outside the window.
    let old = held.borrow()[0].clone();
    n.inject(B, from_a, &old);
    // A packet received before, delivered again: a duplicate.
    let dup = passed.borrow()[1095].clone();
    n.inject(B, from_a, &dup);
    let d = n.nodes[B].stats(&ka).dropped;
    assert_eq!((d.too_old, d.replay), (1, 1), "{d:?}");
    assert_eq!(n.nodes[B].delivered.len(), 1101, "neither was delivered");
}

#[test]
fn initiations_to_a_peer_are_spaced_even_when_the_first_was_answered_in_vain() {
    // Freeze drill, second failure mode: on resume A sends an initiation X, then
    // answers B's queued initiation (which replaces X inside boringtun, so B's
    // answer to X is wasted), then the app's packet wants a handshake. Sent at
    // once, that initiation follows X by a few ms and wireguard-go / Linux ignore
    // it (less than 20 ms after the one they accepted): 5 s lost. It must wait —
    // and since A just answered B, it waits for B's confirmation (issue 12 item 5),
    // which makes the session usable one round trip later.
    let mut n = Net::pair();
    handshake(&mut n);
    n.run_for(Duration::from_secs(15));
    n.nodes[A].tunnel.sleep();
    n.run_for(Duration::from_secs(200));
    let (from_a, from_b) = (n.nodes[A].addr, n.nodes[B].addr);
    let types = |t: &mut Tunnel| {
        std::iter::from_fn(|| t.poll_transmit().map(|tx| tx.payload[0])).collect::<Vec<u8>>()
    };
    assert_eq!(n.nodes[A].tunnel.wake(now()), 1);
    assert_eq!(types(&mut n.nodes[A].tunnel), vec![1], "A's initiation X");
    assert_eq!(n.nodes[B].tunnel.force_handshake(now()), 1);
    let y: Vec<u8> = n.nodes[B].tunnel.poll_transmit().unwrap().payload.to_vec();
    n.nodes[A].tunnel.handle_datagram(from_b, &y, now());
    let answered = now();
    let r: Vec<u8> = n.nodes[A].tunnel.poll_transmit().unwrap().payload.to_vec();
    assert_eq!(r[0], 2, "A answers B");
    advance(Duration::from_millis(5));
    let ping = ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"after the freeze");
    n.nodes[A].tunnel.handle_tun_packet(&ping, now());
    assert!(
        types(&mut n.nodes[A].tunnel).is_empty(),
        "no initiation 5 ms after X (nor while B's confirmation is on its way)"
    );
    let due = n.nodes[A]
        .tunnel
        .poll_timeout()
        .expect("a deferred initiation");
    assert_eq!(due, answered + REKEY_TIMEOUT, "only if B never confirms");
    let sent_before = n.nodes[A].sent;
    n.inject(B, from_a, &r);
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.last(), Some(&ping), "traffic resumed");
    assert_eq!(
        n.nodes[A].sent,
        sent_before + 1,
        "only the ping, no initiation"
    );
}

// ---- Issue 12 (engine hardening), items 1–7: each test fails without its fix.

/// Datagrams seen on the wire: (source, payload).
type WireLog = std::rc::Rc<std::cell::RefCell<Vec<(std::net::SocketAddr, Vec<u8>)>>>;

/// Watches datagrams on the wire without dropping any.
fn wire_log(n: &mut Net) -> WireLog {
    let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = log.clone();
    n.drop = Box::new(move |d| {
        sink.borrow_mut().push((d.from, d.payload.clone()));
        false
    });
    log
}

#[test]
fn junk_handshake_datagrams_from_a_peer_address_cost_nothing() {
    // Item 1: junk that starts like an initiation or a response, sent from B's own
    // address, used to empty that address's per-source bucket before MAC1 was
    // checked, so B's genuine initiation was dropped as `rate_limited`.
    let mut n = Net::pair();
    let from_b = n.nodes[B].addr;
    for ty in [1u8, 2] {
        for _ in 0..6 {
            n.inject(A, from_b, &[ty, 0, 0, 0]);
        }
    }
    assert_eq!(n.nodes[A].tunnel.dropped().malformed, 12);
    assert_eq!(n.nodes[A].tunnel.dropped().rate_limited, 0);
    let log = wire_log(&mut n);
    let p = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"from b");
    n.send_ip(B, &p);
    n.settle(Duration::from_secs(1));
    let from_a = n.nodes[A].addr;
    assert!(
        log.borrow().iter().any(|(f, d)| *f == from_a && d[0] == 2),
        "A transmitted a handshake response"
    );
    assert_eq!(n.nodes[A].delivered, vec![p]);

    // The same for a response: junk type-2 from B's address, then A initiates.
    let mut n = Net::pair();
    let from_b = n.nodes[B].addr;
    for _ in 0..6 {
        n.inject(A, from_b, &[2, 0, 0, 0]);
    }
    handshake(&mut n);
    assert_eq!(n.nodes[A].tunnel.dropped().rate_limited, 0);
}

#[test]
fn late_evaluations_never_silence_retransmits() {
    // Item 2: the loop's evaluations arrive late by varying amounts (a preempted
    // thread, a late batch). Retransmits keep coming every REKEY_TIMEOUT + jitter
    // until REKEY_ATTEMPT_TIME; the timer mirror this replaced lost them all (its
    // prediction did not come true and the deadline was never offered again).
    let mut n = Net::pair();
    n.drop = Box::new(|_| true);
    let lateness_ms = [30u64, 0, 170, 5, 300, 0, 90, 12, 250, 0, 60, 1];
    let start = now();
    let p = ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"x");
    advance(Duration::from_millis(lateness_ms[0]));
    n.nodes[A].tunnel.handle_tun_packet(&p, now());
    let mut sent_at = vec![now()];
    let mut i = 1;
    while now() < start + REKEY_ATTEMPT_TIME {
        while n.nodes[A].tunnel.poll_transmit().is_some() {}
        let due = n.nodes[A]
            .tunnel
            .poll_timeout()
            .expect("a deadline while the handshake is being tried");
        let late = Duration::from_millis(lateness_ms[i % lateness_ms.len()]);
        i += 1;
        advance(due.max(now()) - now() + late);
        n.nodes[A].tunnel.handle_timeout(now());
        let tunnel = &mut n.nodes[A].tunnel;
        while let Some(tx) = tunnel.poll_transmit() {
            if tx.payload[0] == 1 {
                sent_at.push(now());
            }
        }
    }
    let gaps: Vec<Duration> = sent_at.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.len() >= 14, "retransmits in 90 s: {gaps:?}");
    let most = REKEY_TIMEOUT + REKEY_TIMEOUT_JITTER_MAX + Duration::from_millis(300);
    for g in &gaps {
        assert!(*g >= REKEY_TIMEOUT && *g <= most, "gap {g:?} in {gaps:?}");
    }
    // And jitter: a deterministic 5 s retry would make every gap minus its
    // lateness equal.
    let distinct: std::collections::HashSet<Duration> = gaps.iter().copied().collect();
    assert!(distinct.len() > 3, "jittered gaps: {gaps:?}");
}

#[test]
fn handshake_retries_carry_jitter() {
    // Item 2, jitter alone: on time evaluations, retries come 5 s + 0–333 ms apart,
    // not exactly 5 s.
    let mut n = Net::pair();
    n.drop = Box::new(|_| true);
    ping_a_to_b(&mut n, b"x");
    let mut at = vec![now()];
    for _ in 0..10 {
        while n.nodes[A].tunnel.poll_transmit().is_some() {}
        let due = n.nodes[A].tunnel.poll_timeout().expect("retry due");
        advance(due - now());
        n.nodes[A].tunnel.handle_timeout(now());
        if n.nodes[A]
            .tunnel
            .poll_transmit()
            .is_some_and(|t| t.payload[0] == 1)
        {
            at.push(now());
        }
    }
    let gaps: Vec<Duration> = at.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps.len(), 10, "{gaps:?}");
    assert!(gaps
        .iter()
        .all(|g| *g >= REKEY_TIMEOUT && *g <= REKEY_TIMEOUT + REKEY_TIMEOUT_JITTER_MAX));
    assert!(
        gaps.iter().any(|g| *g > REKEY_TIMEOUT),
        "some jitter: {gaps:?}"
    );
}

fn pair_with_keepalive(seconds: u16) -> Net {
    let mut n = Net::pair();
    let kb = n.nodes[B].key.clone();
    let baddr = n.nodes[B].addr;
    let mut cfg = peer_of(&kb, Some(baddr), &["10.0.0.2/32"]);
    cfg.persistent_keepalive = Some(seconds);
    n.nodes[A].tunnel.set_peers(vec![cfg], now()).unwrap();
    n
}

#[test]
fn persistent_keepalive_keeps_trying_after_a_long_outage() {
    // Item 3 (in-memory twin of drill b): after REKEY_ATTEMPT_TIME the peer used
    // to be `expired` for good. With PK = 25, drop everything for 300 s, heal: a
    // handshake completes within PK + REKEY_TIMEOUT + jitter, with no app traffic.
    let mut n = pair_with_keepalive(25);
    n.run_for(Duration::from_secs(26));
    let kb = n.nodes[B].public();
    assert_eq!(
        n.nodes[A].stats(&kb).handshakes,
        1,
        "PK peer connects by itself"
    );
    n.drop = Box::new(|_| true);
    n.run_for(Duration::from_secs(300));
    assert!(n.nodes[A]
        .events
        .iter()
        .any(|e| matches!(e, Event::PeerIdle { .. } | Event::HandshakeFailing { .. })));
    n.drop = Box::new(|_| false);
    let healed = now();
    n.run_for(Duration::from_secs(25) + REKEY_TIMEOUT + REKEY_TIMEOUT_JITTER_MAX);
    let s = n.nodes[A].stats(&kb);
    assert!(s.handshakes >= 2, "new handshake after healing: {s:?}");
    assert!(s.last_handshake.is_some_and(|t| t >= healed));
    assert!(n.nodes[B].delivered.is_empty(), "no app traffic involved");
}

#[test]
fn update_keeps_a_roamed_endpoint_unless_the_configured_one_changed() {
    // Item 4: a `set_peers` (a `wg set` of another peer, an iOS reload) used to
    // compare the roamed endpoint with the configured one and send traffic back to
    // the stale configured address.
    let mut n = Net::pair();
    handshake(&mut n);
    let kb = n.nodes[B].public();
    let configured = n.nodes[B].addr;
    n.move_node(B, "198.51.100.88:5000");
    let roamed: std::net::SocketAddr = "198.51.100.88:5000".parse().unwrap();
    let p = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"from the new address");
    n.send_ip(B, &p);
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[A].tunnel.endpoint(&kb), Some(roamed));
    // The same configuration again (plus another peer): the roamed endpoint stays.
    let kb_key = n.nodes[B].key.clone();
    let other = key();
    let peers = vec![
        peer_of(&kb_key, Some(configured), &["10.0.0.2/32", "fd00::2/128"]),
        peer_of(
            &other,
            Some("198.51.100.9:1".parse().unwrap()),
            &["10.9.0.0/16"],
        ),
    ];
    n.nodes[A].tunnel.set_peers(peers, now()).unwrap();
    n.nodes[A].tunnel.set_endpoint(&kb, Some(configured), now());
    assert_eq!(n.nodes[A].tunnel.endpoint(&kb), Some(roamed));
    let back = ipv4(
        [10, 0, 0, 1],
        [10, 0, 0, 2],
        b"still reaches the roamed address",
    );
    n.send_ip(A, &back);
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.last(), Some(&back));
    // A changed configured endpoint does replace it.
    let moved: std::net::SocketAddr = "198.51.100.3:7000".parse().unwrap();
    let peers = vec![peer_of(
        &kb_key,
        Some(moved),
        &["10.0.0.2/32", "fd00::2/128"],
    )];
    n.nodes[A].tunnel.set_peers(peers, now()).unwrap();
    assert_eq!(n.nodes[A].tunnel.endpoint(&kb), Some(moved));
}

#[test]
fn responder_does_not_initiate_while_its_response_is_being_confirmed() {
    // Item 5: data for a peer we just answered used to trigger an initiation of
    // our own (crossed handshakes); wireguard-go waits REKEY_TIMEOUT for the
    // initiator's confirmation.
    let mut n = Net::pair();
    let log = wire_log(&mut n);
    let from_a = n.nodes[A].addr;
    let to_a = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"b starts");
    n.send_ip(B, &to_a);
    n.run_for(n.latency); // B's initiation reaches A; A's response is on its way
    assert!(log.borrow().iter().any(|(f, d)| *f != from_a && d[0] == 1));
    let to_b = ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"a answers");
    n.send_ip(A, &to_b);
    n.settle(Duration::from_secs(1));
    let initiations_from_a = log
        .borrow()
        .iter()
        .filter(|(f, d)| *f == from_a && d[0] == 1)
        .count();
    assert_eq!(initiations_from_a, 0, "A waited for B's confirmation");
    assert_eq!(n.nodes[B].delivered, vec![to_b]);
    assert_eq!(n.nodes[A].delivered, vec![to_a]);
    let kb = n.nodes[B].public();
    assert_eq!(n.nodes[A].stats(&kb).handshakes, 1);
}

#[test]
fn a_peer_first_used_long_after_creation_reports_nothing_spurious() {
    // Item 6: boringtun's 540 s key-wipe timer runs from the peer's creation even
    // when there was never a session; the first packet after that used to emit
    // `HandshakeFailing { attempts: 0 }` (which also triggers a re-resolve).
    let mut n = Net::pair();
    assert_eq!(
        n.nodes[A].tunnel.poll_timeout(),
        None,
        "nothing to wipe, no wake-up"
    );
    advance(KEY_WIPE_TIME + Duration::from_secs(60));
    let packets: Vec<Vec<u8>> = (0..5u8)
        .map(|i| ipv4([10, 0, 0, 1], [10, 0, 0, 2], &[i; 20]))
        .collect();
    for p in &packets {
        n.send_ip(A, p);
        advance(Duration::from_millis(1));
    }
    n.settle(Duration::from_secs(1));
    assert!(
        !n.nodes[A]
            .events
            .iter()
            .any(|e| matches!(e, Event::HandshakeFailing { .. } | Event::PeerIdle { .. })),
        "{:?}",
        n.nodes[A].events
    );
    assert_eq!(n.nodes[B].delivered, packets, "the queue kept every packet");
}

#[test]
fn session_indices_are_fresh_random_per_handshake() {
    // Item 7: the upper 24 bits of every local index used to be the peer slot XOR
    // one per-tunnel mask, linking a roaming phone's sessions across networks.
    let mut n = Net::pair();
    let log = wire_log(&mut n);
    let (from_a, from_b) = (n.nodes[A].addr, n.nodes[B].addr);
    handshake(&mut n);
    for _ in 0..63 {
        advance(Duration::from_secs(1));
        assert_eq!(n.nodes[A].tunnel.force_handshake(now()), 1);
        n.collect(A);
        n.settle(Duration::from_secs(1));
    }
    let sender_index = |from: std::net::SocketAddr, ty: u8| -> Vec<u32> {
        log.borrow()
            .iter()
            .filter(|(f, d)| *f == from && d[0] == ty)
            .map(|(_, d)| u32::from_le_bytes([d[4], d[5], d[6], d[7]]))
            .collect()
    };
    for (who, indices) in [
        ("A", sender_index(from_a, 1)),
        ("B", sender_index(from_b, 2)),
    ] {
        assert_eq!(indices.len(), 64, "{who}: 64 handshakes");
        let all_ones = indices.iter().fold(u32::MAX, |acc, i| acc & i);
        let all_zeros = indices.iter().fold(u32::MAX, |acc, i| acc & !i);
        assert_eq!(
            (all_ones, all_zeros),
            (0, 0),
            "{who}: no bit is fixed across 64 handshakes"
        );
    }
    let kb = n.nodes[B].public();
    assert_eq!(n.nodes[A].stats(&kb).handshakes, 64);
    let p = ping_a_to_b(&mut n, b"demux by the newest index");
    n.settle(Duration::from_secs(1));
    assert_eq!(n.nodes[B].delivered.last(), Some(&p));
}

#[test]
fn preshared_key_handshake_and_data() {
    // The patched boringtun reads the preshared key without copying it and wipes it
    // on drop: a PSK handshake still works, and a mismatched PSK does not.
    let psk = culvert_core::config::PresharedKey::generate();
    let mut n = Net::pair();
    for (me, other) in [(A, B), (B, A)] {
        let key = n.nodes[other].key.clone();
        let addr = n.nodes[other].addr;
        let ip = if other == A {
            "10.0.0.1/32"
        } else {
            "10.0.0.2/32"
        };
        let mut cfg = peer_of(&key, Some(addr), &[ip]);
        cfg.preshared_key = Some(psk.clone());
        n.nodes[me].tunnel.set_peers(vec![cfg], now()).unwrap();
    }
    handshake(&mut n);
    let mut n = Net::pair();
    let key = n.nodes[B].key.clone();
    let addr = n.nodes[B].addr;
    let mut cfg = peer_of(&key, Some(addr), &["10.0.0.2/32"]);
    cfg.preshared_key = Some(psk);
    n.nodes[A].tunnel.set_peers(vec![cfg], now()).unwrap();
    ping_a_to_b(&mut n, b"wrong psk");
    n.settle(Duration::from_secs(1));
    assert!(
        n.nodes[B].delivered.is_empty(),
        "PSK on one side only: no session"
    );
}
