//! The only I/O in Culvert: event loop, TUN fd / packet callbacks, UDP sockets, endpoint resolution.
//!
//! A [`Tunnel`] is a `Send + Sync` handle on one event-loop thread that drives the
//! sans-IO [`crate::proto::Tunnel`]. Every method takes `&self`; after [`Tunnel::stop`]
//! every method returns [`RuntimeError::Stopped`].
//!
//! ## Threads and why
//! Two threads per tunnel: the event loop and a resolver thread that only runs
//! the (possibly blocking) [`Resolver`] hook and otherwise sleeps in a channel
//! receive. The loop is a plain `poll(2)` loop over the UDP sockets, the TUN fd
//! (or nothing, in callback mode) and a self-pipe that other threads write to
//! when they hand it work. It was chosen over a tokio current-thread runtime
//! because it has no timer wheel or driver ticks of its own, sleeps exactly until
//! [`crate::proto::Tunnel::poll_timeout`] (zero wake-ups when idle), costs one
//! small stack and no runtime allocations, and keeps batching system calls
//! (`recvmmsg`/`sendmmsg`) and per-platform tweaks a local change.
//!
//! ## Memory bounds
//! Every queue has a fixed cap: packets from [`Tunnel::send_packets`]
//! ([`INBOUND_QUEUE_CAP`]), packets waiting for a handshake
//! ([`crate::proto::TOTAL_QUEUE_CAP`]), the proto output buffers
//! ([`crate::proto::TRANSMIT_BUFFER_CAP`], [`crate::proto::TUN_BUFFER_CAP`]),
//! delivered batches ([`DELIVER_BATCH`]) and events. One receive buffer of 64 KiB.

mod batch;
mod event_loop;
mod log_bridge;
mod resolve;
mod tun;
mod udp;
mod waker;

pub use resolve::SystemResolver;

use crate::config::{Config, PublicKey};
use crate::health::recovery::Step;
use crate::health::TunnelHealth;
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Packets [`Tunnel::send_packets`] may queue for the loop; more are dropped and counted.
pub const INBOUND_QUEUE_CAP: usize = 1024;
/// Bytes of packet data [`Tunnel::send_packets`] may queue for the loop (with
/// [`INBOUND_QUEUE_CAP`], whichever is reached first); more are dropped and counted.
pub const INBOUND_BYTES_CAP: usize = 2 * 1024 * 1024;
/// Most packets handed to [`PacketSink::deliver`] at once.
pub const DELIVER_BATCH: usize = 256;
/// Most packet bytes handed to [`PacketSink::deliver_packed`] at once (a larger
/// single packet goes alone).
pub const DELIVER_BYTES: usize = 256 * 1024;
/// How long `stats()` / `update()` wait for the loop to answer.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

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

    /// Delivers one batch of IP packets packed in one buffer (what the event loop
    /// calls). The default splits it into [`PacketSink::deliver`]'s one `Vec` per
    /// packet; override it to take the batch without those allocations.
    fn deliver_packed(&self, batch: PackedPackets<'_>) {
        self.deliver(batch.iter().map(<[u8]>::to_vec).collect());
    }
}

/// A batch of IP packets in one buffer: packet `i` is the `lengths[i]` bytes that
/// follow packet `i - 1` in `data`.
#[derive(Debug, Clone, Copy)]
pub struct PackedPackets<'a> {
    /// The packets, back to back.
    pub data: &'a [u8],
    /// Each packet's length, in order; they add up to `data.len()`.
    pub lengths: &'a [u32],
}

