//! The event loop under faults: a TUN fd closed behind its back, a panic, a
//! failed rebind, failed sends and TUN writes, oversized datagrams, a failed
//! update, resolver failures (issue 12, items 8–12 and 16).
//!
//! Every test takes [`SERIAL`]: one of them closes a descriptor number behind
//! the tunnel's back, which must not be reused by a parallel test meanwhile.

mod runtime_support;

use culvert_core::config::{Config, PrivateKey};
use culvert_core::runtime::{
    EventSink, FaultKind, Hooks, PacketIo, RuntimeError, SocketProtector, TunFraming, Tunnel,
    TunnelEvent, TunnelState,
};
use runtime_support::*;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixDatagram;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn start_callbacks(config: Config, hooks: Hooks) -> (Tunnel, Arc<Collect>, Arc<Events>) {
    let sink = Arc::new(Collect::default());
    let events = Arc::new(Events::default());
    let hooks = Hooks {
        events: Some(events.clone()),
        ..hooks
    };
    let t = Tunnel::start(config, PacketIo::Callbacks { sink: sink.clone() }, hooks).unwrap();
    (t, sink, events)
}

/// Sends `packet` from `from` every 100 ms until `to` delivered it (a handshake
/// may be needed first).
fn deliver(from: &Tunnel, to: &Collect, packet: &[u8]) -> bool {
    wait_until(LIMIT, || {
        if to.contains(packet) {
            return true;
        }
        let _ = from.send_packets(vec![packet.to_vec()]);
        std::thread::sleep(Duration::from_millis(100));
        to.contains(packet)
    })
}

/// Item 8: the app closes the fd it handed over. Before: `poll` returned
/// `POLLNVAL` at once forever (100 % CPU), with no event and no stop.
#[test]
fn a_tun_fd_closed_behind_the_tunnels_back_stops_it_with_a_typed_error() {
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, _) = configs(&ka, &kb);
    let (_os, tun) = UnixDatagram::pair().unwrap();
    let raw = tun.as_raw_fd();
    let events = Arc::new(Events::default());
    let a = Tunnel::start(
        ca,
        PacketIo::Fd {
            fd: OwnedFd::from(tun),
            framing: TunFraming::RawIp,
        },
        Hooks {
            events: Some(events.clone()),
            ..Hooks::default()
        },
    )
    .unwrap();
    assert!(a.stats().is_ok());
    // SAFETY: closes a descriptor this test created (the app's mistake under test).
    assert_eq!(unsafe { libc::close(raw) }, 0);
    // A loop blocked in poll(2) is not woken by a close from another thread: it
    // meets the closed fd on its next turn. Give it one (any call wakes it).
    let _ = a.stats();
    assert!(
        wait_until(LIMIT, || events.any(|e| matches!(
            e,
            TunnelEvent::Error {
                kind: FaultKind::FdClosed,
                ..
            }
        ))),
        "typed error event: {:?}",
        events.0.lock().map(|e| e.clone()).unwrap_or_default()
    );
    assert!(wait_until(LIMIT, || events
        .any(|e| *e == TunnelEvent::StateChanged(TunnelState::Stopped))));
    assert_eq!(a.state(), TunnelState::Stopped);
    assert_eq!(a.stats(), Err(RuntimeError::Stopped));
    // Error first, then Stopped, once each.
    let log = events.0.lock().unwrap().clone();
    let err = log
        .iter()
        .position(|e| matches!(e, TunnelEvent::Error { .. }))
        .unwrap();
    let stopped = log
        .iter()
        .position(|e| *e == TunnelEvent::StateChanged(TunnelState::Stopped))
        .unwrap();
    assert!(err < stopped, "{log:?}");
    assert_eq!(a.stop(), Err(RuntimeError::Stopped));
}

/// An event sink that panics on the first TUN read error (so the panic happens
/// inside the loop while the TUN device is gone) and records everything.
#[derive(Default)]
struct PanicOnTunError {
    events: Mutex<Vec<TunnelEvent>>,
    panicked: AtomicBool,
}

impl EventSink for PanicOnTunError {
    fn on_event(&self, event: TunnelEvent) {
        let tun_error = matches!(
            event,
            TunnelEvent::Error {
                kind: FaultKind::TunReadFailed,
                ..
            }
        );
        self.events.lock().unwrap().push(event);
        if tun_error && !self.panicked.swap(true, Ordering::SeqCst) {
            panic!("test: a bug in the loop while the TUN fd is closed");
        }
    }
}

