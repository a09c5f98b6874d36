//! TUN file-descriptor packet I/O, with a datagram socketpair standing in for the
//! TUN device (it keeps packet boundaries as a TUN fd does).

mod runtime_support;

use culvert_core::config::PrivateKey;
use culvert_core::runtime::{Hooks, PacketIo, RuntimeError, TunFraming, Tunnel, TunnelState};
use runtime_support::*;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixDatagram;
use std::sync::Arc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

fn recv_until(sock: &UnixDatagram, want: &[u8]) -> bool {
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = vec![0u8; 70_000];
    let deadline = std::time::Instant::now() + LIMIT;
    while std::time::Instant::now() < deadline {
        if let Ok(n) = sock.recv(&mut buf) {
            if &buf[..n] == want {
                return true;
            }
        }
    }
    false
}

fn run(framing: TunFraming) {
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb);
    let (os_a, tun_a) = UnixDatagram::pair().unwrap();
    let a = Tunnel::start(
        ca,
        PacketIo::Fd {
            fd: OwnedFd::from(tun_a),
            framing,
        },
        Hooks::default(),
    )
    .unwrap();
    let port = a.stats().unwrap().listen_port;
    let sink = Arc::new(Collect::default());
    let b = Tunnel::start(
        cb(port),
        PacketIo::Callbacks { sink: sink.clone() },
        Hooks::default(),
    )
    .unwrap();
    let frame = |p: &[u8]| -> Vec<u8> {
        match framing {
            TunFraming::RawIp => p.to_vec(),
            TunFraming::AppleUtun => {
                let mut v = 2u32.to_be_bytes().to_vec();
                v.extend_from_slice(p);
                v
            }
        }
    };
    // B → A: arrives on A's "TUN" fd.
    let to_a = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"into the tun");
    b.send_packets(vec![to_a.clone()]).unwrap();
    assert!(
        recv_until(&os_a, &frame(&to_a)),
        "A wrote the packet to its TUN fd"
    );
    // A's OS writes a packet to the TUN: B's sink gets it.
    let from_a = ipv4([10, 0, 0, 1], [10, 0, 0, 2], b"out of the tun");
    os_a.send(&frame(&from_a)).unwrap();
    assert!(wait_until(LIMIT, || sink.contains(&from_a)));
    assert_eq!(
        a.send_packets(vec![from_a]),
        Err(RuntimeError::WrongIoMode(
            "send_packets is for PacketIo::Callbacks; this tunnel reads a TUN fd".into()
        ))
    );
    // Stop closes the fd the tunnel owns: the other end sees it gone.
    let raw = os_a.as_raw_fd();
    a.stop().unwrap();
    assert_eq!(a.state(), TunnelState::Stopped);
    os_a.set_nonblocking(true).unwrap();
    assert!(os_a.send(b"x").is_err(), "peer end of fd {raw} is closed");
}

#[test]
fn raw_ip_tun_fd() {
    run(TunFraming::RawIp);
}

#[test]
fn apple_utun_framing() {
    run(TunFraming::AppleUtun);
}

#[test]
fn a_closed_tun_device_is_reported_not_fatal() {
    struct Events(std::sync::Mutex<Vec<culvert_core::runtime::TunnelEvent>>);
    impl culvert_core::runtime::EventSink for Events {
        fn on_event(&self, e: culvert_core::runtime::TunnelEvent) {
            self.0.lock().unwrap().push(e);
        }
    }
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, _) = configs(&ka, &kb);
    // A stream pair: closing one end reads as end-of-file on the other, as a
    // TUN device that went away.
    let (os_a, tun_a) = std::os::unix::net::UnixStream::pair().unwrap();
    let events = Arc::new(Events(Default::default()));
    let hooks = Hooks {
        events: Some(events.clone()),
        ..Hooks::default()
    };
    let a = Tunnel::start(
        ca,
        PacketIo::Fd {
            fd: OwnedFd::from(tun_a),
            framing: TunFraming::RawIp,
        },
        hooks,
    )
    .unwrap();
    drop(os_a);
    assert!(wait_until(LIMIT, || {
        events
        .0
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, culvert_core::runtime::TunnelEvent::Error { message, .. } if message.contains("TUN")))
    }));
    // The loop is still alive and answers.
    assert!(a.stats().is_ok());
    a.stop().unwrap();
}
