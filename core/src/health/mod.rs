//! Tunnel health: `Healthy`, `Degraded(reason)` or `Down(reason)` per peer and
//! for the tunnel, derived from evidence snapshots by documented thresholds.
//! Sans-IO: the caller passes each snapshot ([`Evidence`]) and the time; the
//! [`HealthMonitor`] remembers when counters last moved, and [`recovery`]
//! decides what to do about it.
//!
//! The rules, checked in this order (first match wins), with [`Thresholds`]'
//! defaults:
//!
//! Per peer:
//! 1. `ENDPOINT_UNRESOLVED` — Down: the endpoint is a name, no address is known
//!    and resolving it failed. (Degraded when an older address is still in use.)
//! 2. `HANDSHAKE_FAILING` — Down: `handshake_attempts_down` (3, about 15 s of
//!    retries at REKEY_TIMEOUT) initiations in a row got no answer. Degraded
//!    from 2 (one retransmit) while an older session exists.
//! 3. `NOTHING_RECEIVED` — Down, "connected but dead": a session exists
//!    (handshake younger than REJECT_AFTER_TIME, 180 s), data was sent and no
//!    data came back for `silence_after_send` (KEEPALIVE_TIMEOUT 10 s +
//!    REKEY_TIMEOUT 5 s: a live peer answers data with at least a keepalive
//!    within 10 s, and boringtun starts a new handshake after 15 s).
//! 4. `INNER_SOURCE_REJECTED` — Degraded: at least `inner_source_climbing` (3)
//!    decrypted packets from the peer dropped in `window` (30 s) because their
//!    inner source is outside its AllowedIPs (with the last offending address
//!    when the engine records it).
//!
//! For the tunnel:
//! 1. `TUN_CLOSED` — Down: the OS tunnel interface is gone.
//! 2. `REBIND_FAILING` — Down: the UDP sockets could not be re-opened.
//! 3. `NETWORK_UNREACHABLE` / `SEND_NOT_PERMITTED` / `PACKET_TOO_LARGE` /
//!    `SEND_FAILING` — at least `socket_errors_climbing` (3) send failures of
//!    that kind in `window`: Down when no peer received anything in that
//!    window, else Degraded.
//! 4. The peers: Down with the first Down peer's reason when every peer that
//!    can be reached (has an endpoint or a session) is Down; Degraded with
//!    the worst peer's reason when some are Down or Degraded.
//! 5. `NO_ROUTE` — Degraded: at least `no_route_climbing` (5) packets from the
//!    OS in `window` matched no peer's AllowedIPs.
//! 6. `NO_TRAFFIC_FROM_OS` — Degraded: no packet from the OS for `os_quiet`
//!    (60 s) while up (the routes capture nothing).
//!
//! Evidence the engine does not report yet is `None` (or 0) and the rules
//! that need it stay quiet.

mod evidence;
pub mod recovery;

pub use evidence::EvidenceBuilder;

use crate::clock::Instant;
use crate::config::PublicKey;
use crate::proto::DropCounts;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

/// WireGuard's KEEPALIVE_TIMEOUT: a peer that received data and has nothing
/// to send answers with a keepalive within this.
pub const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(10);
/// WireGuard's REKEY_TIMEOUT: the wait for a handshake response before a retry.
pub const REKEY_TIMEOUT: Duration = Duration::from_secs(5);
/// WireGuard's REJECT_AFTER_TIME: a session older than this carries nothing.
pub const REJECT_AFTER_TIME: Duration = Duration::from_secs(180);

/// The numbers behind the rules (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    /// Unanswered handshake initiations before a peer is Down (3).
    pub handshake_attempts_down: u32,
    /// Data sent with no data back for this long, while a session exists: Down (15 s).
    pub silence_after_send: Duration,
    /// The window in which a counter must climb (30 s).
    pub window: Duration,
    /// Inner-source drops in `window` for Degraded (3).
    pub inner_source_climbing: u64,
    /// No-route drops in `window` for Degraded (5).
    pub no_route_climbing: u64,
    /// Send failures of one kind in `window` (3).
    pub socket_errors_climbing: u64,
    /// No packet from the OS for this long while up: Degraded (60 s).
    pub os_quiet: Duration,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            handshake_attempts_down: 3,
            silence_after_send: KEEPALIVE_TIMEOUT + REKEY_TIMEOUT,
            window: Duration::from_secs(30),
            inner_source_climbing: 3,
            no_route_climbing: 5,
            socket_errors_climbing: 3,
            os_quiet: Duration::from_secs(60),
        }
    }
}

