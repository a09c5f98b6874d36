//! Manual-clock mode: the test peer and a Culvert `proto::Tunnel` under test in
//! memory, on one clock that only the test moves. Timer-driven scenarios (peer
//! restart → recovery: about 15 s of real time; a refused handshake given up:
//! 90 s) take milliseconds.
//!
//! The tunnel under test is the sans-IO engine every Culvert platform runs
//! (the runtime only moves its bytes); datagrams between it and the peer take
//! [`ManualNet::latency`] each way, plus the peer's own delay control.

use crate::host;
use crate::peer::{PeerCore, PeerSetup};
use culvert_core::clock::Instant;
use culvert_core::proto::{Event, ProtoError, Tunnel};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

/// Most steps [`ManualNet::run_for`] / [`ManualNet::run_until`] take before
/// giving up (a bound: a scenario never loops forever).
pub const MAX_STEPS: usize = 1_000_000;

/// The start of the manual clock (well after its origin, like a booted device).
pub const START: Instant = Instant::from_duration(Duration::from_secs(1_000_000));

/// The test peer and a tunnel under test on a manual clock (see the module docs).
pub struct ManualNet {
    now: Instant,
    /// The test peer (its scenario controls are its methods).
    pub peer: PeerCore,
    peer_addr: SocketAddr,
    /// The tunnel under test.
    pub tunnel: Tunnel,
    tunnel_addr: SocketAddr,
    /// One-way latency of the simulated network.
    pub latency: Duration,
    in_flight: VecDeque<(Instant, SocketAddr, SocketAddr, Vec<u8>)>,
    /// IP packets the tunnel under test delivered to its OS, oldest first.
    pub delivered: Vec<Vec<u8>>,
    /// Events of the tunnel under test, oldest first.
    pub events: Vec<Event>,
    /// Sequence numbers of [`ManualNet::ping_until_reply`] (never reused in one net).
    next_seq: u16,
}

impl std::fmt::Debug for ManualNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualNet")
            .field("now", &self.now)
            .field("peer", &self.peer)
            .field("peer_addr", &self.peer_addr)
            .field("tunnel_addr", &self.tunnel_addr)
            .field("in_flight", &self.in_flight.len())
            .finish_non_exhaustive()
    }
}

impl ManualNet {
    /// A test peer set up with `setup` and a tunnel under test built from the
    /// peer's generated config, at [`START`]; 10 ms latency each way.
    pub fn new(setup: PeerSetup) -> Result<ManualNet, ProtoError> {
        let now = START;
        let peer = PeerCore::new(setup, now);
        let peer_addr: SocketAddr = ([198, 51, 100, 1], 51820).into();
        let tunnel = Tunnel::from_config(&peer.client_config(peer_addr), now)?;
        Ok(ManualNet {
            now,
            peer,
            peer_addr,
            tunnel,
            tunnel_addr: ([198, 51, 100, 2], 40000).into(),
            latency: Duration::from_millis(10),
            in_flight: VecDeque::new(),
            delivered: Vec::new(),
            events: Vec::new(),
            next_seq: 0x8000,
        })
    }

    /// The manual clock's current time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Time on the manual clock since [`START`].
    pub fn elapsed(&self) -> Duration {
        self.now - START
    }

