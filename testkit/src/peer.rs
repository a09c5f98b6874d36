//! The sans-IO test peer: a Culvert `proto::Tunnel` with the test peer's keys, an
//! inner host that answers ICMP echo and echoes UDP, and the scenario controls.
//!
//! [`PeerCore`] never reads a clock or touches a socket (the same verbs as
//! `culvert_core::proto`): [`crate::TestPeer`] drives it in real time over
//! loopback UDP, [`crate::ManualNet`] on a manual clock in memory.

use crate::host;
use culvert_core::clock::Instant;
use culvert_core::config::{
    Config, Endpoint, EndpointHost, HostKeys, Interface, Peer, PrivateKey, PublicKey,
};
use culvert_core::proto::{PeerConfig, Tunnel};
use ipnetwork::IpNetwork;
use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// Datagrams waiting in the peer's delay line; more are dropped (and counted).
pub const DELAY_QUEUE_CAP: usize = 4096;

/// How a test peer is set up. [`PeerSetup::default`] is what most tests want.
#[derive(Debug, Clone)]
pub struct PeerSetup {
    /// The peer's inner IPv4 address (answers ICMP echo and UDP here).
    pub inner_v4: Ipv4Addr,
    /// The peer's inner IPv6 address.
    pub inner_v6: Ipv6Addr,
    /// The tunnel under test's IPv4 address (in the generated config).
    pub client_v4: Ipv4Addr,
    /// The tunnel under test's IPv6 address.
    pub client_v6: Ipv6Addr,
    /// `PersistentKeepalive` written into the generated config (`None`: off).
    pub client_keepalive: Option<u16>,
    /// Seed of the drop decisions ([`PeerCore::set_drop_percent`]): the same seed
    /// and the same datagrams give the same drops.
    pub seed: u64,
}

impl Default for PeerSetup {
    fn default() -> Self {
        PeerSetup {
            inner_v4: Ipv4Addr::new(10, 77, 0, 1),
            inner_v6: Ipv6Addr::new(0xfd00, 0x77, 0, 0, 0, 0, 0, 1),
            client_v4: Ipv4Addr::new(10, 77, 0, 2),
            client_v6: Ipv6Addr::new(0xfd00, 0x77, 0, 0, 0, 0, 0, 2),
            client_keepalive: None,
            seed: 0x5eed_c0de,
        }
    }
}

/// What the test peer has seen and done; every field only grows (across restarts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeerCounters {
    /// Datagrams that arrived while running (before the drop decision).
    pub datagrams_in: u64,
    /// Datagrams that left (after the drop decision and the delay).
    pub datagrams_out: u64,
    /// Datagrams dropped on the way in by [`PeerCore::set_drop_percent`].
    pub dropped_in: u64,
    /// Datagrams dropped on the way out by [`PeerCore::set_drop_percent`].
    pub dropped_out: u64,
    /// Datagrams that arrived while stopped (lost).
    pub lost_while_stopped: u64,
    /// Handshakes completed with the tunnel under test.
    pub handshakes: u64,
    /// Handshake initiations refused because [`PeerCore::set_refuse_handshakes`]
    /// was on (from an unknown key, as the peer sees it).
    pub refused_handshakes: u64,
    /// ICMP / ICMPv6 echo replies sent.
    pub echo_replies: u64,
    /// UDP datagrams echoed.
    pub udp_echoes: u64,
    /// Inner packets received and not answered because the inner side is dead
    /// ([`PeerCore::set_inner_dead`]).
    pub unanswered: u64,
    /// Inner packets received that the host does not answer (not echo/UDP to us).
    pub ignored: u64,
    /// Times the peer was restarted.
    pub restarts: u64,
}

/// The scenario controls in effect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Controls {
    /// Percentage (0–100) of datagrams dropped, each way, decided by the seeded generator.
    pub drop_percent: u8,
    /// Added to every datagram the peer sends.
    pub delay: Duration,
    /// Handshakes from the tunnel under test are refused (the peer expects another key).
    pub refuse_handshakes: bool,
    /// WireGuard works, the inner host does not answer ("connected but dead").
    pub inner_dead: bool,
    /// The peer is stopped: nothing in, nothing out, no timers.
    pub stopped: bool,
}

/// The test peer, sans-IO (see the module docs).
pub struct PeerCore {
    key: PrivateKey,
    client_key: PrivateKey,
    /// Stands in for the client's key while handshakes are refused.
    stranger: PublicKey,
    setup: PeerSetup,
    tunnel: Tunnel,
    controls: Controls,
    rng: u64,
    delayed: VecDeque<(Instant, SocketAddr, Vec<u8>)>,
    counters: PeerCounters,
}

