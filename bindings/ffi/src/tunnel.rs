//! The tunnel at the FFI edge: a [`Tunnel`] object started on a TUN fd or with
//! packet callbacks, and the foreign traits the platform implements.
//!
//! Threads: [`PacketSink::deliver`] runs on Culvert's event-loop thread (return
//! quickly); [`TunnelObserver::on_event`] runs on a per-tunnel delivery thread, so
//! an observer may call back into the tunnel (`stats()`, `stop()`, ...);
//! [`SocketProtector::protect`] and [`Resolver::resolve`] run on Culvert's threads
//! and may block briefly. A callback that throws is logged and treated as a failure
//! of that one call; it never takes the tunnel down.

use crate::config::TunnelConfig;
use crate::guard::{call_foreign, guard, CallbackError, Internal};
use culvert_core::runtime as rt;
use std::net::IpAddr;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

/// Why a tunnel call failed, by what the app does about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TunnelError {
    /// The tunnel was stopped: start a new one.
    #[error("the tunnel has been stopped")]
    Stopped,
    /// The config cannot be run (fix the config).
    #[error("{detail}")]
    InvalidConfig {
        /// Why.
        detail: String,
    },
    /// The TUN file descriptor is not usable (negative, closed, not a TUN device).
    #[error("{detail}")]
    BadFileDescriptor {
        /// Why.
        detail: String,
    },
    /// Sockets could not be set up or protected (no network, `protect()` refused):
    /// retry when the network changes.
    #[error("{detail}")]
    Network {
        /// Why.
        detail: String,
    },
    /// A bounded queue is full: retry shortly.
    #[error("{detail}")]
    Busy {
        /// Why.
        detail: String,
    },
    /// The call does not fit how the tunnel was started (e.g. `sendPackets` on a
    /// TUN-fd tunnel): a programming error.
    #[error("{detail}")]
    WrongMode {
        /// Why.
        detail: String,
    },
    /// Culvert failed (a bug, never bad input).
    #[error("{detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

impl Internal for TunnelError {
    fn internal(detail: String) -> Self {
        TunnelError::Internal { detail }
    }
}

impl From<rt::RuntimeError> for TunnelError {
    fn from(err: rt::RuntimeError) -> Self {
        let detail = err.to_string();
        match err {
            rt::RuntimeError::Stopped => TunnelError::Stopped,
            rt::RuntimeError::InvalidConfig(_) => TunnelError::InvalidConfig { detail },
            rt::RuntimeError::Io(_) | rt::RuntimeError::Protect(_) => {
                TunnelError::Network { detail }
            }
            rt::RuntimeError::QueueFull { .. } => TunnelError::Busy { detail },
            rt::RuntimeError::WrongIoMode(_) => TunnelError::WrongMode { detail },
            _ => TunnelError::Internal { detail },
        }
    }
}

/// The tunnel's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TunnelState {
    /// Started; no handshake completed yet.
    Connecting,
    /// At least one peer has a live session.
    Connected,
    /// Was connected; re-establishing after a network change, wake or failures.
    Reasserting,
    /// `sleep()` was called.
    Sleeping,
    /// `stop()` was called or the tunnel ended.
    Stopped,
}

impl From<rt::TunnelState> for TunnelState {
    fn from(state: rt::TunnelState) -> Self {
        match state {
            rt::TunnelState::Connecting => Self::Connecting,
            rt::TunnelState::Connected => Self::Connected,
            rt::TunnelState::Reasserting => Self::Reasserting,
            rt::TunnelState::Sleeping => Self::Sleeping,
            rt::TunnelState::Stopped => Self::Stopped,
        }
    }
}

