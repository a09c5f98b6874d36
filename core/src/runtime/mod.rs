//! The only I/O in Culvert: event loop, TUN fd / packet callbacks, UDP sockets, endpoint resolution.
//!
//! A [`Tunnel`] is a `Send + Sync` handle on one event-loop thread that drives the
//! sans-IO [`crate::proto::Tunnel`]. Every method takes `&self`; after [`Tunnel::stop`]
//! every method returns [`RuntimeError::Stopped`].

use crate::config::{Config, PublicKey};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::SystemTime;

/// How packets move between the OS tunnel interface and Culvert.
pub enum PacketIo {
    /// A TUN file descriptor. The tunnel owns it and closes it on stop.
    Fd {
        /// The TUN device (Android `VpnService` fd, Linux `/dev/net/tun`, Apple utun).
        fd: OwnedFd,
        /// How packets are framed on it.
        framing: TunFraming,
    },
    /// The platform pushes outbound packets with [`Tunnel::send_packets`] and
    /// receives inbound packets through `sink` (iOS `packetFlow`).
    Callbacks {
        /// Receives batches of decrypted IP packets for the OS.
        sink: Arc<dyn PacketSink>,
    },
}

impl std::fmt::Debug for PacketIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PacketIo::Fd { fd, framing } => f
                .debug_struct("Fd")
                .field("fd", fd)
                .field("framing", framing)
                .finish(),
            PacketIo::Callbacks { .. } => f.write_str("Callbacks"),
        }
    }
}

/// Framing of packets on a TUN file descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunFraming {
    /// Bare IP packets (Linux, Android).
    RawIp,
    /// Apple utun: each packet is prefixed by a 4-byte big-endian address family
    /// (`AF_INET` = 2, `AF_INET6` = 30).
    AppleUtun,
}

/// Receives batches of decrypted IP packets destined for the OS (callback mode).
///
/// Called on the event-loop thread: return quickly (hand the batch to the OS or a
/// queue). Do not call back into the [`Tunnel`] from here except `send_packets`.
pub trait PacketSink: Send + Sync {
    /// Delivers one batch of IP packets.
    fn deliver(&self, packets: Vec<Vec<u8>>);
}

/// Excludes a socket from the VPN (Android `VpnService.protect(fd)`).
///
/// Called before the first use of every UDP socket the tunnel creates, including
/// sockets created when rebinding after [`Tunnel::network_changed`].
pub trait SocketProtector: Send + Sync {
    /// Protects `fd`. An error fails the socket creation (and is reported).
    fn protect(&self, fd: i32) -> Result<(), String>;
}

/// Resolves endpoint host names, on the underlying network (not through the VPN).
///
/// Called on a separate small resolver thread, never on the data path; it may block.
pub trait Resolver: Send + Sync {
    /// Resolves `host` to its addresses (IPv4 and/or IPv6).
    fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, String>;
}

/// Receives tunnel events (on the event-loop thread: return quickly).
pub trait EventSink: Send + Sync {
    /// One event.
    fn on_event(&self, event: TunnelEvent);
}

/// Platform hooks given to [`Tunnel::start`]. All optional.
#[derive(Default, Clone)]
pub struct Hooks {
    /// Called for every UDP socket before first use.
    pub protector: Option<Arc<dyn SocketProtector>>,
    /// Resolves endpoint host names; `None` = the system resolver (`getaddrinfo`).
    pub resolver: Option<Arc<dyn Resolver>>,
    /// Receives [`TunnelEvent`]s.
    pub events: Option<Arc<dyn EventSink>>,
    /// The network's NAT64 prefix (a /96). `None` = discover it (RFC 7050) when the
    /// network has no IPv4 route.
    pub nat64_prefix: Option<ipnetwork::Ipv6Network>,
    /// Linux: `SO_MARK` set on the UDP sockets (policy routing for default routes).
    pub fwmark: Option<u32>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("protector", &self.protector.is_some())
            .field("resolver", &self.resolver.is_some())
            .field("events", &self.events.is_some())
            .field("nat64_prefix", &self.nat64_prefix)
            .field("fwmark", &self.fwmark)
            .finish()
    }
}

/// Something the app may want to know about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TunnelEvent {
    /// The tunnel's lifecycle state changed.
    StateChanged(TunnelState),
    /// A handshake with `peer` completed (a new session).
    HandshakeCompleted {
        /// The peer.
        peer: PublicKey,
    },
    /// Handshakes with `peer` keep failing.
    HandshakeFailing {
        /// The peer.
        peer: PublicKey,
        /// Attempts since the last success.
        attempts: u32,
    },
    /// `peer`'s keys expired with no traffic: the session is gone until there is traffic again.
    PeerIdle {
        /// The peer.
        peer: PublicKey,
    },
    /// An endpoint host name was resolved (or re-resolved) to a new address.
    EndpointResolved {
        /// The peer.
        peer: PublicKey,
        /// The address now used.
        endpoint: SocketAddr,
    },
    /// Something went wrong in the event loop; the tunnel carries on.
    Error {
        /// What went wrong (no keys, no secrets).
        message: String,
    },
}