impl<'a> PackedPackets<'a> {
    /// The packets, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let data = self.data;
        self.lengths.iter().scan(0usize, move |at, len| {
            let start = *at;
            let end = (start + *len as usize).min(data.len());
            *at = end;
            Some(&data[start.min(end)..end])
        })
    }

    /// How many packets.
    pub fn len(&self) -> usize {
        self.lengths.len()
    }

    /// Whether the batch holds no packet.
    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }
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
    /// A platform resolver is also asked about IPv4 literal endpoints (see the
    /// precedence rules in the `runtime::resolve` module docs).
    pub resolver: Option<Arc<dyn Resolver>>,
    /// Receives [`TunnelEvent`]s.
    pub events: Option<Arc<dyn EventSink>>,
    /// The network's NAT64 prefix (a /96). `None` = discover it (RFC 7050) when the
    /// network has no IPv4 route.
    pub nat64_prefix: Option<ipnetwork::Ipv6Network>,
    /// Linux: `SO_MARK` set on the UDP sockets (policy routing for default routes).
    pub fwmark: Option<u32>,
    /// The platform knows the network is IPv6-only (no IPv4 route): IPv4 endpoints
    /// are then synthesised into the NAT64 prefix (`nat64_prefix`, or discovered).
    /// Culvert also assumes it when it cannot open or use an IPv4 socket.
    pub assume_ipv6_only: bool,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("protector", &self.protector.is_some())
            .field("resolver", &self.resolver.is_some())
            .field("events", &self.events.is_some())
            .field("nat64_prefix", &self.nat64_prefix)
            .field("fwmark", &self.fwmark)
            .field("assume_ipv6_only", &self.assume_ipv6_only)
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
    /// `peer` roamed: its packets now come from (and go to) `endpoint`.
    PeerRoamed {
        /// The peer.
        peer: PublicKey,
        /// The new endpoint.
        endpoint: SocketAddr,
    },
    /// Resolving `peer`'s endpoint host name failed; Culvert retries with backoff
    /// (1, 2, 4, … up to 60 s) and keeps the last address that worked.
    EndpointResolveFailed {
        /// The peer.
        peer: PublicKey,
        /// The resolver's reason (no keys).
        message: String,
    },
    /// The tunnel's or a peer's health changed level, reason or peer (see
    /// [`crate::health`]); [`Tunnel::health`] has the same value.
    HealthChanged(TunnelHealth),
    /// The recovery ladder took a step (re-handshake, re-resolve, rebind) for
    /// an unhealthy peer or the tunnel (see [`crate::health::recovery`]).
    RecoveryStep(Step),
    /// Something went wrong in the event loop. [`FaultKind::is_fatal`] says whether
    /// the tunnel stopped (a `StateChanged(Stopped)` follows) or carries on.
    Error {
        /// What kind of failure.
        kind: FaultKind,
        /// What went wrong (no keys, no secrets).
        message: String,
    },
}

/// The kind of a [`TunnelEvent::Error`], by what the app does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultKind {
    /// A file descriptor the tunnel owns (the TUN fd, or its wake pipe) was
    /// closed behind Culvert's back (`POLLNVAL`: e.g. the app closed the fd it
    /// handed over). Fatal: the tunnel stops (Culvert never closes that number
    /// again: it may belong to something else by now).
    FdClosed,
    /// Reading the TUN device failed (device gone, end of file): no more packets
    /// come from the OS; the tunnel carries on for inbound traffic.
    TunReadFailed,
    /// No UDP socket could be bound after a network change (or a socket became
    /// invalid). Culvert retries with backoff (1, 2, 4, … up to
    /// [`REBIND_MAX_BACKOFF`]) and recovers by itself once a bind succeeds.
    RebindFailed,
    /// A bug: the event loop panicked. Fatal: the tunnel stops.
    Panicked,
}

impl FaultKind {
    /// Whether the tunnel stopped because of this failure.
    pub fn is_fatal(self) -> bool {
        matches!(self, FaultKind::FdClosed | FaultKind::Panicked)
    }
}

/// Longest wait between two attempts to bind the UDP sockets again after a failed
/// rebind (the waits go 1, 2, 4, … seconds up to this).
pub const REBIND_MAX_BACKOFF: Duration = Duration::from_secs(30);

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
    /// Bytes sent (of datagrams the network accepted).
    pub tx_bytes: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Packets sent (datagrams the network accepted; failed sends are in
    /// [`TunnelStats::send_failures`]).
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
    /// Data packets received that carried an IP packet (keepalives not counted).
    pub rx_data_packets: u64,
    /// Data packets sent that carried an IP packet (keepalives not counted).
    pub tx_data_packets: u64,
    /// The inner source address of the last decrypted packet dropped because
    /// the peer's AllowedIPs do not include it (`dropped.inner_source`).
    pub last_inner_source: Option<IpAddr>,
}