/// Something the app may want to know about.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TunnelEvent {
    /// The lifecycle state changed.
    StateChanged {
        /// The new state.
        state: TunnelState,
    },
    /// A handshake with `peer` completed.
    HandshakeCompleted {
        /// The peer's public key.
        peer: String,
    },
    /// Handshakes with `peer` keep failing.
    HandshakeFailing {
        /// The peer's public key.
        peer: String,
        /// Attempts since the last success.
        attempts: u32,
    },
    /// `peer`'s session expired with no traffic.
    PeerIdle {
        /// The peer's public key.
        peer: String,
    },
    /// An endpoint host name resolved to a new address.
    EndpointResolved {
        /// The peer's public key.
        peer: String,
        /// The address now used (`ip:port`).
        endpoint: String,
    },
    /// Resolving `peer`'s endpoint host name failed; Culvert retries with backoff
    /// (1, 2, 4, … up to 60 s).
    EndpointResolveFailed {
        /// The peer's public key.
        peer: String,
        /// The resolver's reason.
        detail: String,
    },
    /// The tunnel's or a peer's health changed level, reason or peer
    /// (`Tunnel.health()` has the same value).
    HealthChanged {
        /// The new health.
        health: crate::health::TunnelHealth,
    },
    /// The recovery ladder took a step (re-handshake, re-resolve, rebind).
    RecoveryStep {
        /// The step.
        step: crate::health::RecoveryAction,
    },
    /// Something failed inside the tunnel. `kind` says whether the tunnel stopped
    /// (`FdClosed`, `Panicked`: a `StateChanged(Stopped)` follows) or carries on.
    Error {
        /// What kind of failure.
        kind: FaultKind,
        /// What (never a key).
        detail: String,
    },
}

/// The kind of a `TunnelEvent.Error`, by what the app does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FaultKind {
    /// A file descriptor the tunnel owns (the TUN fd) was closed by someone else:
    /// the tunnel stopped. Start a new one with a new fd.
    FdClosed,
    /// Reading the TUN device failed: no more packets from the OS. Restart the tunnel.
    TunReadFailed,
    /// No UDP socket could be bound after a network change; Culvert retries with
    /// backoff (up to 30 s) and recovers by itself.
    RebindFailed,
    /// A bug: the tunnel stopped. Start a new one (and report it).
    Panicked,
    /// A kind this version of the bindings does not know.
    Other,
}

impl From<rt::FaultKind> for FaultKind {
    fn from(kind: rt::FaultKind) -> Self {
        match kind {
            rt::FaultKind::FdClosed => FaultKind::FdClosed,
            rt::FaultKind::TunReadFailed => FaultKind::TunReadFailed,
            rt::FaultKind::RebindFailed => FaultKind::RebindFailed,
            rt::FaultKind::Panicked => FaultKind::Panicked,
            #[allow(unreachable_patterns)]
            _ => FaultKind::Other,
        }
    }
}

impl TunnelEvent {
    fn from_core(event: rt::TunnelEvent) -> Option<Self> {
        Some(match event {
            rt::TunnelEvent::StateChanged(state) => TunnelEvent::StateChanged {
                state: state.into(),
            },
            rt::TunnelEvent::HandshakeCompleted { peer } => TunnelEvent::HandshakeCompleted {
                peer: peer.to_base64(),
            },
            rt::TunnelEvent::HandshakeFailing { peer, attempts } => TunnelEvent::HandshakeFailing {
                peer: peer.to_base64(),
                attempts,
            },
            rt::TunnelEvent::PeerIdle { peer } => TunnelEvent::PeerIdle {
                peer: peer.to_base64(),
            },
            rt::TunnelEvent::EndpointResolved { peer, endpoint } => TunnelEvent::EndpointResolved {
                peer: peer.to_base64(),
                endpoint: endpoint.to_string(),
            },
            rt::TunnelEvent::EndpointResolveFailed { peer, message } => {
                TunnelEvent::EndpointResolveFailed {
                    peer: peer.to_base64(),
                    detail: message,
                }
            }
            rt::TunnelEvent::Error { kind, message } => TunnelEvent::Error {
                kind: kind.into(),
                detail: message,
            },
            rt::TunnelEvent::HealthChanged(health) => TunnelEvent::HealthChanged {
                health: (&health).into(),
            },
            rt::TunnelEvent::RecoveryStep(step) => TunnelEvent::RecoveryStep {
                step: (&step).into(),
            },
            #[allow(unreachable_patterns)]
            _ => return None,
        })
    }
}

