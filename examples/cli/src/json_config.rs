//! The `config` object of `culvert config check --json`, shared by `culvert qr parse`
//! (its `config` must be the same JSON). Never a private or preshared key.

use culvert_core::config::{Config, ConfigError};
use ipnetwork::IpNetwork;
use serde_json::{json, Value};

/// The `config` object: interface and peers, absent scalars `null`, lists `[]`.
pub(crate) fn config_json(config: &Config) -> Value {
    let i = &config.interface;
    json!({
        "interface": {
            "public_key": i.private_key.public_key().to_base64(),
            "listen_port": i.listen_port,
            "addresses": i.addresses.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            "dns_servers": i.dns_servers.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            "dns_search": i.dns_search,
            "mtu": i.mtu,
            "included_applications": i.included_applications,
            "excluded_applications": i.excluded_applications,
        },
        "peers": config.peers.iter().map(|p| json!({
            "public_key": p.public_key.to_base64(),
            "has_preshared_key": p.preshared_key.is_some(),
            "allowed_ips": p.allowed_ips.iter()
                .map(|a| IpNetwork::new(a.network(), a.prefix())
                    .map_or_else(|_| a.to_string(), |n| n.to_string()))
                .collect::<Vec<_>>(),
            "endpoint": p.endpoint.as_ref().map(|e| e.to_string()),
            "persistent_keepalive": p.persistent_keepalive.filter(|k| *k != 0),
        })).collect::<Vec<_>>(),
    })
}

/// The `error` object of `config check --json`: kind, section, key, line, message.
pub(crate) fn config_error_json(err: &ConfigError) -> Value {
    json!({
        "kind": err.kind.as_str(),
        "section": err.section.map(|s| s.as_str()),
        "key": err.key,
        "line": err.line,
        "message": err.message,
    })
}
