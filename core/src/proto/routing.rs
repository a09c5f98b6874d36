//! Cryptokey routing: AllowedIPs → peer, longest-prefix match for IPv4 and IPv6.
//!
//! One hash table per address family keyed by `(prefix length, masked address)`,
//! plus the sorted list of prefix lengths in use. A lookup probes the lengths in
//! use from longest to shortest, so it costs at most 33 (IPv4) or 129 (IPv6)
//! probes and in practice a handful: real configs use few distinct lengths. This
//! scales to 1,000 peers and 10,000 prefixes with no per-lookup allocation.

use ipnetwork::IpNetwork;
use std::collections::HashMap;
use std::net::IpAddr;

/// Index of a peer inside a [`crate::proto::Tunnel`].
pub(crate) type PeerSlot = u32;

#[derive(Debug, Default, Clone)]
struct Table<K: Copy + Eq + std::hash::Hash> {
    entries: HashMap<(u8, K), PeerSlot>,
    /// Prefix lengths in use, longest first, with reference counts.
    lengths: Vec<(u8, usize)>,
}

impl<K: Copy + Eq + std::hash::Hash> Table<K> {
    fn insert(&mut self, len: u8, key: K, slot: PeerSlot) {
        if self.entries.insert((len, key), slot).is_none() {
            match self.lengths.iter_mut().find(|(l, _)| *l == len) {
                Some((_, n)) => *n += 1,
                None => {
                    self.lengths.push((len, 1));
                    self.lengths
                        .sort_unstable_by_key(|e| std::cmp::Reverse(e.0));
                }
            }
        }
    }

    fn remove_slot(&mut self, slot: PeerSlot) {
        let lengths = &mut self.lengths;
        self.entries.retain(|(len, _), s| {
            if *s == slot {
                if let Some(entry) = lengths.iter_mut().find(|(l, _)| l == len) {
                    entry.1 -= 1;
                }
                false
            } else {
                true
            }
        });
        self.lengths.retain(|(_, n)| *n > 0);
    }
}

fn mask_v4(addr: u32, len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        addr & (u32::MAX << (32 - u32::from(len.min(32))))
    }
}

fn mask_v6(addr: u128, len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        addr & (u128::MAX << (128 - u32::from(len.min(128))))
    }
}

/// AllowedIPs of every peer, for outbound routing and the inbound source check.
#[derive(Debug, Default, Clone)]
pub(crate) struct RoutingTable {
    v4: Table<u32>,
    v6: Table<u128>,
}

impl RoutingTable {
    /// Routes `network` to `slot`. A prefix already owned by another peer moves to
    /// `slot` (as `wg set` does).
    pub(crate) fn insert(&mut self, network: IpNetwork, slot: PeerSlot) {
        match network {
            IpNetwork::V4(n) => {
                let len = n.prefix();
                self.v4.insert(len, mask_v4(u32::from(n.ip()), len), slot)
            }
            IpNetwork::V6(n) => {
                let len = n.prefix();
                self.v6.insert(len, mask_v6(u128::from(n.ip()), len), slot)
            }
        }
    }

    /// Removes every prefix of `slot`.
    pub(crate) fn remove_slot(&mut self, slot: PeerSlot) {
        self.v4.remove_slot(slot);
        self.v6.remove_slot(slot);
    }

    /// The peer whose AllowedIPs contain `addr` with the longest prefix.
    pub(crate) fn lookup(&self, addr: IpAddr) -> Option<PeerSlot> {
        match addr {
            IpAddr::V4(a) => {
                let a = u32::from(a);
                self.v4
                    .lengths
                    .iter()
                    .find_map(|&(len, _)| self.v4.entries.get(&(len, mask_v4(a, len))).copied())
            }
            IpAddr::V6(a) => {
                let a = u128::from(a);
                self.v6
                    .lengths
                    .iter()
                    .find_map(|&(len, _)| self.v6.entries.get(&(len, mask_v6(a, len))).copied())
            }
        }
    }

    /// Number of prefixes.
    pub(crate) fn len(&self) -> usize {
        self.v4.entries.len() + self.v6.entries.len()
    }
}

/// Destination address of an IP packet (v4 or v6), `None` if it is not one.
pub(crate) fn packet_dst(packet: &[u8]) -> Option<IpAddr> {
    match packet.first()? >> 4 {
        4 if packet.len() >= 20 => {
            let b: [u8; 4] = packet[16..20].try_into().ok()?;
            Some(IpAddr::from(b))
        }
        6 if packet.len() >= 40 => {
            let b: [u8; 16] = packet[24..40].try_into().ok()?;
            Some(IpAddr::from(b))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNetwork {
        s.parse().unwrap()
    }

    #[test]
    fn longest_prefix_wins() {
        let mut t = RoutingTable::default();
        t.insert(net("0.0.0.0/0"), 1);
        t.insert(net("10.0.0.0/8"), 2);
        t.insert(net("10.1.0.0/16"), 3);
        t.insert(net("::/0"), 4);
        t.insert(net("fd00::/64"), 5);
        assert_eq!(t.lookup("10.1.2.3".parse().unwrap()), Some(3));
        assert_eq!(t.lookup("10.2.2.3".parse().unwrap()), Some(2));
        assert_eq!(t.lookup("8.8.8.8".parse().unwrap()), Some(1));
        assert_eq!(t.lookup("fd00::1".parse().unwrap()), Some(5));
        assert_eq!(t.lookup("fd01::1".parse().unwrap()), Some(4));
        t.remove_slot(3);
        assert_eq!(t.lookup("10.1.2.3".parse().unwrap()), Some(2));
        t.remove_slot(1);
        assert_eq!(t.lookup("8.8.8.8".parse().unwrap()), None);
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn host_bits_are_ignored() {
        let mut t = RoutingTable::default();
        t.insert(net("10.0.0.7/24"), 9);
        assert_eq!(t.lookup("10.0.0.200".parse().unwrap()), Some(9));
        assert_eq!(t.lookup("10.0.1.1".parse().unwrap()), None);
    }

    #[test]
    fn scales_to_ten_thousand_prefixes() {
        let mut t = RoutingTable::default();
        for peer in 0..1000u32 {
            for j in 0..10u32 {
                let a = std::net::Ipv4Addr::from(0x0a00_0000 | (peer << 8) | (j << 4));
                t.insert(
                    IpNetwork::V4(ipnetwork::Ipv4Network::new(a, 28).unwrap()),
                    peer,
                );
            }
        }
        assert_eq!(t.len(), 10_000);
        assert_eq!(t.lookup("10.3.231.37".parse().unwrap()), Some(999));
        assert_eq!(t.lookup("10.0.5.1".parse().unwrap()), Some(5));
    }
}