/// Dropped packets by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, uniffi::Record)]
pub struct DropCounts {
    /// Inbound datagrams that did not parse or failed authentication.
    pub malformed: u64,
    /// Decrypted packets whose inner source is not in the peer's AllowedIPs.
    pub inner_source: u64,
    /// Outbound packets with no route.
    pub no_route: u64,
    /// Packets dropped because a fixed-size queue was full.
    pub queue_full: u64,
    /// Replays: datagrams whose counter was already received (duplicates).
    pub replay: u64,
    /// Datagrams older than the 1,024-packet replay window (heavy reordering on
    /// the path, or a late replay).
    pub too_old: u64,
    /// Packets for a peer with no endpoint or session.
    pub no_session: u64,
    /// Handshakes answered with a cookie or dropped under load.
    pub rate_limited: u64,
}

/// Statistics for one peer.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PeerStats {
    /// The peer's public key.
    pub public_key: String,
    /// Where packets go (`ip:port`), when known.
    pub endpoint: Option<String>,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Wall-clock time of the last handshake, milliseconds since the Unix epoch
    /// (not `java.time.Instant`: minSdk 24 has no `java.time`).
    pub last_handshake_epoch_millis: Option<u64>,
    /// Handshakes completed.
    pub handshakes: u64,
    /// Round-trip estimate from the last handshake.
    pub rtt_millis: Option<u32>,
    /// Packet-loss estimate, 0.0–1.0.
    pub loss: f32,
    /// Dropped packets by reason.
    pub dropped: DropCounts,
}

/// Failed writes (UDP sends or TUN writes), by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, uniffi::Record)]
pub struct IoFailures {
    /// The socket or device buffer was full.
    pub buffer_full: u64,
    /// The destination or network was unreachable.
    pub unreachable: u64,
    /// A firewall or policy refused it.
    pub permission: u64,
    /// Too large for the path or device.
    pub too_large: u64,
    /// No socket of that address family, or the device is gone.
    pub no_socket: u64,
    /// Anything else.
    pub other: u64,
}

impl From<rt::IoFailures> for IoFailures {
    fn from(f: rt::IoFailures) -> Self {
        IoFailures {
            buffer_full: f.buffer_full,
            unreachable: f.unreachable,
            permission: f.permission,
            too_large: f.too_large,
            no_socket: f.no_socket,
            other: f.other,
        }
    }
}

/// Statistics for the whole tunnel.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TunnelStats {
    /// The UDP port the tunnel listens on.
    pub listen_port: u16,
    /// One entry per configured peer.
    pub peers: Vec<PeerStats>,
    /// UDP datagrams the network refused, by reason (not in any `txPackets`).
    pub send_failures: IoFailures,
    /// Decrypted packets the TUN device refused, by reason.
    pub tun_write_failures: IoFailures,
    /// Received datagrams larger than a receive slot that were lost anyway.
    pub oversized_dropped: u64,
}

impl From<rt::TunnelStats> for TunnelStats {
    fn from(s: rt::TunnelStats) -> Self {
        TunnelStats {
            listen_port: s.listen_port,
            peers: s
                .peers
                .into_iter()
                .map(|p| PeerStats {
                    public_key: p.public_key.to_base64(),
                    endpoint: p.endpoint.map(|e| e.to_string()),
                    rx_bytes: p.rx_bytes,
                    tx_bytes: p.tx_bytes,
                    rx_packets: p.rx_packets,
                    tx_packets: p.tx_packets,
                    last_handshake_epoch_millis: p.last_handshake.and_then(|t| {
                        t.duration_since(UNIX_EPOCH)
                            .ok()
                            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                    }),
                    handshakes: p.handshakes,
                    rtt_millis: p.rtt_ms,
                    loss: p.loss,
                    dropped: DropCounts {
                        malformed: p.dropped.malformed,
                        inner_source: p.dropped.inner_source,
                        no_route: p.dropped.no_route,
                        queue_full: p.dropped.queue_full,
                        replay: p.dropped.replay,
                        too_old: p.dropped.too_old,
                        no_session: p.dropped.no_session,
                        rate_limited: p.dropped.rate_limited,
                    },
                })
                .collect(),
            send_failures: s.send_failures.into(),
            tun_write_failures: s.tun_write_failures.into(),
            oversized_dropped: s.oversized_dropped,
        }
    }
}

