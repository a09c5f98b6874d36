//! The sans-IO WireGuard tunnel: peers, cryptokey routing, timers, stats. No sockets, no clock reads.
//!
//! [`Tunnel`] owns one boringtun `noise::Tunn` per peer, the AllowedIPs routing
//! table and per-peer stats. Inputs come in with the time as a parameter:
//!
//! - [`Tunnel::handle_tun_packet`]: an IP packet the OS wants to send;
//! - [`Tunnel::handle_datagram`]: a UDP datagram from the network;
//! - [`Tunnel::handle_timeout`]: the deadline from [`Tunnel::poll_timeout`] passed.
//!
//! After any input, drain the outputs until they return `None`:
//! [`Tunnel::poll_transmit`] (datagrams to send), [`Tunnel::poll_tun`] (IP packets
//! for the OS), [`Tunnel::poll_event`], and finally ask [`Tunnel::poll_timeout`]
//! when to call `handle_timeout` next. Several inputs may be handled before
//! draining (batching); outputs that do not fit the fixed-size output buffers are
//! dropped and counted as `queue_full`.
//!
//! Time: `now` is [`crate::clock::Instant`], and it is the only time: Culvert's
//! patched boringtun (`third_party/boringtun`, DESIGN.md "Patched boringtun")
//! takes it as a parameter (`*_at`) and says when its next timer is due
//! (`Tunn::next_timer_at`), so every deadline is exact and tests move time by hand.
//! [`Tunnel::poll_timeout`] reads the earliest of them from a heap (not O(peers)).
//!
//! Invariants: no panic on any input; on an established session handling a packet
//! allocates nothing (outputs are encrypted/decrypted in place into reused
//! buffers); packets waiting for a handshake are queued by Culvert with fixed caps
//! ([`PEER_QUEUE_CAP`], [`TOTAL_QUEUE_CAP`]); handshake messages must pass MAC1
//! (and MAC2 under load: boringtun's global rate limiter answers with a cookie)
//! before they are charged to a per-source limit ([`source_limit`]), and that
//! before any Diffie-Hellman. Every handshake message carries a fresh random
//! 32-bit local index, mapped back to its peer by one table.

mod queue;
mod routing;
pub mod source_limit;
pub mod timers;

use crate::clock::Instant;
use crate::config::{
    Config, EndpointHost, Peer as ConfigPeer, PresharedKey, PrivateKey, PublicKey,
};
use boringtun::noise::errors::WireGuardError;
use boringtun::noise::handshake::parse_handshake_anon;
use boringtun::noise::rate_limiter::RateLimiter;
use boringtun::noise::{Packet, Tunn, TunnResult};
use boringtun::x25519;
use ipnetwork::IpNetwork;
use queue::OutQueue;
use routing::{PeerSlot, RoutingTable};
use source_limit::SourceLimiter;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use timers::REKEY_TIMEOUT;
use zeroize::Zeroizing;

/// Packets queued per peer while its handshake is in progress.
pub const PEER_QUEUE_CAP: usize = 32;
/// Packets queued for all peers together while handshakes are in progress.
pub const TOTAL_QUEUE_CAP: usize = 256;
/// Largest packet queued while a handshake is in progress (larger ones are dropped
/// and counted as `queue_full` until the session exists).
pub const MAX_QUEUED_PACKET: usize = 2048;
/// Compile-time bound on the bytes held by handshake queues (512 KiB).
pub const MAX_QUEUED_BYTES: usize = TOTAL_QUEUE_CAP * MAX_QUEUED_PACKET;
/// Bytes of datagrams waiting in [`Tunnel::poll_transmit`].
pub const TRANSMIT_BUFFER_CAP: usize = 256 * 1024;
/// Bytes of IP packets waiting in [`Tunnel::poll_tun`].
pub const TUN_BUFFER_CAP: usize = 256 * 1024;
/// Events waiting in [`Tunnel::poll_event`]; older ones are dropped first.
pub const EVENT_QUEUE_CAP: usize = 256;
/// Largest IP packet accepted from the OS.
pub const MAX_PACKET: usize = 65_535;
/// Most peers a tunnel can hold (a bound on memory, far above any real tunnel).
pub const MAX_PEERS: usize = (1 << 24) - 1;
/// Handshake messages per second before cookie replies are required.
pub const HANDSHAKE_RATE_LIMIT: u64 = 100;
/// Least time between two handshake initiations to one peer that are not forced
/// (`force_handshake`, `wake`): wireguard-go and Linux ignore an initiation less
/// than 20 ms after the last one they accepted from the same peer.
pub const INITIATION_SPACING: Duration = Duration::from_millis(50);

/// Local indices remembered per peer: boringtun keeps 8 sessions, the handshake in
/// flight and the one before it; one more is reserved for the next message.
const INDEX_HISTORY: usize = 11;
/// Least time `poll_timeout` looks ahead when a deadline is already due (a guard:
/// a deadline that did not act must never make the loop spin).
const MIN_TIMER: Duration = Duration::from_millis(10);

/// Bytes boringtun adds to a data packet.
const DATA_OVERHEAD: usize = 32;
/// Size of a handshake initiation, the largest message boringtun writes besides data.
const HANDSHAKE_INIT_SIZE: usize = 148;

const MSG_INIT: u8 = 1;
const MSG_RESPONSE: u8 = 2;
const MSG_DATA: u8 = 4;

/// Dropped-packet counters, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DropCounts {
    /// Inbound datagrams that did not parse or failed authentication, or outbound
    /// packets that are not IP.
    pub malformed: u64,
    /// Decrypted packets whose inner source is not in the peer's AllowedIPs.
    pub inner_source: u64,
    /// Outbound packets with no route (no peer's AllowedIPs covers the destination).
    pub no_route: u64,
    /// Packets dropped because a fixed-size queue or buffer was full.
    pub queue_full: u64,
    /// Datagrams rejected as replays: a counter already received (a duplicate).
    pub replay: u64,
    /// Datagrams older than the replay window (more than 1,024 packets behind the
    /// newest received; boringtun's window): heavy reordering on the path, or a
    /// late replay. Counted apart from `replay` so window misses show in the field.
    pub too_old: u64,
    /// Datagrams for a session that does not exist (any more).
    pub no_session: u64,
    /// Handshake messages over the per-source limit (dropped) or answered with a
    /// cookie reply under load.
    pub rate_limited: u64,
    /// Datagrams for no configured peer (unknown key or index).
    pub unknown_peer: u64,
}