/// Item 9: a caught panic in the loop, with the TUN device closed. Before: no
/// `Error` and no `StateChanged(Stopped)` reached the app.
#[test]
fn a_panic_in_the_loop_with_the_tun_closed_reports_error_and_stopped() {
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, _) = configs(&ka, &kb);
    let (os, tun) = std::os::unix::net::UnixStream::pair().unwrap();
    let sink = Arc::new(PanicOnTunError::default());
    let a = Tunnel::start(
        ca,
        PacketIo::Fd {
            fd: OwnedFd::from(tun),
            framing: TunFraming::RawIp,
        },
        Hooks {
            events: Some(sink.clone()),
            ..Hooks::default()
        },
    )
    .unwrap();
    drop(os); // the TUN device goes away: read error, then the sink panics
    let has = |f: &dyn Fn(&TunnelEvent) -> bool| sink.events.lock().unwrap().iter().any(f);
    assert!(
        wait_until(LIMIT, || has(&|e| matches!(
            e,
            TunnelEvent::Error {
                kind: FaultKind::Panicked,
                ..
            }
        ))),
        "{:?}",
        sink.events.lock().unwrap()
    );
    assert!(wait_until(LIMIT, || has(
        &|e| *e == TunnelEvent::StateChanged(TunnelState::Stopped)
    )));
    assert_eq!(a.state(), TunnelState::Stopped);
    assert_eq!(a.stats(), Err(RuntimeError::Stopped));
}

/// Refuses every socket while `fail` is set (a network with nothing to bind).
#[derive(Default)]
struct FlakyProtector {
    fail: AtomicBool,
}

impl SocketProtector for FlakyProtector {
    fn protect(&self, _fd: i32) -> Result<(), String> {
        if self.fail.load(Ordering::SeqCst) {
            Err("no network".into())
        } else {
            Ok(())
        }
    }
}

/// Item 10: a rebind after `network_changed()` fails. Before: the tunnel kept
/// no socket forever. Now: reported, retried with backoff, and it recovers.
#[test]
fn a_failed_rebind_is_reported_retried_and_recovers() {
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb);
    let protector = Arc::new(FlakyProtector::default());
    let (a, a_sink, a_events) = start_callbacks(
        ca,
        Hooks {
            protector: Some(protector.clone()),
            ..Hooks::default()
        },
    );
    let port = a.stats().unwrap().listen_port;
    let (b, b_sink, _) = start_callbacks(cb(port), Hooks::default());
    let first = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"before");
    assert!(deliver(&b, &a_sink, &first));

    protector.fail.store(true, Ordering::SeqCst);
    a.network_changed().unwrap();
    assert!(
        wait_until(LIMIT, || a_events.any(|e| matches!(
            e,
            TunnelEvent::Error {
                kind: FaultKind::RebindFailed,
                ..
            }
        ))),
        "the failed rebind is reported"
    );
    // Let one retry fail too (1 s backoff), then heal the network.
    assert!(wait_until(LIMIT, || a_events
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(
            e,
            TunnelEvent::Error {
                kind: FaultKind::RebindFailed,
                ..
            }
        ))
        .count()
        >= 2));
    protector.fail.store(false, Ordering::SeqCst);
    let back = ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"after the network healed");
    assert!(deliver(&a, &b_sink, &back), "A sends again");
    let again = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"and receives");
    assert!(deliver(&b, &a_sink, &again), "A receives again");
    assert_eq!(a.state(), TunnelState::Connected);
}

/// Item 11: a send the network refuses is counted by reason and is not a sent
/// packet. 255.255.255.255 without `SO_BROADCAST` fails with `EACCES`.
#[test]
fn failed_sends_are_counted_by_reason_and_not_as_sent() {
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let config = Config {
        interface: interface(&ka, None, "10.0.0.1/32"),
        peers: vec![peer(
            &kb,
            &["10.0.0.2/32"],
            Some((ip("255.255.255.255"), 9)),
        )],
    };
    let (a, _, _) = start_callbacks(config, Hooks::default());
    a.send_packets(vec![ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"x")])
        .unwrap();
    assert!(wait_until(LIMIT, || a
        .stats()
        .unwrap()
        .send_failures
        .total()
        >= 1));
    let stats = a.stats().unwrap();
    assert!(stats.send_failures.permission >= 1, "{stats:?}");
    assert_eq!(stats.peers[0].tx_packets, 0, "{stats:?}");
    assert_eq!(stats.peers[0].tx_bytes, 0, "{stats:?}");
}

