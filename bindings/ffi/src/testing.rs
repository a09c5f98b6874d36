//! The testing kit's test peer through FFI (feature `testing`, off by default).
//!
//! Only a test build of the library turns the feature on
//! (`scripts/bindings.sh --testing` → `build/testing-lib/`); the shipping
//! library an app's extension links is built without it and carries none of
//! this (docs/testing.md). Wraps `culvert_testkit::TestPeer` (real time,
//! loopback UDP) and its packet helpers.

use crate::guard::{guard, Internal};
use culvert_testkit::{host, TestPeer as KitPeer, TestPeerError as KitError};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// Why a test-peer call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TestPeerError {
    /// The peer's socket could not be bound or used.
    #[error("{detail}")]
    Io {
        /// Why.
        detail: String,
    },
    /// The peer's thread is gone or did not answer.
    #[error("{detail}")]
    Gone {
        /// Why.
        detail: String,
    },
    /// An argument is not usable (an address that does not parse, mixed families).
    #[error("{detail}")]
    InvalidArgument {
        /// Why.
        detail: String,
    },
    /// Culvert failed (a bug, never bad input).
    #[error("{detail}")]
    Internal {
        /// Why.
        detail: String,
    },
}

impl Internal for TestPeerError {
    fn internal(detail: String) -> Self {
        TestPeerError::Internal { detail }
    }
}

impl From<KitError> for TestPeerError {
    fn from(e: KitError) -> Self {
        match e {
            KitError::Io(_) => TestPeerError::Io {
                detail: e.to_string(),
            },
            KitError::Gone => TestPeerError::Gone {
                detail: e.to_string(),
            },
        }
    }
}

/// What the test peer has seen and done (see `culvert_testkit::PeerCounters`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, uniffi::Record)]
pub struct TestPeerCounters {
    /// Datagrams that arrived while running.
    pub datagrams_in: u64,
    /// Datagrams that left.
    pub datagrams_out: u64,
    /// Datagrams dropped on the way in by the drop control.
    pub dropped_in: u64,
    /// Datagrams dropped on the way out by the drop control.
    pub dropped_out: u64,
    /// Handshakes completed with the tunnel under test.
    pub handshakes: u64,
    /// Handshake initiations refused (refuse-handshakes control).
    pub refused_handshakes: u64,
    /// Echo replies sent.
    pub echo_replies: u64,
    /// UDP datagrams echoed.
    pub udp_echoes: u64,
    /// Inner packets left unanswered ("connected but dead").
    pub unanswered: u64,
    /// Restarts.
    pub restarts: u64,
}

/// An in-process WireGuard test peer on loopback UDP, in real time, with
/// scenario controls. Not in the shipping library (feature `testing`).
#[derive(uniffi::Object)]
pub struct TestPeer {
    inner: KitPeer,
}

fn parse_ip(s: &str) -> Result<IpAddr, TestPeerError> {
    s.parse().map_err(|_| TestPeerError::InvalidArgument {
        detail: format!("not an IP address: {s:?}"),
    })
}

#[uniffi::export]
impl TestPeer {
    /// Starts a peer on `127.0.0.1` at a free port, with fresh keys.
    #[uniffi::constructor]
    pub fn start() -> Result<Arc<Self>, TestPeerError> {
        guard(|| {
            Ok(Arc::new(TestPeer {
                inner: KitPeer::start()?,
            }))
        })
    }

    /// A wg-quick config for the tunnel under test (holds its private key).
    pub fn client_config_text(&self) -> Result<String, TestPeerError> {
        guard(|| Ok(self.inner.client_config_text()?))
    }

    /// The peer's inner addresses (IPv4, IPv6) as text: ping them.
    pub fn inner_addresses(&self) -> Result<Vec<String>, TestPeerError> {
        guard(|| {
            Ok(self
                .inner
                .inner_addresses()?
                .map(|a| a.to_string())
                .to_vec())
        })
    }

    /// The tunnel under test's inner addresses (IPv4, IPv6) as text.
    pub fn client_addresses(&self) -> Result<Vec<String>, TestPeerError> {
        guard(|| {
            Ok(self
                .inner
                .client_addresses()?
                .map(|a| a.to_string())
                .to_vec())
        })
    }

    /// Where the peer listens (`127.0.0.1:port`).
    pub fn address(&self) -> Result<String, TestPeerError> {
        guard(|| Ok(self.inner.addr()?.to_string()))
    }

