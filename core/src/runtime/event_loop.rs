//! The event loop: `poll(2)` over the UDP sockets, the TUN fd and the wake pipe;
//! moves bytes between them and `proto`, sleeps until `proto`'s next deadline.

use super::batch::{RecvBatch, SendBatch};
use super::resolve::{self, Job, ResolverThread};
use super::tun::TunFd;
use super::udp::Sockets;
use super::{
    Command, EventSink, FaultKind, Hooks, IoFailures, PackedPackets, PacketIo, PacketSink,
    PeerStats, RuntimeError, Shared, TunnelEvent, TunnelState, TunnelStats, DELIVER_BATCH,
    DELIVER_BYTES, INBOUND_QUEUE_CAP, REBIND_MAX_BACKOFF,
};
use crate::clock::Instant;
use crate::config::{Config, EndpointHost, PublicKey};
use crate::health::recovery::{Action, Ladder};
use crate::health::{EvidenceBuilder, HealthMonitor};
use crate::proto::{self, Event, PeerConfig};
use ipnetwork::Ipv6Network;
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::IntoRawFd;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Datagrams or TUN packets handled per readiness before looking at the others
/// (so one busy side cannot starve the other).
const READ_BUDGET: usize = 64;
/// Receive buffer: the largest UDP payload.
const RECV_BUF: usize = 65_536;
/// How often the loop looks at its health evidence while it is busy (an idle
/// loop only looks at the health monitor's and recovery ladder's deadlines).
const HEALTH_INTERVAL: Duration = Duration::from_secs(1);
/// First wait before binding the UDP sockets again after a failed rebind.
const REBIND_FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// Packets taken from the `send_packets` queue per turn.
const INBOUND_TURN: usize = INBOUND_QUEUE_CAP / 4;
/// Descriptors polled: wake pipe, two UDP sockets, the TUN fd.
const MAX_POLL_FDS: usize = 4;

enum Io {
    Fd(TunFd),
    Callbacks {
        sink: Arc<dyn PacketSink>,
        /// Packets waiting to be delivered, back to back (capacity reused).
        data: Vec<u8>,
        /// Their lengths.
        lengths: Vec<u32>,
    },
}

pub(crate) struct Loop {
    shared: Arc<Shared>,
    proto: proto::Tunnel,
    config: Config,
    io: Io,
    tun_alive: bool,
    sockets: Sockets,
    hooks: Hooks,
    resolver: ResolverThread,
    state: TunnelState,
    buf: Vec<u8>,
    recv: RecvBatch,
    send: SendBatch,
    /// Peers whose endpoint is a host name: (name, port).
    names: HashMap<PublicKey, (String, u16)>,
    /// Peers with a literal IPv4 endpoint (re-synthesised when NAT64 applies).
    literal_v4: HashMap<PublicKey, SocketAddr>,
    nat64: Option<Ipv6Network>,
    ipv6_only: bool,
    ever_connected: bool,
    /// Failed UDP sends, by reason.
    send_failures: IoFailures,
    /// Failed TUN writes, by reason.
    tun_write_failures: IoFailures,
    /// Per peer: datagrams (and bytes) proto counted as sent whose send failed.
    unsent: HashMap<PublicKey, (u64, u64)>,
    /// When to try binding the UDP sockets again after a failed rebind.
    rebind_at: Option<Instant>,
    /// The wait after the next failed rebind attempt.
    rebind_backoff: Duration,
    /// Packets taken from the `send_packets` queue (capacity reused).
    inbound: Vec<Vec<u8>>,
    /// What the events said, for the health evidence (fed by `emit`).
    evidence: RefCell<EvidenceBuilder>,
    /// Evidence → health (see `crate::health`).
    health: HealthMonitor,
    /// Health → recovery steps: the one owner of recovery policy
    /// (re-handshake, re-resolve, rebind).
    ladder: Ladder,
    /// When the health was last looked at.
    health_checked: Option<Instant>,
}

fn proto_peers(config: &Config) -> Vec<PeerConfig> {
    config.peers.iter().map(PeerConfig::from_config).collect()
}

