//! Per-source-address handshake rate limit, in front of boringtun's global limiter.
//!
//! boringtun 0.7.1 counts handshakes with one global counter: one flooding host
//! pushes every peer into the cookie round trip. Like wireguard-go's rate limiter,
//! Culvert first gives each source address a token bucket (burst
//! [`SOURCE_BURST`], refilled at [`SOURCE_RATE`] per second) and drops handshake
//! messages beyond it before they reach boringtun's limiter or any crypto. The
//! table has a fixed number of slots ([`SOURCE_SLOTS`]); a source hashes to one
//! slot and evicts whoever was there (an attacker cycling addresses only gets a
//! fresh burst per slot, and the global limiter still applies). `proto::Tunnel`
//! keeps two tables, one for initiations and one for responses, so a peer's burst
//! of retried initiations never costs its response to our own initiation.

use crate::clock::Instant;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::time::Duration;

/// Handshake messages a source may send back to back.
pub const SOURCE_BURST: u32 = 5;
/// Handshake messages per second a source may sustain.
pub const SOURCE_RATE: u32 = 20;
/// Slots in the table.
pub const SOURCE_SLOTS: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    source: Option<IpAddr>,
    /// Tokens in thousandths.
    milli_tokens: u32,
    last: Instant,
}

#[derive(Debug)]
pub(crate) struct SourceLimiter {
    slots: Box<[Bucket]>,
    hasher: RandomState,
}

impl SourceLimiter {
    pub(crate) fn new() -> Self {
        let empty = Bucket {
            source: None,
            milli_tokens: 0,
            last: Instant::from_duration(Duration::ZERO),
        };
        SourceLimiter {
            slots: vec![empty; SOURCE_SLOTS].into_boxed_slice(),
            hasher: RandomState::new(),
        }
    }

    /// Whether a handshake message from `source` at `now` may proceed (takes a token).
    pub(crate) fn allow(&mut self, source: IpAddr, now: Instant) -> bool {
        let index = (self.hasher.hash_one(source) as usize) % SOURCE_SLOTS;
        let bucket = &mut self.slots[index];
        let full = SOURCE_BURST * 1000;
        if bucket.source != Some(source) {
            *bucket = Bucket {
                source: Some(source),
                milli_tokens: full,
                last: now,
            };
        } else {
            let elapsed_ms = (now - bucket.last).as_millis().min(u128::from(u32::MAX)) as u32;
            let refill = elapsed_ms.saturating_mul(SOURCE_RATE);
            bucket.milli_tokens = bucket.milli_tokens.saturating_add(refill).min(full);
            bucket.last = now;
        }
        if bucket.milli_tokens >= 1000 {
            bucket.milli_tokens -= 1000;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_rate() {
        let mut l = SourceLimiter::new();
        let t0 = Instant::from_duration(Duration::from_secs(100));
        let a: IpAddr = "198.51.100.1".parse().unwrap();
        let b: IpAddr = "198.51.100.2".parse().unwrap();
        let allowed = (0..50).filter(|_| l.allow(a, t0)).count();
        assert_eq!(allowed, SOURCE_BURST as usize);
        assert!(l.allow(b, t0), "another source is not affected");
        // 100 ms later: 2 more tokens at 20/s.
        let t1 = t0 + Duration::from_millis(100);
        let allowed = (0..50).filter(|_| l.allow(a, t1)).count();
        assert_eq!(allowed, 2);
    }
}