/// How packets are framed on a TUN file descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TunFraming {
    /// Bare IP packets (Android, Linux).
    RawIp,
    /// Apple utun: a 4-byte address-family prefix per packet.
    AppleUtun,
}

/// Options that are not in the config file.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TunnelOptions {
    /// The network's NAT64 prefix (`64:ff9b::/96`); `None` = discover it when the
    /// network has no IPv4.
    #[uniffi(default = None)]
    pub nat64_prefix: Option<String>,
    /// Linux only: `SO_MARK` for the UDP sockets.
    #[uniffi(default = None)]
    pub fwmark: Option<u32>,
    /// The platform knows the network is IPv6-only: IPv4 endpoints are synthesised
    /// into the NAT64 prefix.
    #[uniffi(default = false)]
    pub assume_ipv6_only: bool,
}

/// Receives decrypted IP packets for the OS, in batches (callback mode, iOS
/// `packetFlow` style). Called on Culvert's event-loop thread: hand the batch on
/// and return; do not call `Tunnel` methods other than `sendPackets` from here.
#[uniffi::export(with_foreign)]
pub trait PacketSink: Send + Sync {
    /// One batch of IP packets.
    fn deliver(&self, packets: Vec<Vec<u8>>) -> Result<(), CallbackError>;
}

/// Receives decrypted IP packets for the OS as one buffer per batch: packet `i`
/// is the `lengths[i]` bytes after packet `i - 1` in `data` (two allocations per
/// batch across the FFI instead of one per packet). Called on Culvert's
/// event-loop thread, as [`PacketSink`].
#[uniffi::export(with_foreign)]
pub trait PacketBatchSink: Send + Sync {
    /// One batch: the packets back to back, and their lengths in order.
    fn deliver_batch(&self, data: Vec<u8>, lengths: Vec<u32>) -> Result<(), CallbackError>;
}

/// Keeps a socket out of the VPN (Android: `VpnService.protect(fd)`). Called for
/// every UDP socket before first use, also after `networkChanged()`.
#[uniffi::export(with_foreign)]
pub trait SocketProtector: Send + Sync {
    /// Protects `fd`; `false` (or a throw) fails that socket.
    fn protect(&self, fd: i32) -> Result<bool, CallbackError>;
}

/// Resolves endpoint host names on the underlying network (Android:
/// `Network.getAllByName`). Called on a resolver thread; may block.
#[uniffi::export(with_foreign)]
pub trait Resolver: Send + Sync {
    /// The addresses of `host` as text (`198.51.100.7`, `2001:db8::1`); an empty
    /// list or a throw means "not now", Culvert retries later.
    fn resolve(&self, host: String) -> Result<Vec<String>, CallbackError>;
}

/// Receives tunnel events, in order, on a per-tunnel delivery thread (it may call
/// back into the tunnel).
#[uniffi::export(with_foreign)]
pub trait TunnelObserver: Send + Sync {
    /// One event.
    fn on_event(&self, event: TunnelEvent) -> Result<(), CallbackError>;
}

// ---- adapters: foreign traits → core traits ----

struct SinkAdapter(Arc<dyn PacketSink>);

impl rt::PacketSink for SinkAdapter {
    fn deliver(&self, packets: Vec<Vec<u8>>) {
        call_foreign("packet sink", || self.0.deliver(packets));
    }
}

struct BatchSinkAdapter(Arc<dyn PacketBatchSink>);

impl rt::PacketSink for BatchSinkAdapter {
    fn deliver(&self, packets: Vec<Vec<u8>>) {
        let lengths = packets.iter().map(|p| p.len() as u32).collect();
        let data = packets.concat();
        call_foreign("packet sink", || self.0.deliver_batch(data, lengths));
    }