impl Loop {
    pub(crate) fn new(
        config: Config,
        io: PacketIo,
        hooks: Hooks,
        shared: Arc<Shared>,
    ) -> Result<Loop, RuntimeError> {
        let now = Instant::now();
        let proto = proto::Tunnel::from_config(&config, now)
            .map_err(|e| RuntimeError::InvalidConfig(e.to_string()))?;
        let sockets = Sockets::bind(config.interface.listen_port.unwrap_or(0), &hooks)?;
        let io = match io {
            PacketIo::Fd { fd, framing } => Io::Fd(
                TunFd::new(fd, framing).map_err(|e| RuntimeError::Io(format!("TUN fd: {e}")))?,
            ),
            PacketIo::Callbacks { sink } => Io::Callbacks {
                sink,
                data: Vec::with_capacity(DELIVER_BYTES),
                lengths: Vec::with_capacity(DELIVER_BATCH),
            },
        };
        let resolver: Arc<dyn super::Resolver> = hooks
            .resolver
            .clone()
            .unwrap_or_else(|| Arc::new(resolve::SystemResolver));
        let resolver = ResolverThread::spawn(resolver, shared.waker.clone())
            .map_err(|e| RuntimeError::Io(format!("starting the resolver thread: {e}")))?;
        let ipv6_only = hooks.assume_ipv6_only || sockets.v4.is_none();
        // A batch slot holds the largest datagram of this tunnel's MTU.
        let mtu = usize::from(config.interface.mtu.unwrap_or(1420));
        let slot = (mtu + 128).max(2048);
        let mut this = Loop {
            shared,
            proto,
            config,
            io,
            tun_alive: true,
            sockets,
            nat64: hooks.nat64_prefix,
            hooks,
            resolver,
            state: TunnelState::Connecting,
            buf: vec![0u8; RECV_BUF],
            recv: RecvBatch::new(slot),
            send: SendBatch::new(slot),
            names: HashMap::new(),
            literal_v4: HashMap::new(),
            ipv6_only,
            ever_connected: false,
            send_failures: IoFailures::default(),
            tun_write_failures: IoFailures::default(),
            unsent: HashMap::new(),
            rebind_at: None,
            rebind_backoff: REBIND_FIRST_BACKOFF,
            inbound: Vec::with_capacity(INBOUND_TURN),
            evidence: RefCell::new(EvidenceBuilder::new()),
            health: HealthMonitor::default(),
            ladder: Ladder::default(),
            health_checked: None,
        };
        log::info!(
            "tunnel starting: {} peer(s), UDP port {}",
            this.config.peers.len(),
            this.sockets.port
        );
        this.learn_endpoints();
        this.resolve_all(now);
        this.emit(TunnelEvent::StateChanged(TunnelState::Connecting));
        Ok(this)
    }

    /// Records which peers have host-name or literal-IPv4 endpoints.
    fn learn_endpoints(&mut self) {
        self.names.clear();
        self.literal_v4.clear();
        for peer in &self.config.peers {
            if let Some(ep) = &peer.endpoint {
                match &ep.host {
                    EndpointHost::Name(name) => {
                        self.names.insert(peer.public_key, (name.clone(), ep.port));
                    }
                    EndpointHost::Ip(IpAddr::V4(ip)) => {
                        self.literal_v4
                            .insert(peer.public_key, SocketAddr::new(IpAddr::V4(*ip), ep.port));
                        // A platform resolver sees IPv4 literals too (iOS: getaddrinfo
                        // with AI_DEFAULT answers a NAT64-synthesised IPv6 address on an
                        // IPv6-only network); its answer replaces the literal when it
                        // comes. The system resolver is not asked (nothing to learn).
                        if self.hooks.resolver.is_some() {
                            self.names
                                .insert(peer.public_key, (ip.to_string(), ep.port));
                        }
                    }
                    EndpointHost::Ip(IpAddr::V6(_)) => {}
                }
            }
        }
    }

    /// Starts resolving every host name; applies NAT64 to literal IPv4 endpoints.
    fn resolve_all(&mut self, now: Instant) {
        if self.ipv6_only && self.nat64.is_none() {
            self.resolver.resolve(Job::Nat64);
        }
        for (key, (host, _)) in &self.names {
            self.resolver.resolve(Job::Peer {
                key: *key,
                host: host.clone(),
            });
        }
        let literals: Vec<(PublicKey, SocketAddr)> =
            self.literal_v4.iter().map(|(k, a)| (*k, *a)).collect();
        for (key, addr) in literals {
            let chosen = self.choose(&[addr.ip()], addr.port());
            if chosen.is_some() && chosen != self.proto.endpoint(&key) {
                self.proto.set_endpoint(&key, chosen, now);
                self.flush();
            }
        }
    }

    /// Whether IPv4 endpoints go through NAT64 (a prefix is known and the network is
    /// IPv6-only, or the platform gave the prefix).
    fn nat64_prefix(&self) -> Option<Ipv6Network> {
        if self.ipv6_only || self.hooks.nat64_prefix.is_some() {
            self.nat64
        } else {
            None
        }
    }

