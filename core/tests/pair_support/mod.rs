//! A `Pair`/`Net` harness for Culvert's sans-IO tunnel (in the style of quinn-proto's
//! test `Pair`): several [`Tunnel`]s exchange datagrams in memory, with latency,
//! drops and reordering, while time is driven by hand: [`now`] is a per-thread
//! value that only [`advance`] moves, passed into every `Tunnel` call (boringtun
//! takes it as a parameter too, so there is no other clock). Normal build; each
//! test owns its thread's clock.
#![allow(dead_code)]

use culvert_core::clock::Instant;
use culvert_core::config::{PrivateKey, PublicKey};
use culvert_core::proto::{Event, PeerConfig, Tunnel};
use std::cell::Cell;
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

thread_local! {
    /// The test's time: starts well after the origin, moves only by [`advance`].
    static NOW: Cell<Instant> = const { Cell::new(Instant::from_duration(Duration::from_secs(1_000_000))) };
}

/// The test's current time.
pub fn now() -> Instant {
    NOW.with(Cell::get)
}

/// Moves the test's time forward.
pub fn advance(d: Duration) {
    NOW.with(|t| t.set(t.get() + d));
}

/// One node: a tunnel at a UDP address, and what it delivered.
pub struct Node {
    /// The tunnel under test.
    pub tunnel: Tunnel,
    /// Its UDP address (what peers see as the source).
    pub addr: SocketAddr,
    /// Its private key.
    pub key: PrivateKey,
    /// IP packets the tunnel handed to its OS.
    pub delivered: Vec<Vec<u8>>,
    /// Events it produced.
    pub events: Vec<Event>,
    /// Times `handle_timeout` was called because a deadline passed.
    pub wakeups: u32,
    /// Datagrams it sent.
    pub sent: u32,
}

impl Node {
    /// The node's public key.
    pub fn public(&self) -> PublicKey {
        self.key.public_key()
    }

    /// `peer`'s stats as seen by this node.
    pub fn stats(&self, peer: &PublicKey) -> culvert_core::proto::PeerStats {
        self.tunnel
            .stats()
            .into_iter()
            .find(|s| s.public_key == *peer)
            .expect("peer configured")
    }
}

/// A datagram on the wire.
#[derive(Debug, Clone)]
pub struct Datagram {
    /// Source address.
    pub from: SocketAddr,
    /// Destination address.
    pub to: SocketAddr,
    /// UDP payload.
    pub payload: Vec<u8>,
}

/// Decides the fate of a datagram: `true` = drop it.
pub type DropFn = Box<dyn FnMut(&Datagram) -> bool>;

/// The in-memory network.
pub struct Net {
    /// Nodes by index.
    pub nodes: Vec<Node>,
    in_flight: VecDeque<(Instant, Datagram)>,
    /// One-way latency.
    pub latency: Duration,
    /// Drop policy.
    pub drop: DropFn,
    /// Deliver in-flight datagrams in reverse order of sending within each step.
    pub reorder: bool,
    /// Datagrams dropped by the policy.
    pub dropped: u32,
}

impl Default for Net {
    fn default() -> Self {
        Net {
            nodes: Vec::new(),
            in_flight: VecDeque::new(),
            latency: Duration::from_millis(10),
            drop: Box::new(|_| false),
            reorder: false,
            dropped: 0,
        }
    }
}

/// A fresh random private key.
pub fn key() -> PrivateKey {
    PrivateKey::generate()
}

/// `n.n.n.n/len` or `x::/len` as an AllowedIPs entry.
pub fn net(s: &str) -> ipnetwork::IpNetwork {
    s.parse().expect("network literal")
}

/// A peer config for `node` (its current address as endpoint).
pub fn peer_of(key: &PrivateKey, addr: Option<SocketAddr>, allowed: &[&str]) -> PeerConfig {
    PeerConfig {
        public_key: key.public_key(),
        preshared_key: None,
        allowed_ips: allowed.iter().map(|s| net(s)).collect(),
        endpoint: addr,
        persistent_keepalive: None,
    }
}

impl Net {
    /// Adds a node with `key` at `addr`, with `peers`.
    pub fn add(&mut self, key: PrivateKey, addr: &str, peers: Vec<PeerConfig>) -> usize {
        let mut tunnel = Tunnel::new(&key);
        tunnel.set_peers(peers, now()).expect("valid peers");
        self.nodes.push(Node {
            tunnel,
            addr: addr.parse().expect("socket address"),
            key,
            delivered: Vec::new(),
            events: Vec::new(),
            wakeups: 0,
            sent: 0,
        });
        self.nodes.len() - 1
    }

    /// Two nodes, A (`10.0.0.1`, `fd00::1`) and B (`10.0.0.2`, `fd00::2`), peered.
    pub fn pair() -> Net {
        let (ka, kb) = (key(), key());
        let (aa, ab) = ("198.51.100.1:51820", "198.51.100.2:51820");
        let mut net = Net::default();
        net.add(
            ka.clone(),
            aa,
            vec![peer_of(
                &kb,
                Some(ab.parse().unwrap()),
                &["10.0.0.2/32", "fd00::2/128"],
            )],
        );
        net.add(
            kb,
            ab,
            vec![peer_of(
                &ka,
                Some(aa.parse().unwrap()),
                &["10.0.0.1/32", "fd00::1/128"],
            )],
        );
        net
    }

