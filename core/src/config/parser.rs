//! wg-quick text → [`Config`], with the official apps' error semantics.
//!
//! Reading rules (as wireguard-android's `Config.parse` and `wg-quick(8)`):
//! everything from the first `#` on a line is a comment; lines end in `\n`,
//! `\r\n` or `\r`; surrounding whitespace and blank lines are ignored; section
//! headers and attribute names are case-insensitive; an attribute line is
//! `Name = Value` with a non-empty value. Several `[Interface]` sections are merged.
//!
//! The first problem from the top of the file is reported. Problems that only
//! show when a section ends (a `[Peer]` without `PublicKey`) are reported when it
//! ends; a missing `PrivateKey` (interface sections merge) at the end of the file.

use super::error::{ConfigError, ErrorKind, Section};
use super::key::{PresharedKey, PrivateKey, PublicKey};
use super::locations::{AttributeLine, SourceMap};
use super::model::{Config, Endpoint, EndpointHost, HostKeys, Interface, Peer};
use ipnetwork::IpNetwork;
use std::collections::HashSet;
use std::net::{IpAddr, Ipv6Addr};

/// Parses wg-quick text. See the module docs for the rules.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::default();
    for (index, line) in Lines::new(text).enumerate() {
        parser.line(index + 1, line)?;
    }
    parser.finish()
}

/// Parses wg-quick text like [`parse`], and also returns where each section and
/// attribute is (for pointing at lines in later remarks).
pub fn parse_with_locations(text: &str) -> Result<(Config, SourceMap), ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::default();
    for (index, line) in Lines::new(text).enumerate() {
        parser.line(index + 1, line)?;
    }
    let map = std::mem::take(&mut parser.map);
    Ok((parser.finish()?, map))
}

/// [`parse_bytes`] with locations, as [`parse_with_locations`].
pub fn parse_bytes_with_locations(bytes: &[u8]) -> Result<(Config, SourceMap), ConfigError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_with_locations(text),
        Err(_) => parse_bytes(bytes).map(|config| (config, SourceMap::default())),
    }
}

/// Parses wg-quick bytes. Text that is not UTF-8 is a `SYNTAX_ERROR` at the line
/// of the first bad byte (unless an earlier line already has an error).
pub fn parse_bytes(bytes: &[u8]) -> Result<Config, ConfigError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            // The valid text before the bad line: report an earlier error first.
            let line_start = valid
                .iter()
                .rposition(|&b| b == b'\n' || b == b'\r')
                .map_or(0, |i| i + 1);
            let before = std::str::from_utf8(&valid[..line_start]).unwrap_or("");
            let before = before.strip_prefix('\u{feff}').unwrap_or(before);
            let mut parser = Parser::default();
            let mut count = 0;
            for (index, line) in Lines::new(before).enumerate() {
                parser.line(index + 1, line)?;
                count = index + 1;
            }
            let line = if line_start == 0 { 1 } else { count + 1 };
            Err(ConfigError::new(
                ErrorKind::SyntaxError,
                None,
                None,
                Some(line),
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {})",
                    err.valid_up_to()
                ),
            ))
        }
    }
}

/// Splits on `\n`, `\r\n` and `\r`, like Java's `BufferedReader.readLine`.
struct Lines<'a> {
    rest: Option<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            rest: if text.is_empty() { None } else { Some(text) },
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.find(['\n', '\r']) {
            None => {
                self.rest = None;
                Some(rest)
            }
            Some(i) => {
                let line = &rest[..i];
                let after = if rest[i..].starts_with("\r\n") {
                    i + 2
                } else {
                    i + 1
                };
                self.rest = if after >= rest.len() {
                    None
                } else {
                    Some(&rest[after..])
                };
                Some(line)
            }
        }
    }
}

/// Java's `\s`: the characters `String.trim`-style whitespace we strip.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

fn trim(s: &str) -> &str {
    s.trim_matches(is_ws)
}

/// How a value echoed in a message is shown: shortened, and anything that looks
/// like key material (a long base64 run) replaced, so messages never carry keys.
pub(crate) fn shown(value: &str) -> String {
    format!("`{}`", redact(value))
}