impl std::fmt::Debug for PeerCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerCore")
            .field("public_key", &self.key.public_key())
            .field("controls", &self.controls)
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl PeerCore {
    /// A peer with fresh keys (its own and the tunnel under test's), running.
    pub fn new(setup: PeerSetup, now: Instant) -> PeerCore {
        let key = PrivateKey::generate();
        let tunnel = Tunnel::new(&key);
        let mut core = PeerCore {
            key,
            client_key: PrivateKey::generate(),
            stranger: PrivateKey::generate().public_key(),
            rng: setup.seed | 1,
            setup,
            tunnel,
            controls: Controls::default(),
            delayed: VecDeque::new(),
            counters: PeerCounters::default(),
        };
        core.configure(now);
        core
    }

    /// The peer's public key (the `[Peer] PublicKey` of the tunnel under test).
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The tunnel under test's public key, as the generated config has it.
    pub fn client_public_key(&self) -> PublicKey {
        self.client_key.public_key()
    }

    /// The peer's inner addresses (v4, v6): ping and send UDP here.
    pub fn inner_addresses(&self) -> [IpAddr; 2] {
        [self.setup.inner_v4.into(), self.setup.inner_v6.into()]
    }

    /// The tunnel under test's inner addresses (v4, v6), as in the generated config.
    pub fn client_addresses(&self) -> [IpAddr; 2] {
        [self.setup.client_v4.into(), self.setup.client_v6.into()]
    }

    /// A config for the tunnel under test that reaches this peer at `endpoint`:
    /// the client's key and addresses, the peer's key and inner addresses as AllowedIPs.
    pub fn client_config(&self, endpoint: SocketAddr) -> Config {
        let s = &self.setup;
        Config {
            interface: Interface {
                private_key: self.client_key.clone(),
                listen_port: None,
                addresses: vec![host_net(s.client_v4.into()), host_net(s.client_v6.into())],
                dns_servers: vec![],
                dns_search: vec![],
                mtu: None,
                included_applications: vec![],
                excluded_applications: vec![],
                fwmark: None,
                host: HostKeys::default(),
            },
            peers: vec![Peer {
                public_key: self.public_key(),
                preshared_key: None,
                allowed_ips: vec![host_net(s.inner_v4.into()), host_net(s.inner_v6.into())],
                endpoint: Some(Endpoint {
                    host: EndpointHost::Ip(endpoint.ip()),
                    port: endpoint.port(),
                }),
                persistent_keepalive: s.client_keepalive,
            }],
        }
    }

    /// [`PeerCore::client_config`] as wg-quick text (it holds the client's private key).
    pub fn client_config_text(&self, endpoint: SocketAddr) -> String {
        String::clone(&culvert_core::config::write(&self.client_config(endpoint)))
    }

    /// The controls in effect.
    pub fn controls(&self) -> Controls {
        self.controls
    }

    /// The counters so far.
    pub fn counters(&self) -> PeerCounters {
        self.counters
    }

    /// Where the peer sends to the tunnel under test (learned from its packets).
    pub fn client_endpoint(&self) -> Option<SocketAddr> {
        self.tunnel.endpoint(&self.client_key.public_key())
    }

    /// Drops `percent` (0–100, capped) of the datagrams each way; 100 drops
    /// everything, 0 nothing. The decisions come from a generator seeded with
    /// [`PeerSetup::seed`], so a scenario replays the same drops.
    pub fn set_drop_percent(&mut self, percent: u8) {
        self.controls.drop_percent = percent.min(100);
    }

    /// Holds every datagram the peer sends for `delay` (in order).
    pub fn set_delay(&mut self, delay: Duration) {
        self.controls.delay = delay;
    }

    /// Refuses handshakes from the tunnel under test (`true`): the peer then expects
    /// another key, so the initiations fail WireGuard's authentication as they
    /// would with a wrong key in the config, and its sessions are gone. `false`
    /// accepts the client's key again.
    pub fn set_refuse_handshakes(&mut self, refuse: bool, now: Instant) {
        if self.controls.refuse_handshakes != refuse {
            self.controls.refuse_handshakes = refuse;
            self.configure(now);
        }
    }

    /// Keeps WireGuard working (handshakes, keepalives, decryption) but stops the
    /// inner host answering ("connected but dead").
    pub fn set_inner_dead(&mut self, dead: bool) {
        self.controls.inner_dead = dead;
    }

    /// Stops the peer: datagrams are lost, nothing is sent, sessions are forgotten
    /// (a process that ended). Controls other than `stopped` are kept.
    pub fn stop(&mut self) {
        self.controls.stopped = true;
        self.delayed.clear();
    }

    /// Restarts the peer with the same keys and no sessions (a process that came
    /// back): the tunnel under test must notice and handshake again.
    pub fn restart(&mut self, now: Instant) {
        self.tunnel = Tunnel::new(&self.key);
        self.configure(now);
        self.delayed.clear();
        self.controls.stopped = false;
        self.counters.restarts += 1;
    }

    /// Sends a handshake initiation to the tunnel under test (if the peer knows
    /// where it is and has had a session): what a peer does after its address
    /// changed, so that the other side learns the new one. Returns whether one left.
    pub fn announce(&mut self, now: Instant) -> bool {
        if self.controls.stopped {
            return false;
        }
        let started = self.tunnel.force_handshake(now) > 0;
        self.drain(now);
        started
    }

    /// A datagram from the network.
    pub fn handle_datagram(&mut self, from: SocketAddr, datagram: &[u8], now: Instant) {
        if self.controls.stopped {
            self.counters.lost_while_stopped += 1;
            return;
        }
        self.counters.datagrams_in += 1;
        if self.draw_drop() {
            self.counters.dropped_in += 1;
            return;
        }
        let unknown_before = self.tunnel.dropped().unknown_peer;
        self.tunnel.handle_datagram(from, datagram, now);
        if self.controls.refuse_handshakes
            && datagram.first() == Some(&1)
            && self.tunnel.dropped().unknown_peer > unknown_before
        {
            self.counters.refused_handshakes += 1;
        }
        self.drain(now);
    }

    /// The deadline from [`PeerCore::poll_timeout`] passed (extra calls are harmless).
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.controls.stopped {
            return;
        }
        if self.tunnel.poll_timeout().is_some_and(|t| t <= now) {
            self.tunnel.handle_timeout(now);
            self.drain(now);
        }
    }

    /// The next datagram due at `now` (destination, payload), if any.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<(SocketAddr, Vec<u8>)> {
        match self.delayed.front() {
            Some((due, _, _)) if *due <= now => {
                let (_, to, payload) = self.delayed.pop_front()?;
                self.counters.datagrams_out += 1;
                Some((to, payload))
            }
            _ => None,
        }
    }

    /// When to call [`PeerCore::handle_timeout`] / [`PeerCore::poll_transmit`]
    /// next; `None` while stopped or with nothing to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.controls.stopped {
            return None;
        }
        let sent = self.delayed.front().map(|(due, _, _)| *due);
        match (sent, self.tunnel.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// (Re)sets the tunnel's only peer: the client's key, or a stranger's while
    /// handshakes are refused.
    fn configure(&mut self, now: Instant) {
        let key = if self.controls.refuse_handshakes {
            self.stranger
        } else {
            self.client_key.public_key()
        };
        let s = &self.setup;
        let peer = PeerConfig {
            public_key: key,
            preshared_key: None,
            allowed_ips: vec![host_net(s.client_v4.into()), host_net(s.client_v6.into())],
            endpoint: None,
            persistent_keepalive: None,
        };
        if let Err(err) = self.tunnel.set_peers(vec![peer], now) {
            // One peer with a fresh key: cannot be refused.
            log::error!("test peer: configuring its peer failed: {err}");
        }
    }

    /// Answers what the tunnel delivered and moves its datagrams to the delay line.
    fn drain(&mut self, now: Instant) {
        let own = self.inner_addresses();
        for _ in 0..64 {
            let mut inner = Vec::new();
            while let Some(p) = self.tunnel.poll_tun() {
                inner.push(p.to_vec());
            }
            if inner.is_empty() {
                break;
            }
            for p in inner {
                if self.controls.inner_dead {
                    self.counters.unanswered += 1;
                    continue;
                }
                match host::answer(&p, &own) {
                    Some(reply) => {
                        match host::parse(&reply) {
                            host::Parsed::Echo(_) => self.counters.echo_replies += 1,
                            _ => self.counters.udp_echoes += 1,
                        }
                        self.tunnel.handle_tun_packet(&reply, now);
                    }
                    None => self.counters.ignored += 1,
                }
            }
        }
        while let Some(e) = self.tunnel.poll_event() {
            if let culvert_core::proto::Event::HandshakeCompleted { .. } = e {
                self.counters.handshakes += 1;
            }
        }
        let mut out = Vec::new();
        while let Some(tx) = self.tunnel.poll_transmit() {
            out.push((tx.dst, tx.payload.to_vec()));
        }
        for (to, payload) in out {
            if self.draw_drop() {
                self.counters.dropped_out += 1;
            } else if self.delayed.len() < DELAY_QUEUE_CAP {
                self.delayed
                    .push_back((now + self.controls.delay, to, payload));
            } else {
                self.counters.dropped_out += 1;
            }
        }
    }

    /// One drop decision (xorshift64*, seeded): draws only when 0 < percent < 100.
    fn draw_drop(&mut self) -> bool {
        match self.controls.drop_percent {
            0 => false,
            100.. => true,
            p => {
                self.rng ^= self.rng >> 12;
                self.rng ^= self.rng << 25;
                self.rng ^= self.rng >> 27;
                let r = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32;
                r % 100 < u64::from(p)
            }
        }
    }
}

fn host_net(ip: IpAddr) -> IpNetwork {
    let len = if ip.is_ipv4() { 32 } else { 128 };
    // A host prefix is always valid.
    IpNetwork::new(ip, len).unwrap_or_else(|_| IpNetwork::from(ip))
}