/// One peer as the protocol needs it (endpoint already resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerConfig {
    /// The peer's public key.
    pub public_key: PublicKey,
    /// Optional preshared key.
    pub preshared_key: Option<PresharedKey>,
    /// AllowedIPs.
    pub allowed_ips: Vec<IpNetwork>,
    /// Where to send; `None` until known (host name not resolved yet, or the peer
    /// connects to us). Roaming replaces the current endpoint with the latest
    /// authenticated source; a new configuration only replaces a roamed endpoint
    /// when this configured value changed.
    pub endpoint: Option<SocketAddr>,
    /// Persistent keepalive interval in seconds (`None` = off).
    pub persistent_keepalive: Option<u16>,
}

impl PeerConfig {
    /// From a config `[Peer]`; a host-name endpoint is left `None` (the runtime resolves it).
    pub fn from_config(peer: &ConfigPeer) -> PeerConfig {
        PeerConfig {
            public_key: peer.public_key,
            preshared_key: peer.preshared_key.clone(),
            allowed_ips: peer.allowed_ips.clone(),
            endpoint: peer.endpoint.as_ref().and_then(|e| match e.host {
                EndpointHost::Ip(ip) => Some(SocketAddr::new(ip, e.port)),
                EndpointHost::Name(_) => None,
            }),
            persistent_keepalive: peer.persistent_keepalive.filter(|s| *s > 0),
        }
    }
}

/// Why the protocol refused a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    /// The same public key appears twice.
    #[error("peer {0} is listed more than once")]
    DuplicatePeer(PublicKey),
    /// More than [`MAX_PEERS`] peers.
    #[error("too many peers (at most {MAX_PEERS})")]
    TooManyPeers,
}

/// Something the protocol wants the app to know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A handshake completed: a new session with `peer`.
    HandshakeCompleted {
        /// The peer.
        peer: PublicKey,
    },
    /// A handshake initiation to `peer` was retried (or abandoned) without answer.
    HandshakeFailing {
        /// The peer.
        peer: PublicKey,
        /// Initiations sent since the last completed handshake.
        attempts: u32,
    },
    /// `peer`'s keys were wiped after 540 s without a new session.
    PeerIdle {
        /// The peer.
        peer: PublicKey,
    },
    /// `peer` roamed: its endpoint is now the source of its latest authenticated packet.
    EndpointChanged {
        /// The peer.
        peer: PublicKey,
        /// The new endpoint.
        endpoint: SocketAddr,
    },
}

/// A datagram to send, borrowed from the tunnel's output buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit<'a> {
    /// Destination.
    pub dst: SocketAddr,
    /// UDP payload.
    pub payload: &'a [u8],
}

/// Statistics of one peer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerStats {
    /// The peer.
    pub public_key: PublicKey,
    /// Current endpoint.
    pub endpoint: Option<SocketAddr>,
    /// Authenticated bytes received (UDP payloads).
    pub rx_bytes: u64,
    /// Bytes sent (UDP payloads).
    pub tx_bytes: u64,
    /// Authenticated datagrams received.
    pub rx_packets: u64,
    /// Datagrams sent.
    pub tx_packets: u64,
    /// When the last handshake completed.
    pub last_handshake: Option<Instant>,
    /// Handshakes completed.
    pub handshakes: u64,
    /// boringtun's round-trip estimate from the last handshake we initiated.
    pub rtt_ms: Option<u32>,
    /// boringtun's loss estimate (0.0–1.0).
    pub loss: f32,
    /// Drops attributed to this peer.
    pub dropped: DropCounts,
    /// Packets waiting for a handshake.
    pub queued: usize,
    /// Data packets received that carried an IP packet (keepalives not
    /// counted), including ones then dropped for their inner source.
    pub rx_data_packets: u64,
    /// Data packets sent that carried an IP packet (keepalives not counted).
    pub tx_data_packets: u64,
    /// The inner source address of the last packet dropped as `inner_source`.
    pub last_inner_source: Option<IpAddr>,
}

struct Peer {
    /// `config.endpoint` is the current endpoint (roaming moves it).
    config: PeerConfig,
    /// The endpoint as configured or resolved (`set_peers`, `set_endpoint`): a new
    /// value replaces a roamed endpoint, the same value does not.
    configured_endpoint: Option<SocketAddr>,
    tunn: Box<Tunn>,
    queue: VecDeque<Vec<u8>>,
    attempts: u32,
    last_handshake: Option<Instant>,
    /// When the last handshake initiation to this peer left.
    last_initiation: Option<Instant>,
    /// `Some(t)` while the initiation sent at `t` is unanswered.
    init_sent: Option<Instant>,
    /// When we last answered the peer's initiation: for REKEY_TIMEOUT after it we do
    /// not initiate (the peer's confirmation is on its way), as wireguard-go.
    last_response: Option<Instant>,
    /// A handshake wanted sooner than [`INITIATION_SPACING`] after the last
    /// initiation (or during the wait after a response): sent at this time instead.
    deferred_initiation: Option<Instant>,
    /// A session was made since the last key wipe.
    has_keys: bool,
    /// boringtun gave up (keys wiped or REKEY_ATTEMPT_TIME passed) and nothing was
    /// started since: its repeated "expired" answers are acted on once.
    expired: bool,
    /// Last authenticated packet either way (initiations included), for persistent
    /// keepalive, as wireguard-go.
    last_traversal: Instant,
    persistent_keepalive: Option<Duration>,
    /// When boringtun's timers were last run (they run once per instant).
    last_refresh: Option<Instant>,
    /// The deadline this peer has in the tunnel's heap.
    deadline: Option<Instant>,
    /// Local indices handed to this peer's `Tunn`, oldest first (see [`INDEX_HISTORY`]).
    indices: VecDeque<u32>,
    handshakes: u64,
    rx_bytes: u64,
    tx_bytes: u64,
    rx_packets: u64,
    tx_packets: u64,
    dropped: DropCounts,
    rx_data: u64,
    tx_data: u64,
    last_inner_source: Option<IpAddr>,
}

