//! WireGuard timers: the one place that knows boringtun 0.7.1's timer rules.
//!
//! boringtun's `Tunn` keeps its own timers, reads its own clock inside
//! `update_timers` and gives no next deadline: its own device calls
//! `update_timers` every 250 ms. Culvert instead mirrors the state those rules
//! read, from what `proto` sees going in and out of each `Tunn`, and derives
//! the real next deadline from it, so that an idle tunnel does not wake up.
//!
//! How it fits together:
//! - `proto` calls `Tunn::update_timers` before it hands a `Tunn` any input
//!   (packet, datagram, forced handshake) and on `handle_timeout`. Before that
//!   call it calls `PeerTimers::evaluate`, which predicts (and mirrors the side
//!   effects of) what `update_timers` will do at `now`.
//!   boringtun stamps every timer with the time of the last `update_timers` call,
//!   so the mirror stamps its events with that same `now`.
//! - After an input, `proto` reports what happened (`on_*` methods).
//! - `PeerTimers::next_deadline` is the earliest time at which one of the rules
//!   below will fire. Deadlines at or before the last evaluation are never
//!   returned again (a rule evaluated then and not fired cannot fire later without
//!   new input), so a mismatch can never make the loop spin.
//!
//! The rules (boringtun `noise/timers.rs`, WireGuard paper §6):
//! - handshake in flight: retry after REKEY_TIMEOUT (5 s); give up after
//!   REKEY_ATTEMPT_TIME (90 s) of trying (keys and queue cleared);
//! - data sent, nothing authenticated received for KEEPALIVE + REKEY_TIMEOUT
//!   (15 s): new handshake (the peer may have restarted or roamed);
//! - data received, nothing sent for KEEPALIVE (10 s): empty keepalive;
//! - initiator, session older than REKEY_AFTER_TIME (120 s) and sending, or older
//!   than REJECT_AFTER_TIME − 15 s (165 s) and receiving: new handshake. These fire
//!   on traffic, which always comes with an evaluation, so they need no deadline;
//! - sessions older than REJECT_AFTER_TIME (180 s) are unusable (dropped lazily);
//! - no new session for 3 × REJECT_AFTER_TIME (540 s): every key is wiped. This is
//!   the one deadline an idle tunnel without persistent keepalive keeps, once.
//! - persistent keepalive (Culvert's own, boringtun's is disabled so that the
//!   interval can change without a new session): an empty packet when nothing
//!   authenticated was sent or received for the interval, as wireguard-go does.
//!
//! boringtun reads its clock a little after Culvert's runtime does, so every
//! deadline gets [`SLACK`] added: waking 10 ms late is harmless, waking early
//! would make the rule not fire yet.

use crate::clock::Instant;
use std::time::Duration;

/// REKEY_TIMEOUT: handshake retransmission interval.
pub const REKEY_TIMEOUT: Duration = Duration::from_secs(5);
/// KEEPALIVE_TIMEOUT: passive keepalive delay.
pub const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(10);
/// REKEY_AFTER_TIME: the initiator renews a session this old when sending.
pub const REKEY_AFTER_TIME: Duration = Duration::from_secs(120);
/// REJECT_AFTER_TIME: sessions older than this are not used.
pub const REJECT_AFTER_TIME: Duration = Duration::from_secs(180);
/// REKEY_ATTEMPT_TIME: handshake retries stop after this long.
pub const REKEY_ATTEMPT_TIME: Duration = Duration::from_secs(90);
/// Keys are wiped when no new session was made for this long (3 × REJECT_AFTER_TIME).
pub const KEY_WIPE_TIME: Duration = Duration::from_secs(540);
/// Added to every deadline so boringtun's own (slightly later) clock has passed it.
pub const SLACK: Duration = Duration::from_millis(10);

/// What `Tunn::update_timers` is predicted to do at an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Due {
    /// Nothing.
    Nothing,
    /// Keys wiped / handshake abandoned: boringtun returns `ConnectionExpired`.
    Expire {
        /// The peer had a session whose keys are now wiped (not just a failed handshake).
        had_keys: bool,
    },
    /// A handshake initiation.
    Handshake {
        /// A retransmission of an unanswered initiation.
        retry: bool,
    },
    /// A passive keepalive.
    Keepalive,
}

/// Mirror of one `Tunn`'s timer state (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct PeerTimers {
    last_sent: Instant,
    last_received: Instant,
    last_data_sent: Instant,
    last_data_received: Instant,
    session_established: Instant,
    handshake_started: Instant,
    /// `Some(t)` while an initiation sent at `t` is unanswered.
    init_sent: Option<Instant>,
    want_keepalive: bool,
    want_handshake: bool,
    is_initiator: bool,
    /// boringtun's handshake is in the `Expired` state.
    expired: bool,
    /// A session was made since the last wipe (there are keys to wipe).
    has_keys: bool,
    /// Last authenticated packet either way, for persistent keepalive.
    last_traversal: Instant,
    persistent_keepalive: Option<Duration>,
    last_evaluated: Instant,
}