/// [`shown`] without the quotes.
pub(crate) fn redact(value: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let mixed = run.bytes().any(|b| b.is_ascii_uppercase())
            && run.bytes().any(|b| b.is_ascii_lowercase())
            && run
                .bytes()
                .any(|b| b.is_ascii_digit() || b == b'+' || b == b'/');
        if run.len() >= 32 || (run.len() >= 16 && mixed) {
            out.push_str("<redacted>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_') {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    if out.chars().count() > 64 {
        let cut: String = out.chars().take(61).collect();
        format!("{cut}...")
    } else {
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Attr {
    PrivateKey,
    ListenPort,
    Address,
    Dns,
    Mtu,
    IncludedApplications,
    ExcludedApplications,
    FwMark,
    Table,
    PreUp,
    PostUp,
    PreDown,
    PostDown,
    SaveConfig,
    PublicKey,
    PresharedKey,
    AllowedIps,
    Endpoint,
    PersistentKeepalive,
}

impl Attr {
    const ALL: [Attr; 19] = [
        Attr::PrivateKey,
        Attr::ListenPort,
        Attr::Address,
        Attr::Dns,
        Attr::Mtu,
        Attr::IncludedApplications,
        Attr::ExcludedApplications,
        Attr::FwMark,
        Attr::Table,
        Attr::PreUp,
        Attr::PostUp,
        Attr::PreDown,
        Attr::PostDown,
        Attr::SaveConfig,
        Attr::PublicKey,
        Attr::PresharedKey,
        Attr::AllowedIps,
        Attr::Endpoint,
        Attr::PersistentKeepalive,
    ];

    /// The name as the docs spell it.
    fn name(self) -> &'static str {
        match self {
            Attr::PrivateKey => "PrivateKey",
            Attr::ListenPort => "ListenPort",
            Attr::Address => "Address",
            Attr::Dns => "DNS",
            Attr::Mtu => "MTU",
            Attr::IncludedApplications => "IncludedApplications",
            Attr::ExcludedApplications => "ExcludedApplications",
            Attr::FwMark => "FwMark",
            Attr::Table => "Table",
            Attr::PreUp => "PreUp",
            Attr::PostUp => "PostUp",
            Attr::PreDown => "PreDown",
            Attr::PostDown => "PostDown",
            Attr::SaveConfig => "SaveConfig",
            Attr::PublicKey => "PublicKey",
            Attr::PresharedKey => "PresharedKey",
            Attr::AllowedIps => "AllowedIPs",
            Attr::Endpoint => "Endpoint",
            Attr::PersistentKeepalive => "PersistentKeepalive",
        }
    }

    fn section(self) -> Section {
        match self {
            Attr::PublicKey
            | Attr::PresharedKey
            | Attr::AllowedIps
            | Attr::Endpoint
            | Attr::PersistentKeepalive => Section::Peer,
            _ => Section::Interface,
        }
    }

    /// Single-valued attributes may appear once per section; the others accumulate.
    fn single(self) -> bool {
        !matches!(
            self,
            Attr::Address
                | Attr::Dns
                | Attr::IncludedApplications
                | Attr::ExcludedApplications
                | Attr::PreUp
                | Attr::PostUp
                | Attr::PreDown
                | Attr::PostDown
                | Attr::AllowedIps
        )
    }

    /// Whether the value may be kept in a [`SourceMap`]: not a key, not a command.
    fn public_value(self) -> bool {
        !matches!(
            self,
            Attr::PrivateKey
                | Attr::PublicKey
                | Attr::PresharedKey
                | Attr::PreUp
                | Attr::PostUp
                | Attr::PreDown
                | Attr::PostDown
        )
    }

    fn lookup(name: &str) -> Option<Attr> {
        Attr::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }
}

/// A value-level failure, before it is placed (section/key/line).
struct Bad(ErrorKind, String);

fn bad<T>(kind: ErrorKind, message: impl Into<String>) -> Result<T, Bad> {
    Err(Bad(kind, message.into()))
}

#[derive(Default)]
struct InterfaceDraft {
    header_line: Option<usize>,
    private_key: Option<PrivateKey>,
    listen_port: Option<u16>,
    addresses: Vec<IpNetwork>,
    dns_servers: Vec<IpAddr>,
    dns_search: Vec<String>,
    mtu: Option<u16>,
    included_applications: Vec<String>,
    excluded_applications: Vec<String>,
    included_line: Option<usize>,
    excluded_seen: bool,
    fwmark: Option<u32>,
    host: HostKeys,
    seen: Vec<Attr>,
    dedup: HashSet<String>,
}

struct PeerDraft {
    header_line: usize,
    public_key: Option<PublicKey>,
    preshared_key: Option<PresharedKey>,
    allowed_ips: Vec<IpNetwork>,
    endpoint: Option<Endpoint>,
    persistent_keepalive: Option<u16>,
    seen: Vec<Attr>,
    dedup: HashSet<IpNetwork>,
}

#[derive(Default)]
struct Parser {
    in_section: Option<Section>,
    interface: InterfaceDraft,
    peer: Option<PeerDraft>,
    peers: Vec<Peer>,
    peer_keys: HashSet<PublicKey>,
    map: SourceMap,
}

impl Parser {
    fn line(&mut self, number: usize, raw: &str) -> Result<(), ConfigError> {
        let line = match raw.find('#') {
            Some(i) => &raw[..i],
            None => raw,
        };
        let line = trim(line);
        if line.is_empty() {
            return Ok(());
        }
        if line.starts_with('[') {
            self.end_peer()?;
            if line.eq_ignore_ascii_case("[Interface]") {
                self.in_section = Some(Section::Interface);
                self.interface.header_line.get_or_insert(number);
                self.map.interface.get_or_insert(number);
            } else if line.eq_ignore_ascii_case("[Peer]") {
                self.in_section = Some(Section::Peer);
                self.map.peers.push(number);
                self.peer = Some(PeerDraft {
                    header_line: number,
                    public_key: None,
                    preshared_key: None,
                    allowed_ips: Vec::new(),
                    endpoint: None,
                    persistent_keepalive: None,
                    seen: Vec::new(),
                    dedup: HashSet::new(),
                });
            } else {
                let name = line
                    .strip_prefix('[')
                    .and_then(|l| l.strip_suffix(']'))
                    .map(trim)
                    .unwrap_or(line);
                let name = redact(name);
                return Err(ConfigError {
                    kind: ErrorKind::UnknownSection,
                    section: None,
                    message: format!(
                        "unknown section {}: only [Interface] and [Peer] exist",
                        shown(line)
                    ),
                    key: Some(name),
                    line: Some(number),
                });
            }
            return Ok(());
        }
        let Some(section) = self.in_section else {
            return Err(ConfigError::new(
                ErrorKind::UnknownSection,
                None,
                None,
                Some(number),
                "text before the first section: start the file with [Interface]",
            ));
        };
        let Some((name, value)) = split_attribute(line) else {
            let message = match line.split_once('=') {
                Some((name, value)) if trim(value).is_empty() && !trim(name).is_empty() => {
                    format!("{} has no value", shown(trim(name)))
                }
                _ => format!("expected `Name = Value`, found {}", shown(line)),
            };
            return Err(ConfigError::new(
                ErrorKind::SyntaxError,
                Some(section),
                None,
                Some(number),
                message,
            ));
        };
        let attr = match Attr::lookup(name) {
            Some(attr) if attr.section() == section => attr,
            other => {
                let hint = match other {
                    Some(attr) => {
                        format!("; {} belongs in [{}]", attr.name(), attr.section().as_str())
                    }
                    None => String::new(),
                };
                // Names are `\w+`: no key fits unless it is a long run; keep CamelCase names.
                let name = if name.len() >= 32 {
                    "<redacted>".to_owned()
                } else {
                    name.to_owned()
                };
                return Err(ConfigError::new(
                    ErrorKind::UnknownAttribute,
                    Some(section),
                    Some(&name),
                    Some(number),
                    format!("[{section}] has no attribute {name}{hint}"),
                ));
            }
        };
        let place = |Bad(kind, message): Bad| {
            ConfigError::new(
                kind,
                Some(section),
                Some(attr.name()),
                Some(number),
                message,
            )
        };
        let seen = match section {
            Section::Interface => &mut self.interface.seen,
            Section::Peer => match self.peer.as_mut() {
                Some(peer) => &mut peer.seen,
                None => unreachable_peer(),
            },
        };
        if attr.single() && seen.contains(&attr) {
            return Err(place(Bad(
                ErrorKind::DuplicateAttribute,
                format!(
                    "{} is given twice in one [{section}] section; it takes one value",
                    attr.name()
                ),
            )));
        }
        seen.push(attr);
        self.map.attributes.push(AttributeLine {
            section,
            peer: (section == Section::Peer).then_some(self.peers.len()),
            key: attr.name(),
            line: number,
            items: if attr.public_value() {
                split_list(value).into_iter().map(str::to_owned).collect()
            } else {
                Vec::new()
            },
        });
        match section {
            Section::Interface => self.interface_attr(attr, value, number).map_err(|bad| {
                let mut err = place(bad);
                if err.kind == ErrorKind::InvalidKey {
                    if let Some(line) = self.interface.included_line {
                        // The applications conflict is reported where Android reports it.
                        if matches!(
                            attr,
                            Attr::IncludedApplications | Attr::ExcludedApplications
                        ) {
                            err.key = Some(Attr::IncludedApplications.name().to_owned());
                            err.line = Some(line);
                        }
                    }
                }
                err
            }),
            Section::Peer => self.peer_attr(attr, value).map_err(place),
        }
    }

    fn interface_attr(&mut self, attr: Attr, value: &str, number: usize) -> Result<(), Bad> {
        let i = &mut self.interface;
        match attr {
            Attr::PrivateKey => {
                i.private_key = Some(PrivateKey::from_base64(value).or_else(|_| {
                    bad(
                        ErrorKind::InvalidKey,
                        "not a valid key: expected 44 characters of base64 (32 bytes), as `wg genkey` prints",
                    )
                })?);
            }
            Attr::ListenPort => {
                let port = java_int(value)?;
                if !(0..=65535).contains(&port) {
                    return bad(
                        ErrorKind::InvalidValue,
                        format!("port {port} is out of range 0–65535"),
                    );
                }
                i.listen_port = (port != 0).then_some(port as u16);
            }
            Attr::Address => {
                for item in split_list(value) {
                    let net = parse_network(item)?;
                    if i.dedup.insert(format!("a{net}")) {
                        i.addresses.push(net);
                    }
                }
            }
            Attr::Dns => {
                for item in split_list(value) {
                    if let Ok(ip) = item.parse::<IpAddr>() {
                        if i.dedup.insert(format!("d{ip}")) {
                            i.dns_servers.push(ip);
                        }
                    } else if is_hostname(item) {
                        if i.dedup.insert(format!("s{item}")) {
                            i.dns_search.push(item.to_owned());
                        }
                    } else {
                        return bad(
                            ErrorKind::InvalidValue,
                            format!(
                                "{} is neither an IP address nor a valid search domain",
                                shown(item)
                            ),
                        );
                    }
                }
            }
            Attr::Mtu => {
                let mtu = java_int(value)?;
                if mtu != 0 && !(576..=65535).contains(&mtu) {
                    return bad(
                        ErrorKind::InvalidValue,
                        format!("MTU {mtu} is out of range 576–65535"),
                    );
                }
                i.mtu = (mtu != 0).then_some(mtu as u16);
            }
            Attr::IncludedApplications | Attr::ExcludedApplications => {
                let included = attr == Attr::IncludedApplications;
                if included {
                    i.included_line.get_or_insert(number);
                } else {
                    i.excluded_seen = true;
                }
                for item in split_list(value) {
                    if item.is_empty() || item.contains(is_ws) {
                        return bad(
                            ErrorKind::InvalidValue,
                            format!("{} is not an application package name", shown(item)),
                        );
                    }
                    let (tag, list) = if included {
                        ('i', &mut i.included_applications)
                    } else {
                        ('e', &mut i.excluded_applications)
                    };
                    if i.dedup.insert(format!("{tag}{item}")) {
                        list.push(item.to_owned());
                    }
                }
                if i.included_line.is_some() && i.excluded_seen {
                    // Android reports this at IncludedApplications; so do we, at its first line.
                    return bad(
                        ErrorKind::InvalidKey,
                        "IncludedApplications and ExcludedApplications cannot both be set",
                    );
                }
            }
            Attr::FwMark => {
                i.fwmark = parse_fwmark(value)?;
            }
            Attr::Table => {
                if value.contains(is_ws) {
                    return bad(
                        ErrorKind::InvalidValue,
                        format!(
                            "{} is not a routing table (off, auto, a number or a name)",
                            shown(value)
                        ),
                    );
                }
                i.host.table = Some(value.to_owned());
            }
            Attr::PreUp => i.host.pre_up.push(value.to_owned()),
            Attr::PostUp => i.host.post_up.push(value.to_owned()),
            Attr::PreDown => i.host.pre_down.push(value.to_owned()),
            Attr::PostDown => i.host.post_down.push(value.to_owned()),
            Attr::SaveConfig => {
                i.host.save_config = Some(if value.eq_ignore_ascii_case("true") {
                    true
                } else if value.eq_ignore_ascii_case("false") {
                    false
                } else {
                    return bad(
                        ErrorKind::InvalidValue,
                        format!("{} is not `true` or `false`", shown(value)),
                    );
                });
            }
            _ => unreachable_peer(),
        }
        Ok(())
    }

    fn peer_attr(&mut self, attr: Attr, value: &str) -> Result<(), Bad> {
        let Some(p) = self.peer.as_mut() else {
            unreachable_peer()
        };
        match attr {
            Attr::PublicKey => {
                let key = PublicKey::from_base64(value).or_else(|_| {
                    bad(
                        ErrorKind::InvalidKey,
                        "not a valid key: expected 44 characters of base64 (32 bytes), as `wg pubkey` prints",
                    )
                })?;
                if !self.peer_keys.insert(key) {
                    return bad(
                        ErrorKind::DuplicatePeer,
                        "another [Peer] already has this public key",
                    );
                }
                p.public_key = Some(key);
            }
            Attr::PresharedKey => {
                p.preshared_key = Some(PresharedKey::from_base64(value).or_else(|_| {
                    bad(
                        ErrorKind::InvalidKey,
                        "not a valid key: expected 44 characters of base64 (32 bytes), as `wg genpsk` prints",
                    )
                })?);
            }
            Attr::AllowedIps => {
                for item in split_list(value) {
                    let net = parse_network(item)?;
                    if p.dedup.insert(net) {
                        p.allowed_ips.push(net);
                    }
                }
            }
            Attr::Endpoint => p.endpoint = Some(parse_endpoint(value)?),
            Attr::PersistentKeepalive => {
                if value.eq_ignore_ascii_case("off") {
                    p.persistent_keepalive = None;
                } else {
                    let secs = java_int(value)?;
                    if !(0..=65535).contains(&secs) {
                        return bad(
                            ErrorKind::InvalidValue,
                            format!("{secs} is out of range 0–65535 (or `off`)"),
                        );
                    }
                    p.persistent_keepalive = (secs != 0).then_some(secs as u16);
                }
            }
            _ => unreachable_peer(),
        }
        Ok(())
    }

    fn end_peer(&mut self) -> Result<(), ConfigError> {
        let Some(draft) = self.peer.take() else {
            return Ok(());
        };
        let Some(public_key) = draft.public_key else {
            return Err(ConfigError::new(
                ErrorKind::MissingAttribute,
                Some(Section::Peer),
                Some("PublicKey"),
                Some(draft.header_line),
                "this [Peer] has no PublicKey",
            ));
        };
        self.peers.push(Peer {
            public_key,
            preshared_key: draft.preshared_key,
            allowed_ips: draft.allowed_ips,
            endpoint: draft.endpoint,
            persistent_keepalive: draft.persistent_keepalive,
        });
        Ok(())
    }

    fn finish(mut self) -> Result<Config, ConfigError> {
        self.end_peer()?;
        let i = self.interface;
        let Some(header_line) = i.header_line else {
            return Err(ConfigError::new(
                ErrorKind::MissingSection,
                Some(Section::Interface),
                None,
                None,
                "no [Interface] section",
            ));
        };
        let Some(private_key) = i.private_key else {
            return Err(ConfigError::new(
                ErrorKind::MissingAttribute,
                Some(Section::Interface),
                Some("PrivateKey"),
                Some(header_line),
                "[Interface] has no PrivateKey",
            ));
        };
        Ok(Config {
            interface: Interface {
                private_key,
                listen_port: i.listen_port,
                addresses: i.addresses,
                dns_servers: i.dns_servers,
                dns_search: i.dns_search,
                mtu: i.mtu,
                included_applications: i.included_applications,
                excluded_applications: i.excluded_applications,
                fwmark: i.fwmark,
                host: i.host,
            },
            peers: self.peers,
        })
    }
}

/// A `[Peer]` attribute is only dispatched while a peer draft exists.
#[cold]
fn unreachable_peer() -> ! {
    unreachable!("attribute dispatched to the wrong section")
}

/// `Name = Value` as wireguard-android matches it: `(\w+)\s*=\s*([^\s#][^#]*)`
/// on a trimmed line without its comment.
fn split_attribute(line: &str) -> Option<(&str, &str)> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    if name_end == 0 {
        return None;
    }
    let name = &line[..name_end];
    let rest = line[name_end..].trim_start_matches(is_ws);
    let value = rest.strip_prefix('=')?.trim_start_matches(is_ws);
    if value.is_empty() {
        return None;
    }
    Some((name, value))
}

/// Splits a comma list like Android (`\s*,\s*`, trailing empty items dropped).
fn split_list(value: &str) -> Vec<&str> {
    let mut items: Vec<&str> = value.split(',').map(trim).collect();
    while items.len() > 1 && items.last().is_some_and(|s| s.is_empty()) {
        items.pop();
    }
    items
}

/// An integer as Java's `Integer.parseInt` reads it (sign allowed, 32-bit).
fn java_int(value: &str) -> Result<i64, Bad> {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return bad(
            ErrorKind::InvalidNumber,
            format!("{} is not a number", shown(value)),
        );
    }
    match value.parse::<i32>() {
        Ok(n) => Ok(i64::from(n)),
        Err(_) => bad(
            ErrorKind::InvalidNumber,
            format!("{} is too large a number", shown(value)),
        ),
    }
}

