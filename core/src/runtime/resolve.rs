//! Endpoint resolution off the data path, with retry and backoff, and NAT64 (RFC 6052 / 7050).
//!
//! One small thread runs the [`Resolver`] hook (the system's `getaddrinfo` by
//! default). It blocks while it has nothing to do (no idle wake-ups) and retries
//! failures after 1, 2, 4, … up to 60 s. Results go back to the event loop through
//! a mutex-protected list and the loop's waker.
//!
//! ## IPv4 literal endpoints and NAT64: which answer wins
//!
//! - An IPv4 literal is used at once. With [`Hooks::nat64_prefix`](super::Hooks)
//!   given, or a prefix discovered (RFC 7050) while the network is IPv6-only
//!   ([`Hooks::assume_ipv6_only`](super::Hooks), or IPv4 sends failing with
//!   `ENETUNREACH`), the literal is embedded in the prefix (RFC 6052).
//! - When the platform supplies a [`Resolver`] (iOS: `getaddrinfo` with
//!   `AI_DEFAULT`), the literal is also handed to it, at start and again after a
//!   prefix discovery or a network change. Its answer, when it arrives, **replaces**
//!   the endpoint: on a NAT64 network the system answers with the synthesised IPv6
//!   address, which is preferred over synthesising one from an IPv4 address. The
//!   system resolver (no hook) is never asked about literals.
//! - `assume_ipv6_only` (or a failed IPv4 send) makes IPv4 addresses unusable in
//!   every answer unless a prefix turns them into IPv6 ones.

use super::waker::Waker;
use super::Resolver;
use crate::config::PublicKey;
use ipnetwork::Ipv6Network;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant as StdInstant};

/// Longest wait between retries of a failing name.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Results waiting for the loop (names resolve rarely; this only bounds a flood).
const RESULTS_CAP: usize = 1024;
/// The name RFC 7050 resolves to discover a NAT64 prefix.
pub(crate) const IPV4ONLY_ARPA: &str = "ipv4only.arpa";

/// The system resolver: `getaddrinfo` through the standard library.
#[derive(Debug, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, String> {
        (host, 0u16)
            .to_socket_addrs()
            .map(|addrs| addrs.map(|a| a.ip()).collect())
            .map_err(|e| e.to_string())
    }
}

/// What to resolve.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Job {
    /// A peer's endpoint host name.
    Peer {
        /// The peer.
        key: PublicKey,
        /// Host name.
        host: String,
    },
    /// RFC 7050 NAT64 prefix discovery.
    Nat64,
}

/// A finished resolution, or a failed attempt (`error`, retried later).
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub(crate) job: Job,
    pub(crate) addrs: Vec<IpAddr>,
    /// Why the attempt failed and when it is retried; `addrs` is then empty.
    pub(crate) error: Option<String>,
}

enum Msg {
    Resolve(Job),
    Forget(Job),
}

/// Handle on the resolver thread (dropping it ends the thread).
pub(crate) struct ResolverThread {
    tx: mpsc::Sender<Msg>,
    pub(crate) results: Arc<Mutex<Vec<Resolved>>>,
}

impl ResolverThread {
    pub(crate) fn spawn(
        resolver: Arc<dyn Resolver>,
        waker: Arc<Waker>,
    ) -> std::io::Result<ResolverThread> {
        let (tx, rx) = mpsc::channel::<Msg>();
        let results: Arc<Mutex<Vec<Resolved>>> = Arc::default();
        let out = results.clone();
        std::thread::Builder::new()
            .name("culvert-resolver".into())
            .spawn(move || run(resolver, rx, out, waker))?;
        Ok(ResolverThread { tx, results })
    }

    /// Resolves `job` now (replacing a pending retry of the same job).
    pub(crate) fn resolve(&self, job: Job) {
        let _ = self.tx.send(Msg::Resolve(job));
    }

    /// Stops retrying `job`.
    pub(crate) fn forget(&self, job: Job) {
        let _ = self.tx.send(Msg::Forget(job));
    }

    /// Takes the finished resolutions.
    pub(crate) fn take(&self) -> Vec<Resolved> {
        self.results
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }
}

fn job_name(job: &Job) -> &str {
    match job {
        Job::Peer { host, .. } => host,
        Job::Nat64 => IPV4ONLY_ARPA,
    }
}