/// The sans-IO WireGuard tunnel (see the module docs).
pub struct Tunnel {
    private: x25519::StaticSecret,
    public: x25519::PublicKey,
    peers: Vec<Option<Peer>>,
    by_key: HashMap<PublicKey, PeerSlot>,
    free_slots: Vec<PeerSlot>,
    /// Local session index → peer: every handshake message gets a fresh random
    /// index (nothing links one session of a peer to the next on the wire).
    indices: HashMap<u32, PeerSlot>,
    /// Peer deadlines, earliest first; entries whose peer has another deadline
    /// now are stale and skipped.
    deadlines: BinaryHeap<Reverse<(Instant, PeerSlot)>>,
    /// The latest time seen by any input.
    now: Instant,
    routes: RoutingTable,
    /// Rate-limits handshakes before any DH (`verify_packet` in `handle_datagram`).
    limiter: Arc<RateLimiter>,
    /// Given to every `Tunn`: checks MAC1 again but never limits (limit = u64::MAX),
    /// so boringtun does not count each handshake twice.
    inner_limiter: Arc<RateLimiter>,
    /// Per-source token buckets for handshake initiations, charged only after MAC1
    /// (and, under load, MAC2) passed `limiter`.
    init_limiter: SourceLimiter,
    /// Per-source token buckets for handshake responses, apart from initiations:
    /// a peer's burst of queued initiations (it retried while we were frozen or
    /// offline) must not cost us its response to our own initiation, nor the
    /// other way round. A response costs no DH unless it answers our in-flight
    /// initiation (boringtun matches its receiver index first).
    response_limiter: SourceLimiter,
    transmits: OutQueue<SocketAddr>,
    tun_out: OutQueue<()>,
    events: VecDeque<Event>,
    queued_total: usize,
    pool: Vec<Vec<u8>>,
    dropped: DropCounts,
    sleeping: bool,
}

impl std::fmt::Debug for Tunnel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tunnel")
            .field(
                "public_key",
                &PublicKey::from_bytes(*self.public.as_bytes()),
            )
            .field("peers", &self.by_key.len())
            .field("routes", &self.routes.len())
            .field("sleeping", &self.sleeping)
            .finish_non_exhaustive()
    }
}

fn msg_type(datagram: &[u8]) -> u8 {
    match datagram {
        [t, 0, 0, 0, ..] => *t,
        _ => 0,
    }
}

impl Tunnel {
    /// A tunnel with our `private_key` and no peers.
    pub fn new(private_key: &PrivateKey) -> Tunnel {
        // The one copy of the key bytes outside `PrivateKey` and `StaticSecret` is this
        // zeroizing temporary.
        let bytes = Zeroizing::new(*private_key.as_bytes());
        let private = x25519::StaticSecret::from(*bytes);
        drop(bytes);
        let public = x25519::PublicKey::from(&private);
        Tunnel {
            limiter: Arc::new(RateLimiter::new(&public, HANDSHAKE_RATE_LIMIT)),
            inner_limiter: Arc::new(RateLimiter::new(&public, u64::MAX)),
            init_limiter: SourceLimiter::new(),
            response_limiter: SourceLimiter::new(),
            private,
            public,
            peers: Vec::new(),
            by_key: HashMap::new(),
            free_slots: Vec::new(),
            indices: HashMap::new(),
            deadlines: BinaryHeap::new(),
            now: Instant::from_duration(Duration::ZERO),
            routes: RoutingTable::default(),
            transmits: OutQueue::new(TRANSMIT_BUFFER_CAP),
            tun_out: OutQueue::new(TUN_BUFFER_CAP),
            events: VecDeque::new(),
            queued_total: 0,
            pool: Vec::new(),
            dropped: DropCounts::default(),
            sleeping: false,
        }
    }

    /// A tunnel for `config` (host-name endpoints are left for [`Tunnel::set_endpoint`]).
    pub fn from_config(config: &Config, now: Instant) -> Result<Tunnel, ProtoError> {
        let mut tunnel = Tunnel::new(&config.interface.private_key);
        tunnel.set_peers(
            config.peers.iter().map(PeerConfig::from_config).collect(),
            now,
        )?;
        Ok(tunnel)
    }

