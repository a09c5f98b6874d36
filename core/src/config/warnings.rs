//! Things that parse but deserve a word: host-only keys, peers that cannot work.

use super::model::Config;
use serde::Serialize;
use std::collections::HashMap;

/// A non-fatal remark about a valid configuration.
///
/// Codes: `HOST_ONLY_KEY` (Table, PreUp, PostUp, PreDown, PostDown, SaveConfig,
/// FwMark: kept and written back, not applied on mobile), `NO_ADDRESS`,
/// `NO_PEERS`, `PEER_NO_ALLOWED_IPS`, `PEER_NO_ENDPOINT`, `PEER_IS_SELF`,
/// `OVERLAPPING_ALLOWED_IPS`, `MTU_BELOW_IPV6_MINIMUM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigWarning {
    /// A stable machine-readable code, e.g. `HOST_ONLY_KEY`.
    pub code: String,
    /// A human explanation.
    pub message: String,
}

fn warn(out: &mut Vec<ConfigWarning>, code: &str, message: String) {
    out.push(ConfigWarning {
        code: code.to_owned(),
        message,
    });
}

impl Config {
    /// Remarks about this configuration, in file order. Never contains key material.
    pub fn warnings(&self) -> Vec<ConfigWarning> {
        let mut out = Vec::new();
        let i = &self.interface;
        let h = &i.host;
        let host_keys = [
            ("Table", h.table.is_some()),
            ("PreUp", !h.pre_up.is_empty()),
            ("PostUp", !h.post_up.is_empty()),
            ("PreDown", !h.pre_down.is_empty()),
            ("PostDown", !h.post_down.is_empty()),
            ("SaveConfig", h.save_config.is_some()),
        ];
        for (name, present) in host_keys {
            if present {
                warn(
                    &mut out,
                    "HOST_ONLY_KEY",
                    format!("{name} is a wg-quick host setting: kept and written back, but not applied on iOS or Android"),
                );
            }
        }
        if i.fwmark.is_some() {
            warn(
                &mut out,
                "HOST_ONLY_KEY",
                "FwMark is a Linux socket mark: kept and written back, but not applied on iOS or Android".to_owned(),
            );
        }
        if i.addresses.is_empty() {
            warn(
                &mut out,
                "NO_ADDRESS",
                "[Interface] has no Address: the tunnel interface gets no IP address".to_owned(),
            );
        }
        if let Some(mtu) = i.mtu {
            if mtu < 1280 && i.addresses.iter().any(|a| a.is_ipv6()) {
                warn(
                    &mut out,
                    "MTU_BELOW_IPV6_MINIMUM",
                    format!("MTU {mtu} is below 1280, the IPv6 minimum, but the interface has an IPv6 address"),
                );
            }
        }
        if self.peers.is_empty() {
            warn(
                &mut out,
                "NO_PEERS",
                "no [Peer] section: the tunnel has nobody to talk to".to_owned(),
            );
        }
        let own = i.private_key.public_key();
        let mut owners: HashMap<ipnetwork::IpNetwork, usize> = HashMap::new();
        for (n, peer) in self.peers.iter().enumerate() {
            let which = format!("peer {} ({})", n + 1, short(&peer.public_key.to_base64()));
            if peer.public_key == own {
                warn(
                    &mut out,
                    "PEER_IS_SELF",
                    format!("{which} has this interface's own public key"),
                );
            }
            if peer.allowed_ips.is_empty() {
                warn(
                    &mut out,
                    "PEER_NO_ALLOWED_IPS",
                    format!(
                        "{which} has no AllowedIPs: no traffic is sent to it or accepted from it"
                    ),
                );
            }
            if peer.endpoint.is_none() {
                warn(
                    &mut out,
                    "PEER_NO_ENDPOINT",
                    format!("{which} has no Endpoint: this side cannot start a handshake with it"),
                );
            }
            for net in &peer.allowed_ips {
                let route = ipnetwork::IpNetwork::new(net.network(), net.prefix()).unwrap_or(*net);
                if let Some(first) = owners.insert(route, n) {
                    if first != n {
                        warn(
                            &mut out,
                            "OVERLAPPING_ALLOWED_IPS",
                            format!("{route} is in the AllowedIPs of peer {} and peer {}: only the last one gets it", first + 1, n + 1),
                        );
                    }
                }
            }
        }
        out
    }
}

fn short(key: &str) -> String {
    format!("{}…", &key[..8.min(key.len())])
}
