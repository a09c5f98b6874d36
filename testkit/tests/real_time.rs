//! The kit's test peer over loopback UDP in real time against Culvert's runtime
//! `Tunnel` in callback mode (the kit's `Client`). Waits are on conditions with
//! deadlines; "no reply" is asserted over a short fixed window.

use culvert_core::config::parse;
use culvert_core::runtime::{Hooks, TunnelEvent, TunnelState};
use culvert_testkit::{Client, TestPeer};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(10);
/// How long "no reply" is watched for.
const QUIET: Duration = Duration::from_millis(400);

fn connect() -> (TestPeer, Client) {
    let peer = TestPeer::start().expect("peer");
    let client =
        Client::start(peer.client_config().expect("config"), Hooks::default()).expect("tunnel");
    let [c4, _] = peer.client_addresses().unwrap();
    let [p4, _] = peer.inner_addresses().unwrap();
    assert!(
        client.ping(c4, p4, 1, LIMIT).unwrap().is_some(),
        "connected"
    );
    (peer, client)
}

fn v4(peer: &TestPeer) -> (std::net::IpAddr, std::net::IpAddr) {
    (
        peer.client_addresses().unwrap()[0],
        peer.inner_addresses().unwrap()[0],
    )
}

/// Waits until `cond` holds, up to `limit`.
fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn runtime_tunnel_connects_pings_v4_v6_and_echoes_udp() {
    let peer = TestPeer::start().expect("peer");
    let text = peer.client_config_text().unwrap();
    let config = parse(&text).expect("generated wg-quick text parses");
    assert_eq!(config, peer.client_config().unwrap());
    let client = Client::start(config, Hooks::default()).expect("tunnel");
    let [c4, c6] = peer.client_addresses().unwrap();
    let [p4, p6] = peer.inner_addresses().unwrap();
    assert!(client.ping(c4, p4, 1, LIMIT).unwrap().is_some(), "v4");
    assert!(client.ping(c6, p6, 2, LIMIT).unwrap().is_some(), "v6");
    assert!(client.udp_echo(c4, p4, 7, b"over v4", LIMIT).unwrap());
    assert!(client.udp_echo(c6, p6, 7, b"over v6", LIMIT).unwrap());
    assert!(client.await_state(TunnelState::Connected, LIMIT));
    assert!(client
        .await_event(
            LIMIT,
            |e| matches!(e, TunnelEvent::HandshakeCompleted { peer: k } if *k == peer.public_key())
        )
        .is_some());
    let c = peer.counters().unwrap();
    assert_eq!((c.echo_replies, c.udp_echoes, c.handshakes), (2, 2, 1));
    let port = client.tunnel.stats().unwrap().listen_port;
    assert_eq!(
        peer.client_endpoint().unwrap().map(|e| e.port()),
        Some(port)
    );
}

#[test]
fn drop_all_silences_the_peer_until_lifted() {
    let (peer, client) = connect();
    let (c, p) = v4(&peer);
    peer.drop_all(true).unwrap();
    assert_eq!(client.ping(c, p, 2, QUIET).unwrap(), None);
    assert!(peer.counters().unwrap().dropped_in >= 1);
    peer.drop_all(false).unwrap();
    assert!(client.ping(c, p, 3, LIMIT).unwrap().is_some());
}

#[test]
fn delay_is_a_lower_bound_on_the_round_trip() {
    let (peer, client) = connect();
    let (c, p) = v4(&peer);
    peer.delay(Duration::from_millis(300)).unwrap();
    let rtt = client.ping(c, p, 2, LIMIT).unwrap().expect("reply");
    assert!(rtt >= Duration::from_millis(300), "{rtt:?}");
}

#[test]
fn roaming_peer_is_followed_by_the_runtime() {
    let (peer, client) = connect();
    let old = peer.addr().unwrap();
    let new = peer.roam().unwrap();
    assert_ne!(old, new);
    let ev = client.await_event(
        LIMIT,
        |e| matches!(e, TunnelEvent::PeerRoamed { endpoint, .. } if *endpoint == new),
    );
    assert!(ev.is_some(), "{:?}", client.events());
    let (c, p) = v4(&peer);
    assert!(client.ping(c, p, 2, LIMIT).unwrap().is_some());
}

#[test]
fn refused_handshakes_never_connect() {
    let peer = TestPeer::start().expect("peer");
    peer.refuse_handshakes(true).unwrap();
    let client = Client::start(peer.client_config().unwrap(), Hooks::default()).expect("tunnel");
    let (c, p) = v4(&peer);
    assert_eq!(client.ping(c, p, 1, QUIET).unwrap(), None);
    assert!(eventually(LIMIT, || peer
        .counters()
        .unwrap()
        .refused_handshakes
        >= 1));
    assert_eq!(client.tunnel.state(), TunnelState::Connecting);
    assert_eq!(peer.counters().unwrap().handshakes, 0);
}

#[test]
fn connected_but_dead_peer_answers_nothing_inside() {
    let (peer, client) = connect();
    let (c, p) = v4(&peer);
    peer.inner_dead(true).unwrap();
    assert_eq!(client.ping(c, p, 2, QUIET).unwrap(), None);
    assert!(eventually(LIMIT, || peer.counters().unwrap().unanswered >= 1));
    assert_eq!(client.tunnel.state(), TunnelState::Connected);
    peer.inner_dead(false).unwrap();
    assert!(client.ping(c, p, 3, LIMIT).unwrap().is_some());
}

#[test]
fn stopped_peer_restarts_with_the_same_keys() {
    let (peer, client) = connect();
    let (c, p) = v4(&peer);
    let addr = peer.addr().unwrap();
    peer.stop().unwrap();
    assert_eq!(client.ping(c, p, 2, QUIET).unwrap(), None);
    peer.restart().unwrap();
    assert_eq!(peer.addr().unwrap(), addr, "same address");
    // The restarted peer has no session; waiting for Culvert's own recovery takes
    // ~15 s of real time (manual_clock.rs covers it in milliseconds). An app that
    // learns of a network change tells the tunnel, which handshakes at once (a
    // ping sent before the new session is lost, as on a real network: retry):
    client.tunnel.network_changed().unwrap();
    assert!(
        client
            .ping_until_reply(c, p, 3, Duration::from_millis(200), LIMIT)
            .unwrap()
            .is_some(),
        "recovered: {:?} {:?} {:?}",
        peer.counters(),
        client.events(),
        client.tunnel.stats()
    );
    let c = peer.counters().unwrap();
    assert_eq!((c.restarts, c.handshakes), (1, 2));
}