impl PeerTimers {
    /// A fresh `Tunn` created at `now` (boringtun starts every timer at zero = its creation).
    pub(crate) fn new(now: Instant, persistent_keepalive: Option<u16>) -> Self {
        PeerTimers {
            last_sent: now,
            last_received: now,
            last_data_sent: now,
            last_data_received: now,
            session_established: now,
            handshake_started: now,
            init_sent: None,
            want_keepalive: false,
            want_handshake: false,
            is_initiator: false,
            expired: false,
            has_keys: false,
            last_traversal: now,
            persistent_keepalive: persistent_keepalive
                .filter(|s| *s > 0)
                .map(|s| Duration::from_secs(u64::from(s))),
            last_evaluated: now,
        }
    }

    /// Changes the persistent keepalive interval (`None` or 0 = off).
    pub(crate) fn set_persistent_keepalive(&mut self, seconds: Option<u16>) {
        self.persistent_keepalive = seconds
            .filter(|s| *s > 0)
            .map(|s| Duration::from_secs(u64::from(s)));
    }

    /// The persistent keepalive interval.
    pub(crate) fn persistent_keepalive(&self) -> Option<Duration> {
        self.persistent_keepalive
    }

    /// Whether a handshake initiation is waiting for its response.
    pub(crate) fn handshake_in_flight(&self) -> bool {
        self.init_sent.is_some()
    }

    /// When the unanswered initiation was sent, if one is in flight.
    pub(crate) fn initiation_sent_at(&self) -> Option<Instant> {
        self.init_sent
    }

    /// Whether the peer holds a session made since the last key wipe.
    pub(crate) fn has_keys(&self) -> bool {
        self.has_keys
    }

    /// When the last evaluation happened.
    pub(crate) fn last_evaluated(&self) -> Instant {
        self.last_evaluated
    }

    fn clear(&mut self, now: Instant) {
        self.last_sent = now;
        self.last_received = now;
        self.last_data_sent = now;
        self.last_data_received = now;
        self.session_established = now;
        self.handshake_started = now;
        self.want_keepalive = false;
        self.want_handshake = false;
    }

    fn tick_sent(&mut self, now: Instant) {
        self.last_sent = now;
        self.last_traversal = now;
        self.want_handshake = true;
        self.want_keepalive = false;
    }

    fn tick_received(&mut self, now: Instant) {
        self.last_received = now;
        self.last_traversal = now;
        self.want_keepalive = true;
        self.want_handshake = false;
    }

    /// Predicts what `Tunn::update_timers` does at `now` and mirrors its side
    /// effects. Call right before `update_timers`; then report its output with
    /// `on_initiation_sent` / `on_packet_sent`.
    pub(crate) fn evaluate(&mut self, now: Instant) -> Due {
        self.last_evaluated = now;
        if self.expired {
            return Due::Nothing;
        }
        if now - self.session_established >= KEY_WIPE_TIME {
            let had_keys = self.has_keys;
            self.expire(now);
            return Due::Expire { had_keys };
        }
        if let Some(sent) = self.init_sent {
            if now - self.handshake_started >= REKEY_ATTEMPT_TIME {
                let had_keys = self.has_keys;
                self.expire(now);
                return Due::Expire { had_keys };
            }
            if now - sent >= REKEY_TIMEOUT {
                return Due::Handshake { retry: true };
            }
            return Due::Nothing;
        }
        let mut handshake = false;
        if self.is_initiator {
            if self.session_established < self.last_data_sent
                && now - self.session_established >= REKEY_AFTER_TIME
            {
                handshake = true;
            }
            if self.session_established < self.last_data_received
                && now - self.session_established
                    >= REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT
            {
                handshake = true;
            }
        }
        if self.last_data_sent > self.last_received
            && now - self.last_received >= KEEPALIVE_TIMEOUT + REKEY_TIMEOUT
            && std::mem::replace(&mut self.want_handshake, false)
        {
            handshake = true;
        }
        if handshake {
            return Due::Handshake { retry: false };
        }
        if self.last_data_received > self.last_sent
            && now - self.last_sent >= KEEPALIVE_TIMEOUT
            && std::mem::replace(&mut self.want_keepalive, false)
        {
            return Due::Keepalive;
        }
        Due::Nothing
    }

    fn expire(&mut self, now: Instant) {
        self.expired = true;
        self.has_keys = false;
        self.init_sent = None;
        self.clear(now);
    }

    /// Whether Culvert's persistent keepalive is due at `now` (no handshake in flight).
    pub(crate) fn persistent_keepalive_due(&self, now: Instant) -> bool {
        match self.persistent_keepalive {
            Some(interval) => self.init_sent.is_none() && now - self.last_traversal >= interval,
            None => false,
        }
    }