    fn deliver_packed(&self, batch: rt::PackedPackets<'_>) {
        let (data, lengths) = (batch.data.to_vec(), batch.lengths.to_vec());
        call_foreign("packet sink", || self.0.deliver_batch(data, lengths));
    }
}

struct ProtectorAdapter(Arc<dyn SocketProtector>);

impl rt::SocketProtector for ProtectorAdapter {
    fn protect(&self, fd: i32) -> Result<(), String> {
        match call_foreign("socket protector", || self.0.protect(fd)) {
            Some(true) => Ok(()),
            Some(false) => Err(format!("protect({fd}) returned false")),
            None => Err(format!("protect({fd}) failed")),
        }
    }
}

struct ResolverAdapter(Arc<dyn Resolver>);

impl rt::Resolver for ResolverAdapter {
    fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, String> {
        let texts = call_foreign("resolver", || self.0.resolve(host.to_string()))
            .ok_or_else(|| "the resolver failed".to_string())?;
        let addrs: Vec<IpAddr> = texts.iter().filter_map(|t| t.trim().parse().ok()).collect();
        if addrs.is_empty() {
            return Err("the resolver returned no usable address".to_string());
        }
        Ok(addrs)
    }
}

/// Events are handed to a delivery thread through a bounded queue so that a slow
/// or re-entrant observer never blocks the event loop.
const EVENT_QUEUE: usize = 256;

struct ObserverAdapter(SyncSender<TunnelEvent>);

impl ObserverAdapter {
    fn spawn(observer: Arc<dyn TunnelObserver>) -> Result<Self, TunnelError> {
        let (tx, rx) = sync_channel::<TunnelEvent>(EVENT_QUEUE);
        std::thread::Builder::new()
            .name("culvert-events".into())
            .spawn(move || {
                // Ends when the tunnel (the only sender) is gone.
                for event in rx {
                    call_foreign("tunnel observer", || observer.on_event(event));
                }
            })
            .map_err(|e| TunnelError::Internal {
                detail: format!("cannot start the event thread: {e}"),
            })?;
        Ok(ObserverAdapter(tx))
    }
}

impl rt::EventSink for ObserverAdapter {
    fn on_event(&self, event: rt::TunnelEvent) {
        let Some(event) = TunnelEvent::from_core(event) else {
            return;
        };
        match self.0.try_send(event) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                log::warn!(target: "culvert::ffi", "tunnel observer is not keeping up: event dropped");
            }
        }
    }
}

/// The one body of `startWithCallbacks` and `startWithPacketBatches`: they
/// differ only in how decrypted packets reach the app (`sink`).
fn start_callback_tunnel(
    config: &TunnelConfig,
    sink: Arc<dyn rt::PacketSink>,
    observer: Option<Arc<dyn TunnelObserver>>,
    protector: Option<Arc<dyn SocketProtector>>,
    resolver: Option<Arc<dyn Resolver>>,
    options: Option<TunnelOptions>,
) -> Result<Arc<Tunnel>, TunnelError> {
    crate::logging::ensure_installed();
    guard(|| {
        let options = options.unwrap_or(TunnelOptions {
            nat64_prefix: None,
            fwmark: None,
            assume_ipv6_only: false,
        });
        let hooks = hooks(observer, protector, resolver, &options)?;
        let inner = rt::Tunnel::start(
            config.inner.clone(),
            rt::PacketIo::Callbacks { sink },
            hooks,
        )?;
        Ok(Arc::new(Tunnel { inner }))
    })
}