    /// Node `i`'s OS sends `packet`.
    pub fn send_ip(&mut self, i: usize, packet: &[u8]) {
        self.nodes[i].tunnel.handle_tun_packet(packet, now());
        self.collect(i);
    }

    /// Injects a raw datagram to node `i` (from an arbitrary source).
    pub fn inject(&mut self, i: usize, from: SocketAddr, payload: &[u8]) {
        self.nodes[i].tunnel.handle_datagram(from, payload, now());
        self.collect(i);
    }

    /// Moves node `i`'s outputs into the network / its records.
    pub fn collect(&mut self, i: usize) {
        let t = now();
        let latency = self.latency;
        let node = &mut self.nodes[i];
        while let Some(tx) = node.tunnel.poll_transmit() {
            node.sent += 1;
            if std::env::var_os("PAIR_TRACE").is_some() {
                eprintln!(
                    "{:?} node {i} -> {} type {} len {}",
                    t,
                    tx.dst,
                    tx.payload[0],
                    tx.payload.len()
                );
            }
            let d = Datagram {
                from: node.addr,
                to: tx.dst,
                payload: tx.payload.to_vec(),
            };
            self.in_flight.push_back((t + latency, d));
        }
        while let Some(p) = node.tunnel.poll_tun() {
            node.delivered.push(p.to_vec());
        }
        while let Some(e) = node.tunnel.poll_event() {
            node.events.push(e);
        }
    }

    /// Processes everything due at the current time (deliveries, timeouts); returns
    /// whether anything happened.
    fn step(&mut self) -> bool {
        let t = now();
        let mut due: Vec<Datagram> = Vec::new();
        let mut rest = VecDeque::new();
        while let Some((at, d)) = self.in_flight.pop_front() {
            if at <= t {
                due.push(d);
            } else {
                rest.push_back((at, d));
            }
        }
        self.in_flight = rest;
        if self.reorder {
            due.reverse();
        }
        let mut any = !due.is_empty();
        for d in due {
            if (self.drop)(&d) {
                self.dropped += 1;
                continue;
            }
            if let Some(i) = self.nodes.iter().position(|n| n.addr == d.to) {
                self.nodes[i].tunnel.handle_datagram(d.from, &d.payload, t);
                self.collect(i);
            }
        }
        for i in 0..self.nodes.len() {
            if self.nodes[i].tunnel.poll_timeout().is_some_and(|d| d <= t) {
                self.nodes[i].wakeups += 1;
                self.nodes[i].tunnel.handle_timeout(t);
                self.collect(i);
                any = true;
            }
        }
        any
    }

    /// The next time something is due (delivery or deadline).
    pub fn next_due(&self) -> Option<Instant> {
        let flight = self.in_flight.iter().map(|(at, _)| *at).min();
        let timer = self
            .nodes
            .iter()
            .filter_map(|n| n.tunnel.poll_timeout())
            .min();
        match (flight, timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs the network for `d` of test time, jumping from event to event.
    /// Bounded: at most 100,000 steps.
    pub fn run_for(&mut self, d: Duration) {
        let end = now() + d;
        for _ in 0..100_000 {
            while self.step() {}
            match self.next_due() {
                Some(t) if t <= end => {
                    let t_now = now();
                    if t > t_now {
                        advance(t - t_now);
                    }
                }
                _ => {
                    let t_now = now();
                    if end > t_now {
                        advance(end - t_now);
                    }
                    while self.step() {}
                    return;
                }
            }
        }
        panic!("network did not settle within 100,000 steps");
    }

    /// Runs until nothing is in flight (at most `limit` of test time).
    pub fn settle(&mut self, limit: Duration) {
        let end = now() + limit;
        for _ in 0..100_000 {
            while self.step() {}
            if self.in_flight.is_empty() {
                return;
            }
            let next = self
                .in_flight
                .iter()
                .map(|(at, _)| *at)
                .min()
                .expect("non-empty");
            if next > end {
                return;
            }
            let t_now = now();
            if next > t_now {
                advance(next - t_now);
            }
        }
        panic!("network did not settle within 100,000 steps");
    }

    /// Datagrams currently in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Changes node `i`'s address (it roams).
    pub fn move_node(&mut self, i: usize, addr: &str) {
        self.nodes[i].addr = addr.parse().expect("socket address");
    }
}

/// An IPv4 packet `src → dst` carrying `payload` (protocol 17, checksum not computed).
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

/// An IPv6 packet `src → dst` carrying `payload`.
pub fn ipv6(src: &str, dst: &str, payload: &[u8]) -> Vec<u8> {
    let src: std::net::Ipv6Addr = src.parse().expect("v6");
    let dst: std::net::Ipv6Addr = dst.parse().expect("v6");
    let mut p = vec![0u8; 40 + payload.len()];
    p[0] = 0x60;
    p[4..6].copy_from_slice(&(payload.len() as u16).to_be_bytes());
    p[6] = 17;
    p[7] = 64;
    p[8..24].copy_from_slice(&src.octets());
    p[24..40].copy_from_slice(&dst.octets());
    p[40..].copy_from_slice(payload);
    p
}

/// Whether `ip` is a v4 address (helper for drop policies).
pub fn is_v4(ip: IpAddr) -> bool {
    ip.is_ipv4()
}
