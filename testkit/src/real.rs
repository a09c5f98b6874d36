//! Real-time mode: the test peer on its own thread, on a loopback UDP socket,
//! driven by the real clock. Use it against a runtime `Tunnel` (callback mode)
//! or anything else that speaks WireGuard over UDP.
//!
//! The thread owns the socket and the [`PeerCore`]; every control is a command
//! it runs between two receives and answers before the call returns, so a
//! control is in effect when its method returns. The thread wakes at least
//! every [`TICK`] to take commands (it is a test tool, not a battery-bound
//! engine).

use crate::peer::{Controls, PeerCore, PeerCounters, PeerSetup};
use culvert_core::clock::Instant;
use culvert_core::config::{Config, PublicKey};
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// Longest the peer's thread waits before taking commands.
pub const TICK: Duration = Duration::from_millis(5);
/// How long a control waits for the peer's thread to answer.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a [`TestPeer`] call failed.
#[derive(Debug)]
pub enum TestPeerError {
    /// Binding or using the UDP socket failed.
    Io(io::Error),
    /// The peer's thread is gone (it panicked) or did not answer in time.
    Gone,
}

impl std::fmt::Display for TestPeerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TestPeerError::Io(e) => write!(f, "test peer socket: {e}"),
            TestPeerError::Gone => f.write_str("the test peer's thread is gone"),
        }
    }
}

impl std::error::Error for TestPeerError {}

impl From<io::Error> for TestPeerError {
    fn from(e: io::Error) -> Self {
        TestPeerError::Io(e)
    }
}

type Command = Box<dyn FnOnce(&mut Host) + Send>;

/// What the peer's thread owns.
struct Host {
    core: PeerCore,
    socket: Option<UdpSocket>,
    addr: SocketAddr,
}

/// An in-process WireGuard test peer on loopback UDP, in real time (see the module docs).
///
/// Dropping it stops its thread and closes its socket.
pub struct TestPeer {
    commands: Option<Sender<Command>>,
    thread: Option<JoinHandle<()>>,
    public_key: PublicKey,
}