fn hooks(
    observer: Option<Arc<dyn TunnelObserver>>,
    protector: Option<Arc<dyn SocketProtector>>,
    resolver: Option<Arc<dyn Resolver>>,
    options: &TunnelOptions,
) -> Result<rt::Hooks, TunnelError> {
    let nat64_prefix = match options.nat64_prefix.as_deref() {
        None => None,
        Some(text) => Some(
            text.trim()
                .parse()
                .map_err(|_| TunnelError::InvalidConfig {
                    detail: format!(
                        "NAT64 prefix {text:?} is not an IPv6 prefix like 64:ff9b::/96"
                    ),
                })?,
        ),
    };
    let events: Option<Arc<dyn rt::EventSink>> = match observer {
        Some(o) => Some(Arc::new(ObserverAdapter::spawn(o)?)),
        None => None,
    };
    Ok(rt::Hooks {
        protector: protector.map(|p| Arc::new(ProtectorAdapter(p)) as Arc<dyn rt::SocketProtector>),
        resolver: resolver.map(|r| Arc::new(ResolverAdapter(r)) as Arc<dyn rt::Resolver>),
        events,
        nat64_prefix,
        fwmark: options.fwmark,
        assume_ipv6_only: options.assume_ipv6_only,
    })
}

/// Takes ownership of `fd` after checking it is an open descriptor.
fn own_fd(fd: i32) -> Result<OwnedFd, TunnelError> {
    if fd < 0 {
        return Err(TunnelError::BadFileDescriptor {
            detail: format!("{fd} is not a file descriptor"),
        });
    }
    // SAFETY: fcntl(F_GETFD) only queries the descriptor table; any int is allowed.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
        return Err(TunnelError::BadFileDescriptor {
            detail: format!(
                "file descriptor {fd} is not open: {}",
                std::io::Error::last_os_error()
            ),
        });
    }
    // SAFETY: `fd` is open (checked above) and the caller hands its ownership to
    // Culvert (documented on `Tunnel::start_with_fd`): nothing else closes it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A running WireGuard tunnel. Every method is thread-safe; after `stop()` every
/// method but `state()` fails with `TunnelException.Stopped`.
#[derive(uniffi::Object)]
pub struct Tunnel {
    inner: rt::Tunnel,
}

impl std::fmt::Debug for Tunnel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tunnel").finish_non_exhaustive()
    }
}

#[uniffi::export]
impl Tunnel {
    /// Starts a tunnel on a TUN file descriptor (Android: `ParcelFileDescriptor.detachFd()`).
    /// Culvert owns `fd` from this call on and closes it on `stop()` — also when
    /// starting fails. `framing` is `RawIp` on Android and Linux.
    #[uniffi::constructor(default(observer = None, protector = None, resolver = None, options = None))]
    pub fn start_with_fd(
        config: Arc<TunnelConfig>,
        fd: i32,
        framing: TunFraming,
        observer: Option<Arc<dyn TunnelObserver>>,
        protector: Option<Arc<dyn SocketProtector>>,
        resolver: Option<Arc<dyn Resolver>>,
        options: Option<TunnelOptions>,
    ) -> Result<Arc<Self>, TunnelError> {
        crate::logging::ensure_installed();
        guard(|| {
            let fd = own_fd(fd)?;
            let options = options.unwrap_or(TunnelOptions {
                nat64_prefix: None,
                fwmark: None,
                assume_ipv6_only: false,
            });
            let hooks = hooks(observer, protector, resolver, &options)?;
            let framing = match framing {
                TunFraming::RawIp => rt::TunFraming::RawIp,
                TunFraming::AppleUtun => rt::TunFraming::AppleUtun,
            };
            let inner = rt::Tunnel::start(
                config.inner.clone(),
                rt::PacketIo::Fd { fd, framing },
                hooks,
            )?;
            Ok(Arc::new(Tunnel { inner }))
        })
    }

    /// Starts a tunnel whose packets move through callbacks: decrypted packets
    /// arrive in batches at `sink`; the app pushes outbound packets with `sendPackets`.
    #[uniffi::constructor(default(observer = None, protector = None, resolver = None, options = None))]
    pub fn start_with_callbacks(
        config: Arc<TunnelConfig>,
        sink: Arc<dyn PacketSink>,
        observer: Option<Arc<dyn TunnelObserver>>,
        protector: Option<Arc<dyn SocketProtector>>,
        resolver: Option<Arc<dyn Resolver>>,
        options: Option<TunnelOptions>,
    ) -> Result<Arc<Self>, TunnelError> {
        start_callback_tunnel(
            &config,
            Arc::new(SinkAdapter(sink)),
            observer,
            protector,
            resolver,
            options,
        )
    }

