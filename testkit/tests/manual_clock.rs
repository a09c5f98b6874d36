//! The kit's scenario controls against Culvert's sans-IO tunnel on a manual
//! clock (`ManualNet`): timer-driven scenarios in milliseconds of real time.

use culvert_core::proto::timers::{KEEPALIVE_TIMEOUT, REKEY_ATTEMPT_TIME, REKEY_TIMEOUT};
use culvert_core::proto::Event;
use culvert_testkit::{host, ManualNet, PeerSetup};
use std::time::Duration;

const SEC: Duration = Duration::from_secs(1);

fn connected() -> ManualNet {
    let mut n = ManualNet::new(PeerSetup::default()).expect("config");
    assert!(
        n.ping_until_reply(false, SEC, SEC).is_some(),
        "first ping answered"
    );
    n
}

fn handshakes(n: &ManualNet) -> usize {
    n.events
        .iter()
        .filter(|e| matches!(e, Event::HandshakeCompleted { .. }))
        .count()
}

#[test]
fn connect_then_ping_v4_v6_and_udp_echo() {
    let mut n = ManualNet::new(PeerSetup::default()).expect("config");
    let first = n.ping_until_reply(false, SEC, SEC).expect("v4 reply");
    // Handshake (one round trip) then the queued ping (one round trip), 10 ms each way.
    assert_eq!(first, Duration::from_millis(40));
    assert!(n.ping_until_reply(true, SEC, SEC).is_some(), "v6 reply");
    let [c4, c6] = n.peer.client_addresses();
    let [p4, p6] = n.peer.inner_addresses();
    for (src, dst) in [(c4, p4), (c6, p6)] {
        n.send(&host::udp(src, 5000, dst, 7, b"echo me").unwrap());
    }
    n.run_for(SEC);
    let echoed = n
        .delivered
        .iter()
        .filter(|p| matches!(host::parse(p), host::Parsed::Udp(u) if u.payload == b"echo me"))
        .count();
    assert_eq!(echoed, 2);
    let c = n.peer.counters();
    assert_eq!((c.echo_replies, c.udp_echoes, c.handshakes), (2, 2, 1));
    assert_eq!(n.peer.client_endpoint(), Some(n.tunnel_addr()));
}

#[test]
fn drop_everything_then_recover() {
    let mut n = connected();
    n.peer.set_drop_percent(100);
    assert_eq!(n.ping_until_reply(false, SEC, 5 * SEC), None);
    let c = n.peer.counters();
    assert!(c.dropped_in >= 5, "{c:?}");
    n.peer.set_drop_percent(0);
    assert!(n.ping_until_reply(false, SEC, 30 * SEC).is_some());
}

#[test]
fn drop_percentage_is_seeded_and_the_tunnel_survives_it() {
    fn run(seed: u64) -> (u64, usize) {
        let mut n = ManualNet::new(PeerSetup {
            seed,
            ..PeerSetup::default()
        })
        .expect("config");
        n.ping_until_reply(false, SEC, SEC).expect("connected");
        n.peer.set_drop_percent(30);
        let mut answered = 0;
        for seq in 0..200u16 {
            n.ping(false, seq);
            n.run_for(Duration::from_millis(100));
            answered += usize::from(n.got_echo_reply(seq));
        }
        (
            n.peer.counters().dropped_in + n.peer.counters().dropped_out,
            answered,
        )
    }
    let (dropped, answered) = run(7);
    // Each way 30 %: about half the pings come back (0.7 × 0.7).
    assert!((60..=140).contains(&answered), "answered {answered}");
    assert!((80..=160).contains(&dropped), "dropped {dropped}");
    assert_eq!(run(7), (dropped, answered), "same seed, same drops");
}

#[test]
fn delay_adds_to_the_round_trip() {
    let mut n = connected();
    n.peer.set_delay(Duration::from_millis(250));
    n.ping(false, 1);
    let rtt = n
        .run_until(5 * SEC, |n| n.got_echo_reply(1))
        .expect("reply");
    assert_eq!(rtt, Duration::from_millis(20 + 250));
}

#[test]
fn peer_restart_recovers_in_manual_time() {
    let mut n = connected();
    let real = std::time::Instant::now();
    n.stop_peer();
    assert_eq!(n.ping_until_reply(false, SEC, 3 * SEC), None, "stopped");
    assert!(n.peer.counters().lost_while_stopped >= 3);
    n.restart_peer();
    let took = n
        .ping_until_reply(false, SEC, 60 * SEC)
        .expect("recovered after the restart");
    // Data sent and nothing received for KEEPALIVE + REKEY_TIMEOUT: a new handshake.
    assert!(
        took >= KEEPALIVE_TIMEOUT && took <= KEEPALIVE_TIMEOUT + 3 * REKEY_TIMEOUT,
        "{took:?}"
    );
    assert_eq!(handshakes(&n), 2);
    assert_eq!(n.peer.counters().restarts, 1);
    eprintln!(
        "restart → recovery: {took:?} of manual time in {:?} of real time",
        real.elapsed()
    );
}

#[test]
fn roaming_peer_is_followed() {
    let mut n = connected();
    let new = "198.51.100.9:6000".parse().unwrap();
    assert!(n.roam_peer(new));
    n.run_for(SEC);
    assert!(n
        .events
        .iter()
        .any(|e| matches!(e, Event::EndpointChanged { endpoint, .. } if *endpoint == new)));
    assert_eq!(n.tunnel.endpoint(&n.peer.public_key()), Some(new));
    assert!(n.ping_until_reply(true, SEC, SEC).is_some());
}

#[test]
fn refused_handshakes_fail_then_give_up() {
    let mut n = ManualNet::new(PeerSetup::default()).expect("config");
    n.refuse_handshakes(true);
    n.ping(false, 1);
    n.run_for(REKEY_ATTEMPT_TIME + 10 * SEC);
    assert!(!n.got_echo_reply(1));
    let attempts = n
        .events
        .iter()
        .filter_map(|e| match e {
            Event::HandshakeFailing { attempts, .. } => Some(*attempts),
            _ => None,
        })
        .max()
        .expect("HandshakeFailing events");
    assert!(attempts >= 10, "retried every ~5 s for 90 s: {attempts}");
    let c = n.peer.counters();
    assert_eq!(c.refused_handshakes, u64::from(attempts), "{c:?}");
    assert_eq!(c.handshakes, 0);
    n.refuse_handshakes(false);
    assert!(
        n.ping_until_reply(false, SEC, 10 * SEC).is_some(),
        "accepted again"
    );
}

#[test]
fn connected_but_dead_keeps_wireguard_up() {
    let mut n = connected();
    n.peer.set_inner_dead(true);
    assert_eq!(n.ping_until_reply(false, SEC, 30 * SEC), None);
    let c = n.peer.counters();
    assert!(c.unanswered >= 30, "{c:?}");
    // WireGuard itself kept working: the peer answered with keepalives and rekeyed nothing away.
    let stats = n.tunnel.stats();
    assert!(stats[0].rx_packets > 2, "{:?}", stats[0]);
    n.peer.set_inner_dead(false);
    assert_eq!(
        n.ping_until_reply(false, SEC, SEC),
        Some(Duration::from_millis(20))
    );
}