/// Item 11: TUN writes the device refuses are counted (a datagram socket
/// standing in for the TUN device, whose reader never reads: its queue fills).
#[test]
fn failed_tun_writes_are_counted() {
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb);
    let (_os, tun) = UnixDatagram::pair().unwrap();
    let a = Tunnel::start(
        ca,
        PacketIo::Fd {
            fd: OwnedFd::from(tun),
            framing: TunFraming::RawIp,
        },
        Hooks::default(),
    )
    .unwrap();
    let port = a.stats().unwrap().listen_port;
    let (b, _, _) = start_callbacks(cb(port), Hooks::default());
    let packets: Vec<Vec<u8>> = (0..200u8)
        .map(|i| ipv4([10, 0, 0, 2], [10, 0, 0, 1], &[i; 1000]))
        .collect();
    assert!(wait_until(LIMIT, || {
        let _ = b.send_packets(packets.clone());
        std::thread::sleep(Duration::from_millis(50));
        a.stats().unwrap().tun_write_failures.buffer_full > 0
    }));
    assert_eq!(a.stats().unwrap().tun_write_failures.other, 0);
}

/// Item 11: a resolver failure is an event, not only a log line.
#[test]
fn resolver_failures_are_events() {
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let config = Config {
        interface: interface(&ka, None, "10.0.0.1/32"),
        peers: vec![peer(
            &kb,
            &["10.0.0.2/32"],
            Some((
                culvert_core::config::EndpointHost::Name("vpn.example".into()),
                51820,
            )),
        )],
    };
    let resolver = Arc::new(FakeResolver {
        answers: vec![],
        fail_first: 1,
        calls: Mutex::new(vec![]),
    });
    let (_a, _, events) = start_callbacks(
        config,
        Hooks {
            resolver: Some(resolver),
            ..Hooks::default()
        },
    );
    let key = kb.public_key();
    assert!(wait_until(LIMIT, || events.any(|e| matches!(
        e,
        TunnelEvent::EndpointResolveFailed { peer, message }
            if *peer == key && message.contains("temporary failure")
    ))));
}

/// Item 12: a datagram larger than the receive slot (a peer with a larger MTU)
/// arrives whole. Before: cut off by `MSG_TRUNC` and dropped silently.
#[test]
fn a_datagram_larger_than_the_receive_slot_arrives() {
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb); // A: MTU 1420, receive slot 2048 bytes
    let (a, a_sink, _) = start_callbacks(ca, Hooks::default());
    let port = a.stats().unwrap().listen_port;
    let mut cb = cb(port);
    cb.interface.mtu = Some(9000);
    let (b, _, _) = start_callbacks(cb, Hooks::default());
    let big = ipv4([10, 0, 0, 2], [10, 0, 0, 1], &[0x5a; 6000]);
    assert!(deliver(&b, &a_sink, &big), "a 6 kB packet got through");
    assert_eq!(a.stats().unwrap().oversized_dropped, 0);
}

/// Item 16 (runtime part): an update whose new listen port is taken fails and
/// applies nothing. Before: the peers were already replaced when the bind failed.
#[test]
fn an_update_that_fails_applies_nothing() {
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, _) = configs(&ka, &kb);
    let (a, _, _) = start_callbacks(ca.clone(), Hooks::default());
    // Take a port on both families.
    let v4 = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    let taken = v4.local_addr().unwrap().port();
    let _v6 = {
        let s = socket2::Socket::new(socket2::Domain::IPV6, socket2::Type::DGRAM, None).ok();
        s.and_then(|s| {
            s.set_only_v6(true).ok()?;
            let addr: std::net::SocketAddr = (std::net::Ipv6Addr::UNSPECIFIED, taken).into();
            s.bind(&addr.into()).ok()?;
            Some(s)
        })
    };
    let mut new = ca.clone();
    new.interface.listen_port = Some(taken);
    new.peers.clear();
    let port_before = a.stats().unwrap().listen_port;
    assert!(a.update(new).is_err(), "the port is taken");
    let stats = a.stats().unwrap();
    assert_eq!(stats.peers.len(), 1, "the peer is still there");
    assert_eq!(stats.listen_port, port_before);
}

/// Item 13: `send_packets` caps bytes as well as packets (40 packets of 60 kB
/// would be 2.4 MB; the queue holds 2 MiB).
#[test]
fn send_packets_caps_bytes_too() {
    use culvert_core::runtime::INBOUND_BYTES_CAP;
    let _serial = serial();
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, _) = configs(&ka, &kb);
    let (a, _, _) = start_callbacks(ca, Hooks::default());
    let big = vec![0u8; 60_000];
    let fits = INBOUND_BYTES_CAP / big.len();
    assert_eq!(
        a.send_packets(vec![big.clone(); 40]),
        Err(RuntimeError::QueueFull { accepted: fits })
    );
    assert!(wait_until(LIMIT, || a.stats().unwrap().dropped.queue_full
        == (40 - fits) as u64));
}
