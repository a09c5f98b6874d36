//! Shared by the `proto_*` fuzz targets: two Culvert tunnels with a live session.
#![allow(dead_code)]

use culvert_core::clock::Instant;
use culvert_core::config::PrivateKey;
use culvert_core::proto::{PeerConfig, Tunnel};
use std::net::SocketAddr;
use std::time::Duration;

pub const A_ADDR: &str = "198.51.100.1:51820";
pub const B_ADDR: &str = "198.51.100.2:51820";

pub struct Pair {
    pub a: Tunnel,
    pub b: Tunnel,
    pub a_addr: SocketAddr,
    pub b_addr: SocketAddr,
    pub ka: PrivateKey,
    pub kb: PrivateKey,
    pub now: Instant,
}

/// Fixed keys so that runs are reproducible where boringtun allows.
pub fn keys() -> (PrivateKey, PrivateKey) {
    (
        PrivateKey::from_bytes([0x11; 32]),
        PrivateKey::from_bytes([0x22; 32]),
    )
}

pub fn peer(key: &PrivateKey, endpoint: SocketAddr, allowed: &[&str]) -> PeerConfig {
    PeerConfig {
        public_key: key.public_key(),
        preshared_key: None,
        allowed_ips: allowed.iter().map(|a| a.parse().unwrap()).collect(),
        endpoint: Some(endpoint),
        persistent_keepalive: None,
    }
}

pub fn ipv4(src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
    let total = 20 + payload.len();
    let mut p = vec![0u8; total];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p[8] = 64;
    p[9] = 17;
    p[12..16].copy_from_slice(&src);
    p[16..20].copy_from_slice(&dst);
    p[20..].copy_from_slice(payload);
    p
}

/// Everything `t` wants to send, as (destination, payload).
pub fn drain_transmits(t: &mut Tunnel) -> Vec<(SocketAddr, Vec<u8>)> {
    let mut out = Vec::new();
    while let Some(tx) = t.poll_transmit() {
        out.push((tx.dst, tx.payload.to_vec()));
    }
    out
}

pub fn drain_tun(t: &mut Tunnel) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while let Some(p) = t.poll_tun() {
        out.push(p.to_vec());
    }
    while t.poll_event().is_some() {}
    out
}

impl Pair {
    pub fn new() -> Pair {
        let (ka, kb) = keys();
        let a_addr: SocketAddr = A_ADDR.parse().unwrap();
        let b_addr: SocketAddr = B_ADDR.parse().unwrap();
        let now = Instant::from_duration(Duration::from_secs(1_000));
        let mut a = Tunnel::new(&ka);
        a.set_peers(
            vec![peer(&kb, b_addr, &["10.0.0.2/32", "fd00::2/128"])],
            now,
        )
        .unwrap();
        let mut b = Tunnel::new(&kb);
        b.set_peers(
            vec![peer(&ka, a_addr, &["10.0.0.1/32", "fd00::1/128"])],
            now,
        )
        .unwrap();
        Pair {
            a,
            b,
            a_addr,
            b_addr,
            ka,
            kb,
            now,
        }
    }

    /// Delivers datagrams back and forth until both are quiet (bounded).
    pub fn exchange(&mut self) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let (mut got_a, mut got_b) = (Vec::new(), Vec::new());
        for _ in 0..16 {
            let from_a = drain_transmits(&mut self.a);
            let from_b = drain_transmits(&mut self.b);
            if from_a.is_empty() && from_b.is_empty() {
                break;
            }
            for (_, d) in from_a {
                self.b.handle_datagram(self.a_addr, &d, self.now);
            }
            for (_, d) in from_b {
                self.a.handle_datagram(self.b_addr, &d, self.now);
            }
            got_a.extend(drain_tun(&mut self.a));
            got_b.extend(drain_tun(&mut self.b));
        }
        (got_a, got_b)
    }

    /// A handshake plus one packet each way.
    pub fn established() -> Pair {
        let mut p = Pair::new();
        let ping = ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"ping");
        p.a.handle_tun_packet(&ping, p.now);
        let (_, got_b) = p.exchange();
        assert_eq!(got_b, vec![ping], "handshake and first packet");
        let pong = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"pong");
        p.b.handle_tun_packet(&pong, p.now);
        let (got_a, _) = p.exchange();
        assert_eq!(got_a, vec![pong]);
        p
    }
}