    /// Our public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_bytes(*self.public.as_bytes())
    }

    /// Replaces the peer set. Peers whose public key and preshared key are unchanged
    /// keep their sessions, stats and roamed endpoint (unless their configured
    /// endpoint changed); AllowedIPs and persistent keepalive are updated in place.
    pub fn set_peers(&mut self, peers: Vec<PeerConfig>, now: Instant) -> Result<(), ProtoError> {
        self.observe(now);
        let mut seen = std::collections::HashSet::new();
        for p in &peers {
            if !seen.insert(p.public_key) {
                return Err(ProtoError::DuplicatePeer(p.public_key));
            }
        }
        if peers.len() > MAX_PEERS {
            return Err(ProtoError::TooManyPeers);
        }
        let stale: Vec<PublicKey> = self
            .by_key
            .keys()
            .filter(|k| !seen.contains(*k))
            .copied()
            .collect();
        for key in stale {
            self.remove_peer(&key);
        }
        for p in peers {
            let keep = self.by_key.get(&p.public_key).copied().filter(|&slot| {
                self.peer(slot)
                    .is_some_and(|peer| peer.config.preshared_key == p.preshared_key)
            });
            match keep {
                Some(slot) => {
                    let routes_changed;
                    {
                        let Some(peer) = self.peer_mut(slot) else {
                            continue;
                        };
                        routes_changed = peer.config.allowed_ips != p.allowed_ips;
                        // Only a change of the configured endpoint moves a roamed one.
                        if peer.configured_endpoint != p.endpoint {
                            peer.configured_endpoint = p.endpoint;
                            if p.endpoint.is_some() {
                                peer.config.endpoint = p.endpoint;
                            }
                        }
                        peer.config.allowed_ips = p.allowed_ips.clone();
                        peer.config.persistent_keepalive = p.persistent_keepalive;
                        peer.persistent_keepalive = keepalive_interval(p.persistent_keepalive);
                    }
                    if routes_changed {
                        self.routes.remove_slot(slot);
                        for net in &p.allowed_ips {
                            self.routes.insert(*net, slot);
                        }
                    }
                    self.reschedule(slot, now);
                }
                None => {
                    self.remove_peer(&p.public_key);
                    self.add_peer(p, now)?;
                }
            }
        }
        Ok(())
    }

    /// Adds one peer (replacing a peer with the same key, session included).
    pub fn add_peer(&mut self, config: PeerConfig, now: Instant) -> Result<(), ProtoError> {
        self.observe(now);
        self.remove_peer(&config.public_key);
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                if self.peers.len() >= MAX_PEERS {
                    return Err(ProtoError::TooManyPeers);
                }
                self.peers.push(None);
                (self.peers.len() - 1) as PeerSlot
            }
        };
        let first_index = self.reserve_index(slot);
        // boringtun takes the preshared key by value (and wipes its copy on drop);
        // the temporary here is zeroizing.
        let psk = config
            .preshared_key
            .as_ref()
            .map(|k| Zeroizing::new(*k.as_bytes()));
        let tunn = Tunn::new_at(
            self.private.clone(),
            x25519::PublicKey::from(*config.public_key.as_bytes()),
            psk.as_deref().copied(),
            None, // persistent keepalive is Culvert's (its interval can change in place)
            first_index,
            Some(self.inner_limiter.clone()),
            now.as_duration(),
        );
        drop(psk);
        for net in &config.allowed_ips {
            self.routes.insert(*net, slot);
        }
        self.by_key.insert(config.public_key, slot);
        let connect_now = config.persistent_keepalive.is_some() && config.endpoint.is_some();
        let mut indices = VecDeque::with_capacity(INDEX_HISTORY + 1);
        indices.push_back(first_index);
        self.peers[slot as usize] = Some(Peer {
            configured_endpoint: config.endpoint,
            persistent_keepalive: keepalive_interval(config.persistent_keepalive),
            config,
            tunn: Box::new(tunn),
            queue: VecDeque::new(),
            attempts: 0,
            last_handshake: None,
            last_initiation: None,
            init_sent: None,
            last_response: None,
            deferred_initiation: None,
            has_keys: false,
            expired: false,
            last_traversal: now,
            last_refresh: None,
            deadline: None,
            indices,
            handshakes: 0,
            rx_bytes: 0,
            tx_bytes: 0,
            rx_packets: 0,
            tx_packets: 0,
            rx_data: 0,
            tx_data: 0,
            last_inner_source: None,
            dropped: DropCounts::default(),
        });
        if connect_now {
            // As wireguard-go: a peer with persistent keepalive connects straight away.
            self.send_to_peer(slot, &[], now);
        }
        self.reschedule(slot, now);
        Ok(())
    }

    /// Removes a peer, its routes, its session indices and its queued packets.
    /// Unknown keys are ignored.
    pub fn remove_peer(&mut self, key: &PublicKey) {
        if let Some(slot) = self.by_key.remove(key) {
            self.routes.remove_slot(slot);
            if let Some(mut peer) = self.peers.get_mut(slot as usize).and_then(Option::take) {
                for buf in peer.queue.drain(..) {
                    self.queued_total -= 1;
                    if self.pool.len() < TOTAL_QUEUE_CAP {
                        self.pool.push(buf);
                    }
                }
                for index in peer.indices.drain(..) {
                    if self.indices.get(&index) == Some(&slot) {
                        self.indices.remove(&index);
                    }
                }
            }
            self.free_slots.push(slot);
            self.prune_deadlines();
        }
    }

    /// Sets where `key`'s packets go, as configured or resolved (a host name).
    /// `None` forgets it. The same address again changes nothing (a roamed endpoint
    /// stays); a new address replaces the current endpoint, and when packets are
    /// waiting, a handshake is in flight or the peer has persistent keepalive, a
    /// handshake starts to it.
    pub fn set_endpoint(&mut self, key: &PublicKey, endpoint: Option<SocketAddr>, now: Instant) {
        self.observe(now);
        let Some(&slot) = self.by_key.get(key) else {
            return;
        };
        let wanted = match self.peer_mut(slot) {
            Some(peer) => {
                if peer.configured_endpoint == endpoint && peer.config.endpoint.is_some() {
                    return;
                }
                peer.configured_endpoint = endpoint;
                let changed = peer.config.endpoint != endpoint;
                peer.config.endpoint = endpoint;
                changed
                    && (!peer.queue.is_empty()
                        || peer.persistent_keepalive.is_some()
                        || peer.init_sent.is_some())
            }
            None => return,
        };
        if wanted && endpoint.is_some() {
            // A (re)started handshake to the new address, not the next retry in 5 s.
            self.refresh(slot, now);
            self.initiate(slot, now, true);
        }
        self.reschedule(slot, now);
    }

    /// The current endpoint of `key`.
    pub fn endpoint(&self, key: &PublicKey) -> Option<SocketAddr> {
        self.by_key
            .get(key)
            .and_then(|&slot| self.peer(slot))
            .and_then(|p| p.config.endpoint)
    }

    /// Public keys of all peers.
    pub fn peer_keys(&self) -> Vec<PublicKey> {
        self.peers
            .iter()
            .flatten()
            .map(|p| p.config.public_key)
            .collect()
    }

    /// Sends a fresh handshake initiation to every peer that has an endpoint and
    /// either a session, packets waiting or persistent keepalive (after a wake-up or
    /// a network change, when the old path may be dead). Returns how many started.
    pub fn force_handshake(&mut self, now: Instant) -> usize {
        self.observe(now);
        self.force_handshakes(now, None)
    }

    /// Sends a fresh handshake initiation to `key` now, if it has an endpoint
    /// (the recovery ladder's re-handshake step). Returns whether one started.
    pub fn force_handshake_peer(&mut self, key: &PublicKey, now: Instant) -> bool {
        let Some(&slot) = self.by_key.get(key) else {
            return false;
        };
        if self.peer(slot).is_none_or(|p| p.config.endpoint.is_none()) {
            return false;
        }
        self.refresh(slot, now);
        self.initiate(slot, now, true);
        true
    }

    /// `force_handshake`, skipping peers with a handshake completed or an initiation
    /// sent at or after `since` (their path is known to work, or a retry is coming).
    fn force_handshakes(&mut self, now: Instant, since: Option<Instant>) -> usize {
        let mut started = 0;
        for slot in 0..self.peers.len() as PeerSlot {
            let wanted = self.peer(slot).is_some_and(|p| {
                let fresh = since.is_some_and(|since| {
                    p.last_handshake.is_some_and(|t| t >= since)
                        || p.init_sent.is_some_and(|t| t >= since)
                });
                !fresh
                    && p.config.endpoint.is_some()
                    && (p.has_keys
                        || p.init_sent.is_some()
                        || !p.queue.is_empty()
                        || p.persistent_keepalive.is_some())
            });
            if wanted {
                self.refresh(slot, now);
                self.initiate(slot, now, true);
                self.reschedule(slot, now);
                started += 1;
            }
        }
        started
    }

    /// The device sleeps: [`Tunnel::poll_timeout`] returns `None` until [`Tunnel::wake`].
    pub fn sleep(&mut self) {
        self.sleeping = true;
    }

    /// The device woke up: timers resume and every active peer re-handshakes,
    /// except peers that completed a handshake (or sent an initiation) in the last
    /// REKEY_TIMEOUT — typically a peer's initiation that was waiting in the socket
    /// when the process resumed. Forcing another would race it (wireguard-go
    /// ignores an initiation that follows its own too closely). Returns how many
    /// handshakes started.
    pub fn wake(&mut self, now: Instant) -> usize {
        self.observe(now);
        self.sleeping = false;
        self.force_handshakes(now, now.checked_sub(REKEY_TIMEOUT))
    }

    /// Whether [`Tunnel::sleep`] is in effect.
    pub fn is_sleeping(&self) -> bool {
        self.sleeping
    }

    fn peer(&self, slot: PeerSlot) -> Option<&Peer> {
        self.peers.get(slot as usize).and_then(Option::as_ref)
    }

    fn peer_mut(&mut self, slot: PeerSlot) -> Option<&mut Peer> {
        self.peers.get_mut(slot as usize).and_then(Option::as_mut)
    }

    /// Remembers the latest time any input carried.
    fn observe(&mut self, now: Instant) {
        if now > self.now {
            self.now = now;
        }
    }

    /// A fresh random local index for `slot`, not in use by any peer (a collision is
    /// drawn again), entered in the index table.
    fn reserve_index(&mut self, slot: PeerSlot) -> u32 {
        use rand_core::RngCore;
        let index = loop {
            let candidate = rand_core::OsRng.next_u32();
            if !self.indices.contains_key(&candidate) {
                break candidate;
            }
        };
        self.indices.insert(index, slot);
        index
    }

    /// Gives `slot`'s `Tunn` a new reserved index once it used the last one, and
    /// forgets the oldest index it can no longer use.
    fn replenish_index(&mut self, slot: PeerSlot) {
        if !self.peer(slot).is_some_and(|p| p.tunn.needs_local_index()) {
            return;
        }
        let index = self.reserve_index(slot);
        let mut forget = None;
        if let Some(peer) = self.peer_mut(slot) {
            peer.tunn.set_next_local_index(index);
            peer.indices.push_back(index);
            if peer.indices.len() > INDEX_HISTORY {
                forget = peer.indices.pop_front();
            }
        }
        if let Some(old) = forget {
            if self.indices.get(&old) == Some(&slot) {
                self.indices.remove(&old);
            }
        }
    }

    /// The earliest time anything is due for `slot`: boringtun's next timer,
    /// Culvert's persistent keepalive, a deferred initiation.
    fn peer_deadline(peer: &Peer) -> Option<Instant> {
        let boringtun = peer.tunn.next_timer_at().map(Instant::from_duration);
        let keepalive = match peer.persistent_keepalive {
            Some(interval)
                if peer.init_sent.is_none()
                    && peer.deferred_initiation.is_none()
                    && peer.config.endpoint.is_some() =>
            {
                Some(peer.last_traversal + interval)
            }
            _ => None,
        };
        [boringtun, keepalive, peer.deferred_initiation]
            .into_iter()
            .flatten()
            .min()
    }

    /// Files `slot`'s current deadline in the heap (after anything touched the peer).
    fn reschedule(&mut self, slot: PeerSlot, now: Instant) {
        let Some(peer) = self.peer_mut(slot) else {
            return;
        };
        let deadline = Self::peer_deadline(peer).map(|d| {
            if d <= now {
                // Due but it did not act at `now`: look again a little later rather
                // than never (or in a tight loop).
                log::debug!("peer {}: timer due again at once", peer.config.public_key);
                now + MIN_TIMER
            } else {
                d
            }
        });
        if peer.deadline != deadline {
            peer.deadline = deadline;
            if let Some(d) = deadline {
                self.deadlines.push(Reverse((d, slot)));
            }
        }
        if self.deadlines.len() > 2 * self.peers.len() + 64 {
            // Too many stale entries (deadlines that moved): drop them in place, no
            // allocation (amortised over the pushes that made them).
            let peers = &self.peers;
            self.deadlines.retain(|Reverse((d, slot))| {
                peers
                    .get(*slot as usize)
                    .and_then(Option::as_ref)
                    .is_some_and(|p| p.deadline == Some(*d))
            });
        }
        self.prune_deadlines();
    }

    /// Drops stale entries from the top of the heap, so its top is a live deadline.
    fn prune_deadlines(&mut self) {
        while let Some(&Reverse((d, slot))) = self.deadlines.peek() {
            if self.peer(slot).is_some_and(|p| p.deadline == Some(d)) {
                break;
            }
            self.deadlines.pop();
        }
    }

    fn push_event(&mut self, event: Event) {
        if self.events.len() >= EVENT_QUEUE_CAP {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    /// Queues a datagram copied from `data` to `dst`, counting it for `slot`.
    fn push_transmit(&mut self, slot: PeerSlot, dst: SocketAddr, data: &[u8]) {
        if self.transmits.push(dst, data) {
            if let Some(peer) = self.peer_mut(slot) {
                peer.tx_packets += 1;
                peer.tx_bytes += data.len() as u64;
            }
        } else if let Some(peer) = self.peer_mut(slot) {
            peer.dropped.queue_full += 1;
        }
    }

    /// Runs boringtun's timers for `slot` at `now` (once per instant), sending what
    /// they produce, then Culvert's persistent keepalive.
    fn refresh(&mut self, slot: PeerSlot, now: Instant) {
        let mut buf = [0u8; HANDSHAKE_INIT_SIZE + DATA_OVERHEAD];
        let (endpoint, key);
        let mut out_len = None;
        let mut expired = false;
        {
            let Some(peer) = self.peer_mut(slot) else {
                return;
            };
            if peer.last_refresh == Some(now) {
                return;
            }
            peer.last_refresh = Some(now);
            endpoint = peer.config.endpoint;
            key = peer.config.public_key;
            match peer.tunn.update_timers_at(&mut buf, now.as_duration()) {
                TunnResult::WriteToNetwork(out) => out_len = Some(out.len()),
                TunnResult::Err(WireGuardError::ConnectionExpired) => expired = true,
                TunnResult::Err(e) => log::debug!("peer {key}: update_timers: {e:?}"),
                _ => {}
            }
        }
        if let Some(len) = out_len {
            self.after_output(slot, &buf[..len], endpoint, now);
        }
        if expired {
            self.on_expired(slot);
        }
        let pk_due = self.peer(slot).is_some_and(|p| {
            p.persistent_keepalive
                .is_some_and(|interval| p.init_sent.is_none() && now - p.last_traversal >= interval)
        });
        if pk_due {
            log::trace!("peer {key}: persistent keepalive");
            self.send_to_peer(slot, &[], now);
        }
        self.replenish_index(slot);
    }

    /// boringtun answered "expired": its keys are wiped (540 s without a new
    /// session) or it stopped retrying (REKEY_ATTEMPT_TIME). Acted on once per
    /// give-up: the queue is dropped and the app hears about it, if there was
    /// something to lose (a session, or attempts).
    fn on_expired(&mut self, slot: PeerSlot) {
        let (key, had_keys, attempts, freed) = {
            let Some(peer) = self.peer_mut(slot) else {
                return;
            };
            if peer.expired {
                return;
            }
            peer.expired = true;
            let had_keys = std::mem::replace(&mut peer.has_keys, false);
            peer.init_sent = None;
            let freed: Vec<Vec<u8>> = peer.queue.drain(..).collect();
            (peer.config.public_key, had_keys, peer.attempts, freed)
        };
        self.recycle(freed);
        if had_keys {
            log::info!(
                "peer {key}: keys wiped after {}s without a new session",
                timers::KEY_WIPE_TIME.as_secs()
            );
            self.push_event(Event::PeerIdle { peer: key });
        } else if attempts > 0 {
            log::info!("peer {key}: handshake abandoned after {attempts} attempts");
            self.push_event(Event::HandshakeFailing {
                peer: key,
                attempts,
            });
        }
    }

    /// Bookkeeping for a message boringtun produced from a timer or a handshake request.
    fn after_output(
        &mut self,
        slot: PeerSlot,
        out: &[u8],
        endpoint: Option<SocketAddr>,
        now: Instant,
    ) {
        let mut failing = None;
        if let Some(peer) = self.peer_mut(slot) {
            match msg_type(out) {
                MSG_INIT => {
                    peer.init_sent = Some(now);
                    peer.last_initiation = Some(now);
                    peer.deferred_initiation = None;
                    peer.expired = false;
                    peer.last_traversal = now;
                    peer.attempts = peer.attempts.saturating_add(1);
                    if peer.attempts > 1 {
                        failing = Some((peer.config.public_key, peer.attempts));
                    }
                    log::debug!(
                        "peer {}: handshake initiation (attempt {})",
                        peer.config.public_key,
                        peer.attempts
                    );
                }
                MSG_DATA => peer.last_traversal = now,
                _ => {}
            }
        }
        if let Some((peer, attempts)) = failing {
            self.push_event(Event::HandshakeFailing { peer, attempts });
        }
        match endpoint {
            Some(dst) => self.push_transmit(slot, dst, out),
            None => {
                if let Some(peer) = self.peer_mut(slot) {
                    peer.dropped.no_session += 1;
                }
            }
        }
    }

    fn recycle(&mut self, bufs: Vec<Vec<u8>>) {
        for buf in bufs {
            self.queued_total = self.queued_total.saturating_sub(1);
            if self.pool.len() < TOTAL_QUEUE_CAP {
                self.pool.push(buf);
            }
        }
    }

    /// Starts (or with `force`, restarts) a handshake with `slot`.
    fn initiate(&mut self, slot: PeerSlot, now: Instant, force: bool) {
        let mut buf = [0u8; HANDSHAKE_INIT_SIZE];
        let (endpoint, len) = {
            let Some(peer) = self.peer_mut(slot) else {
                return;
            };
            let Some(endpoint) = peer.config.endpoint else {
                return;
            };
            let in_flight = peer.init_sent.is_some();
            if !force && !in_flight {
                // We answered the peer's initiation moments ago: its confirmation
                // (first data or keepalive) makes the session usable. Initiating now
                // would cross handshakes (wireguard-go waits REKEY_TIMEOUT too).
                if let Some(answered) = peer.last_response {
                    if now < answered + REKEY_TIMEOUT {
                        peer.deferred_initiation = Some(answered + REKEY_TIMEOUT);
                        return;
                    }
                }
                // WireGuard peers ignore an initiation that follows the one they last
                // accepted by less than 20 ms (wireguard-go and Linux: 50 per second).
                // Our last one may have been answered in vain (answering the peer's
                // own initiation replaces ours inside boringtun): wait, do not waste it.
                if let Some(last) = peer.last_initiation {
                    if now < last + INITIATION_SPACING {
                        peer.deferred_initiation = Some(last + INITIATION_SPACING);
                        return;
                    }
                }
            }
            match peer
                .tunn
                .format_handshake_initiation_at(&mut buf, force, now.as_duration())
            {
                TunnResult::WriteToNetwork(out) => (endpoint, out.len()),
                TunnResult::Err(e) => {
                    log::debug!(
                        "peer {}: handshake initiation failed: {e:?}",
                        peer.config.public_key
                    );
                    return;
                }
                _ => return,
            }
        };
        self.after_output(slot, &buf[..len], Some(endpoint), now);
        self.replenish_index(slot);
    }

    /// Encrypts `packet` (empty = keepalive) for `slot`, or queues it and starts a
    /// handshake when there is no session yet.
    fn send_to_peer(&mut self, slot: PeerSlot, packet: &[u8], now: Instant) {
        let Tunnel {
            peers,
            transmits,
            queued_total,
            pool,
            ..
        } = self;
        let Some(peer) = peers.get_mut(slot as usize).and_then(Option::as_mut) else {
            return;
        };
        let ready = match peer.config.endpoint {
            Some(dst)
                if peer
                    .tunn
                    .time_since_last_handshake_at(now.as_duration())
                    .is_some() =>
            {
                Some(dst)
            }
            _ => None,
        };
        if let Some(dst) = ready {
            let need = (packet.len() + DATA_OVERHEAD).max(HANDSHAKE_INIT_SIZE);
            let Some(buf) = transmits.reserve(need) else {
                peer.dropped.queue_full += 1;
                return;
            };
            match peer.tunn.encapsulate_at(packet, buf, now.as_duration()) {
                TunnResult::WriteToNetwork(out) => {
                    let len = out.len();
                    let data = msg_type(out) == MSG_DATA;
                    transmits.commit(dst, 0, len);
                    if data {
                        peer.last_traversal = now;
                    }
                    peer.tx_packets += 1;
                    peer.tx_data += u64::from(!packet.is_empty());
                    peer.tx_bytes += len as u64;
                    log::trace!("peer {}: sent {} bytes", peer.config.public_key, len);
                }
                TunnResult::Err(e) => {
                    log::debug!("peer {}: encapsulate: {e:?}", peer.config.public_key);
                    peer.dropped.no_session += 1;
                }
                _ => {}
            }
            return;
        }
        // No session (or no endpoint yet): queue with fixed caps, then handshake.
        if !packet.is_empty() {
            if peer.queue.len() >= PEER_QUEUE_CAP
                || *queued_total >= TOTAL_QUEUE_CAP
                || packet.len() > MAX_QUEUED_PACKET
            {
                peer.dropped.queue_full += 1;
            } else {
                let mut buf = pool
                    .pop()
                    .unwrap_or_else(|| Vec::with_capacity(MAX_QUEUED_PACKET));
                buf.clear();
                buf.extend_from_slice(packet);
                peer.queue.push_back(buf);
                *queued_total += 1;
            }
        }
        self.initiate(slot, now, false);
    }

    /// Sends the packets that waited for `slot`'s handshake.
    fn flush_queue(&mut self, slot: PeerSlot, now: Instant) {
        loop {
            let Some(peer) = self.peer_mut(slot) else {
                return;
            };
            if peer.queue.is_empty()
                || peer
                    .tunn
                    .time_since_last_handshake_at(now.as_duration())
                    .is_none()
            {
                return;
            }
            let Some(buf) = peer.queue.pop_front() else {
                return;
            };
            self.queued_total = self.queued_total.saturating_sub(1);
            self.send_to_peer(slot, &buf, now);
            if self.pool.len() < TOTAL_QUEUE_CAP {
                self.pool.push(buf);
            }
        }
    }

    /// An IP packet from the OS: routed by destination to the peer with the longest
    /// matching AllowedIPs prefix, encrypted (or queued until a handshake completes).
    /// Non-IP packets and packets with no route are dropped and counted.
    pub fn handle_tun_packet(&mut self, packet: &[u8], now: Instant) {
        self.observe(now);
        if packet.len() > MAX_PACKET {
            self.dropped.malformed += 1;
            return;
        }
        let Some(dst) = routing::packet_dst(packet) else {
            self.dropped.malformed += 1;
            log::trace!(
                "dropping a non-IP packet from the OS ({} bytes)",
                packet.len()
            );
            return;
        };
        let Some(slot) = self.routes.lookup(dst) else {
            self.dropped.no_route += 1;
            log::trace!("no route for an outbound packet");
            return;
        };
        self.refresh(slot, now);
        self.send_to_peer(slot, packet, now);
        self.reschedule(slot, now);
    }

    /// A UDP datagram from `from`. Handshake messages must pass MAC1 (junk is
    /// `malformed` and costs nothing), and under load MAC2 (else a cookie reply),
    /// before they are charged to the per-source limit and before any
    /// Diffie-Hellman; an initiation is matched to its peer by decrypting the
    /// initiator's static key, everything else by receiver index. Decrypted packets
    /// whose inner source is not in the peer's AllowedIPs are dropped. A peer's
    /// endpoint follows the source of its latest authenticated datagram (roaming).
    pub fn handle_datagram(&mut self, from: SocketAddr, datagram: &[u8], now: Instant) {
        self.observe(now);
        let ty = msg_type(datagram);
        let handshake = ty == MSG_INIT || ty == MSG_RESPONSE;
        if handshake {
            // Lazily, never from a periodic tick: boringtun resets only if a second passed.
            self.limiter.reset_count_at(now.as_duration());
        }
        let mut cookie = [0u8; 64];
        let packet = match self.limiter.verify_packet_at(
            Some(from.ip()),
            datagram,
            &mut cookie,
            now.as_duration(),
        ) {
            Ok(packet) => packet,
            Err(TunnResult::WriteToNetwork(reply)) => {
                let len = reply.len();
                self.dropped.rate_limited += 1;
                if !self.transmits.push(from, &cookie[..len]) {
                    self.dropped.queue_full += 1;
                }
                log::debug!("under load: cookie reply");
                return;
            }
            Err(_) => {
                self.dropped.malformed += 1;
                log::trace!("dropping a malformed datagram ({} bytes)", datagram.len());
                return;
            }
        };
        if handshake {
            // Only a message with a valid MAC1 (and MAC2 under load) is charged.
            let limiter = if ty == MSG_INIT {
                &mut self.init_limiter
            } else {
                &mut self.response_limiter
            };
            if !limiter.allow(from.ip(), now) {
                self.dropped.rate_limited += 1;
                log::trace!("handshake over the per-source limit");
                return;
            }
        }
        let slot = match packet {
            Packet::HandshakeInit(p) => {
                match parse_handshake_anon(&self.private, &self.public, &p) {
                    Ok(half) => self
                        .by_key
                        .get(&PublicKey::from_bytes(half.peer_static_public))
                        .copied(),
                    Err(_) => {
                        self.dropped.malformed += 1;
                        return;
                    }
                }
            }
            Packet::HandshakeResponse(p) => self.indices.get(&p.receiver_idx).copied(),
            Packet::PacketCookieReply(p) => self.indices.get(&p.receiver_idx).copied(),
            Packet::PacketData(p) => self.indices.get(&p.receiver_idx).copied(),
        };
        let Some(slot) = slot.filter(|&slot| self.peer(slot).is_some()) else {
            self.dropped.unknown_peer += 1;
            return;
        };
        self.refresh(slot, now);
        self.decapsulate(slot, from, ty, datagram, now);
        self.replenish_index(slot);
        self.reschedule(slot, now);
    }

    fn decapsulate(
        &mut self,
        slot: PeerSlot,
        from: SocketAddr,
        ty: u8,
        datagram: &[u8],
        now: Instant,
    ) {
        enum Outcome {
            Reply(usize, usize),
            Tun(usize, usize, IpAddr),
            Done,
            Failed(WireGuardError),
        }
        let Tunnel { peers, tun_out, .. } = self;
        let Some(peer) = peers.get_mut(slot as usize).and_then(Option::as_mut) else {
            return;
        };
        let need = datagram.len().max(HANDSHAKE_INIT_SIZE);
        let Some(buf) = tun_out.reserve(need) else {
            peer.dropped.queue_full += 1;
            return;
        };
        let base = buf.as_ptr() as usize;
        let outcome =
            match peer
                .tunn
                .decapsulate_at(Some(from.ip()), datagram, buf, now.as_duration())
            {
                TunnResult::WriteToNetwork(out) => {
                    Outcome::Reply(out.as_ptr() as usize - base, out.len())
                }
                TunnResult::WriteToTunnelV4(out, src) => {
                    Outcome::Tun(out.as_ptr() as usize - base, out.len(), IpAddr::V4(src))
                }
                TunnResult::WriteToTunnelV6(out, src) => {
                    Outcome::Tun(out.as_ptr() as usize - base, out.len(), IpAddr::V6(src))
                }
                TunnResult::Done => Outcome::Done,
                TunnResult::Err(e) => Outcome::Failed(e),
            };
        let key = peer.config.public_key;
        let mut authenticated = true;
        match outcome {
            Outcome::Failed(e) => {
                authenticated = false;
                match e {
                    WireGuardError::DuplicateCounter => peer.dropped.replay += 1,
                    WireGuardError::InvalidCounter => peer.dropped.too_old += 1,
                    WireGuardError::NoCurrentSession | WireGuardError::WrongIndex => {
                        peer.dropped.no_session += 1
                    }
                    _ => peer.dropped.malformed += 1,
                }
                log::trace!("peer {key}: dropping datagram: {e:?}");
            }
            Outcome::Tun(offset, len, src) => {
                peer.rx_data += 1;
                if self.routes.lookup(src) == Some(slot) {
                    tun_out.commit((), offset, len);
                } else {
                    // Authenticated, so the session and roaming still count it.
                    peer.dropped.inner_source += 1;
                    peer.last_inner_source = Some(src);
                    log::trace!("peer {key}: inner source not in AllowedIPs");
                }
            }
            Outcome::Done => match ty {
                MSG_DATA => {}
                _ => authenticated = false,
            },
            Outcome::Reply(offset, len) => {
                // Copy the reply out of the tun arena (uncommitted scratch there).
                let mut reply = [0u8; HANDSHAKE_INIT_SIZE];
                let n = len.min(reply.len());
                if let Some(src) = tun_out.reserve(offset + n) {
                    reply[..n].copy_from_slice(&src[offset..offset + n]);
                }
                let established = ty == MSG_INIT || ty == MSG_RESPONSE;
                if established {
                    peer.handshakes += 1;
                    peer.attempts = 0;
                    peer.last_handshake = Some(now);
                    peer.init_sent = None;
                    peer.has_keys = true;
                    peer.expired = false;
                    if ty == MSG_INIT {
                        peer.last_response = Some(now);
                    }
                    log::info!("peer {key}: handshake completed");
                }
                peer.last_traversal = now;
                let roamed = peer.config.endpoint != Some(from);
                peer.config.endpoint = Some(from);
                peer.rx_packets += 1;
                peer.rx_bytes += datagram.len() as u64;
                if roamed {
                    self.push_event(Event::EndpointChanged {
                        peer: key,
                        endpoint: from,
                    });
                }
                self.push_transmit(slot, from, &reply[..n]);
                if established {
                    self.push_event(Event::HandshakeCompleted { peer: key });
                }
                self.flush_queue(slot, now);
                return;
            }
        }
        if authenticated {
            peer.last_traversal = now;
            let roamed = peer.config.endpoint != Some(from);
            peer.config.endpoint = Some(from);
            peer.rx_packets += 1;
            peer.rx_bytes += datagram.len() as u64;
            let waiting = !peer.queue.is_empty();
            if roamed {
                log::debug!("peer {key}: endpoint changed");
                self.push_event(Event::EndpointChanged {
                    peer: key,
                    endpoint: from,
                });
            }
            if waiting {
                self.flush_queue(slot, now);
            }
        }
    }

    /// The deadline returned by [`Tunnel::poll_timeout`] passed (extra calls are
    /// harmless). Handles only the peers whose deadline is due (a heap), not all.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.observe(now);
        while let Some(&Reverse((d, slot))) = self.deadlines.peek() {
            if d > now {
                break;
            }
            self.deadlines.pop();
            let live = match self.peer_mut(slot) {
                Some(p) if p.deadline == Some(d) => {
                    p.deadline = None;
                    true
                }
                _ => false,
            };
            if !live {
                continue;
            }
            self.refresh(slot, now);
            let deferred = self.peer_mut(slot).is_some_and(|p| {
                p.deferred_initiation.take_if(|t| *t <= now).is_some()
                    && p.tunn
                        .time_since_last_handshake_at(now.as_duration())
                        .is_none()
            });
            if deferred {
                self.initiate(slot, now, false);
            }
            self.reschedule(slot, now);
        }
    }

    /// The next datagram to send. Call until `None` after every input.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit<'_>> {
        self.transmits
            .pop()
            .map(|(dst, payload)| Transmit { dst, payload })
    }

    /// The next decrypted IP packet for the OS. Call until `None` after every input.
    #[must_use]
    pub fn poll_tun(&mut self) -> Option<&[u8]> {
        self.tun_out.pop().map(|((), packet)| packet)
    }

    /// The next event. Call until `None` after every input.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When to call [`Tunnel::handle_timeout`] next; `None` = not until new input.
    ///
    /// Changes after any `handle_*` call and after [`Tunnel::sleep`] / [`Tunnel::wake`]:
    /// ask again after each. An idle tunnel without persistent keepalive returns
    /// only the key-wipe deadline (540 s after the last handshake), then `None`.
    /// O(1): the top of a deadline heap.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.sleeping {
            return None;
        }
        self.deadlines.peek().map(|Reverse((d, _))| *d)
    }

    /// Drops not attributable to a peer (no route, malformed, unknown peer, rate limited).
    pub fn dropped(&self) -> DropCounts {
        self.dropped
    }

    /// Statistics of every peer.
    pub fn stats(&self) -> Vec<PeerStats> {
        self.peers
            .iter()
            .flatten()
            .map(|p| {
                let (_, _, _, loss, rtt) = p.tunn.stats_at(self.now.as_duration());
                PeerStats {
                    public_key: p.config.public_key,
                    endpoint: p.config.endpoint,
                    rx_bytes: p.rx_bytes,
                    tx_bytes: p.tx_bytes,
                    rx_packets: p.rx_packets,
                    tx_packets: p.tx_packets,
                    last_handshake: p.last_handshake,
                    handshakes: p.handshakes,
                    rtt_ms: rtt,
                    loss,
                    dropped: p.dropped,
                    queued: p.queue.len(),
                    rx_data_packets: p.rx_data,
                    tx_data_packets: p.tx_data,
                    last_inner_source: p.last_inner_source,
                }
            })
            .collect()
    }

    /// Bytes currently held by the output buffers (their high-water mark).
    pub fn buffer_bytes(&self) -> usize {
        self.transmits.capacity_bytes() + self.tun_out.capacity_bytes()
    }

    /// Time from `key`'s current session's handshake to the latest input's time, if
    /// it has a session.
    pub fn session_age(&self, key: &PublicKey) -> Option<Duration> {
        self.by_key
            .get(key)
            .and_then(|&slot| self.peer(slot))
            .and_then(|p| p.tunn.time_since_last_handshake_at(self.now.as_duration()))
    }
}

/// A persistent keepalive interval in seconds as a duration (`None` or 0 = off).
fn keepalive_interval(seconds: Option<u16>) -> Option<Duration> {
    seconds
        .filter(|s| *s > 0)
        .map(|s| Duration::from_secs(u64::from(s)))
}