/// Send failures by kind (cumulative), in the runtime's buckets (a full
/// buffer is not a failure of the path and is left out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendErrors {
    /// `ENETUNREACH`, `EHOSTUNREACH`, `ENETDOWN`, `ECONNREFUSED`, `EADDRNOTAVAIL`.
    pub unreachable: u64,
    /// `EPERM`, `EACCES`: a firewall or the OS refuses.
    pub permission: u64,
    /// `EMSGSIZE`: larger than the path or device takes.
    pub too_large: u64,
    /// No socket of that family, or it is gone (`EBADF`, `EIO`, ...).
    pub no_socket: u64,
    /// Anything else.
    pub other: u64,
}

/// What is known about one peer at one instant. Counters are cumulative.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerEvidence {
    /// The peer.
    pub public_key: PublicKey,
    /// The configured endpoint is a DNS name.
    pub endpoint_is_name: bool,
    /// An endpoint address is known (configured, resolved or learned).
    pub endpoint_known: bool,
    /// Time since the last completed handshake; `None`: never.
    pub since_handshake: Option<Duration>,
    /// Handshake initiations sent since the last completed handshake.
    pub handshake_attempts: u32,
    /// Authenticated datagrams received (handshakes, keepalives and data).
    pub rx_packets: u64,
    /// Datagrams sent.
    pub tx_packets: u64,
    /// Data packets received that carry traffic (not keepalives), when the
    /// engine counts them; `None` falls back to `rx_packets`.
    pub rx_data_packets: Option<u64>,
    /// Data packets sent that carry traffic (not keepalives), when the engine
    /// counts them; `None` falls back to `tx_packets` (see
    /// [`HealthMonitor::observe`] for when that is trusted).
    pub tx_data_packets: Option<u64>,
    /// Drops attributed to the peer.
    pub dropped: DropCounts,
    /// The inner source address of the last packet dropped as `inner_source`.
    pub last_inner_source: Option<IpAddr>,
    /// Endpoint resolutions that failed in a row (0 after a success).
    pub resolve_failures: u32,
    /// PersistentKeepalive in seconds.
    pub persistent_keepalive: Option<u16>,
}

impl PeerEvidence {
    /// Evidence with every counter at zero, no handshake, endpoint known.
    pub fn new(public_key: PublicKey) -> PeerEvidence {
        PeerEvidence {
            public_key,
            endpoint_is_name: false,
            endpoint_known: true,
            since_handshake: None,
            handshake_attempts: 0,
            rx_packets: 0,
            tx_packets: 0,
            rx_data_packets: None,
            tx_data_packets: None,
            dropped: DropCounts::default(),
            last_inner_source: None,
            resolve_failures: 0,
            persistent_keepalive: None,
        }
    }
}

/// What is known about the tunnel at one instant. Counters are cumulative.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evidence {
    /// The OS tunnel interface was closed (the fd is gone).
    pub tun_closed: bool,
    /// Packets read from the OS (the TUN), when the engine counts them.
    pub packets_from_os: Option<u64>,
    /// Drops not attributed to a peer (`no_route` among them).
    pub dropped: DropCounts,
    /// Send failures by kind.
    pub send_errors: SendErrors,
    /// Socket rebinds that failed in a row (0 after a success).
    pub rebind_failures: u32,
    /// One entry per configured peer, in config order.
    pub peers: Vec<PeerEvidence>,
}

/// Why a peer or the tunnel is not healthy: a stable machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReasonCode {
    /// The OS tunnel interface is gone.
    TunClosed,
    /// The UDP sockets could not be re-opened.
    RebindFailing,
    /// Sends fail with `ENETUNREACH`, `EHOSTUNREACH` or the like.
    NetworkUnreachable,
    /// Sends fail with `EPERM`/`EACCES`.
    SendNotPermitted,
    /// Sends fail with `EMSGSIZE`: packets larger than the path takes.
    PacketTooLarge,
    /// Sends fail for another reason (no socket, other errors).
    SendFailing,
    /// The endpoint name does not resolve.
    EndpointUnresolved,
    /// Handshake initiations get no answer.
    HandshakeFailing,
    /// Connected but dead: data sent, nothing back.
    NothingReceived,
    /// The peer sends from inner addresses outside its AllowedIPs.
    InnerSourceRejected,
    /// Packets from the OS match no peer.
    NoRoute,
    /// No packet from the OS for a long time while up.
    NoTrafficFromOs,
}

