//! The tunnel under test in real time: a Culvert runtime `Tunnel` in callback
//! mode (what the iOS adapter runs, minus NetworkExtension), with an in-memory
//! "OS" that records delivered packets and events, and helpers that wait on
//! them with a deadline (no sleeps).

use crate::host;
use culvert_core::config::Config;
use culvert_core::runtime::{
    EventSink, Hooks, PacketIo, PacketSink, RuntimeError, Tunnel, TunnelEvent, TunnelState,
};
use std::net::IpAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What the tunnel handed its "OS": packets and events, and a condition to wait on.
#[derive(Default)]
struct Inbox {
    seen: Mutex<Seen>,
    changed: Condvar,
}

#[derive(Default)]
struct Seen {
    packets: Vec<Vec<u8>>,
    events: Vec<TunnelEvent>,
}

impl Inbox {
    fn lock(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl PacketSink for Inbox {
    fn deliver(&self, packets: Vec<Vec<u8>>) {
        self.lock().packets.extend(packets);
        self.changed.notify_all();
    }
}

impl EventSink for Inbox {
    fn on_event(&self, event: TunnelEvent) {
        self.lock().events.push(event);
        self.changed.notify_all();
    }
}

/// A runtime `Tunnel` in callback mode with recorded output (see the module docs).
pub struct Client {
    /// The tunnel under test.
    pub tunnel: Tunnel,
    inbox: Arc<Inbox>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("state", &self.tunnel.state())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a tunnel for `config` in callback mode; `hooks.events` is replaced
    /// by the client's recorder.
    pub fn start(config: Config, hooks: Hooks) -> Result<Client, RuntimeError> {
        let inbox = Arc::new(Inbox::default());
        let hooks = Hooks {
            events: Some(inbox.clone()),
            ..hooks
        };
        let tunnel = Tunnel::start(
            config,
            PacketIo::Callbacks {
                sink: inbox.clone(),
            },
            hooks,
        )?;
        Ok(Client { tunnel, inbox })
    }

    /// Sends IP packets into the tunnel (as the OS would).
    pub fn send(&self, packets: Vec<Vec<u8>>) -> Result<(), RuntimeError> {
        self.tunnel.send_packets(packets)
    }

    /// Sends an echo request `src → dst` with `seq` and waits up to `timeout`
    /// for its reply; the round trip, `None` if no reply came in time.
    pub fn ping(
        &self,
        src: IpAddr,
        dst: IpAddr,
        seq: u16,
        timeout: Duration,
    ) -> Result<Option<Duration>, RuntimeError> {
        let Some(req) = host::echo(src, dst, false, 0x7e57, seq, b"culvert-testkit") else {
            return Ok(None);
        };
        let start = Instant::now();
        self.send(vec![req])?;
        let got = self.wait(timeout, |s| {
            s.packets.iter().any(|p| {
                matches!(host::parse(p), host::Parsed::Echo(e)
                    if e.reply && e.seq == seq && e.src == dst)
            })
        });
        Ok(got.then(|| start.elapsed()))
    }

    /// Pings `dst` every `interval` (sequence numbers from `first_seq` up) until
    /// a reply comes, as an app with traffic does, for at most `limit`; the time
    /// until the first reply, `None` if none came.
    pub fn ping_until_reply(
        &self,
        src: IpAddr,
        dst: IpAddr,
        first_seq: u16,
        interval: Duration,
        limit: Duration,
    ) -> Result<Option<Duration>, RuntimeError> {
        let start = Instant::now();
        let mut seq = first_seq;
        while start.elapsed() < limit {
            let left = limit.saturating_sub(start.elapsed());
            if self.ping(src, dst, seq, interval.min(left))?.is_some() {
                return Ok(Some(start.elapsed()));
            }
            seq = seq.wrapping_add(1);
        }
        Ok(None)
    }

    /// Sends a UDP datagram `src:port → dst:port` and waits up to `timeout` for
    /// the same payload to come back; whether it did.
    pub fn udp_echo(
        &self,
        src: IpAddr,
        dst: IpAddr,
        port: u16,
        payload: &[u8],
        timeout: Duration,
    ) -> Result<bool, RuntimeError> {
        let Some(p) = host::udp(src, port, dst, port, payload) else {
            return Ok(false);
        };
        self.send(vec![p])?;
        Ok(self.wait(timeout, |s| {
            s.packets.iter().any(|p| {
                matches!(host::parse(p), host::Parsed::Udp(u)
                    if u.src == dst && u.payload == payload)
            })
        }))
    }

    /// Waits up to `timeout` for an event matching `pred` (already recorded ones
    /// count); the first such event.
    pub fn await_event(
        &self,
        timeout: Duration,
        pred: impl Fn(&TunnelEvent) -> bool,
    ) -> Option<TunnelEvent> {
        let mut found = None;
        self.wait(timeout, |s| {
            found = s.events.iter().find(|e| pred(e)).cloned();
            found.is_some()
        });
        found
    }

    /// Waits up to `timeout` for the tunnel to be in `state`; whether it got there.
    pub fn await_state(&self, state: TunnelState, timeout: Duration) -> bool {
        self.wait(timeout, |_| self.tunnel.state() == state)
    }

    /// Every event so far, oldest first.
    pub fn events(&self) -> Vec<TunnelEvent> {
        self.inbox.lock().events.clone()
    }

    /// Every packet delivered so far, oldest first.
    pub fn packets(&self) -> Vec<Vec<u8>> {
        self.inbox.lock().packets.clone()
    }

    /// Waits until `cond` holds on what was seen, or `timeout`; whether it held.
    /// Wakes on every delivery and event (and at least every 50 ms, for
    /// conditions on the tunnel's state).
    fn wait(&self, timeout: Duration, mut cond: impl FnMut(&Seen) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut seen = self.inbox.lock();
        loop {
            if cond(&seen) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            let slice = (deadline - now).min(Duration::from_millis(50));
            seen = match self.inbox.changed.wait_timeout(seen, slice) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }
}
