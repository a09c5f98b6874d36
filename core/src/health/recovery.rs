//! The recovery ladder: what to do next about an unhealthy peer or tunnel,
//! with bounded backoff (sans-IO: health and time in, steps out).
//!
//! One ladder per problem (a peer's or the tunnel's reason code). Its steps,
//! in order, then the last one repeated, each after the previous one's delay
//! doubled (starting at `first_delay`, at most `max_delay`):
//!
//! | Reason | Steps |
//! |---|---|
//! | `HANDSHAKE_FAILING` | re-resolve (name endpoints), rebind, re-handshake |
//! | `NOTHING_RECEIVED` | re-handshake, rebind, re-resolve (name endpoints) |
//! | `ENDPOINT_UNRESOLVED` | re-resolve |
//! | `NETWORK_UNREACHABLE`, `SEND_NOT_PERMITTED`, `SEND_FAILING` | rebind |
//! | `REBIND_FAILING` | none here: the runtime retries the failed bind (1, 2, 4, … 30 s) |
//! | `INNER_SOURCE_REJECTED`, `NO_ROUTE`, `NO_TRAFFIC_FROM_OS`, `PACKET_TOO_LARGE`, `TUN_CLOSED` | none: a config or OS problem, reported only |
//!
//! A handshake that fails because a key is wrong looks, from this side,
//! exactly like a blocked path: it is never retried hot, only at the backoff
//! (up to `max_delay`), and the reason stays reported. When the problem goes
//! away (healthy again, or a different reason), its ladder starts over.

use super::{Evidence, Health, ReasonCode, TunnelHealth};
use crate::clock::Instant;
use crate::config::PublicKey;
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

/// One recovery action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Start a new handshake with the peer now.
    Rehandshake,
    /// Resolve the peer's endpoint name again.
    Reresolve,
    /// Close and re-open the UDP sockets.
    Rebind,
}

impl Action {
    /// `"rehandshake"`, `"reresolve"` or `"rebind"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Rehandshake => "rehandshake",
            Action::Reresolve => "reresolve",
            Action::Rebind => "rebind",
        }
    }
}

/// A step the ladder wants taken now: an event for the app, too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What to do.
    pub action: Action,
    /// For which peer (`None`: the tunnel's sockets).
    pub peer: Option<PublicKey>,
    /// The problem it answers.
    pub reason: ReasonCode,
    /// 1 for the first step of this problem, then 2, 3, ...
    pub attempt: u32,
    /// When the ladder acts again if the problem stays.
    pub next_in: Duration,
}

/// Delays between steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    /// Before the second step (the first is taken at once) (5 s).
    pub first_delay: Duration,
    /// The cap (2 min).
    pub max_delay: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(120),
        }
    }
}

#[derive(Debug)]
struct Rung {
    reason: ReasonCode,
    attempt: u32,
    due: Instant,
    name_endpoint: bool,
}

/// The steps for a reason (empty: nothing to do from this side).
fn plan(reason: ReasonCode, name_endpoint: bool) -> Vec<Action> {
    use Action::*;
    let mut steps = match reason {
        ReasonCode::HandshakeFailing => vec![Reresolve, Rebind, Rehandshake],
        ReasonCode::NothingReceived => vec![Rehandshake, Rebind, Reresolve],
        ReasonCode::EndpointUnresolved => vec![Reresolve],
        ReasonCode::NetworkUnreachable | ReasonCode::SendNotPermitted | ReasonCode::SendFailing => {
            vec![Rebind]
        }
        ReasonCode::InnerSourceRejected
        | ReasonCode::NoRoute
        | ReasonCode::NoTrafficFromOs
        | ReasonCode::PacketTooLarge
        | ReasonCode::TunClosed => vec![],
        // The runtime retries the failed bind itself (1, 2, 4, … 30 s): that is
        // how its rebind step is carried out, not a second policy.
        ReasonCode::RebindFailing => vec![],
    };
    if !name_endpoint {
        steps.retain(|a| *a != Reresolve);
    }
    steps
}

