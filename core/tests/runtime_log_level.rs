//! Issue 12, item 14: raising the log level after start shows boringtun's lines
//! too. Its own test binary: it installs the process's `log` logger.

mod runtime_support;

use culvert_core::config::PrivateKey;
use culvert_core::runtime::{Hooks, PacketIo, Tunnel};
use runtime_support::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Counts records from boringtun (through Culvert's tracing bridge).
struct CountBoringtun(AtomicUsize);

impl log::Log for CountBoringtun {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }
    fn log(&self, record: &log::Record) {
        if record.target() == "boringtun" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn flush(&self) {}
}

static LOGGER: CountBoringtun = CountBoringtun(AtomicUsize::new(0));

#[test]
fn debug_after_start_shows_boringtuns_lines() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Info);
    let (ka, kb) = (PrivateKey::generate(), PrivateKey::generate());
    let (ca, cb) = configs(&ka, &kb);
    let sink_a = Arc::new(Collect::default());
    let a = Tunnel::start(
        ca,
        PacketIo::Callbacks {
            sink: sink_a.clone(),
        },
        Hooks::default(),
    )
    .unwrap();
    let port = a.stats().unwrap().listen_port;
    let b = Tunnel::start(
        cb(port),
        PacketIo::Callbacks {
            sink: Arc::new(Collect::default()),
        },
        Hooks::default(),
    )
    .unwrap();
    // A handshake at Info: boringtun's debug callsites run once while disabled
    // (that is when `tracing` used to cache "never" for them).
    let first = ipv4([10, 0, 0, 2], [10, 0, 0, 1], b"at info");
    b.send_packets(vec![first.clone()]).unwrap();
    assert!(wait_until(Duration::from_secs(10), || sink_a.contains(&first)));
    let at_info = LOGGER.0.load(Ordering::SeqCst);

    log::set_max_level(log::LevelFilter::Debug);
    // A new handshake runs the same callsites again.
    b.network_changed().unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || LOGGER.0.load(Ordering::SeqCst)
            > at_info),
        "boringtun's handshake lines appear after raising the level"
    );
}