impl ReasonCode {
    /// Every reason, in declaration order.
    pub const ALL: [ReasonCode; 12] = [
        ReasonCode::TunClosed,
        ReasonCode::RebindFailing,
        ReasonCode::NetworkUnreachable,
        ReasonCode::SendNotPermitted,
        ReasonCode::PacketTooLarge,
        ReasonCode::SendFailing,
        ReasonCode::EndpointUnresolved,
        ReasonCode::HandshakeFailing,
        ReasonCode::NothingReceived,
        ReasonCode::InnerSourceRejected,
        ReasonCode::NoRoute,
        ReasonCode::NoTrafficFromOs,
    ];

    /// The stable spelling, e.g. `"NOTHING_RECEIVED"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::TunClosed => "TUN_CLOSED",
            ReasonCode::RebindFailing => "REBIND_FAILING",
            ReasonCode::NetworkUnreachable => "NETWORK_UNREACHABLE",
            ReasonCode::SendNotPermitted => "SEND_NOT_PERMITTED",
            ReasonCode::PacketTooLarge => "PACKET_TOO_LARGE",
            ReasonCode::SendFailing => "SEND_FAILING",
            ReasonCode::EndpointUnresolved => "ENDPOINT_UNRESOLVED",
            ReasonCode::HandshakeFailing => "HANDSHAKE_FAILING",
            ReasonCode::NothingReceived => "NOTHING_RECEIVED",
            ReasonCode::InnerSourceRejected => "INNER_SOURCE_REJECTED",
            ReasonCode::NoRoute => "NO_ROUTE",
            ReasonCode::NoTrafficFromOs => "NO_TRAFFIC_FROM_OS",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reason with its human sentence and the evidence behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// A sentence for people, with the counters (no keys beyond a peer's
    /// number and the first 8 characters of its public key).
    pub message: String,
    /// The peer it is about, if one.
    pub peer: Option<PublicKey>,
    /// The counter behind it (attempts, drops, errors), if one.
    pub count: Option<u64>,
    /// How long the condition has lasted, if measured.
    pub duration: Option<Duration>,
    /// The offending address (`INNER_SOURCE_REJECTED`), when known.
    pub address: Option<IpAddr>,
}

/// The health of a peer or of the tunnel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Health {
    /// Nothing wrong is known.
    #[default]
    Healthy,
    /// Works, with a problem worth showing.
    Degraded(Reason),
    /// Does not carry traffic.
    Down(Reason),
}

impl Health {
    /// The reason, unless healthy.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Health::Healthy => None,
            Health::Degraded(r) | Health::Down(r) => Some(r),
        }
    }

    /// `"healthy"`, `"degraded"` or `"down"`.
    pub fn level(&self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Degraded(_) => "degraded",
            Health::Down(_) => "down",
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Health::Healthy => 0,
            Health::Degraded(_) => 1,
            Health::Down(_) => 2,
        }
    }

    /// Level, reason code and peer: what a change event is about (messages
    /// carry growing counters and do not count as a change).
    pub fn key(&self) -> (&'static str, Option<ReasonCode>, Option<PublicKey>) {
        (
            self.level(),
            self.reason().map(|r| r.code),
            self.reason().and_then(|r| r.peer),
        )
    }
}

/// One peer's health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerHealth {
    /// The peer.
    pub public_key: PublicKey,
    /// Its health.
    pub health: Health,
}

/// The tunnel's health and each peer's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TunnelHealth {
    /// The tunnel as a whole.
    pub health: Health,
    /// Each peer, in the evidence's order.
    pub peers: Vec<PeerHealth>,
}

impl TunnelHealth {
    /// Whether `other` differs in any level, reason code or peer (not
    /// messages). A peer missing on one side counts as healthy there: peers
    /// appearing or leaving healthy are no change.
    pub fn differs_from(&self, other: &TunnelHealth) -> bool {
        let key_of = |t: &TunnelHealth, k: &PublicKey| {
            t.peers
                .iter()
                .find(|p| p.public_key == *k)
                .map_or(Health::Healthy.key(), |p| p.health.key())
        };
        self.health.key() != other.health.key()
            || self
                .peers
                .iter()
                .chain(&other.peers)
                .any(|p| key_of(self, &p.public_key) != key_of(other, &p.public_key))
    }
}

/// Samples of one cumulative counter, for "climbed by N within the window".
#[derive(Debug, Default, Clone)]
struct Climb {
    samples: VecDeque<(Instant, u64)>,
}