    /// Picks the address to use among `addrs` for `port`.
    fn choose(&self, addrs: &[IpAddr], port: u16) -> Option<SocketAddr> {
        let v4 = addrs.iter().find(|a| a.is_ipv4());
        let v6 = addrs.iter().find(|a| a.is_ipv6());
        if let Some(prefix) = self.nat64_prefix() {
            if self.sockets.v6.is_some() {
                if let Some(IpAddr::V6(a)) = v6 {
                    return Some(SocketAddr::new(IpAddr::V6(*a), port));
                }
                if let Some(IpAddr::V4(a)) = v4 {
                    if let Some(s) = resolve::synthesize(prefix, *a) {
                        return Some(SocketAddr::new(IpAddr::V6(s), port));
                    }
                }
            }
        }
        let usable = |a: &&IpAddr| {
            if a.is_ipv4() {
                self.sockets.v4.is_some() && !self.ipv6_only
            } else {
                self.sockets.v6.is_some()
            }
        };
        addrs
            .iter()
            .filter(|a| a.is_ipv4())
            .find(usable)
            .or_else(|| addrs.iter().find(usable))
            .or_else(|| addrs.first())
            .map(|a| SocketAddr::new(*a, port))
    }

    fn emit(&self, event: TunnelEvent) {
        if let Ok(mut evidence) = self.evidence.try_borrow_mut() {
            evidence.on_event(&event);
        }
        if let Some(sink) = &self.hooks.events {
            let sink: &Arc<dyn EventSink> = sink;
            sink.on_event(event);
        }
    }

    fn set_state(&mut self, state: TunnelState) {
        if self.state != state {
            log::info!("tunnel state: {:?} -> {:?}", self.state, state);
            self.state = state;
            self.shared.set_state(state);
            self.emit(TunnelEvent::StateChanged(state));
        }
    }