/// Failed writes (UDP sends or TUN writes), by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IoFailures {
    /// The socket or device buffer was full (`EAGAIN`, `ENOBUFS`).
    pub buffer_full: u64,
    /// The destination or network was unreachable (`ENETUNREACH`,
    /// `EHOSTUNREACH`, `ENETDOWN`, `ECONNREFUSED`, `EADDRNOTAVAIL`).
    pub unreachable: u64,
    /// A firewall or policy refused it (`EPERM`, `EACCES`).
    pub permission: u64,
    /// Too large for the path or device (`EMSGSIZE`).
    pub too_large: u64,
    /// No socket of that address family, or the device is gone (`EBADF`, `EIO`,
    /// `EPIPE`, `ENODEV`).
    pub no_socket: u64,
    /// Anything else.
    pub other: u64,
}

impl IoFailures {
    /// Counts one failure with `err`'s reason.
    pub(crate) fn count(&mut self, err: &std::io::Error) {
        let slot = match err.raw_os_error() {
            Some(libc::EAGAIN | libc::ENOBUFS) => &mut self.buffer_full,
            Some(
                libc::ENETUNREACH
                | libc::EHOSTUNREACH
                | libc::ENETDOWN
                | libc::ECONNREFUSED
                | libc::EADDRNOTAVAIL,
            ) => &mut self.unreachable,
            Some(libc::EPERM | libc::EACCES) => &mut self.permission,
            Some(libc::EMSGSIZE) => &mut self.too_large,
            Some(libc::EBADF | libc::EIO | libc::EPIPE | libc::ENODEV | libc::ENXIO) => {
                &mut self.no_socket
            }
            None if err.kind() == std::io::ErrorKind::AddrNotAvailable => &mut self.no_socket,
            _ if err.kind() == std::io::ErrorKind::WouldBlock => &mut self.buffer_full,
            _ => &mut self.other,
        };
        *slot += 1;
    }

    /// All failures, whatever the reason.
    pub fn total(&self) -> u64 {
        self.buffer_full
            + self.unreachable
            + self.permission
            + self.too_large
            + self.no_socket
            + self.other
    }
}

/// Statistics for the whole tunnel.
#[derive(Debug, Clone, PartialEq)]
pub struct TunnelStats {
    /// The UDP port the tunnel listens on.
    pub listen_port: u16,
    /// One entry per configured peer.
    pub peers: Vec<PeerStats>,
    /// Drops not attributable to one peer (no route, malformed, unknown peer,
    /// rate limited, [`Tunnel::send_packets`] queue full).
    pub dropped: DropCounts,
    /// UDP datagrams the network refused, by reason (not counted in any peer's
    /// `tx_packets`).
    pub send_failures: IoFailures,
    /// Decrypted packets the TUN device refused, by reason (callback mode never
    /// fails here).
    pub tun_write_failures: IoFailures,
    /// Datagrams received that were larger than a receive slot and lost anyway
    /// (more than one such datagram in one receive batch; see docs/engine.md).
    pub oversized_dropped: u64,
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
    /// A bounded queue is full. From [`Tunnel::send_packets`]: the first
    /// `accepted` packets of the batch were queued, the rest were dropped (counted
    /// as `queue_full` in [`TunnelStats::dropped`]); resend those later or let the
    /// app's transport retransmit them, as after a drop on a real link.
    #[error("queue full: {accepted} packet(s) of the batch accepted, the rest dropped")]
    QueueFull {
        /// Packets of the batch that were queued (the first `accepted`, in order).
        accepted: usize,
    },
}

/// Work handed to the event loop.
pub(crate) enum Command {
    Update(Box<Config>, mpsc::SyncSender<Result<(), RuntimeError>>),
    Sleep,
    Wake,
    NetworkChanged,
    Stats(mpsc::SyncSender<TunnelStats>),
    Stop,
}