/// Samples kept per counter: enough for one observation a second over the window.
const MAX_SAMPLES: usize = 64;

impl Climb {
    /// Records `value` at `now`; returns how much it rose within `window`.
    fn push(&mut self, now: Instant, value: u64, window: Duration) -> u64 {
        while self
            .samples
            .front()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) > window)
        {
            self.samples.pop_front();
        }
        if self.samples.len() >= MAX_SAMPLES {
            self.samples.pop_front();
        }
        // A counter that went down was reset (a new tunnel): start over.
        if self.samples.back().is_some_and(|(_, v)| *v > value) {
            self.samples.clear();
        }
        self.samples.push_back((now, value));
        let first = self.samples.front().map_or(value, |(_, v)| *v);
        value - first
    }

    /// When the oldest sample leaves the window, if the counter rose within it
    /// (the rise may then stop counting).
    fn expiry(&self, window: Duration) -> Option<Instant> {
        let (first_at, first) = *self.samples.front()?;
        let (_, last) = *self.samples.back()?;
        (last > first).then(|| first_at + window + Duration::from_millis(1))
    }
}

#[derive(Debug, Default)]
struct PeerTrack {
    rx_data: Option<u64>,
    tx_data: Option<u64>,
    /// Data went out with nothing back since then.
    unanswered_since: Option<Instant>,
    /// Anything authenticated received within the window.
    rx_any: Climb,
    inner_source: Climb,
}

#[derive(Debug, Default)]
struct TunnelTrack {
    from_os: Option<u64>,
    from_os_changed: Option<Instant>,
    no_route: Climb,
    unreachable: Climb,
    denied: Climb,
    too_large: Climb,
    other: Climb,
}

/// Turns evidence snapshots into [`TunnelHealth`] (see the module docs).
/// Call [`HealthMonitor::observe`] with each snapshot (once a second is
/// plenty; more often is harmless), [`HealthMonitor::reset`] after sleep or a
/// network change.
#[derive(Debug, Default)]
pub struct HealthMonitor {
    thresholds: Thresholds,
    peers: HashMap<PublicKey, PeerTrack>,
    tunnel: TunnelTrack,
    current: TunnelHealth,
    last_observed: Option<Instant>,
}

impl HealthMonitor {
    /// A monitor with these thresholds.
    pub fn new(thresholds: Thresholds) -> HealthMonitor {
        HealthMonitor {
            thresholds,
            ..HealthMonitor::default()
        }
    }

    /// The thresholds in use.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// The health from the last observation.
    pub fn health(&self) -> &TunnelHealth {
        &self.current
    }