    /// Runs until `stop()` or a fatal failure. A panic inside is caught, logged,
    /// reported (`Error { kind: Panicked }` then `StateChanged(Stopped)`, whatever
    /// state the TUN fd is in) and ends the tunnel.
    pub(crate) fn run(mut self) {
        let shared = self.shared.clone();
        let events = self.hooks.events.clone();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.run_inner();
            self
        }));
        shared
            .stopped
            .store(true, std::sync::atomic::Ordering::Release);
        match result {
            Ok(this) => drop(this),
            Err(_) => {
                log::error!("the tunnel's event loop panicked; the tunnel is stopped");
                let was_stopped = shared
                    .state
                    .lock()
                    .map(|mut s| std::mem::replace(&mut *s, TunnelState::Stopped))
                    .unwrap_or_else(|e| {
                        std::mem::replace(&mut *e.into_inner(), TunnelState::Stopped)
                    })
                    == TunnelState::Stopped;
                if let Some(sink) = events {
                    // The sink itself may be what panicked: never let it unwind out
                    // of the loop thread.
                    let emit = |event: TunnelEvent| {
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            sink.on_event(event)
                        }));
                    };
                    emit(TunnelEvent::Error {
                        kind: FaultKind::Panicked,
                        message: "the event loop panicked (a bug); the tunnel stopped".into(),
                    });
                    if !was_stopped {
                        emit(TunnelEvent::StateChanged(TunnelState::Stopped));
                    }
                }
                return;
            }
        }
        if let Ok(mut s) = shared.state.lock() {
            *s = TunnelState::Stopped;
        };
    }

    /// Ends the tunnel on a failure it cannot recover from: reports it, then
    /// `StateChanged(Stopped)`; later calls on the handle return `Stopped`.
    fn fail(&mut self, kind: FaultKind, message: String) {
        log::error!("{message}; the tunnel is stopped");
        self.shared
            .stopped
            .store(true, std::sync::atomic::Ordering::Release);
        self.emit(TunnelEvent::Error { kind, message });
        self.set_state(TunnelState::Stopped);
    }

    /// When the loop must run next: `proto`'s deadline, a pending rebind, or
    /// the health monitor's or recovery ladder's next deadline.
    fn next_deadline(&self) -> Option<Instant> {
        [
            self.proto.poll_timeout(),
            self.rebind_at,
            self.health_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// When the health verdict or the recovery ladder may change without new input.
    fn health_deadline(&self) -> Option<Instant> {
        if self.state == TunnelState::Sleeping {
            return None;
        }
        match (self.health.poll_timeout(), self.ladder.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Looks at the evidence (at most every [`HEALTH_INTERVAL`] while busy, and
    /// at the health deadlines), publishes a changed health as
    /// `HealthChanged`, and takes the recovery ladder's due steps.
    fn check_health(&mut self, now: Instant) {
        if self.state == TunnelState::Sleeping || self.state == TunnelState::Stopped {
            return;
        }
        let interval_due = self
            .health_checked
            .is_none_or(|t| now.saturating_duration_since(t) >= HEALTH_INTERVAL);
        let deadline_due = self.health_deadline().is_some_and(|d| d <= now);
        if !interval_due && !deadline_due {
            return;
        }
        self.health_checked = Some(now);
        let stats = self.stats(now);
        let evidence = self
            .evidence
            .borrow_mut()
            .evidence(&stats, &self.config, SystemTime::now());
        if let Some(health) = self.health.observe(&evidence, now) {
            log::info!(
                "health: {}{}",
                health.health.level(),
                health
                    .health
                    .reason()
                    .map(|r| format!(" ({})", r.code))
                    .unwrap_or_default()
            );
            if let Ok(mut shared) = self.shared.health.lock() {
                *shared = health.clone();
            }
            self.emit(TunnelEvent::HealthChanged(health));
        }
        self.ladder.on_health(self.health.health(), &evidence, now);
        while let Some(step) = self.ladder.poll_step() {
            log::info!(
                "recovery: {} for {} (attempt {}, next in {} s)",
                step.action.as_str(),
                step.reason,
                step.attempt,
                step.next_in.as_secs()
            );
            match step.action {
                Action::Rehandshake => {
                    if let Some(peer) = step.peer {
                        if self.proto.force_handshake_peer(&peer, now) {
                            self.flush();
                        }
                    }
                }
                Action::Reresolve => {
                    if let Some((host, _)) = step.peer.and_then(|p| self.names.get(&p)) {
                        self.resolver.resolve(Job::Peer {
                            key: step.peer.expect("checked"),
                            host: host.clone(),
                        });
                    }
                }
                Action::Rebind => self.rebind(now),
            }
            self.emit(TunnelEvent::RecoveryStep(step));
        }
    }

    fn run_inner(&mut self) {
        let mut fds = [libc::pollfd {
            fd: -1,
            events: 0,
            revents: 0,
        }; MAX_POLL_FDS];
        loop {
            let now = Instant::now();
            let timeout_ms: libc::c_int = match self.next_deadline() {
                None => -1,
                Some(deadline) => {
                    let wait = deadline.saturating_duration_since(now);
                    // Round up: waking early would find nothing due and poll again.
                    let ms = wait.as_nanos().div_ceil(1_000_000);
                    ms.min(i32::MAX as u128) as libc::c_int
                }
            };
            let poll = |fd: i32| libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let mut count = 0;
            fds[count] = poll(self.shared.waker.fd());
            count += 1;
            // (fd index, family) of each socket: `false` = IPv4.
            let mut sock_fds = [(0usize, false); 2];
            let mut socks = 0;
            for (fd, v6) in self.sockets.fds() {
                fds[count] = poll(fd);
                sock_fds[socks] = (count, v6);
                count += 1;
                socks += 1;
            }
            let tun_index = match &self.io {
                Io::Fd(tun) if self.tun_alive => {
                    fds[count] = poll(tun.raw());
                    count += 1;
                    Some(count - 1)
                }
                _ => None,
            };
            // SAFETY: `fds[..count]` is a valid array of `count` pollfd structs.
            let rc = unsafe { libc::poll(fds.as_mut_ptr(), count as libc::nfds_t, timeout_ms) };
            if rc < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    log::warn!("poll failed: {e}");
                }
                continue;
            }
            let now = Instant::now();
            let ready = |revents: libc::c_short| {
                revents & (libc::POLLIN | libc::POLLERR | libc::POLLHUP) != 0
            };
            let invalid = |revents: libc::c_short| revents & libc::POLLNVAL != 0;
            // POLLNVAL: a descriptor was closed behind our back. Polling it again
            // would return at once, forever (100 % CPU).
            if invalid(fds[0].revents) {
                self.fail(
                    FaultKind::FdClosed,
                    "the event loop's wake pipe was closed by someone else".into(),
                );
                return;
            }
            if let Some(i) = tun_index {
                if invalid(fds[i].revents) {
                    // The app closed the fd it handed over. Its number may already
                    // belong to something else: forget it, never close it again.
                    if let Io::Fd(tun) = std::mem::replace(
                        &mut self.io,
                        Io::Callbacks {
                            sink: Arc::new(NoSink),
                            data: Vec::new(),
                            lengths: Vec::new(),
                        },
                    ) {
                        tun.forget();
                    }
                    self.tun_alive = false;
                    self.fail(
                        FaultKind::FdClosed,
                        "the TUN file descriptor was closed by someone else (POLLNVAL)".into(),
                    );
                    return;
                }
            }
            if ready(fds[0].revents) {
                self.shared.waker.drain();
                if !self.handle_commands(now) {
                    return;
                }
                self.handle_inbound(now);
                self.handle_resolved(now);
            }
            for &(i, v6) in &sock_fds[..socks] {
                if invalid(fds[i].revents) {
                    self.socket_closed(v6, now);
                } else if ready(fds[i].revents) {
                    self.read_udp(v6, now);
                }
            }
            if let Some(i) = tun_index {
                if ready(fds[i].revents) {
                    self.read_tun(now);
                }
            }
            if self.rebind_at.is_some_and(|at| at <= now) {
                self.rebind(now);
            }
            if self.proto.poll_timeout().is_some_and(|d| d <= now) {
                self.proto.handle_timeout(now);
                self.flush();
            }
            self.send_pending();
            self.deliver();
            self.check_health(now);
        }
    }

    /// A UDP socket was closed behind our back (`POLLNVAL`): forget it (never
    /// close its number again) and bind new sockets.
    fn socket_closed(&mut self, v6: bool, now: Instant) {
        let socket = if v6 {
            self.sockets.v6.take()
        } else {
            self.sockets.v4.take()
        };
        if let Some(socket) = socket {
            let _ = socket.into_raw_fd();
        }
        log::error!("a UDP socket was closed by someone else; binding new sockets");
        self.emit(TunnelEvent::Error {
            kind: FaultKind::RebindFailed,
            message: "a UDP socket was closed by someone else; binding new sockets".into(),
        });
        self.rebind_at = Some(now);
    }

    /// Returns `false` on stop.
    fn handle_commands(&mut self, now: Instant) -> bool {
        loop {
            let command = match self.shared.commands.lock() {
                Ok(mut q) => q.pop_front(),
                Err(_) => return false,
            };
            let Some(command) = command else { return true };
            match command {
                Command::Stop => {
                    log::info!("tunnel stopping");
                    self.send_pending();
                    self.deliver();
                    self.set_state(TunnelState::Stopped);
                    return false;
                }
                Command::Sleep => {
                    self.proto.sleep();
                    self.set_state(TunnelState::Sleeping);
                }
                Command::Wake => {
                    // Silences measured across a sleep mean nothing.
                    self.health.reset();
                    self.ladder.reset();
                    let started = self.proto.wake(now);
                    self.flush();
                    self.resolve_all(now);
                    let next = match (self.ever_connected, started) {
                        (false, _) => TunnelState::Connecting,
                        // Every session is fresh (made just before wake()).
                        (true, 0) => TunnelState::Connected,
                        (true, _) => TunnelState::Reasserting,
                    };
                    self.set_state(next);
                }
                Command::NetworkChanged => self.network_changed(now),
                Command::Stats(reply) => {
                    let _ = reply.try_send(self.stats(now));
                }
                Command::Update(config, reply) => {
                    let result = self.update(*config, now);
                    let _ = reply.try_send(result);
                }
            }
        }
    }

    fn network_changed(&mut self, now: Instant) {
        log::info!("network changed: rebinding UDP sockets");
        // A new path: old silences and ladders do not apply to it.
        self.health.reset();
        self.ladder.reset();
        self.rebind_backoff = REBIND_FIRST_BACKOFF;
        self.rebind(now);
    }

    /// Binds new UDP sockets (same port if possible). On failure the tunnel has no
    /// socket: reported, and tried again after a backoff (1, 2, 4, … up to
    /// [`REBIND_MAX_BACKOFF`]) until a bind succeeds.
    fn rebind(&mut self, now: Instant) {
        let port = self.sockets.port;
        // Close the old sockets first so the same port can be bound again.
        self.sockets = Sockets {
            v4: None,
            v6: None,
            port,
        };
        let rebound = Sockets::bind(port, &self.hooks).or_else(|e| {
            log::info!("could not rebind UDP port {port} ({e}); using a new port");
            Sockets::bind(0, &self.hooks)
        });
        match rebound {
            Ok(s) => {
                if self.rebind_at.take().is_some() {
                    log::info!("UDP sockets bound again on port {}", s.port);
                }
                self.rebind_backoff = REBIND_FIRST_BACKOFF;
                self.sockets = s;
            }
            Err(e) => {
                let wait = self.rebind_backoff;
                self.rebind_at = Some(now + wait);
                self.rebind_backoff = (wait * 2).min(REBIND_MAX_BACKOFF);
                log::error!("no UDP socket: {e}; trying again in {} s", wait.as_secs());
                self.emit(TunnelEvent::Error {
                    kind: FaultKind::RebindFailed,
                    message: format!(
                        "could not bind UDP sockets: {e}; trying again in {} s",
                        wait.as_secs()
                    ),
                });
                return;
            }
        }
        self.ipv6_only = self.hooks.assume_ipv6_only || self.sockets.v4.is_none();
        self.nat64 = self.hooks.nat64_prefix;
        let mut started = 0;
        if self.state != TunnelState::Sleeping {
            started = self.proto.force_handshake(now);
            self.flush();
        }
        self.resolve_all(now);
        if self.ever_connected && started > 0 && self.state != TunnelState::Sleeping {
            self.set_state(TunnelState::Reasserting);
        }
    }

    /// Applies `config`, or nothing at all: everything that can fail (binding a
    /// new listen port, checking the peers) happens before anything changes.
    fn update(&mut self, config: Config, now: Instant) -> Result<(), RuntimeError> {
        let peers = proto_peers(&config);
        let port_changed = config
            .interface
            .listen_port
            .is_some_and(|p| p != self.sockets.port);
        // The new port is bound next to the old sockets (a different port), so a
        // port in use fails the update before anything was applied.
        let new_sockets = match config.interface.listen_port {
            Some(port) if port_changed => Some(Sockets::bind(port, &self.hooks)?),
            _ => None,
        };
        if config.interface.private_key != self.config.interface.private_key {
            log::info!("update: new private key, all sessions restart");
            let proto = proto::Tunnel::from_config(&config, now)
                .map_err(|e| RuntimeError::InvalidConfig(e.to_string()))?;
            self.proto = proto;
            // The new protocol state counts from zero.
            self.unsent.clear();
        } else {
            self.proto
                .set_peers(peers, now)
                .map_err(|e| RuntimeError::InvalidConfig(e.to_string()))?;
        }
        if let Some(sockets) = new_sockets {
            self.sockets = sockets;
            self.rebind_at = None;
            self.rebind_backoff = REBIND_FIRST_BACKOFF;
            self.ipv6_only = self.hooks.assume_ipv6_only || self.sockets.v4.is_none();
        }
        let old_names = std::mem::take(&mut self.names);
        self.config = config;
        self.learn_endpoints();
        for (key, name) in &old_names {
            if self.names.get(key) != Some(name) {
                self.resolver.forget(Job::Peer {
                    key: *key,
                    host: name.0.clone(),
                });
            }
        }
        let peers = &self.config.peers;
        self.unsent
            .retain(|key, _| peers.iter().any(|p| p.public_key == *key));
        self.resolve_all(now);
        self.flush();
        log::info!("tunnel updated: {} peer(s)", self.config.peers.len());
        Ok(())
    }

    fn handle_inbound(&mut self, now: Instant) {
        let more = match self.shared.inbound.lock() {
            Ok(mut inbound) => {
                let n = inbound.packets.len().min(INBOUND_TURN);
                let mut bytes = 0;
                for p in inbound.packets.drain(..n) {
                    bytes += p.len();
                    self.inbound.push(p);
                }
                inbound.bytes = inbound.bytes.saturating_sub(bytes);
                !inbound.packets.is_empty()
            }
            Err(_) => return,
        };
        let mut packets = std::mem::take(&mut self.inbound);
        for p in &packets {
            self.proto.handle_tun_packet(p, now);
            self.flush();
        }
        packets.clear();
        self.inbound = packets;
        if more {
            // Let the sockets have a turn, then come back.
            self.shared.waker.wake();
        }
    }

    fn handle_resolved(&mut self, now: Instant) {
        for done in self.resolver.take() {
            if let Some(message) = done.error {
                if let Job::Peer { key, host } = done.job {
                    if self.names.get(&key).is_some_and(|(name, _)| *name == host) {
                        self.emit(TunnelEvent::EndpointResolveFailed { peer: key, message });
                    }
                }
                continue;
            }
            match done.job {
                Job::Nat64 => {
                    self.nat64 = resolve::discover_prefix(&done.addrs);
                    match self.nat64 {
                        Some(p) => {
                            log::info!("NAT64 prefix discovered: {p}");
                            // Re-apply to literal and resolved IPv4 endpoints.
                            let names: Vec<(PublicKey, String)> = self
                                .names
                                .iter()
                                .map(|(k, (h, _))| (*k, h.clone()))
                                .collect();
                            for (key, host) in names {
                                self.resolver.resolve(Job::Peer { key, host });
                            }
                            let literals: Vec<(PublicKey, SocketAddr)> =
                                self.literal_v4.iter().map(|(k, a)| (*k, *a)).collect();
                            for (key, addr) in literals {
                                let chosen = self.choose(&[addr.ip()], addr.port());
                                self.proto.set_endpoint(&key, chosen, now);
                                self.flush();
                            }
                        }
                        None => log::info!("no NAT64 prefix on this network"),
                    }
                }
                Job::Peer { key, host } => {
                    let Some((name, port)) = self.names.get(&key).cloned() else {
                        continue;
                    };
                    if name != host {
                        continue;
                    }
                    if let Some(endpoint) = self.choose(&done.addrs, port) {
                        if self.proto.endpoint(&key) != Some(endpoint) {
                            log::info!("peer {key}: endpoint resolved");
                            self.proto.set_endpoint(&key, Some(endpoint), now);
                            self.flush();
                            self.emit(TunnelEvent::EndpointResolved {
                                peer: key,
                                endpoint,
                            });
                        }
                    }
                }
            }
        }
    }

    fn read_udp(&mut self, v6: bool, now: Instant) {
        let mut budget = READ_BUDGET;
        while budget > 0 {
            let Some(socket) = self.sockets.socket(v6) else {
                return;
            };
            match self.recv.recv(socket) {
                Ok(0) => return,
                Ok(n) => {
                    budget = budget.saturating_sub(n);
                    for i in 0..self.recv.got.len() {
                        let (_, len, from) = self.recv.got[i];
                        log::trace!("received a datagram of {len} bytes");
                        self.proto.handle_datagram(from, self.recv.datagram(i), now);
                        self.flush();
                    }
                }
                Err(e) => {
                    // ICMP errors surface here (e.g. connection refused): not fatal.
                    log::debug!("UDP receive: {e}");
                    return;
                }
            }
        }
    }

    fn read_tun(&mut self, now: Instant) {
        for _ in 0..READ_BUDGET {
            let Io::Fd(tun) = &self.io else { return };
            match tun.read(&mut self.buf) {
                Ok(Some(range)) => {
                    if !range.is_empty() {
                        self.proto.handle_tun_packet(&self.buf[range], now);
                        self.flush();
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    log::error!("TUN device read failed: {e}; no more packets from the OS");
                    self.tun_alive = false;
                    self.emit(TunnelEvent::Error {
                        kind: FaultKind::TunReadFailed,
                        message: format!("TUN device read failed: {e}"),
                    });
                    return;
                }
            }
        }
    }

    /// Moves everything `proto` produced to the network, the OS and the app.
    fn flush(&mut self) {
        while let Some(t) = self.proto.poll_transmit() {
            if self.send.is_full() {
                self.send.flush(&self.sockets);
            }
            if !self.send.push(t.payload, t.dst) {
                if let Err(e) = self.sockets.send_to(t.payload, t.dst) {
                    self.send.failed.push((t.dst, t.payload.len(), e));
                }
            }
        }
        // Counted here: `t` borrowed `proto`, which the attribution reads.
        self.note_send_failures();
        match &mut self.io {
            Io::Fd(tun) => {
                while let Some(p) = self.proto.poll_tun() {
                    if let Err(e) = tun.write(p) {
                        log::debug!("TUN write failed: {e}");
                        self.tun_write_failures.count(&e);
                    }
                }
            }
            Io::Callbacks {
                data,
                lengths,
                sink,
            } => {
                while let Some(p) = self.proto.poll_tun() {
                    if !lengths.is_empty()
                        && (lengths.len() >= DELIVER_BATCH || data.len() + p.len() > DELIVER_BYTES)
                    {
                        deliver_packed(sink, data, lengths);
                    }
                    data.extend_from_slice(p);
                    lengths.push(p.len() as u32);
                }
            }
        }
        while let Some(event) = self.proto.poll_event() {
            self.on_proto_event(event);
        }
    }

    /// Counts the failed sends noted since the last call.
    fn note_send_failures(&mut self) {
        if self.send.failed.is_empty() {
            return;
        }
        let mut failed = std::mem::take(&mut self.send.failed);
        for (dst, len, e) in &failed {
            self.note_send_failure(*dst, *len, e);
        }
        failed.clear();
        self.send.failed = failed;
    }

    /// One datagram was not sent: count it by reason and take it off its peer's
    /// `tx_packets` (proto counted it when it made it); `ENETUNREACH` on IPv4
    /// means an IPv6-only network (start NAT64 discovery).
    fn note_send_failure(&mut self, dst: SocketAddr, len: usize, e: &std::io::Error) {
        log::debug!("UDP send failed: {e}");
        self.send_failures.count(e);
        // O(peers), on failures only.
        let peer = self
            .config
            .peers
            .iter()
            .map(|p| p.public_key)
            .find(|key| self.proto.endpoint(key) == Some(dst));
        if let Some(key) = peer {
            let unsent = self.unsent.entry(key).or_default();
            unsent.0 += 1;
            unsent.1 += len as u64;
        }
        let unreachable = e.raw_os_error() == Some(libc::ENETUNREACH) && !dst.is_ipv6();
        if unreachable && !self.ipv6_only && self.sockets.v6.is_some() {
            log::info!("IPv4 is unreachable: treating the network as IPv6-only (NAT64)");
            self.ipv6_only = true;
            if self.nat64.is_none() {
                self.resolver.resolve(Job::Nat64);
            }
        }
    }

    /// Sends the queued datagrams (end of every loop iteration).
    fn send_pending(&mut self) {
        if self.send.is_empty() {
            return;
        }
        self.send.flush(&self.sockets);
        self.note_send_failures();
    }

    fn deliver(&mut self) {
        if let Io::Callbacks {
            sink,
            data,
            lengths,
        } = &mut self.io
        {
            if !lengths.is_empty() {
                deliver_packed(sink, data, lengths);
            }
        }
    }

    fn on_proto_event(&mut self, event: Event) {
        match event {
            Event::HandshakeCompleted { peer } => {
                self.ever_connected = true;
                if self.state != TunnelState::Sleeping {
                    self.set_state(TunnelState::Connected);
                }
                self.emit(TunnelEvent::HandshakeCompleted { peer });
            }
            Event::HandshakeFailing { peer, attempts } => {
                // Re-resolving (and the rest of recovery) is the health
                // ladder's decision: see `check_health`.
                self.emit(TunnelEvent::HandshakeFailing { peer, attempts });
                self.health_checked = None;
            }
            Event::PeerIdle { peer } => self.emit(TunnelEvent::PeerIdle { peer }),
            Event::EndpointChanged { peer, endpoint } => {
                log::debug!("peer {peer}: roamed");
                self.emit(TunnelEvent::PeerRoamed { peer, endpoint });
            }
        }
    }

    fn stats(&self, now: Instant) -> TunnelStats {
        let wall = SystemTime::now();
        let mut dropped = self.proto.dropped();
        if let Ok(inbound) = self.shared.inbound.lock() {
            dropped.queue_full += inbound.dropped;
        }
        TunnelStats {
            listen_port: self.sockets.port,
            peers: self
                .proto
                .stats()
                .into_iter()
                .map(|p| PeerStats {
                    public_key: p.public_key,
                    endpoint: p.endpoint,
                    rx_bytes: p.rx_bytes,
                    tx_bytes: p
                        .tx_bytes
                        .saturating_sub(self.unsent.get(&p.public_key).map_or(0, |u| u.1)),
                    rx_packets: p.rx_packets,
                    tx_packets: p
                        .tx_packets
                        .saturating_sub(self.unsent.get(&p.public_key).map_or(0, |u| u.0)),
                    last_handshake: p
                        .last_handshake
                        .and_then(|t| wall.checked_sub(now.saturating_duration_since(t))),
                    handshakes: p.handshakes,
                    rtt_ms: p.rtt_ms,
                    loss: p.loss,
                    dropped: p.dropped,
                    rx_data_packets: p.rx_data_packets,
                    tx_data_packets: p.tx_data_packets,
                    last_inner_source: p.last_inner_source,
                })
                .collect(),
            dropped,
            send_failures: self.send_failures,
            tun_write_failures: self.tun_write_failures,
            oversized_dropped: self.recv.oversized_dropped,
        }
    }
}

/// Hands the packed batch to the sink and empties it (capacity kept).
fn deliver_packed(sink: &Arc<dyn PacketSink>, data: &mut Vec<u8>, lengths: &mut Vec<u32>) {
    sink.deliver_packed(PackedPackets { data, lengths });
    data.clear();
    lengths.clear();
}

/// Stands in for the packet sink after the TUN fd was lost (nothing is delivered).
struct NoSink;

impl PacketSink for NoSink {
    fn deliver(&self, _packets: Vec<Vec<u8>>) {}
}