fn run(
    resolver: Arc<dyn Resolver>,
    rx: mpsc::Receiver<Msg>,
    out: Arc<Mutex<Vec<Resolved>>>,
    waker: Arc<Waker>,
) {
    // Pending jobs: when to try next and the current backoff.
    let mut pending: HashMap<Job, (StdInstant, Duration)> = HashMap::new();
    loop {
        let next = pending.values().map(|(at, _)| *at).min();
        let msg = match next {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => rx.recv_timeout(at.saturating_duration_since(StdInstant::now())),
        };
        match msg {
            Ok(Msg::Resolve(job)) => {
                pending.insert(job, (StdInstant::now(), Duration::from_secs(1)));
            }
            Ok(Msg::Forget(job)) => {
                pending.remove(&job);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let now = StdInstant::now();
        let due: Vec<Job> = pending
            .iter()
            .filter(|(_, (at, _))| *at <= now)
            .map(|(job, _)| job.clone())
            .collect();
        for job in due {
            let name = job_name(&job).to_owned();
            let result = resolver.resolve(&name);
            match result {
                Ok(addrs) if !addrs.is_empty() => {
                    log::debug!("resolved an endpoint name to {} address(es)", addrs.len());
                    pending.remove(&job);
                    if let Ok(mut r) = out.lock() {
                        if r.len() < RESULTS_CAP {
                            r.push(Resolved {
                                job,
                                addrs,
                                error: None,
                            });
                        }
                    }
                    waker.wake();
                }
                other => {
                    let why = match other {
                        Err(e) => e,
                        Ok(_) => "no addresses".to_owned(),
                    };
                    if let Some((at, backoff)) = pending.get_mut(&job) {
                        log::info!(
                            "resolving an endpoint failed ({why}); retrying in {}s",
                            backoff.as_secs()
                        );
                        let error = format!("{why}; retrying in {} s", backoff.as_secs());
                        *at = StdInstant::now() + *backoff;
                        *backoff = (*backoff * 2).min(MAX_BACKOFF);
                        if let Ok(mut r) = out.lock() {
                            if r.len() < RESULTS_CAP {
                                r.push(Resolved {
                                    job,
                                    addrs: Vec::new(),
                                    error: Some(error),
                                });
                            }
                        }
                        waker.wake();
                    }
                }
            }
        }
    }
}

/// Byte positions of the embedded IPv4 address for each RFC 6052 prefix length
/// (byte 8, bits 64–71, is always skipped).
fn rfc6052_positions(prefix_len: u8) -> Option<[usize; 4]> {
    Some(match prefix_len {
        32 => [4, 5, 6, 7],
        40 => [5, 6, 7, 9],
        48 => [6, 7, 9, 10],
        56 => [7, 9, 10, 11],
        64 => [9, 10, 11, 12],
        96 => [12, 13, 14, 15],
        _ => return None,
    })
}

/// Embeds `v4` in the NAT64 `prefix` (RFC 6052). `None` for a prefix length RFC 6052 does not define.
pub(crate) fn synthesize(prefix: Ipv6Network, v4: Ipv4Addr) -> Option<Ipv6Addr> {
    let pos = rfc6052_positions(prefix.prefix())?;
    let mut bytes = prefix.network().octets();
    for b in bytes.iter_mut().skip(usize::from(prefix.prefix() / 8)) {
        *b = 0;
    }
    for (i, octet) in pos.iter().zip(v4.octets()) {
        bytes[*i] = octet;
    }
    Some(Ipv6Addr::from(bytes))
}

/// RFC 7050: finds the NAT64 prefix in the AAAA answers for `ipv4only.arpa`,
/// which embed 192.0.0.170 or 192.0.0.171.
pub(crate) fn discover_prefix(answers: &[IpAddr]) -> Option<Ipv6Network> {
    let wka = [Ipv4Addr::new(192, 0, 0, 170), Ipv4Addr::new(192, 0, 0, 171)];
    for addr in answers {
        let IpAddr::V6(v6) = addr else { continue };
        let bytes = v6.octets();
        for len in [96u8, 64, 56, 48, 40, 32] {
            let Some(pos) = rfc6052_positions(len) else {
                continue;
            };
            let embedded =
                Ipv4Addr::new(bytes[pos[0]], bytes[pos[1]], bytes[pos[2]], bytes[pos[3]]);
            if wka.contains(&embedded) {
                let mut net = bytes;
                for b in net.iter_mut().skip(usize::from(len / 8)) {
                    *b = 0;
                }
                return Ipv6Network::new(Ipv6Addr::from(net), len).ok();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_prefix_synthesis() {
        let p: Ipv6Network = "64:ff9b::/96".parse().unwrap();
        let a = synthesize(p, Ipv4Addr::new(198, 51, 100, 2)).unwrap();
        assert_eq!(a, "64:ff9b::c633:6402".parse::<Ipv6Addr>().unwrap());
        let p: Ipv6Network = "2001:db8:100::/40".parse().unwrap();
        let a = synthesize(p, Ipv4Addr::new(192, 0, 2, 33)).unwrap();
        assert_eq!(a, "2001:db8:1c0:2:21::".parse::<Ipv6Addr>().unwrap());
        assert!(synthesize("64:ff9b::/80".parse().unwrap(), Ipv4Addr::LOCALHOST).is_none());
    }

    #[test]
    fn rfc7050_discovery() {
        let answers: Vec<IpAddr> = vec![
            "64:ff9b::c000:aa".parse().unwrap(),
            "64:ff9b::c000:ab".parse().unwrap(),
        ];
        assert_eq!(
            discover_prefix(&answers),
            Some("64:ff9b::/96".parse().unwrap())
        );
        let answers: Vec<IpAddr> = vec!["2001:db8:1c0:0:aa::".parse().unwrap()];
        assert_eq!(
            discover_prefix(&answers),
            Some("2001:db8:100::/40".parse().unwrap())
        );
        assert_eq!(discover_prefix(&["2001:db8::1".parse().unwrap()]), None);
    }
}