fn parse_fwmark(value: &str) -> Result<Option<u32>, Bad> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let (digits, radix) = match value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (value, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return bad(
            ErrorKind::InvalidNumber,
            format!(
                "{} is not a number (decimal, 0x hex, or `off`)",
                shown(value)
            ),
        );
    }
    match u32::from_str_radix(digits, radix) {
        Ok(mark) => Ok((mark != 0).then_some(mark)),
        Err(_) => bad(
            ErrorKind::InvalidValue,
            format!("{} does not fit in 32 bits", shown(value)),
        ),
    }
}

/// `address[/prefix]`; no prefix means a host (/32 or /128). Host bits are kept.
fn parse_network(item: &str) -> Result<IpNetwork, Bad> {
    let (addr, prefix) = match item.rsplit_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix)),
        None => (item, None),
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return bad(
            ErrorKind::InvalidValue,
            format!("{} is not an IP address or network", shown(item)),
        );
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) => match p.parse::<u8>() {
            Ok(n) if n <= max && p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return bad(
                    ErrorKind::InvalidValue,
                    format!("{}: the prefix length must be 0–{max}", shown(item)),
                )
            }
        },
    };
    IpNetwork::new(ip, prefix).or_else(|_| {
        bad(
            ErrorKind::InvalidValue,
            format!("{} is not a network", shown(item)),
        )
    })
}