impl std::fmt::Debug for TestPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPeer")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl TestPeer {
    /// Starts a peer with [`PeerSetup::default`] on `127.0.0.1` (a free port).
    pub fn start() -> Result<TestPeer, TestPeerError> {
        TestPeer::start_with(PeerSetup::default(), IpAddr::V4(Ipv4Addr::LOCALHOST))
    }

    /// Starts a peer with `setup`, listening on `bind` (a loopback address: the
    /// peer is for tests) at a free port.
    pub fn start_with(setup: PeerSetup, bind: IpAddr) -> Result<TestPeer, TestPeerError> {
        let socket = UdpSocket::bind(SocketAddr::new(bind, 0))?;
        let addr = socket.local_addr()?;
        let core = PeerCore::new(setup, Instant::now());
        let public_key = core.public_key();
        let (tx, rx) = mpsc::channel::<Command>();
        let mut host = Host {
            core,
            socket: Some(socket),
            addr,
        };
        let thread = std::thread::Builder::new()
            .name("culvert-test-peer".into())
            .spawn(move || run(&mut host, &rx))?;
        Ok(TestPeer {
            commands: Some(tx),
            thread: Some(thread),
            public_key,
        })
    }

    /// The peer's public key.
    pub fn public_key(&self) -> PublicKey {
        self.public_key
    }

    /// Where the peer listens (changes with [`TestPeer::roam`]).
    pub fn addr(&self) -> Result<SocketAddr, TestPeerError> {
        self.with(|h| h.addr)
    }

    /// A config for the tunnel under test that reaches this peer where it listens
    /// now (see [`PeerCore::client_config`]).
    pub fn client_config(&self) -> Result<Config, TestPeerError> {
        self.with(|h| h.core.client_config(h.addr))
    }

    /// [`TestPeer::client_config`] as wg-quick text (it holds the client's private key).
    pub fn client_config_text(&self) -> Result<String, TestPeerError> {
        self.with(|h| h.core.client_config_text(h.addr))
    }

    /// The peer's inner addresses (v4, v6).
    pub fn inner_addresses(&self) -> Result<[IpAddr; 2], TestPeerError> {
        self.with(|h| h.core.inner_addresses())
    }

    /// The tunnel under test's inner addresses (v4, v6).
    pub fn client_addresses(&self) -> Result<[IpAddr; 2], TestPeerError> {
        self.with(|h| h.core.client_addresses())
    }

    /// The counters so far.
    pub fn counters(&self) -> Result<PeerCounters, TestPeerError> {
        self.with(|h| h.core.counters())
    }

    /// The controls in effect.
    pub fn controls(&self) -> Result<Controls, TestPeerError> {
        self.with(|h| h.core.controls())
    }

    /// Where the peer sends to the tunnel under test (learned from its packets).
    pub fn client_endpoint(&self) -> Result<Option<SocketAddr>, TestPeerError> {
        self.with(|h| h.core.client_endpoint())
    }

    /// Drops everything (`true`) or nothing (`false`) each way.
    pub fn drop_all(&self, drop: bool) -> Result<(), TestPeerError> {
        self.drop_percent(if drop { 100 } else { 0 })
    }

    /// Drops `percent` of the datagrams each way ([`PeerCore::set_drop_percent`]).
    pub fn drop_percent(&self, percent: u8) -> Result<(), TestPeerError> {
        self.with(move |h| h.core.set_drop_percent(percent))
    }

    /// Delays every datagram the peer sends by `delay`.
    pub fn delay(&self, delay: Duration) -> Result<(), TestPeerError> {
        self.with(move |h| h.core.set_delay(delay))
    }

    /// Refuses handshakes as with a wrong key ([`PeerCore::set_refuse_handshakes`]).
    pub fn refuse_handshakes(&self, refuse: bool) -> Result<(), TestPeerError> {
        self.with(move |h| h.core.set_refuse_handshakes(refuse, Instant::now()))
    }

    /// WireGuard keeps working, the inner host stops answering ("connected but dead").
    pub fn inner_dead(&self, dead: bool) -> Result<(), TestPeerError> {
        self.with(move |h| h.core.set_inner_dead(dead))
    }

    /// Stops the peer and closes its socket (the port is free; datagrams to it
    /// are refused by the OS).
    pub fn stop(&self) -> Result<(), TestPeerError> {
        self.with(|h| {
            h.core.stop();
            h.socket = None;
        })
    }

    /// Restarts the peer with the same keys on the same address, with no sessions.
    pub fn restart(&self) -> Result<(), TestPeerError> {
        self.with(|h| -> io::Result<()> {
            h.socket = None;
            h.socket = Some(UdpSocket::bind(h.addr)?);
            h.core.restart(Instant::now());
            Ok(())
        })??;
        Ok(())
    }

    /// Moves the peer to a new port on the same address and announces it to the
    /// tunnel under test (a handshake initiation from the new port), which then
    /// sends there. Returns the new address.
    pub fn roam(&self) -> Result<SocketAddr, TestPeerError> {
        let addr = self.with(|h| -> io::Result<SocketAddr> {
            let socket = UdpSocket::bind(SocketAddr::new(h.addr.ip(), 0))?;
            h.addr = socket.local_addr()?;
            h.socket = Some(socket);
            h.core.announce(Instant::now());
            Ok(h.addr)
        })??;
        Ok(addr)
    }

    /// Runs `f` on the peer's thread and returns its result.
    fn with<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Host) -> R + Send + 'static,
    ) -> Result<R, TestPeerError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let cmd: Command = Box::new(move |h| {
            let _ = tx.send(f(h));
        });
        self.commands
            .as_ref()
            .ok_or(TestPeerError::Gone)?
            .send(cmd)
            .map_err(|_| TestPeerError::Gone)?;
        rx.recv_timeout(REPLY_TIMEOUT)
            .map_err(|_| TestPeerError::Gone)
    }
}

impl Drop for TestPeer {
    fn drop(&mut self) {
        self.commands = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The peer's thread: commands, timers, sends, one receive with a short timeout.
fn run(h: &mut Host, commands: &Receiver<Command>) {
    let mut buf = vec![0u8; 65_536];
    loop {
        loop {
            match commands.try_recv() {
                Ok(cmd) => cmd(h),
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => return,
            }
        }
        let now = Instant::now();
        h.core.handle_timeout(now);
        flush(h, now);
        let wait = h
            .core
            .poll_timeout()
            .map_or(TICK, |t| t.saturating_duration_since(now).min(TICK))
            .max(Duration::from_millis(1));
        let Some(socket) = h.socket.as_ref() else {
            // Stopped: wait for the next command.
            match commands.recv_timeout(wait) {
                Ok(cmd) => cmd(h),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            continue;
        };
        if socket.set_read_timeout(Some(wait)).is_err() {
            continue;
        }
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => {
                let now = Instant::now();
                h.core.handle_datagram(from, &buf[..n], now);
                flush(h, now);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) => log::debug!("test peer: receive failed: {e}"),
        }
    }
}

/// Sends every datagram due at `now`.
fn flush(h: &mut Host, now: Instant) {
    while let Some((to, payload)) = h.core.poll_transmit(now) {
        if let Some(socket) = h.socket.as_ref() {
            if let Err(e) = socket.send_to(&payload, to) {
                log::debug!("test peer: send to {to} failed: {e}");
            }
        }
    }
}