    /// As `startWithCallbacks`, with decrypted packets delivered as one buffer
    /// plus lengths per batch (`PacketBatchSink`): what the Swift and Kotlin
    /// packages use.
    #[uniffi::constructor(default(observer = None, protector = None, resolver = None, options = None))]
    pub fn start_with_packet_batches(
        config: Arc<TunnelConfig>,
        sink: Arc<dyn PacketBatchSink>,
        observer: Option<Arc<dyn TunnelObserver>>,
        protector: Option<Arc<dyn SocketProtector>>,
        resolver: Option<Arc<dyn Resolver>>,
        options: Option<TunnelOptions>,
    ) -> Result<Arc<Self>, TunnelError> {
        start_callback_tunnel(
            &config,
            Arc::new(BatchSinkAdapter(sink)),
            observer,
            protector,
            resolver,
            options,
        )
    }

    /// Applies a new config without tearing the tunnel down (sessions of peers
    /// whose key is unchanged are kept).
    pub fn update(&self, config: Arc<TunnelConfig>) -> Result<(), TunnelError> {
        guard(|| Ok(self.inner.update(config.inner.clone())?))
    }

    /// Outbound IP packets from the OS, in one batch (callback mode only). If
    /// Culvert's queue (1,024 packets or 2 MiB) fills up, the packets that fit are queued,
    /// the rest dropped and counted (`queue_full`), and the call fails with `Busy`
    /// whose detail says how many of the batch were accepted.
    pub fn send_packets(&self, packets: Vec<Vec<u8>>) -> Result<(), TunnelError> {
        guard(|| Ok(self.inner.send_packets(packets)?))
    }

    /// The device is going to sleep: stop timers and traffic.
    pub fn sleep(&self) -> Result<(), TunnelError> {
        guard(|| Ok(self.inner.sleep()?))
    }

    /// The device woke up: fresh handshakes, endpoints re-resolved.
    pub fn wake(&self) -> Result<(), TunnelError> {
        guard(|| Ok(self.inner.wake()?))
    }

    /// The underlying network changed: sockets rebound (and protected again),
    /// endpoints re-resolved, handshakes redone.
    pub fn network_changed(&self) -> Result<(), TunnelError> {
        guard(|| Ok(self.inner.network_changed()?))
    }

    /// Current statistics, per peer.
    pub fn stats(&self) -> Result<TunnelStats, TunnelError> {
        guard(|| Ok(self.inner.stats()?.into()))
    }

    /// The tunnel's and each peer's health (level, stable reason code, sentence).
    pub fn health(&self) -> crate::health::TunnelHealth {
        guard(|| Ok::<_, TunnelError>((&self.inner.health()).into())).unwrap_or(
            crate::health::TunnelHealth {
                level: crate::health::HealthLevel::Healthy,
                reason: None,
                peers: vec![],
            },
        )
    }

    /// Live findings from the tunnel's health, as `culvert doctor --interface`
    /// reports them (codes like `NOTHING_RECEIVED`, with counters and hints).
    pub fn live_findings(&self) -> Vec<crate::health::Finding> {
        guard(|| Ok::<_, TunnelError>(crate::health::live_findings(&self.inner.health())))
            .unwrap_or_default()
    }

    /// Current lifecycle state.
    pub fn state(&self) -> TunnelState {
        guard(|| Ok::<_, TunnelError>(self.inner.state().into())).unwrap_or(TunnelState::Stopped)
    }

