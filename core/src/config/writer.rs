//! [`Config`] → wg-quick text.

use super::model::Config;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::fmt::Write as _;
use zeroize::Zeroizing;

/// Writes `config` as wg-quick text: one `[Interface]`, then each `[Peer]`,
/// attributes in a fixed order, lists comma-separated, host-only keys kept.
/// `parse(&write(&c)) == Ok(c)` for every config `parse` can produce.
///
/// The text contains the private and preshared keys: it is for saving the file,
/// never for logs. It is a zeroizing string allocated once at its final size, and
/// the keys are encoded into it through zeroizing buffers only (no copy of a key
/// is left behind in freed memory).
pub fn write(config: &Config) -> Zeroizing<String> {
    // The text with zero keys has the same length (a key is always 44 characters).
    let mut sizing = String::new();
    write_into(&mut sizing, config, false);
    let mut out = Zeroizing::new(String::with_capacity(sizing.len()));
    write_into(&mut out, config, true);
    debug_assert_eq!(out.len(), sizing.len());
    out
}

/// Appends `name = base64(key)` (or the zero key when `secrets` is false).
fn key_line(out: &mut String, name: &str, key: &[u8; 32], secrets: bool) {
    let mut text = Zeroizing::new([0u8; 44]);
    let zero = [0u8; 32];
    let bytes = if secrets { key } else { &zero };
    // 32 bytes are always 44 base64 characters.
    if STANDARD.encode_slice(bytes, &mut text[..]).is_ok() {
        out.push_str(name);
        out.push_str(" = ");
        out.push_str(std::str::from_utf8(&text[..]).unwrap_or_default());
        out.push('\n');
    }
}

fn write_into(out: &mut String, config: &Config, secrets: bool) {
    let i = &config.interface;
    out.push_str("[Interface]\n");
    key_line(out, "PrivateKey", i.private_key.as_bytes(), secrets);
    if let Some(port) = i.listen_port {
        line(out, "ListenPort", &port.to_string());
    }
    if let Some(mark) = i.fwmark {
        line(out, "FwMark", &format!("{mark:#x}"));
    }
    list(out, "Address", i.addresses.iter().map(|a| a.to_string()));
    list(
        out,
        "DNS",
        i.dns_servers
            .iter()
            .map(|d| d.to_string())
            .chain(i.dns_search.iter().cloned()),
    );
    if let Some(mtu) = i.mtu {
        line(out, "MTU", &mtu.to_string());
    }
    list(
        out,
        "IncludedApplications",
        i.included_applications.iter().cloned(),
    );
    list(
        out,
        "ExcludedApplications",
        i.excluded_applications.iter().cloned(),
    );
    if let Some(table) = &i.host.table {
        line(out, "Table", table);
    }
    for (name, commands) in [
        ("PreUp", &i.host.pre_up),
        ("PostUp", &i.host.post_up),
        ("PreDown", &i.host.pre_down),
        ("PostDown", &i.host.post_down),
    ] {
        for command in commands {
            line(out, name, command);
        }
    }
    if let Some(save) = i.host.save_config {
        line(out, "SaveConfig", if save { "true" } else { "false" });
    }
    for peer in &config.peers {
        out.push_str("\n[Peer]\n");
        line(out, "PublicKey", &peer.public_key.to_base64());
        if let Some(psk) = &peer.preshared_key {
            key_line(out, "PresharedKey", psk.as_bytes(), secrets);
        }
        list(
            out,
            "AllowedIPs",
            peer.allowed_ips.iter().map(|a| a.to_string()),
        );
        if let Some(endpoint) = &peer.endpoint {
            line(out, "Endpoint", &endpoint.to_string());
        }
        if let Some(secs) = peer.persistent_keepalive {
            line(out, "PersistentKeepalive", &secs.to_string());
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    /// Issue 12, item 17: the text with the keys is allocated once at its final
    /// size (a grown `String` leaves copies of the keys in freed memory).
    #[test]
    fn the_text_with_keys_is_allocated_once_at_its_final_size() {
        let text = "[Interface]\nPrivateKey = TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=\n\
                    Address = 198.51.100.2/32\n\n[Peer]\n\
                    PublicKey = vBN7qyUTb5lJtWYJ8LhbPio1Z4RcyBPGnqFBGn6O6Qg=\n\
                    PresharedKey = 7Qx3sPgDQq6p6z9yQjQ7J2eK9jkNqF1Lr2mO9d3yJ1c=\n\
                    AllowedIPs = 0.0.0.0/0\n";
        let config = parse(text).unwrap();
        let written = write(&config);
        assert_eq!(written.capacity(), written.len());
        assert!(written.contains("PrivateKey = TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo=\n"));
        assert!(written.contains("PresharedKey = 7Qx3sPgDQq6p6z9yQjQ7J2eK9jkNqF1Lr2mO9d3yJ1c=\n"));
        assert_eq!(parse(&written).unwrap(), config);
    }
}