/// The ladder (see the module docs). Feed it every health change with
/// [`Ladder::on_health`], call [`Ladder::handle_timeout`] at
/// [`Ladder::poll_timeout`], take steps from [`Ladder::poll_step`].
#[derive(Debug, Default)]
pub struct Ladder {
    backoff: Backoff,
    /// `None` key: the tunnel's own problem.
    rungs: HashMap<Option<PublicKey>, Rung>,
    steps: VecDeque<Step>,
}

impl Ladder {
    /// A ladder with this backoff.
    pub fn new(backoff: Backoff) -> Ladder {
        Ladder {
            backoff,
            ..Ladder::default()
        }
    }

    /// Takes the current health (and the evidence it came from, for which
    /// endpoints are names). Problems that are new start their ladder with a
    /// step at once; problems that went away are forgotten. Harmless to call
    /// with unchanged health.
    pub fn on_health(&mut self, health: &TunnelHealth, evidence: &Evidence, now: Instant) {
        let mut wanted: HashMap<Option<PublicKey>, (ReasonCode, bool)> = HashMap::new();
        for p in &health.peers {
            if let Health::Down(r) | Health::Degraded(r) = &p.health {
                let name = evidence
                    .peers
                    .iter()
                    .find(|e| e.public_key == p.public_key)
                    .is_some_and(|e| e.endpoint_is_name);
                // A degraded peer with a live session only needs a hand for
                // a failing name; the rest waits for Down.
                if matches!(p.health, Health::Down(_)) || r.code == ReasonCode::EndpointUnresolved {
                    wanted.insert(Some(p.public_key), (r.code, name));
                }
            }
        }
        // The tunnel's own problems (not a peer's, repeated), when down: while
        // peers are still heard from, the sockets work and a rebind would only
        // interrupt them.
        if let Health::Down(r) = &health.health {
            if r.peer.is_none() {
                wanted.insert(None, (r.code, false));
            }
        }
        self.rungs
            .retain(|k, rung| wanted.get(k).is_some_and(|(code, _)| *code == rung.reason));
        for (key, (code, name)) in wanted {
            if plan(code, name).is_empty() {
                continue;
            }
            self.rungs.entry(key).or_insert(Rung {
                reason: code,
                attempt: 0,
                due: now,
                name_endpoint: name,
            });
        }
        self.handle_timeout(now);
    }

    /// Emits the steps that are due at `now`. Extra calls are harmless.
    pub fn handle_timeout(&mut self, now: Instant) {
        let mut due: Vec<(Option<PublicKey>, Step)> = Vec::new();
        for (key, rung) in self.rungs.iter_mut() {
            if rung.due > now {
                continue;
            }
            let steps = plan(rung.reason, rung.name_endpoint);
            let Some(&action) = steps.get(rung.attempt as usize).or_else(|| steps.last()) else {
                continue;
            };
            rung.attempt += 1;
            let delay = delay(&self.backoff, rung.attempt);
            rung.due = now + delay;
            due.push((
                *key,
                Step {
                    action,
                    peer: *key,
                    reason: rung.reason,
                    attempt: rung.attempt,
                    next_in: delay,
                },
            ));
        }
        // The tunnel's steps first (a rebind helps every peer), then by key: deterministic.
        due.sort_by_key(|(k, _)| k.map(|k| k.to_base64()));
        self.steps.extend(due.into_iter().map(|(_, s)| s));
    }

    /// The next step to take, if any.
    pub fn poll_step(&mut self) -> Option<Step> {
        self.steps.pop_front()
    }

    /// When [`Ladder::handle_timeout`] has something to do next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.rungs.values().map(|r| r.due).min()
    }

    /// Forgets every ladder (the tunnel was reconfigured or woke up).
    pub fn reset(&mut self) {
        self.rungs.clear();
        self.steps.clear();
    }
}

/// The wait after step `attempt` (1-based): first_delay · 2^(attempt−1), capped.
fn delay(b: &Backoff, attempt: u32) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(16);
    b.first_delay.saturating_mul(factor).min(b.max_delay)
}