/// State shared by the handle and the loop.
pub(crate) struct Shared {
    pub(crate) commands: Mutex<VecDeque<Command>>,
    pub(crate) inbound: Mutex<Inbound>,
    pub(crate) waker: Arc<waker::Waker>,
    pub(crate) state: Mutex<TunnelState>,
    pub(crate) stopped: AtomicBool,
    /// The loop's latest health verdict.
    pub(crate) health: Mutex<TunnelHealth>,
}

/// Packets pushed by [`Tunnel::send_packets`], waiting for the loop.
#[derive(Default)]
pub(crate) struct Inbound {
    pub(crate) packets: VecDeque<Vec<u8>>,
    /// Bytes in `packets`.
    pub(crate) bytes: usize,
    pub(crate) dropped: u64,
}

impl Shared {
    pub(crate) fn set_state(&self, state: TunnelState) -> bool {
        match self.state.lock() {
            Ok(mut s) if *s != state && *s != TunnelState::Stopped => {
                *s = state;
                true
            }
            _ => false,
        }
    }
}

/// A running tunnel: a handle on the event-loop thread.
pub struct Tunnel {
    shared: Arc<Shared>,
    callbacks: bool,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    thread_id: std::thread::ThreadId,
}

impl std::fmt::Debug for Tunnel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tunnel")
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

impl Tunnel {
    /// Starts the tunnel: binds UDP sockets (calling the protector for each), starts
    /// the event loop and the resolution of host-name endpoints, which may still be
    /// pending when this returns (packets for such a peer wait, with a cap).
    pub fn start(config: Config, io: PacketIo, hooks: Hooks) -> Result<Tunnel, RuntimeError> {
        log_bridge::install();
        let callbacks = matches!(io, PacketIo::Callbacks { .. });
        let waker = Arc::new(
            waker::Waker::new()
                .map_err(|e| RuntimeError::Io(format!("creating the wake pipe: {e}")))?,
        );
        let shared = Arc::new(Shared {
            commands: Mutex::new(VecDeque::new()),
            inbound: Mutex::new(Inbound::default()),
            waker,
            state: Mutex::new(TunnelState::Connecting),
            stopped: AtomicBool::new(false),
            health: Mutex::new(TunnelHealth::default()),
        });
        let event_loop = event_loop::Loop::new(config, io, hooks, shared.clone())?;
        let thread = std::thread::Builder::new()
            .name("culvert-loop".into())
            .spawn(move || event_loop.run())
            .map_err(|e| RuntimeError::Io(format!("starting the event loop thread: {e}")))?;
        let thread_id = thread.thread().id();
        Ok(Tunnel {
            shared,
            callbacks,
            thread: Mutex::new(Some(thread)),
            thread_id,
        })
    }

    fn check(&self) -> Result<(), RuntimeError> {
        if self.shared.stopped.load(Ordering::Acquire) {
            Err(RuntimeError::Stopped)
        } else {
            Ok(())
        }
    }

    fn command(&self, command: Command) -> Result<(), RuntimeError> {
        self.check()?;
        self.shared
            .commands
            .lock()
            .map_err(|_| RuntimeError::Stopped)?
            .push_back(command);
        self.shared.waker.wake();
        Ok(())
    }

    fn ask<T>(&self, make: impl FnOnce(mpsc::SyncSender<T>) -> Command) -> Result<T, RuntimeError> {
        if std::thread::current().id() == self.thread_id {
            return Err(RuntimeError::Io(
                "cannot wait for the event loop from its own thread (a callback)".into(),
            ));
        }
        let (tx, rx) = mpsc::sync_channel(1);
        self.command(make(tx))?;
        match rx.recv_timeout(REPLY_TIMEOUT) {
            Ok(v) => Ok(v),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(RuntimeError::Stopped),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(RuntimeError::Io(
                "the event loop did not answer in 5 s".into(),
            )),
        }
    }

    /// Applies a new config; sessions of peers whose public and preshared keys are
    /// unchanged are kept. A new private key or listen port restarts every session
    /// (or rebinds the sockets).
    pub fn update(&self, config: Config) -> Result<(), RuntimeError> {
        self.ask(|tx| Command::Update(Box::new(config), tx))?
    }