/// The tunnel's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TunnelState {
    /// Started; no peer has completed a handshake yet.
    Connecting,
    /// At least one peer has a live session.
    Connected,
    /// Was connected; re-establishing after a network change, wake or failures.
    Reasserting,
    /// [`Tunnel::sleep`] was called: no timers, no traffic until [`Tunnel::wake`].
    Sleeping,
    /// [`Tunnel::stop`] was called or the loop ended.
    Stopped,
}

pub use crate::proto::DropCounts;

/// Statistics for one peer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerStats {
    /// The peer.
    pub public_key: PublicKey,
    /// The address packets go to (latest authenticated source or configured).
    pub endpoint: Option<SocketAddr>,
    /// Bytes received (decrypted payload bytes + overhead as on the wire).
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Wall-clock time of the last completed handshake.
    pub last_handshake: Option<SystemTime>,
    /// Handshakes completed.
    pub handshakes: u64,
    /// boringtun's round-trip estimate from the last handshake.
    pub rtt_ms: Option<u32>,
    /// boringtun's packet-loss estimate (0.0–1.0).
    pub loss: f32,
    /// Dropped packets by reason.
    pub dropped: DropCounts,
}

/// Statistics for the whole tunnel.
#[derive(Debug, Clone, PartialEq)]
pub struct TunnelStats {
    /// The UDP port the tunnel listens on.
    pub listen_port: u16,
    /// One entry per configured peer.
    pub peers: Vec<PeerStats>,
}

/// Why a runtime call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// The tunnel was stopped; start a new one.
    #[error("the tunnel has been stopped")]
    Stopped,
    /// Not available yet in this build.
    #[error("not implemented yet")]
    NotReady,
    /// The configuration cannot be run (e.g. two peers with the same key).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// A socket, fd or thread could not be set up.
    #[error("I/O error: {0}")]
    Io(String),
    /// The socket protector refused a socket.
    #[error("socket protection failed: {0}")]
    Protect(String),
    /// The call does not fit the packet I/O mode (e.g. `send_packets` with a TUN fd).
    #[error("wrong packet I/O mode: {0}")]
    WrongIoMode(String),
    /// A bounded queue is full; try again later.
    #[error("queue full")]
    QueueFull,
}

/// A running tunnel: a handle on the event-loop thread.
pub struct Tunnel {
    _private: (),
}

impl std::fmt::Debug for Tunnel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tunnel").finish_non_exhaustive()
    }
}

impl Tunnel {
    /// Starts the tunnel: binds UDP sockets, starts the event loop and resolution of
    /// host-name endpoints (which may still be pending when this returns).
    pub fn start(config: Config, io: PacketIo, hooks: Hooks) -> Result<Tunnel, RuntimeError> {
        let _ = (config, io, hooks);
        Err(RuntimeError::NotReady)
    }

    /// Applies a new config; sessions of peers whose key is unchanged are kept.
    pub fn update(&self, config: Config) -> Result<(), RuntimeError> {
        let _ = config;
        Err(RuntimeError::NotReady)
    }

    /// The device is going to sleep: stop timers and traffic.
    pub fn sleep(&self) -> Result<(), RuntimeError> {
        Err(RuntimeError::NotReady)
    }

    /// The device woke up: force a fresh handshake and re-resolve endpoints.
    pub fn wake(&self) -> Result<(), RuntimeError> {
        Err(RuntimeError::NotReady)
    }

    /// The underlying network changed: rebind sockets, re-resolve, re-handshake.
    pub fn network_changed(&self) -> Result<(), RuntimeError> {
        Err(RuntimeError::NotReady)
    }

    /// Current statistics.
    pub fn stats(&self) -> Result<TunnelStats, RuntimeError> {
        Err(RuntimeError::NotReady)
    }

    /// Current lifecycle state.
    pub fn state(&self) -> TunnelState {
        TunnelState::Stopped
    }

    /// Stops the loop, closes sockets and the TUN fd. Later calls return `Err(Stopped)`.
    pub fn stop(&self) -> Result<(), RuntimeError> {
        Err(RuntimeError::NotReady)
    }

    /// Callback mode: outbound IP packets from the OS.
    pub fn send_packets(&self, packets: Vec<Vec<u8>>) -> Result<(), RuntimeError> {
        let _ = packets;
        Err(RuntimeError::NotReady)
    }
}