    /// When another observation may change the verdict without new evidence
    /// (a silence reaching its threshold, a climb leaving the window), if ever.
    /// An idle, healthy tunnel has none: nothing wakes it just for health.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let now = self.last_observed?;
        let t = &self.thresholds;
        let mut times: Vec<Instant> = Vec::new();
        for track in self.peers.values() {
            if let Some(since) = track.unanswered_since {
                times.push(since + t.silence_after_send);
            }
            times.extend(track.inner_source.expiry(t.window));
        }
        let tr = &self.tunnel;
        if let Some(at) = tr.from_os_changed {
            times.push(at + t.os_quiet);
        }
        for climb in [
            &tr.no_route,
            &tr.unreachable,
            &tr.denied,
            &tr.too_large,
            &tr.other,
        ] {
            times.extend(climb.expiry(t.window));
        }
        times.into_iter().filter(|at| *at > now).min()
    }

    /// Forgets what counters did before `now` (after sleep/wake or a network
    /// change the old silences mean nothing); health stays until the next observation.
    pub fn reset(&mut self) {
        self.peers.clear();
        self.tunnel = TunnelTrack::default();
        self.last_observed = None;
    }

    /// Takes a snapshot at `now` and returns the new health if it
    /// [differs](TunnelHealth::differs_from) from the last one.
    ///
    /// When the engine does not count data packets (`tx_data_packets` is
    /// `None`), `tx_packets` stands in for them only for peers without
    /// PersistentKeepalive: their keepalives are sent only in answer to
    /// received data, so an unanswered send there is data.
    pub fn observe(&mut self, evidence: &Evidence, now: Instant) -> Option<TunnelHealth> {
        let t = self.thresholds.clone();
        self.peers
            .retain(|k, _| evidence.peers.iter().any(|p| p.public_key == *k));
        let mut peers = Vec::with_capacity(evidence.peers.len());
        let mut heard_in_window = false;
        for (n, p) in evidence.peers.iter().enumerate() {
            let track = self.peers.entry(p.public_key).or_default();
            let heard = track.rx_any.push(now, p.rx_packets, t.window);
            heard_in_window |= heard > 0;
            let health = peer_health(&t, n, p, track, now);
            peers.push(PeerHealth {
                public_key: p.public_key,
                health,
            });
        }
        let health = self.tunnel_health(&t, evidence, &peers, heard_in_window, now);
        self.last_observed = Some(now);
        let new = TunnelHealth { health, peers };
        let changed = new.differs_from(&self.current);
        self.current = new;
        changed.then(|| self.current.clone())
    }

    fn tunnel_health(
        &mut self,
        t: &Thresholds,
        e: &Evidence,
        peers: &[PeerHealth],
        heard: bool,
        now: Instant,
    ) -> Health {
        let tr = &mut self.tunnel;
        let s = e.send_errors;
        let climbs = [
            (
                ReasonCode::NetworkUnreachable,
                tr.unreachable.push(now, s.unreachable, t.window),
                "the network or host is unreachable (ENETUNREACH, EHOSTUNREACH): the device has no route to the peer (offline, or on a network of the other address family)",
            ),
            (
                ReasonCode::SendNotPermitted,
                tr.denied.push(now, s.permission, t.window),
                "not permitted (EPERM, EACCES): a firewall or the OS blocks the tunnel's own packets (on Android: an unprotected socket or lockdown mode)",
            ),
            (
                ReasonCode::PacketTooLarge,
                tr.too_large.push(now, s.too_large, t.window),
                "message too long (EMSGSIZE): packets plus WireGuard's overhead exceed the path MTU; lower the tunnel's MTU",
            ),
            (
                ReasonCode::SendFailing,
                tr.other.push(now, s.no_socket + s.other, t.window),
                "send errors: the network refuses the tunnel's packets",
            ),
        ];
        let no_route = tr.no_route.push(now, e.dropped.no_route, t.window);
        match e.packets_from_os {
            Some(v) if tr.from_os != Some(v) => {
                tr.from_os = Some(v);
                tr.from_os_changed = Some(now);
            }
            Some(_) => {}
            None => {
                tr.from_os = None;
                tr.from_os_changed = None;
            }
        }
        let quiet = tr
            .from_os_changed
            .map(|at| now.saturating_duration_since(at));
        let window = t.window.as_secs();

        if e.tun_closed {
            return Health::Down(reason(
                ReasonCode::TunClosed,
                "the tunnel interface was closed by the OS or the app: nothing can be sent or delivered".into(),
            ));
        }
        if e.rebind_failures > 0 {
            let mut r = reason(
                ReasonCode::RebindFailing,
                format!(
                    "the tunnel's UDP sockets could not be re-opened after a network change ({} attempts): nothing reaches the network",
                    e.rebind_failures
                ),
            );
            r.count = Some(u64::from(e.rebind_failures));
            return Health::Down(r);
        }
        for (code, count, what) in climbs {
            if count >= t.socket_errors_climbing {
                let mut r = reason(
                    code,
                    format!("{count} sends failed in {window} s with {what}"),
                );
                r.count = Some(count);
                return if heard {
                    Health::Degraded(r)
                } else {
                    Health::Down(r)
                };
            }
        }
        // Peers that can be reached: an endpoint, or a session.
        let reachable: Vec<(&PeerHealth, &PeerEvidence)> = peers
            .iter()
            .zip(&e.peers)
            .filter(|(_, p)| p.endpoint_known || p.endpoint_is_name || p.since_handshake.is_some())
            .collect();
        let worst = reachable
            .iter()
            .map(|(h, _)| *h)
            .max_by_key(|h| h.health.rank());
        if let Some(worst) = worst {
            let all_down = reachable
                .iter()
                .all(|(h, _)| matches!(h.health, Health::Down(_)));
            match (&worst.health, all_down) {
                (Health::Down(r), true) => return Health::Down(r.clone()),
                (Health::Down(r) | Health::Degraded(r), _) => return Health::Degraded(r.clone()),
                (Health::Healthy, _) => {}
            }
        }
        if no_route >= t.no_route_climbing {
            let mut r = reason(
                ReasonCode::NoRoute,
                format!("{no_route} packets from the OS in {window} s matched no peer's AllowedIPs: the routes send traffic that no peer accepts"),
            );
            r.count = Some(no_route);
            return Health::Degraded(r);
        }
        if let Some(quiet) = quiet.filter(|q| *q >= t.os_quiet) {
            let mut r = reason(
                ReasonCode::NoTrafficFromOs,
                format!("no packet from the OS for {} s while the tunnel is up: its routes may capture no traffic", quiet.as_secs()),
            );
            r.duration = Some(quiet);
            return Health::Degraded(r);
        }
        Health::Healthy
    }
}