    /// The device is going to sleep: no timers run until [`Tunnel::wake`].
    pub fn sleep(&self) -> Result<(), RuntimeError> {
        self.command(Command::Sleep)
    }

    /// The device woke up: timers resume, every active peer re-handshakes and
    /// host-name endpoints are resolved again.
    pub fn wake(&self) -> Result<(), RuntimeError> {
        self.command(Command::Wake)
    }

    /// The underlying network changed: rebind the UDP sockets (protecting the new
    /// ones), re-resolve endpoints (and NAT64), re-handshake.
    pub fn network_changed(&self) -> Result<(), RuntimeError> {
        self.command(Command::NetworkChanged)
    }

    /// Current statistics (asks the loop; waits up to 5 s).
    pub fn stats(&self) -> Result<TunnelStats, RuntimeError> {
        self.ask(Command::Stats)
    }

    /// The tunnel's and each peer's health, as of the loop's latest look at its
    /// evidence (at most a second old while traffic flows; see [`crate::health`]).
    pub fn health(&self) -> TunnelHealth {
        self.shared
            .health
            .lock()
            .map(|h| h.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Current lifecycle state.
    pub fn state(&self) -> TunnelState {
        self.shared
            .state
            .lock()
            .map(|s| *s)
            .unwrap_or(TunnelState::Stopped)
    }

    /// Stops the loop, closes the sockets and the TUN fd. Later calls return
    /// `Err(Stopped)`. Waits for the loop to finish unless called from a callback.
    pub fn stop(&self) -> Result<(), RuntimeError> {
        if self.shared.stopped.swap(true, Ordering::AcqRel) {
            return Err(RuntimeError::Stopped);
        }
        if let Ok(mut q) = self.shared.commands.lock() {
            q.push_back(Command::Stop);
        }
        self.shared.waker.wake();
        if std::thread::current().id() != self.thread_id {
            let handle = self.thread.lock().ok().and_then(|mut t| t.take());
            if let Some(handle) = handle {
                let _ = handle.join();
            }
        }
        Ok(())
    }

    /// Callback mode: outbound IP packets from the OS, queued for the loop in order.
    ///
    /// At most [`INBOUND_QUEUE_CAP`] packets and [`INBOUND_BYTES_CAP`] bytes wait
    /// at once. `Ok(())` means every packet of the batch was queued. If the queue fills up, the packets that fit
    /// are queued, the rest are dropped and counted (`queue_full` in
    /// [`TunnelStats::dropped`]) and the call returns
    /// `Err(RuntimeError::QueueFull { accepted })` with how many were queued:
    /// `packets[accepted..]` are the dropped ones, to resend later or to leave to
    /// the transport's retransmission (as a full interface queue would).
    pub fn send_packets(&self, packets: Vec<Vec<u8>>) -> Result<(), RuntimeError> {
        self.check()?;
        if !self.callbacks {
            return Err(RuntimeError::WrongIoMode(
                "send_packets is for PacketIo::Callbacks; this tunnel reads a TUN fd".into(),
            ));
        }
        if packets.is_empty() {
            return Ok(());
        }
        let total = packets.len();
        let (was_empty, accepted) = {
            let mut inbound = self
                .shared
                .inbound
                .lock()
                .map_err(|_| RuntimeError::Stopped)?;
            let was_empty = inbound.packets.is_empty();
            let room = INBOUND_QUEUE_CAP.saturating_sub(inbound.packets.len());
            let mut accepted = 0;
            for packet in packets.into_iter().take(room) {
                if inbound.bytes + packet.len() > INBOUND_BYTES_CAP {
                    break;
                }
                inbound.bytes += packet.len();
                inbound.packets.push_back(packet);
                accepted += 1;
            }
            inbound.dropped += (total - accepted) as u64;
            (was_empty, accepted)
        };
        if was_empty && accepted > 0 {
            self.shared.waker.wake();
        }
        if accepted < total {
            log::trace!("send_packets: queue full, {accepted} of {total} queued");
            return Err(RuntimeError::QueueFull { accepted });
        }
        Ok(())
    }
}

impl Drop for Tunnel {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
