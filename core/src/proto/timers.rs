//! WireGuard's timer constants, and who owns which timer.
//!
//! boringtun's `Tunn` owns the protocol's timers (retransmission, give-up, key
//! wipe, passive keepalive, handshake after silence, rekey): Culvert's patched
//! boringtun 0.7.1 takes the time as a parameter (`update_timers_at(now)` and the
//! other `*_at` calls) and says when its next timer is due (`next_timer_at`), so
//! `proto` schedules exactly what boringtun will do, with nothing to predict.
//!
//! `proto` owns three timers of its own, per peer:
//! - persistent keepalive (boringtun's is off, so the interval can change without a
//!   new session): an empty packet when nothing authenticated — initiations
//!   included — went either way for the interval. After boringtun gives up
//!   (REKEY_ATTEMPT_TIME) this starts a new attempt every interval, as
//!   wireguard-go and Linux do: a phone relying on keepalive comes back after an
//!   outage of any length;
//! - a deferred initiation: not within [`super::INITIATION_SPACING`] of the last
//!   one, and not within [`REKEY_TIMEOUT`] after answering the peer's initiation;
//! - nothing else: `poll_timeout` is the earliest of these and boringtun's.
//!
//! The rules (boringtun `noise/timers.rs`, WireGuard paper §6):
//! - handshake in flight: retry after REKEY_TIMEOUT (5 s) plus a jitter of
//!   0–[`REKEY_TIMEOUT_JITTER_MAX`] drawn per initiation; give up after
//!   REKEY_ATTEMPT_TIME (90 s) of trying (keys and queue cleared);
//! - data sent, nothing authenticated received for KEEPALIVE + REKEY_TIMEOUT
//!   (15 s): new handshake (the peer may have restarted or roamed);
//! - data received, nothing sent for KEEPALIVE (10 s): empty keepalive;
//! - initiator, session older than REKEY_AFTER_TIME (120 s) and sending, or older
//!   than REJECT_AFTER_TIME − 15 s (165 s) and receiving: new handshake. These fire
//!   on traffic, which always comes with a timer run, so they are no deadlines;
//! - sessions older than REJECT_AFTER_TIME (180 s) are unusable (dropped lazily);
//! - no new session for 3 × REJECT_AFTER_TIME (540 s): every key is wiped. This is
//!   the one deadline an idle tunnel without persistent keepalive keeps, once.

use std::time::Duration;

/// REKEY_TIMEOUT: handshake retransmission interval (before jitter).
pub const REKEY_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest random jitter added to REKEY_TIMEOUT before a retransmission.
pub const REKEY_TIMEOUT_JITTER_MAX: Duration = boringtun::noise::REKEY_TIMEOUT_JITTER_MAX;
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