/// A DNS hostname as the Android app accepts it (labels of letters, digits and
/// inner hyphens, up to 63 characters, 255 in total, optional final dot), and not
/// all-numeric (a mistyped IPv4 address is rejected rather than taken as a name).
fn is_hostname(s: &str) -> bool {
    if s.is_empty() || s.len() > 255 {
        return false;
    }
    let body = s.strip_suffix('.').unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    let mut all_numeric = true;
    for label in body.split('.') {
        let bytes = label.as_bytes();
        if bytes.is_empty()
            || bytes.len() > 63
            || !bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            || bytes[0] == b'-'
            || bytes[bytes.len() - 1] == b'-'
        {
            return false;
        }
        if !bytes.iter().all(u8::is_ascii_digit) {
            all_numeric = false;
        }
    }
    !all_numeric
}

/// `host:port`, `[v6]:port` or `name:port`; the port is required (1–65535).
fn parse_endpoint(value: &str) -> Result<Endpoint, Bad> {
    let invalid = |why: &str| {
        bad::<Endpoint>(
            ErrorKind::InvalidValue,
            format!("{} is not an endpoint: {why}", shown(value)),
        )
    };
    if value.contains(['/', '?', '#']) || value.contains(is_ws) {
        return invalid("it contains forbidden characters");
    }
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return invalid("missing `]`");
        };
        let Ok(ip) = inside.parse::<Ipv6Addr>() else {
            return invalid("the part in brackets is not an IPv6 address");
        };
        let Some(port) = after.strip_prefix(':') else {
            return invalid("a port is required (`[v6]:port`)");
        };
        (EndpointHost::Ip(IpAddr::V6(ip)), port)
    } else {
        let Some((host, port)) = value.rsplit_once(':') else {
            return invalid("a port is required (`host:port`)");
        };
        if host.contains(':') {
            return invalid("put an IPv6 address in brackets (`[v6]:port`)");
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            (EndpointHost::Ip(ip), port)
        } else if is_hostname(host) {
            (EndpointHost::Name(host.to_owned()), port)
        } else {
            return invalid("the host is neither an IP address nor a hostname");
        }
    };
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return invalid("the port must be 1–65535");
    }
    match port.parse::<u16>() {
        Ok(port) if port != 0 => Ok(Endpoint { host, port }),
        _ => invalid("the port must be 1–65535"),
    }
}