    /// The peer's UDP address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer_addr
    }

    /// The tunnel under test's UDP address.
    pub fn tunnel_addr(&self) -> SocketAddr {
        self.tunnel_addr
    }

    /// The tunnel under test's OS sends `packet` (an IP packet) into the tunnel.
    pub fn send(&mut self, packet: &[u8]) {
        self.tunnel.handle_tun_packet(packet, self.now);
        self.collect_tunnel();
    }

    /// Sends an echo request to the peer's inner IPv4 address (IPv6 with `v6`)
    /// with sequence number `seq` (`ping_until_reply` uses 0x8000 and up).
    pub fn ping(&mut self, v6: bool, seq: u16) {
        let i = usize::from(v6);
        let (src, dst) = (
            self.peer.client_addresses()[i],
            self.peer.inner_addresses()[i],
        );
        if let Some(p) = host::echo(src, dst, false, 0x7e57, seq, b"culvert-testkit") {
            self.send(&p);
        }
    }

    /// Whether an echo reply with sequence number `seq` was delivered.
    pub fn got_echo_reply(&self, seq: u16) -> bool {
        self.delivered
            .iter()
            .any(|p| matches!(host::parse(p), host::Parsed::Echo(e) if e.reply && e.seq == seq))
    }

    /// Stops the peer ([`PeerCore::stop`]).
    pub fn stop_peer(&mut self) {
        self.peer.stop();
    }

    /// Restarts the peer with the same keys ([`PeerCore::restart`]).
    pub fn restart_peer(&mut self) {
        self.peer.restart(self.now);
    }

    /// The peer moves to `addr` (a new port, a new network) and announces itself
    /// from there ([`PeerCore::announce`]); datagrams still in flight to the old
    /// address are lost. Returns whether the announcement left.
    pub fn roam_peer(&mut self, addr: SocketAddr) -> bool {
        self.peer_addr = addr;
        let sent = self.peer.announce(self.now);
        self.collect_peer();
        sent
    }

    /// Refuses or accepts handshakes ([`PeerCore::set_refuse_handshakes`]).
    pub fn refuse_handshakes(&mut self, refuse: bool) {
        self.peer.set_refuse_handshakes(refuse, self.now);
    }

    /// Runs the network for `d` of manual time, jumping from event to event.
    /// Panics after [`MAX_STEPS`] steps (a scenario that never settles is a bug).
    pub fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        self.run_until_time(end, |_| false);
    }

    /// Runs until `cond` holds (checked after every step) or `limit` of manual
    /// time passed; the manual time it took, `None` if `cond` never held.
    pub fn run_until(
        &mut self,
        limit: Duration,
        cond: impl FnMut(&ManualNet) -> bool,
    ) -> Option<Duration> {
        let start = self.now;
        let end = self.now + limit;
        self.run_until_time(end, cond)
            .then(|| self.now.saturating_duration_since(start))
    }

    /// Pings the peer (IPv4, or IPv6 with `v6`) every `interval` until a reply
    /// arrives, at most for `limit` of manual time, as an app with traffic does;
    /// the manual time until the first reply, `None` if none came.
    pub fn ping_until_reply(
        &mut self,
        v6: bool,
        interval: Duration,
        limit: Duration,
    ) -> Option<Duration> {
        let start = self.now;
        let end = start + limit;
        while self.now < end {
            self.next_seq = self.next_seq.wrapping_add(1).max(0x8000);
            let seq = self.next_seq;
            self.ping(v6, seq);
            let slice_end = (self.now + interval).min(end);
            let s = seq;
            if self.run_until_time(slice_end, |n| n.got_echo_reply(s)) {
                return Some(self.now - start);
            }
        }
        None
    }

    /// Runs until `cond` or `end`; whether `cond` held.
    fn run_until_time(&mut self, end: Instant, mut cond: impl FnMut(&ManualNet) -> bool) -> bool {
        for _ in 0..MAX_STEPS {
            while self.step() {
                if cond(self) {
                    return true;
                }
            }
            if cond(self) {
                return true;
            }
            match self.next_due() {
                Some(t) if t <= end => self.now = self.now.max(t),
                _ => {
                    self.now = self.now.max(end);
                    while self.step() {}
                    return cond(self);
                }
            }
        }
        panic!("ManualNet: no progress within {MAX_STEPS} steps");
    }

    /// Delivers what is due and runs due timers; whether anything happened.
    fn step(&mut self) -> bool {
        let now = self.now;
        let mut any = false;
        let mut rest = VecDeque::with_capacity(self.in_flight.len());
        let mut due = Vec::new();
        for item in self.in_flight.drain(..) {
            if item.0 <= now {
                due.push(item);
            } else {
                rest.push_back(item);
            }
        }
        self.in_flight = rest;
        for (_, from, to, payload) in due {
            any = true;
            if to == self.peer_addr {
                self.peer.handle_datagram(from, &payload, now);
                self.collect_peer();
            } else if to == self.tunnel_addr {
                self.tunnel.handle_datagram(from, &payload, now);
                self.collect_tunnel();
            }
        }
        if self.tunnel.poll_timeout().is_some_and(|t| t <= now) {
            self.tunnel.handle_timeout(now);
            self.collect_tunnel();
            any = true;
        }
        if self.peer.poll_timeout().is_some_and(|t| t <= now) {
            self.peer.handle_timeout(now);
            self.collect_peer();
            any = true;
        }
        any
    }

    fn next_due(&self) -> Option<Instant> {
        [
            self.in_flight.iter().map(|d| d.0).min(),
            self.tunnel.poll_timeout(),
            self.peer.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn collect_tunnel(&mut self) {
        let at = self.now + self.latency;
        while let Some(tx) = self.tunnel.poll_transmit() {
            self.in_flight
                .push_back((at, self.tunnel_addr, tx.dst, tx.payload.to_vec()));
        }
        while let Some(p) = self.tunnel.poll_tun() {
            self.delivered.push(p.to_vec());
        }
        while let Some(e) = self.tunnel.poll_event() {
            self.events.push(e);
        }
    }

    fn collect_peer(&mut self) {
        let at = self.now + self.latency;
        while let Some((to, payload)) = self.peer.poll_transmit(self.now) {
            self.in_flight.push_back((at, self.peer_addr, to, payload));
        }
    }
}