fn reason(code: ReasonCode, message: String) -> Reason {
    Reason {
        code,
        message,
        peer: None,
        count: None,
        duration: None,
        address: None,
    }
}

/// "peer 2 (vBN7qyUT…)".
pub fn peer_name(index: usize, key: &PublicKey) -> String {
    let b64 = key.to_base64();
    format!("peer {} ({}…)", index + 1, &b64[..8])
}

fn peer_health(
    t: &Thresholds,
    index: usize,
    p: &PeerEvidence,
    track: &mut PeerTrack,
    now: Instant,
) -> Health {
    let name = peer_name(index, &p.public_key);
    let with_peer = |code, message: String| Reason {
        peer: Some(p.public_key),
        ..reason(code, message)
    };
    let session = p.since_handshake.is_some_and(|d| d < REJECT_AFTER_TIME);

    // Data out, nothing back: track when the first unanswered data left.
    let (rx, tx) = match (p.rx_data_packets, p.tx_data_packets) {
        (rx, Some(tx)) => (rx.unwrap_or(p.rx_packets), Some(tx)),
        (rx, None) if p.persistent_keepalive.is_none() => {
            (rx.unwrap_or(p.rx_packets), Some(p.tx_packets))
        }
        _ => (p.rx_data_packets.unwrap_or(p.rx_packets), None),
    };
    let received = track.rx_data.is_some_and(|old| rx > old);
    let sent = match (track.tx_data, tx) {
        (Some(old), Some(new)) => new > old,
        _ => false,
    };
    if received || track.rx_data.is_some_and(|old| rx < old) {
        track.unanswered_since = None;
    }
    if sent && !received && track.unanswered_since.is_none() {
        track.unanswered_since = Some(now);
    }
    track.rx_data = Some(rx);
    track.tx_data = tx;
    let inner = track
        .inner_source
        .push(now, p.dropped.inner_source, t.window);

    if p.endpoint_is_name && p.resolve_failures > 0 {
        let mut r = with_peer(
            ReasonCode::EndpointUnresolved,
            format!(
                "{name}: its endpoint name does not resolve ({} failures in a row){}",
                p.resolve_failures,
                if p.endpoint_known {
                    "; the last known address is still used"
                } else {
                    ", so there is no address to send to"
                }
            ),
        );
        r.count = Some(u64::from(p.resolve_failures));
        return if p.endpoint_known {
            Health::Degraded(r)
        } else {
            Health::Down(r)
        };
    }
    if p.handshake_attempts >= t.handshake_attempts_down || (session && p.handshake_attempts >= 2) {
        let mut r = with_peer(
            ReasonCode::HandshakeFailing,
            format!(
                "{name}: {} handshake attempts in a row got no answer: the peer is unreachable (path blocked, server down), or it does not know this device's public key",
                p.handshake_attempts
            ),
        );
        r.count = Some(u64::from(p.handshake_attempts));
        return if p.handshake_attempts >= t.handshake_attempts_down {
            Health::Down(r)
        } else {
            Health::Degraded(r)
        };
    }
    if let Some(since) = track.unanswered_since.filter(|_| session) {
        let silent = now.saturating_duration_since(since);
        if silent >= t.silence_after_send {
            let mut r = with_peer(
                ReasonCode::NothingReceived,
                format!(
                    "{name}: the handshake works, but data sent for {} s got nothing back: the peer's AllowedIPs may not include this device's tunnel address, or a firewall behind it drops the traffic",
                    silent.as_secs()
                ),
            );
            r.duration = Some(silent);
            return Health::Down(r);
        }
    }
    if inner >= t.inner_source_climbing {
        let from = p
            .last_inner_source
            .map(|a| format!(" from {a}"))
            .unwrap_or_default();
        let mut r = with_peer(
            ReasonCode::InnerSourceRejected,
            format!(
                "{name} sends packets{from} which its AllowedIPs do not include ({inner} dropped in {} s): its AllowedIPs here, or its own Address, is wrong",
                t.window.as_secs()
            ),
        );
        r.count = Some(inner);
        r.address = p.last_inner_source;
        return Health::Degraded(r);
    }
    Health::Healthy
}

#[cfg(test)]
mod tests;