    /// The counters so far.
    pub fn counters(&self) -> Result<TestPeerCounters, TestPeerError> {
        guard(|| {
            let c = self.inner.counters()?;
            Ok(TestPeerCounters {
                datagrams_in: c.datagrams_in,
                datagrams_out: c.datagrams_out,
                dropped_in: c.dropped_in,
                dropped_out: c.dropped_out,
                handshakes: c.handshakes,
                refused_handshakes: c.refused_handshakes,
                echo_replies: c.echo_replies,
                udp_echoes: c.udp_echoes,
                unanswered: c.unanswered,
                restarts: c.restarts,
            })
        })
    }

    /// Drops every datagram each way (`true`) or none (`false`).
    pub fn drop_all(&self, drop: bool) -> Result<(), TestPeerError> {
        guard(|| Ok(self.inner.drop_all(drop)?))
    }

    /// Drops `percent` (0–100) of the datagrams each way, seeded (reproducible).
    pub fn drop_percent(&self, percent: u8) -> Result<(), TestPeerError> {
        guard(|| Ok(self.inner.drop_percent(percent)?))
    }

    /// Delays every datagram the peer sends by `millis`.
    pub fn delay_millis(&self, millis: u64) -> Result<(), TestPeerError> {
        guard(|| Ok(self.inner.delay(Duration::from_millis(millis))?))
    }

    /// Refuses handshakes as with a wrong key (`true`), or accepts them again.
    pub fn refuse_handshakes(&self, refuse: bool) -> Result<(), TestPeerError> {
        guard(|| Ok(self.inner.refuse_handshakes(refuse)?))
    }

    /// WireGuard keeps working, the inner host stops answering ("connected but dead").
    pub fn inner_dead(&self, dead: bool) -> Result<(), TestPeerError> {
        guard(|| Ok(self.inner.inner_dead(dead)?))
    }

    /// Stops the peer (its port is closed).
    pub fn stop(&self) -> Result<(), TestPeerError> {
        guard(|| Ok(self.inner.stop()?))
    }

    /// Restarts the peer with the same keys on the same address, without sessions.
    pub fn restart(&self) -> Result<(), TestPeerError> {
        guard(|| Ok(self.inner.restart()?))
    }

    /// Moves the peer to a new port and announces it; the new address.
    pub fn roam(&self) -> Result<String, TestPeerError> {
        guard(|| Ok(self.inner.roam()?.to_string()))
    }
}

/// An ICMP (IPv4) or ICMPv6 echo request `src → dst` with sequence number `seq`.
#[uniffi::export]
pub fn test_echo_request(src: String, dst: String, seq: u16) -> Result<Vec<u8>, TestPeerError> {
    guard(|| {
        let (src, dst) = (parse_ip(&src)?, parse_ip(&dst)?);
        host::echo(src, dst, false, 0x7e57, seq, b"culvert-testkit").ok_or_else(|| {
            TestPeerError::InvalidArgument {
                detail: "source and destination must be of the same family".into(),
            }
        })
    })
}

/// The sequence number of `packet` if it is an echo reply with valid checksums, else `None`.
#[uniffi::export]
pub fn test_echo_reply_seq(packet: Vec<u8>) -> Option<u16> {
    match host::parse(&packet) {
        host::Parsed::Echo(e) if e.reply => Some(e.seq),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_helpers_round_trip_through_the_peer_host() {
        let req = test_echo_request("10.77.0.2".into(), "10.77.0.1".into(), 9).unwrap();
        let reply = host::answer(&req, &["10.77.0.1".parse().unwrap()]).unwrap();
        assert_eq!(test_echo_reply_seq(reply), Some(9));
        assert_eq!(test_echo_reply_seq(req), None, "a request is no reply");
        assert!(matches!(
            test_echo_request("10.77.0.2".into(), "fd00::1".into(), 1),
            Err(TestPeerError::InvalidArgument { .. })
        ));
        assert!(matches!(
            test_echo_request("nope".into(), "10.0.0.1".into(), 1),
            Err(TestPeerError::InvalidArgument { .. })
        ));
    }

    #[test]
    fn peer_controls_round_trip() {
        let peer = TestPeer::start().unwrap();
        assert!(peer.client_config_text().unwrap().contains("[Peer]"));
        let before = peer.address().unwrap();
        peer.drop_percent(30).unwrap();
        peer.delay_millis(5).unwrap();
        peer.inner_dead(true).unwrap();
        peer.refuse_handshakes(true).unwrap();
        peer.stop().unwrap();
        peer.restart().unwrap();
        assert_eq!(peer.address().unwrap(), before);
        assert_eq!(peer.counters().unwrap().restarts, 1);
        assert_eq!(
            peer.inner_addresses().unwrap(),
            vec!["10.77.0.1", "fd00:77::1"]
        );
    }
}
