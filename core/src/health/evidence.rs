//! [`Evidence`] from what the runtime reports today: its stats snapshots and
//! its events. Pure: the wall-clock time of the snapshot is passed in.

use super::{Evidence, PeerEvidence, SendErrors};
use crate::config::{Config, EndpointHost, PublicKey};
use crate::runtime::{FaultKind, IoFailures, TunnelEvent, TunnelStats};
use std::collections::HashMap;
use std::time::SystemTime;

/// Collects what only events say (handshake attempts, resolver failures,
/// failed rebinds, a closed TUN) and joins it with a stats snapshot into
/// [`Evidence`].
#[derive(Debug, Default, Clone)]
pub struct EvidenceBuilder {
    attempts: HashMap<PublicKey, u32>,
    resolve_failures: HashMap<PublicKey, u32>,
    rebind_failures: u32,
    /// Datagrams sent (all peers) when the last rebind failure was first
    /// seen in a snapshot: more sent since then means the sockets work again.
    tx_at_rebind_failure: Option<u64>,
    tun_closed: bool,
}

impl From<IoFailures> for SendErrors {
    /// The runtime's buckets; a full buffer is transient and left out.
    fn from(f: IoFailures) -> SendErrors {
        SendErrors {
            unreachable: f.unreachable,
            permission: f.permission,
            too_large: f.too_large,
            no_socket: f.no_socket,
            other: f.other,
        }
    }
}

impl EvidenceBuilder {
    /// A builder that has seen no event.
    pub fn new() -> EvidenceBuilder {
        EvidenceBuilder::default()
    }

    /// Takes one event from the tunnel (all of them may be passed).
    pub fn on_event(&mut self, event: &TunnelEvent) {
        match event {
            TunnelEvent::HandshakeFailing { peer, attempts } => {
                self.attempts.insert(*peer, *attempts);
            }
            TunnelEvent::HandshakeCompleted { peer } => {
                self.attempts.remove(peer);
            }
            TunnelEvent::EndpointResolved { peer, .. } => {
                self.resolve_failures.remove(peer);
            }
            TunnelEvent::EndpointResolveFailed { peer, .. } => self.resolve_failed(*peer),
            TunnelEvent::Error { kind, .. } => match kind {
                FaultKind::RebindFailed => {
                    self.rebind_failures += 1;
                    self.tx_at_rebind_failure = None;
                }
                FaultKind::FdClosed | FaultKind::TunReadFailed => self.tun_closed = true,
                _ => {}
            },
            _ => {}
        }
    }

    /// Counts one failed resolution of `peer`'s endpoint name.
    pub fn resolve_failed(&mut self, peer: PublicKey) {
        *self.resolve_failures.entry(peer).or_default() += 1;
    }

    /// The evidence for `stats` taken at `wall_now`, with the peers in
    /// `config`'s order (peers missing from `stats` count as never seen).
    /// A failed rebind counts until a later snapshot shows datagrams sent again.
    pub fn evidence(
        &mut self,
        stats: &TunnelStats,
        config: &Config,
        wall_now: SystemTime,
    ) -> Evidence {
        let sent: u64 = stats.peers.iter().map(|p| p.tx_packets).sum();
        if self.rebind_failures > 0 {
            match self.tx_at_rebind_failure {
                None => self.tx_at_rebind_failure = Some(sent),
                Some(then) if sent > then => {
                    self.rebind_failures = 0;
                    self.tx_at_rebind_failure = None;
                }
                Some(_) => {}
            }
        }
        let peers = config
            .peers
            .iter()
            .map(|cp| {
                let mut e = PeerEvidence::new(cp.public_key);
                e.endpoint_is_name = matches!(
                    cp.endpoint.as_ref().map(|x| &x.host),
                    Some(EndpointHost::Name(_))
                );
                e.persistent_keepalive = cp.persistent_keepalive;
                e.handshake_attempts = self.attempts.get(&cp.public_key).copied().unwrap_or(0);
                e.resolve_failures = self
                    .resolve_failures
                    .get(&cp.public_key)
                    .copied()
                    .unwrap_or(0);
                match stats.peers.iter().find(|p| p.public_key == cp.public_key) {
                    Some(p) => {
                        e.endpoint_known = p.endpoint.is_some();
                        e.since_handshake = p
                            .last_handshake
                            .map(|t| wall_now.duration_since(t).unwrap_or_default());
                        e.rx_packets = p.rx_packets;
                        e.tx_packets = p.tx_packets;
                        e.dropped = p.dropped;
                        e.rx_data_packets = Some(p.rx_data_packets);
                        e.tx_data_packets = Some(p.tx_data_packets);
                        e.last_inner_source = p.last_inner_source;
                    }
                    None => e.endpoint_known = false,
                }
                e
            })
            .collect();
        Evidence {
            tun_closed: self.tun_closed,
            packets_from_os: None,
            dropped: stats.dropped,
            send_errors: stats.send_failures.into(),
            rebind_failures: self.rebind_failures,
            peers,
        }
    }
}