    /// `Tunn::update_timers` returned `ConnectionExpired` although `evaluate` did not
    /// predict it (keeps the mirror honest).
    pub(crate) fn on_expired(&mut self, now: Instant) {
        if !self.expired {
            self.expire(now);
        }
    }

    /// A handshake initiation left this `Tunn` (`format_handshake_initiation`).
    pub(crate) fn on_initiation_sent(&mut self, now: Instant) {
        if self.expired {
            self.expired = false;
            self.clear(now);
        }
        if self.init_sent.is_none() {
            self.handshake_started = now;
        }
        self.init_sent = Some(now);
        self.tick_sent(now);
    }

    /// A data packet (`data`) or keepalive left through an established session.
    pub(crate) fn on_packet_sent(&mut self, now: Instant, data: bool) {
        self.tick_sent(now);
        if data {
            self.last_data_sent = now;
        }
    }

    /// We answered a peer's initiation: a new session, we are the responder.
    pub(crate) fn on_handshake_init_received(&mut self, now: Instant) {
        self.expired = false;
        self.init_sent = None;
        self.tick_received(now);
        self.tick_sent(now);
        self.session_established = now;
        self.is_initiator = false;
        self.has_keys = true;
    }

    /// The peer answered our initiation: a new session, we are the initiator.
    /// (boringtun then sends a keepalive without ticking its "sent" timer.)
    pub(crate) fn on_handshake_response_received(&mut self, now: Instant) {
        self.init_sent = None;
        self.tick_received(now);
        self.session_established = now;
        self.is_initiator = true;
        self.has_keys = true;
    }

    /// A cookie reply was accepted.
    pub(crate) fn on_cookie_received(&mut self, now: Instant) {
        self.tick_received(now);
    }

    /// An authenticated data packet (`data`) or keepalive arrived.
    pub(crate) fn on_data_received(&mut self, now: Instant, data: bool) {
        self.tick_received(now);
        if data {
            self.last_data_received = now;
        }
    }

    /// The earliest time a rule fires, or `None` if none will without new input.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        if self.expired {
            return None;
        }
        let mut next: Option<Instant> = None;
        let mut consider = |t: Instant| {
            // A deadline already evaluated without firing cannot fire without input.
            if t > self.last_evaluated {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        if self.has_keys {
            consider(self.session_established + KEY_WIPE_TIME);
        }
        if let Some(sent) = self.init_sent {
            consider(sent + REKEY_TIMEOUT);
            consider(self.handshake_started + REKEY_ATTEMPT_TIME);
        } else {
            if self.last_data_sent > self.last_received && self.want_handshake {
                consider(self.last_received + KEEPALIVE_TIMEOUT + REKEY_TIMEOUT);
            }
            if self.last_data_received > self.last_sent && self.want_keepalive {
                consider(self.last_sent + KEEPALIVE_TIMEOUT);
            }
            if let Some(interval) = self.persistent_keepalive {
                consider(self.last_traversal + interval);
            }
        }
        next.map(|t| t + SLACK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> Instant {
        Instant::from_duration(Duration::from_secs(1000 + s))
    }

    #[test]
    fn fresh_peer_is_quiet() {
        let t = PeerTimers::new(at(0), None);
        assert_eq!(t.next_deadline(), None);
    }

    #[test]
    fn idle_session_only_wakes_for_key_wipe_then_never() {
        let mut t = PeerTimers::new(at(0), None);
        t.on_initiation_sent(at(0));
        t.on_handshake_response_received(at(0));
        assert_eq!(t.next_deadline(), Some(at(540) + SLACK));
        assert_eq!(t.evaluate(at(540)), Due::Expire { had_keys: true });
        assert_eq!(t.next_deadline(), None);
    }

    #[test]
    fn retry_then_give_up() {
        let mut t = PeerTimers::new(at(0), None);
        t.on_initiation_sent(at(0));
        assert_eq!(t.next_deadline(), Some(at(5) + SLACK));
        assert_eq!(t.evaluate(at(5)), Due::Handshake { retry: true });
        t.on_initiation_sent(at(5));
        assert_eq!(t.next_deadline(), Some(at(10) + SLACK));
        assert_eq!(t.evaluate(at(90)), Due::Expire { had_keys: false });
        assert_eq!(t.next_deadline(), None);
    }

    #[test]
    fn keepalive_after_receive_and_handshake_after_silence() {
        let mut t = PeerTimers::new(at(0), None);
        t.on_initiation_sent(at(0));
        t.on_handshake_response_received(at(0));
        t.evaluate(at(1));
        t.on_data_received(at(1), true);
        assert_eq!(t.next_deadline(), Some(at(10) + SLACK));
        assert_eq!(t.evaluate(at(10)), Due::Keepalive);
        t.on_packet_sent(at(10), false);
        t.evaluate(at(11));
        t.on_packet_sent(at(11), true);
        assert_eq!(t.next_deadline(), Some(at(16) + SLACK));
        assert_eq!(t.evaluate(at(16)), Due::Handshake { retry: false });
    }
}