    /// Stops the tunnel, closes its sockets and TUN fd. Later calls fail with `Stopped`.
    pub fn stop(&self) -> Result<(), TunnelError> {
        guard(|| Ok(self.inner.stop()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_errors_map_to_what_the_app_does() {
        assert_eq!(
            TunnelError::from(rt::RuntimeError::Stopped),
            TunnelError::Stopped
        );
        assert!(matches!(
            TunnelError::from(rt::RuntimeError::Protect("x".into())),
            TunnelError::Network { .. }
        ));
        match TunnelError::from(rt::RuntimeError::QueueFull { accepted: 3 }) {
            TunnelError::Busy { detail } => {
                assert!(
                    detail.contains("3 packet(s) of the batch accepted"),
                    "{detail}"
                )
            }
            other => panic!("QueueFull mapped to {other:?}"),
        }
        assert!(matches!(
            TunnelError::from(rt::RuntimeError::WrongIoMode("x".into())),
            TunnelError::WrongMode { .. }
        ));
    }

    #[test]
    fn batch_sink_gets_one_buffer_and_the_lengths() {
        use std::sync::Mutex;
        #[derive(Default)]
        struct S(Mutex<Vec<(Vec<u8>, Vec<u32>)>>);
        impl PacketBatchSink for S {
            fn deliver_batch(&self, data: Vec<u8>, lengths: Vec<u32>) -> Result<(), CallbackError> {
                self.0.lock().unwrap().push((data, lengths));
                Ok(())
            }
        }
        use rt::PacketSink as _;
        let s = Arc::new(S::default());
        let adapter = BatchSinkAdapter(s.clone());
        adapter.deliver_packed(rt::PackedPackets {
            data: b"abcdef",
            lengths: &[2, 4],
        });
        adapter.deliver(vec![b"xy".to_vec(), b"z".to_vec()]);
        let got = s.0.lock().unwrap();
        assert_eq!(got[0], (b"abcdef".to_vec(), vec![2, 4]));
        assert_eq!(got[1], (b"xyz".to_vec(), vec![2, 1]));
        let split: Vec<&[u8]> = rt::PackedPackets {
            data: b"abcdef",
            lengths: &[2, 4],
        }
        .iter()
        .collect();
        assert_eq!(split, vec![&b"ab"[..], &b"cdef"[..]]);
    }

    #[test]
    fn fault_kinds_cross_the_ffi() {
        let e = TunnelEvent::from_core(rt::TunnelEvent::Error {
            kind: rt::FaultKind::FdClosed,
            message: "gone".into(),
        });
        assert_eq!(
            e,
            Some(TunnelEvent::Error {
                kind: FaultKind::FdClosed,
                detail: "gone".into()
            })
        );
    }

    #[test]
    fn bad_fds_are_refused_before_ownership_is_taken() {
        assert!(matches!(
            own_fd(-1),
            Err(TunnelError::BadFileDescriptor { .. })
        ));
        assert!(matches!(
            own_fd(1_000_000),
            Err(TunnelError::BadFileDescriptor { .. })
        ));
    }

    #[test]
    fn a_refusing_or_throwing_protector_fails_the_socket() {
        struct P(Option<bool>);
        impl SocketProtector for P {
            fn protect(&self, _fd: i32) -> Result<bool, CallbackError> {
                self.0.ok_or(CallbackError::Failed {
                    detail: "thrown".into(),
                })
            }
        }
        use rt::SocketProtector as _;
        assert!(ProtectorAdapter(Arc::new(P(Some(true)))).protect(3).is_ok());
        assert!(ProtectorAdapter(Arc::new(P(Some(false))))
            .protect(3)
            .is_err());
        assert!(ProtectorAdapter(Arc::new(P(None))).protect(3).is_err());
    }

    #[test]
    fn resolver_answers_are_parsed_and_junk_ignored() {
        struct R(Vec<String>);
        impl Resolver for R {
            fn resolve(&self, _host: String) -> Result<Vec<String>, CallbackError> {
                Ok(self.0.clone())
            }
        }
        use rt::Resolver as _;
        let r = ResolverAdapter(Arc::new(R(vec![
            "198.51.100.7".into(),
            "junk".into(),
            " fd00::1 ".into(),
        ])));
        assert_eq!(
            r.resolve("vpn.example").unwrap(),
            vec![
                "198.51.100.7".parse::<IpAddr>().unwrap(),
                "fd00::1".parse().unwrap()
            ]
        );
        assert!(ResolverAdapter(Arc::new(R(vec!["junk".into()])))
            .resolve("x")
            .is_err());
    }
}
