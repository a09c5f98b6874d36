//! [`Config`] → wg-quick text.

use super::model::Config;
use std::fmt::Write as _;

/// Writes `config` as wg-quick text: one `[Interface]`, then each `[Peer]`,
/// attributes in a fixed order, lists comma-separated, host-only keys kept.
/// `parse(&write(&c)) == Ok(c)` for every config `parse` can produce.
///
/// The text contains the private and preshared keys: it is for saving the file,
/// never for logs.
pub fn write(config: &Config) -> String {
    let mut out = String::new();
    let i = &config.interface;
    out.push_str("[Interface]\n");
    line(&mut out, "PrivateKey", &i.private_key.to_base64());
    if let Some(port) = i.listen_port {
        line(&mut out, "ListenPort", &port.to_string());
    }
    if let Some(mark) = i.fwmark {
        line(&mut out, "FwMark", &format!("{mark:#x}"));
    }
    list(
        &mut out,
        "Address",
        i.addresses.iter().map(|a| a.to_string()),
    );
    list(
        &mut out,
        "DNS",
        i.dns_servers
            .iter()
            .map(|d| d.to_string())
            .chain(i.dns_search.iter().cloned()),
    );
    if let Some(mtu) = i.mtu {
        line(&mut out, "MTU", &mtu.to_string());
    }
    list(
        &mut out,
        "IncludedApplications",
        i.included_applications.iter().cloned(),
    );
    list(
        &mut out,
        "ExcludedApplications",
        i.excluded_applications.iter().cloned(),
    );
    if let Some(table) = &i.host.table {
        line(&mut out, "Table", table);
    }
    for (name, commands) in [
        ("PreUp", &i.host.pre_up),
        ("PostUp", &i.host.post_up),
        ("PreDown", &i.host.pre_down),
        ("PostDown", &i.host.post_down),
    ] {
        for command in commands {
            line(&mut out, name, command);
        }
    }
    if let Some(save) = i.host.save_config {
        line(&mut out, "SaveConfig", if save { "true" } else { "false" });
    }
    for peer in &config.peers {
        out.push_str("\n[Peer]\n");
        line(&mut out, "PublicKey", &peer.public_key.to_base64());
        if let Some(psk) = &peer.preshared_key {
            line(&mut out, "PresharedKey", &psk.to_base64());
        }
        list(
            &mut out,
            "AllowedIPs",
            peer.allowed_ips.iter().map(|a| a.to_string()),
        );
        if let Some(endpoint) = &peer.endpoint {
            line(&mut out, "Endpoint", &endpoint.to_string());
        }
        if let Some(secs) = peer.persistent_keepalive {
            line(&mut out, "PersistentKeepalive", &secs.to_string());
        }
    }
    out
}

fn line(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "{name} = {value}");
}

fn list(out: &mut String, name: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if !items.is_empty() {
        line(out, name, &items.join(", "));
    }
}
